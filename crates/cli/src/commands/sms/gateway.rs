//! `tether sms-gateway`: one process holds the SP's link to the operator
//! (operators allow-list one address and cap links per SP) and bridges it
//! into the team's MQTT chat as the SMS gateway user (docs/protocol.md,
//! extension 10): texts users ask for go to the phones, what became of
//! them goes back to who asked, and SMS from phones go to the user who
//! last texted that number (or the default user).
//!
//! Nothing is lost on either hop: a request is acknowledged to the broker
//! only once stored (the chat engine's rule), sent under its own id (a
//! request seen twice goes once), and at start every stored request not yet
//! in the SMS outbox is sent, every known delivery told again, and the last
//! day's SMS from phones passed on again (receivers ignore repeats by id).

use std::time::Duration;

use tether_core::account::Paths;
use tether_core::account::sms::ConnectionMode;
use tether_core::model::{ConnectionState, ConversationId, StoredMessage};
use tether_core::protocol::{Body, SmsBody, SmsStatusBody, UserId};
use tether_core::sms::SmsClient;
use tether_core::{Client, Event};

use super::super::{next_event, print_json};
use crate::args::AccountArgs;
use crate::failure::CliError;
use crate::session;

/// Requests looked at per phone conversation when catching up at start.
const CATCH_UP: usize = 1000;
/// SMS from phones this recent are passed on again at start.
const PASS_ON_AGAIN_MS: i64 = 24 * 3600 * 1000;
/// How long the start waits for the chat link before bridging anyway.
const READY_WAIT: Duration = Duration::from_secs(30);

pub async fn run(
    chat_args: &AccountArgs,
    sms_name: Option<&str>,
    default_user: UserId,
    paths: &Paths,
) -> Result<(), CliError> {
    let mut account = session::resolve(chat_args, paths)?;
    account.serves_sms = true;
    let me = account.user.clone();
    let chat = session::start(account, paths).await?;
    let sms = super::start(sms_name, paths, |a| a.mode = ConnectionMode::Long).await?;
    if !sms.owns_link() {
        chat.shutdown().await;
        sms.shutdown().await;
        return Err(CliError::Usage(
            "another Tether process holds this SMS account's link; stop it first".into(),
        ));
    }
    let bridge = Bridge {
        chat,
        sms,
        me,
        default_user,
    };
    let result = bridge.run().await;
    bridge.chat.shutdown().await;
    bridge.sms.shutdown().await;
    result
}

struct Bridge {
    chat: Client,
    sms: SmsClient,
    me: UserId,
    default_user: UserId,
}

impl Bridge {
    async fn run(&self) -> Result<(), CliError> {
        let mut chat_events = self.chat.subscribe();
        let mut sms_events = self.sms.subscribe();
        // Users' requests reach us only once the broker holds our
        // subscription: say when that is, for scripts (and tests) to wait on.
        let mut state = self.chat.connection();
        let up = tokio::time::timeout(
            READY_WAIT,
            state.wait_for(|s| matches!(s, ConnectionState::Connected { .. })),
        )
        .await;
        if up.is_err() {
            tracing::warn!("the chat broker is not reachable yet; bridging as soon as it is");
        }
        self.catch_up().await?;
        print_json(&serde_json::json!({
            "type": "sms_gateway",
            "user": self.me,
            "chat_connected": up.is_ok(),
        }))?;
        tracing::info!(gateway = %self.me, "bridging SMS into the chat");
        loop {
            tokio::select! {
                event = next_event(&mut chat_events) => match event {
                    Some(Event::Message { message }) => self.requested(&message).await?,
                    Some(_) => {}
                    None => return Ok(()),
                },
                event = next_event(&mut sms_events) => match event {
                    Some(Event::SmsDelivery { id, delivery }) => {
                        self.tell_delivery(id, delivery).await?;
                    }
                    Some(Event::Message { message }) if !message.outgoing => {
                        self.phone_wrote(&message).await?;
                    }
                    Some(_) => {}
                    None => return Ok(()),
                },
                _ = tokio::signal::ctrl_c() => return Ok(()),
            }
        }
    }

    /// A user asked us to text a phone.
    async fn requested(&self, message: &StoredMessage) -> Result<(), CliError> {
        let ConversationId::Phone(phone) = &message.conversation else {
            return Ok(());
        };
        if message.outgoing || message.sender == self.me {
            return Ok(());
        }
        self.sms
            .send_as(message.id, phone.clone(), &message.text)
            .await?;
        Ok(())
    }

    /// What became of a text: told to the user who asked for it.
    async fn tell_delivery(
        &self,
        id: tether_core::protocol::MessageId,
        delivery: tether_core::model::SmsDelivery,
    ) -> Result<(), CliError> {
        let Some(request) = self.chat.message(id).await? else {
            // Sent from this process's own account, not asked for.
            return Ok(());
        };
        let body = Body::SmsStatus(SmsStatusBody {
            ids: vec![id],
            delivery,
        });
        self.chat
            .tell_sms_user(request.sender, uuid::Uuid::now_v7(), body)
            .await?;
        Ok(())
    }

    /// An SMS from a phone: to whoever last texted that number.
    async fn phone_wrote(&self, message: &StoredMessage) -> Result<(), CliError> {
        let ConversationId::Phone(phone) = &message.conversation else {
            return Ok(());
        };
        let asked = self
            .chat
            .history(message.conversation.clone(), None, 50)
            .await?;
        let to = asked
            .iter()
            .rev()
            .find(|m| m.sender.as_str() != phone.as_str().trim_start_matches('+'))
            .map_or_else(|| self.default_user.clone(), |m| m.sender.clone());
        let body = Body::Sms(SmsBody {
            phone: phone.clone(),
            text: message.text.clone(),
        });
        // The SMS's own id: told twice, it is still one message there.
        self.chat.tell_sms_user(to, message.id, body).await?;
        Ok(())
    }

    /// At start: requests stored but not sent yet (a crash between the two
    /// stores) go now, what is known of the others is told again, and SMS
    /// from phones of the last day are passed on again (a crash may have
    /// come between storing one and passing it on; a user who has it
    /// already ignores it by its id).
    async fn catch_up(&self) -> Result<(), CliError> {
        let since = tether_core::clock::now_ms() - PASS_ON_AGAIN_MS;
        for conversation in self.sms.conversations().await? {
            if !matches!(conversation.id, ConversationId::Phone(_)) {
                continue;
            }
            let texts = self.sms.history(conversation.id, None, CATCH_UP).await?;
            for text in texts.iter().filter(|m| !m.outgoing && m.ts >= since) {
                self.phone_wrote(text).await?;
            }
        }
        for conversation in self.chat.conversations().await? {
            if !matches!(conversation.id, ConversationId::Phone(_)) {
                continue;
            }
            let requests = self.chat.history(conversation.id, None, CATCH_UP).await?;
            for request in requests
                .iter()
                .filter(|m| !m.outgoing && m.sender != self.me)
            {
                match self.sms.delivery(request.id).await? {
                    None => self.requested(request).await?,
                    Some(delivery) => self.tell_delivery(request.id, delivery).await?,
                }
            }
        }
        Ok(())
    }
}
