//! Requests from [`crate::Client`] handles and how the engine applies them.

use std::ops::ControlFlow;
use std::time::Duration;

use rumqttc::QoS;
use tokio::sync::oneshot;

use super::Engine;
use super::driver::Control;
use crate::clock::now_ms;
use crate::error::ClientError;
use crate::event::Event;
use crate::model::{ConversationId, MessageChange, MessageStatus, PresenceState, StoredMessage};
use crate::protocol::{Body, Envelope, MessageId, ReceiptStatus, RoomId, Topic, TypingBody};

type Reply<T> = oneshot::Sender<Result<T, ClientError>>;

/// One message to send and where its answer goes.
#[derive(Debug)]
pub(crate) struct SendRequest {
    pub to: ConversationId,
    pub text: String,
    pub reply_to: Option<MessageId>,
    /// A file the message announces (extension 12), already on disk.
    pub file: Option<Box<OutgoingFile>>,
    pub reply: Reply<StoredMessage>,
}

/// A file to send: its announcement and where its bytes are.
#[derive(Debug)]
pub(crate) struct OutgoingFile {
    pub body: crate::protocol::FileBody,
    pub path: std::path::PathBuf,
}

#[derive(Debug)]
pub(crate) enum Command {
    Send(SendRequest),
    MarkRead {
        conversation: ConversationId,
        reply: Reply<usize>,
    },
    Join {
        room: RoomId,
        name: Option<String>,
        reply: Reply<()>,
    },
    Leave {
        room: RoomId,
        reply: Reply<()>,
    },
    /// Names a room and sets its topic, for every member.
    SetRoomInfo {
        room: RoomId,
        name: Option<String>,
        topic: Option<String>,
        reply: Reply<()>,
    },
    /// An edit, delete or reaction of ours (extension 11).
    Change {
        of: MessageId,
        change: MessageChange,
        reply: Reply<StoredMessage>,
    },
    RetryFailed {
        id: MessageId,
        reply: Reply<()>,
    },
    DeleteFailed {
        id: MessageId,
        reply: Reply<()>,
    },
    SetPresence {
        state: PresenceState,
    },
    Typing {
        conversation: ConversationId,
        active: bool,
    },
    /// The SMS gateway user tells `to` of an SMS or of a delivery
    /// (extension 10), with this envelope id.
    TellSms {
        to: crate::protocol::UserId,
        id: MessageId,
        body: Body,
        reply: Reply<()>,
    },
    /// The file session has a file of `sender`'s whole and verified: its
    /// `delivered` receipt goes now (extension 12).
    FileArrived {
        sender: crate::protocol::UserId,
        message: MessageId,
    },
    /// For the file session (cancel, retry): the engine passes it on.
    FileControl(crate::transfer::session::Notice),
    RetryNow,
    SetPassword {
        user: String,
        password: String,
    },
    Shutdown {
        done: oneshot::Sender<()>,
    },
}

