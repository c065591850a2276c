//! Queuing what the user sends (a burst in one transaction, under a given
//! id when the gateway bridge asks), retrying, and telling listeners what
//! became of it.

use super::engine::{Engine, MAX_BURST};
use super::{Reply, SendRequest, SmsCommand};
use crate::clock::now_ms;
use crate::error::ClientError;
use crate::event::Event;
use crate::model::{ConversationId, MessageStatus, StoredMessage};
use crate::protocol::MessageId;
use crate::store::sms::{NewPart, SmsUpdate};

/// Texts ready to queue, and where each one's answer goes.
#[derive(Default)]
pub(super) struct Burst {
    pub rows: Vec<(StoredMessage, Vec<NewPart>)>,
    pub replies: Vec<Reply<StoredMessage>>,
}

impl Burst {
    pub(super) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub(super) fn append(&mut self, mut other: Burst) {
        self.rows.append(&mut other.rows);
        self.replies.append(&mut other.replies);
    }

    /// Puts `earlier` (sent before, not stored: its commit failed) in
    /// front of what was sent since.
    pub(super) fn put_back(&mut self, mut earlier: Burst) {
        earlier.append(std::mem::take(self));
        *self = earlier;
    }
}

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

    /// Takes `first` and the sends already waiting behind it (a burst,
    /// queued in one transaction); answers at once those that need
    /// nothing queued (an id stored already, an empty text); returns the
    /// rest, and the first other command taken off the queue, to run
    /// next, in order.
    pub fn gather_burst(&mut self, first: SendRequest) -> (Burst, Option<SmsCommand>) {
        let mut requests = vec![first];
        let mut next = None;
        while requests.len() < MAX_BURST {
            match self.commands.try_recv() {
                Ok(SmsCommand::Send(request)) => requests.push(request),
                Ok(other) => {
                    next = Some(other);
                    break;
                }
                Err(_) => break,
            }
        }
        let mut burst = Burst::default();
        for request in requests {
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
            match self.prepare(request.id, request.to, &request.text, request.at_time) {
                Ok(prepared) => {
                    burst.rows.push(prepared);
                    burst.replies.push(request.reply);
                }
                Err(e) => {
                    let _ = request.reply.send(Err(e));
                }
            }
        }
        (burst, next)
    }

    /// Queues a burst in a transaction of its own (between links).
    pub fn queue_now(&mut self, burst: Burst) {
        let stored = self.store.sms_enqueue_many(&burst.rows);
        self.burst_stored(burst, stored.map_err(|e| e.to_string()));
    }

    /// Tells a burst's senders and listeners that it is stored (`stored`:
    /// for each message, whether it was queued now; false: its id was
    /// stored already, and the stored message answers).
    pub fn burst_stored(&mut self, burst: Burst, stored: Result<Vec<bool>, String>) {
        let queued = match stored {
            Ok(queued) => queued,
            Err(why) => {
                for reply in burst.replies {
                    let _ = reply.send(Err(ClientError::NotQueued(why.clone())));
                }
                return;
            }
        };
        for (((msg, _), reply), new) in burst.rows.into_iter().zip(burst.replies).zip(queued) {
            if !new {
                let stored = self.store.message(msg.id).map_err(ClientError::from);
                let _ = reply.send(stored.and_then(|m| m.ok_or(ClientError::Stopped)));
                continue;
            }
            self.mine.insert(msg.id);
            let _ = self.events.send(Event::Message {
                message: msg.clone(),
            });
            let _ = reply.send(Ok(msg));
        }
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
            changes: Default::default(),
            file: None,
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
