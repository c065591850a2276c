//! Queuing what the user sends (a burst in one transaction, under a given
//! id when the gateway bridge asks), retrying, and telling listeners what
//! became of it.

use super::engine::{Engine, MAX_BURST};
use super::{SendRequest, SmsCommand};
use crate::clock::now_ms;
use crate::error::ClientError;
use crate::event::Event;
use crate::model::{ConversationId, MessageStatus, StoredMessage};
use crate::protocol::MessageId;
use crate::store::sms::{NewPart, SmsUpdate};

impl Engine {
    /// The first time this process sends a message another process
    /// queued, it tells its listeners about the message.
    pub fn announce(&mut self, id: MessageId) {
        if !self.mine.insert(id) {
            return;
        }
        match self.store.message(id) {
            Ok(Some(message)) => {
                let _ = self.events.send(Event::Message { message });
            }
            Ok(None) => {}
            Err(e) => tracing::warn!("cannot read a queued SMS: {e}"),
        }
    }

    /// Queues `first` and the sends already waiting behind it in one
    /// transaction (a burst costs one commit); returns the first other
    /// command taken off the queue, to run next, in order.
    pub fn queue_burst(&mut self, first: SendRequest) -> Option<SmsCommand> {
        let mut burst = vec![first];
        let mut next = None;
        while burst.len() < MAX_BURST {
            match self.commands.try_recv() {
                Ok(SmsCommand::Send(request)) => burst.push(request),
                Ok(other) => {
                    next = Some(other);
                    break;
                }
                Err(_) => break,
            }
        }
        let mut ready = Vec::new();
        let mut replies = Vec::new();
        for request in burst {
            if let Some(id) = request.id {
                match self.store.message(id) {
                    Ok(Some(stored)) => {
                        let _ = request.reply.send(Ok(stored));
                        continue;
                    }
                    Ok(None) => {}
                    Err(e) => {
                        let _ = request.reply.send(Err(e.into()));
                        continue;
                    }
                }
            }
            if ready
                .iter()
                .any(|(m, _): &(StoredMessage, Vec<NewPart>)| Some(m.id) == request.id)
            {
                let _ = request.reply.send(Err(ClientError::NotQueued(
                    "the same message twice in one burst".into(),
                )));
                continue;
            }
            match self.prepare(request.id, request.to, &request.text, request.at_time) {
                Ok(prepared) => {
                    ready.push(prepared);
                    replies.push(request.reply);
                }
                Err(e) => {
                    let _ = request.reply.send(Err(e));
                }
            }
        }
        if let Err(e) = self.store.sms_enqueue_many(&ready) {
            let why = e.to_string();
            for reply in replies {
                let _ = reply.send(Err(ClientError::NotQueued(why.clone())));
            }
            return next;
        }
        for ((msg, _), reply) in ready.into_iter().zip(replies) {
            self.mine.insert(msg.id);
            let _ = self.events.send(Event::Message {
                message: msg.clone(),
            });
            let _ = reply.send(Ok(msg));
        }
        next
    }

    /// A message and its parts, ready to store.
    fn prepare(
        &mut self,
        id: Option<MessageId>,
        to: crate::model::PhoneNumber,
        text: &str,
        at_time: String,
    ) -> Result<(StoredMessage, Vec<NewPart>), ClientError> {
        if text.trim().is_empty() {
            return Err(ClientError::EmptyMessage);
        }
        self.reference = self.reference.wrapping_add(1);
        let encoded = tether_cmpp::text::split(text, self.reference, self.account.chinese())?;
        let dest = to.as_str().trim_start_matches('+').to_owned();
        let parts: Vec<NewPart> = encoded
            .parts
            .into_iter()
            .map(|p| NewPart {
                dest: dest.clone(),
                msg_fmt: encoded.msg_fmt,
                content: p.content,
                udhi: p.udhi,
                part: p.number,
                total: p.total,
                at_time: at_time.clone(),
            })
            .collect();
        let msg = StoredMessage {
            id: id.unwrap_or_else(uuid::Uuid::now_v7),
            conversation: ConversationId::Phone(to),
            sender: self.me.clone(),
            ts: now_ms(),
            seq: None,
            text: text.to_owned(),
            reply_to: None,
            outgoing: true,
            status: MessageStatus::Queued,
            unsupported: false,
        };
        Ok((msg, parts))
    }

    pub(super) fn retry(&mut self, id: MessageId) -> Result<(), ClientError> {
        match self.store.sms_retry(id)? {
            Some(update) => {
                self.mine.insert(id);
                self.tell(&[update]);
                Ok(())
            }
            None => Err(ClientError::NotFailed(id)),
        }
    }

    /// Events for messages whose delivery changed.
    pub fn tell(&mut self, updates: &[SmsUpdate]) {
        for u in updates {
            if matches!(u.status, MessageStatus::Delivered | MessageStatus::Failed) && self.owner {
                self.mine.remove(&u.id);
            }
            let _ = self.events.send(Event::Status {
                id: u.id,
                status: u.status,
            });
            let _ = self.events.send(Event::SmsDelivery {
                id: u.id,
                delivery: u.delivery.clone(),
            });
        }
    }
}
