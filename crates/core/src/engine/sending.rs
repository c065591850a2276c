//! Sending chat messages with group commit: `Send` commands already
//! waiting behind the first are taken too (up to [`MAX_BURST`]) and all are
//! committed in one transaction. A user typing sends one at a time and
//! pays one commit each, as before; a burst (a paste, `tether send` reading
//! lines, a backlog) pays one per burst instead of two per message.

use super::Engine;
use super::commands::{Command, SendRequest};
use crate::clock::now_ms;
use crate::error::ClientError;
use crate::event::Event;
use crate::model::{ConversationId, MessageStatus, StoredMessage};
use crate::protocol::{
    Body, Envelope, MAX_TEXT_BYTES, MessageId, MsgBody, SmsBody, Unsequenced, UserId,
};
use crate::store::OutboxEntry;

/// Most messages committed together.
const MAX_BURST: usize = 256;

/// A request that passed the checks, with its envelope (seq still unset).
struct Ready {
    request: SendRequest,
    envelope: Envelope,
    payload: Unsequenced,
    topic: String,
}

impl Engine {
    /// `first` and the `Send`s queued right behind it; the first other
    /// command met is kept in `deferred`, to run next.
    pub(super) fn gather_sends(&mut self, first: SendRequest) -> Vec<SendRequest> {
        let mut burst = vec![first];
        while burst.len() < MAX_BURST && self.deferred.is_none() {
            match self.commands.try_recv() {
                Ok(Command::Send(request)) => burst.push(request),
                Ok(other) => self.deferred = Some(other),
                Err(_) => break,
            }
        }
        burst
    }

    /// Checks each request, commits the good ones together, answers all.
    pub(super) fn send_messages(&mut self, burst: Vec<SendRequest>) {
        let mut ready = Vec::with_capacity(burst.len());
        for request in burst {
            match self.prepare(&request) {
                Ok((envelope, payload, topic)) => ready.push(Ready {
                    request,
                    envelope,
                    payload,
                    topic,
                }),
                Err(e) => {
                    let _ = request.reply.send(Err(e));
                }
            }
        }
        let conversations: Vec<ConversationId> =
            ready.iter().map(|r| r.request.to.clone()).collect();
        let files: Vec<Option<(&crate::protocol::FileBody, &std::path::Path)>> = ready
            .iter()
            .map(|r| r.request.file.as_ref().map(|f| (&f.body, f.path.as_path())))
            .collect();
        let stored = self
            .store
            .enqueue_messages(&conversations, &files, |i, seq| {
                let Ready {
                    request,
                    envelope,
                    payload,
                    topic,
                } = &ready[i];
                let message = StoredMessage {
                    id: envelope.id,
                    conversation: request.to.clone(),
                    sender: self.me.clone(),
                    ts: envelope.ts,
                    seq: Some(seq),
                    text: request.text.clone(),
                    reply_to: request.reply_to,
                    outgoing: true,
                    status: MessageStatus::Queued,
                    unsupported: false,
                    changes: Default::default(),
                    file: None,
                };
                let entry = OutboxEntry {
                    topic: topic.clone(),
                    payload: payload.with_seq(seq),
                    qos: 1,
                    retain: false,
                };
                (message, entry)
            });
        match stored {
            Ok(messages) => {
                self.messages_stored();
                for (mut message, r) in messages.into_iter().zip(ready) {
                    if r.request.file.is_some() {
                        // Shown with its file; the file session pushes it.
                        if let Ok(Some(stored)) = self.store.message(message.id) {
                            message = stored;
                        }
                        self.tell_files(crate::transfer::session::Notice::Sent {
                            message: message.id,
                        });
                    }
                    self.emit(Event::Message {
                        message: message.clone(),
                    });
                    let _ = r.request.reply.send(Ok(message));
                }
            }
            Err(e) => {
                tracing::error!("cannot queue messages: {e}");
                for r in ready {
                    let _ = r
                        .request
                        .reply
                        .send(Err(ClientError::NotQueued(e.to_string())));
                }
            }
        }
    }

    /// The checks a message must pass before it gets a seq, and its
    /// envelope, payload (but for the seq) and topic.
    fn prepare(
        &mut self,
        request: &SendRequest,
    ) -> Result<(Envelope, Unsequenced, String), ClientError> {
        let topic = self
            .message_topic(&request.to)
            .ok_or_else(|| ClientError::WrongChannel(request.to.clone()))?;
        let (envelope, payload) = match &request.to {
            ConversationId::Phone(phone) => checked_sms(&self.me, phone, &request.text)?,
            _ => checked_message(
                &self.me,
                &request.text,
                request.reply_to,
                request.file.as_ref().map(|f| &f.body),
            )?,
        };
        if let ConversationId::Room(room) = &request.to {
            self.ensure_joined(room)?;
        }
        Ok((envelope, payload, topic.render(&self.prefix)))
    }
}

/// A text for `phone`, from `me` to the SMS gateway user, checked as a
/// chat message is.
fn checked_sms(
    me: &UserId,
    phone: &crate::model::PhoneNumber,
    text: &str,
) -> Result<(Envelope, Unsequenced), ClientError> {
    let (_, _) = checked_envelope(me, text, None)?;
    let body = Body::Sms(SmsBody {
        phone: phone.clone(),
        text: text.to_owned(),
    });
    let envelope = Envelope::new(body, me, now_ms());
    let payload = envelope
        .encode_unsequenced()
        .map_err(ClientError::Unsendable)?;
    Ok((envelope, payload))
}

/// A message from `me` with this text, checked as sending checks it: not
/// empty, within [`MAX_TEXT_BYTES`], and within the envelope limit once
/// encoded. Pure, so a batch can be checked whole before any of it is
/// queued (see [`crate::Client::check_text`]).
pub(crate) fn checked_envelope(
    me: &UserId,
    text: &str,
    reply_to: Option<MessageId>,
) -> Result<(Envelope, Unsequenced), ClientError> {
    checked_message(me, text, reply_to, None)
}

/// [`checked_envelope`] for a message that may announce a file; with a
/// file the text (its caption) may be empty.
fn checked_message(
    me: &UserId,
    text: &str,
    reply_to: Option<MessageId>,
    file: Option<&crate::protocol::FileBody>,
) -> Result<(Envelope, Unsequenced), ClientError> {
    if text.trim().is_empty() && file.is_none() {
        return Err(ClientError::EmptyMessage);
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(ClientError::MessageTooLong {
            len: text.len(),
            max: MAX_TEXT_BYTES,
        });
    }
    let body = Body::Msg(MsgBody {
        text: text.to_owned(),
        file: file.map(|f| Box::new(f.clone())),
    });
    let mut envelope = Envelope::new(body, me, now_ms());
    envelope.reply_to = reply_to;
    // Receivers drop an envelope over the size limit (64 KiB of control
    // characters grows past 256 KiB once escaped): refused here.
    let payload = envelope
        .encode_unsequenced()
        .map_err(ClientError::Unsendable)?;
    Ok((envelope, payload))
}