impl Engine {
    pub(super) async fn handle_command(&mut self, command: Command) -> ControlFlow<()> {
        match command {
            Command::Send(first) => {
                let burst = self.gather_sends(first);
                self.send_messages(burst);
            }
            Command::MarkRead {
                conversation,
                reply,
            } => {
                let _ = reply.send(self.mark_read(&conversation));
            }
            Command::Join { room, name, reply } => {
                let _ = reply.send(self.join(&room, name.as_deref()));
            }
            Command::Leave { room, reply } => {
                let _ = reply.send(self.leave(&room));
            }
            Command::SetRoomInfo {
                room,
                name,
                topic,
                reply,
            } => {
                let _ = reply.send(self.set_room_info(&room, name, topic));
            }
            Command::TellSms {
                to,
                id,
                body,
                reply,
            } => {
                let mut envelope = Envelope::new(body, &self.me, now_ms());
                envelope.id = id;
                let topic = Topic::SmsIn {
                    gateway: self.me.clone(),
                    to,
                };
                let queued = self.enqueue(&topic, &envelope, false);
                let _ = reply.send(queued.map(|_| ()).map_err(ClientError::from));
            }
            Command::FileControl(notice) => self.tell_files(notice),
            Command::FileArrived { sender, message } => {
                if let Err(e) = self.send_receipt(&sender, vec![message], ReceiptStatus::Delivered)
                {
                    tracing::error!("cannot queue a receipt for a file: {e}");
                }
                self.pump();
            }
            Command::Change { of, change, reply } => {
                let _ = reply.send(self.change_message(of, change));
            }
            Command::RetryFailed { id, reply } => {
                let _ = reply.send(self.retry_failed(id));
            }
            Command::DeleteFailed { id, reply } => {
                let _ = reply.send(self.delete_failed(id));
            }
            Command::SetPresence { state } => {
                self.presence = state;
                self.publish_presence(state);
            }
            Command::Typing {
                conversation,
                active,
            } => self.typing(&conversation, active),
            Command::RetryNow => {
                if let Some(state) = self.supervisor.retry() {
                    self.open_link(state).await;
                }
            }
            Command::SetPassword { user, password } => {
                self.tell_files(crate::transfer::session::Notice::Credentials {
                    user: user.clone(),
                    password: password.clone(),
                });
                let _ = self
                    .control
                    .send(Control::Credentials { user, password })
                    .await;
                if let Some(state) = self.supervisor.retry() {
                    self.open_link(state).await;
                }
            }
            Command::Shutdown { done } => {
                self.shutdown().await;
                // Before saying so: the caller may start the account
                // again at once, and must own its session.
                self.session.release();
                let _ = done.send(());
                return ControlFlow::Break(());
            }
        }
        self.pump();
        ControlFlow::Continue(())
    }

    fn mark_read(&mut self, conversation: &ConversationId) -> Result<usize, ClientError> {
        let unread = self.store.mark_read(conversation)?;
        // Phones get no read receipts (nor does the SMS gateway user).
        let receipts = !matches!(conversation, ConversationId::Phone(_));
        let mut count = 0;
        for (sender, ids) in unread {
            count += ids.len();
            if receipts && sender != self.me {
                self.send_receipt(&sender, ids, ReceiptStatus::Read)?;
            }
        }
        Ok(count)
    }

    fn retry_failed(&mut self, id: MessageId) -> Result<(), ClientError> {
        if !self.store.retry_failed(id)? {
            return Err(ClientError::NotFailed(id));
        }
        self.emit(Event::Status {
            id,
            status: MessageStatus::Queued,
        });
        Ok(())
    }

    fn delete_failed(&mut self, id: MessageId) -> Result<(), ClientError> {
        let conversation = self
            .store
            .delete_failed(id)?
            .ok_or(ClientError::NotFailed(id))?;
        self.emit(Event::Removed { conversation, id });
        Ok(())
    }

    fn typing(&mut self, conversation: &ConversationId, active: bool) {
        // SMS has no typing notices.
        if matches!(conversation, ConversationId::Phone(_)) {
            return;
        }
        let Some(topic) = self.message_topic(conversation) else {
            return;
        };
        let envelope = Envelope::new(Body::Typing(TypingBody { active }), &self.me, now_ms());
        self.publish_now(topic, &envelope, QoS::AtMostOnce, false);
    }

    /// Says goodbye properly: an explicit offline presence (a clean
    /// DISCONNECT suppresses the Last Will), then DISCONNECT.
    pub(super) async fn shutdown(&mut self) {
        self.settle();
        if self.supervisor.is_up() {
            self.flush_acks();
            self.publish_presence(PresenceState::Offline);
            if self.mqtt.try_disconnect().is_ok() {
                self.wait_for_disconnect().await;
            }
        }
        let state = self.supervisor.stop();
        self.stop_probe();
        self.set_state(state);
        let _ = self.control.send(Control::Stop).await;
    }

    /// Waits for the broker to close the link after our DISCONNECT. Closing
    /// it ourselves with unread data (the presence PUBACK) makes the kernel
    /// send a reset, and Mosquitto then treats us as dropped and publishes
    /// the Last Will after our own "offline".
    async fn wait_for_disconnect(&mut self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
        while let Ok(Some((_, event))) =
            tokio::time::timeout_at(deadline, self.link_events.recv()).await
        {
            if let super::driver::DriverEvent::Failed(_) = event {
                return;
            }
        }
    }
}
