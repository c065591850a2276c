//! Changes to messages (extension 11): ours, asked for through a
//! [`crate::Client`], and other people's, received. The rules live in the
//! store (`store/changes.rs`); here is what travels and what is told.

use super::Engine;
use crate::clock::now_ms;
use crate::error::ClientError;
use crate::event::Event;
use crate::model::{ConversationId, Deletion, MessageChange, StoredMessage};
use crate::protocol::{
    Body, DeleteBody, EditBody, Envelope, MAX_ENVELOPE_BYTES, MessageId, ReactionBody, UserId,
    check_reaction,
};
use crate::store::{Change, ChangeKind, ChangeOutcome, OutboxEntry};

/// A received edit, delete or reaction as a [`Change`] (the sender is the
/// topic's; `None` for any other body).
pub(super) fn incoming_change(
    id: MessageId,
    ts: i64,
    conversation: ConversationId,
    sender: UserId,
    body: Body,
) -> Option<Change> {
    let (of, kind) = match body {
        Body::Edit(EditBody { of, text }) => (of, ChangeKind::Edit(text)),
        Body::Delete(DeleteBody { of }) => (of, ChangeKind::Delete(Deletion::Everyone)),
        Body::Reaction(ReactionBody { of, emoji, on }) => (of, ChangeKind::React { emoji, on }),
        _ => return None,
    };
    Some(Change {
        id,
        of,
        conversation,
        sender,
        ts,
        kind,
    })
}

impl Engine {
    /// Applies received changes (each with the topic it came on, for the
    /// drop counter) and tells what they changed. False if the store
    /// failed: then nothing of the batch is acknowledged.
    pub(super) fn apply_changes(&mut self, changes: Vec<(Change, String)>) -> bool {
        if changes.is_empty() {
            return true;
        }
        let (changes, topics): (Vec<Change>, Vec<String>) = changes.into_iter().unzip();
        let outcomes = match self.store.apply_changes(&changes) {
            Ok(outcomes) => outcomes,
            Err(e) => {
                tracing::error!("cannot store changes to messages: {e}");
                return false;
            }
        };
        let mut changed: Vec<MessageId> = Vec::new();
        for ((change, topic), outcome) in changes.iter().zip(&topics).zip(outcomes) {
            match outcome {
                ChangeOutcome::Applied if !changed.contains(&change.of) => changed.push(change.of),
                ChangeOutcome::Refused(why) => self.count_drop(why, topic),
                _ => {}
            }
        }
        for id in changed {
            self.tell_changed(id);
        }
        true
    }

    /// Emits the message as it now is.
    fn tell_changed(&mut self, id: MessageId) {
        match self.store.message(id) {
            Ok(Some(message)) => self.emit(Event::Changed { message }),
            Ok(None) => {}
            Err(e) => tracing::error!("cannot read a changed message: {e}"),
        }
    }

    /// Makes one of our changes: checks it, applies it locally and queues
    /// what tells the others, in one transaction.
    pub(super) fn change_message(
        &mut self,
        of: MessageId,
        change: MessageChange,
    ) -> Result<StoredMessage, ClientError> {
        let message = self
            .store
            .message(of)?
            .ok_or(ClientError::NoSuchMessage(of))?;
        let conversation = message.conversation.clone();
        let (body, kind) = match change {
            MessageChange::Edit(text) => {
                crate::engine::checked_envelope(&self.me, &text, None)?;
                (
                    Some(Body::Edit(EditBody {
                        of,
                        text: text.clone(),
                    })),
                    ChangeKind::Edit(text),
                )
            }
            MessageChange::Delete => (
                Some(Body::Delete(DeleteBody { of })),
                ChangeKind::Delete(Deletion::Everyone),
            ),
            MessageChange::DeleteForMe => {
                refuse_if_queued(&message)?;
                (None, ChangeKind::Delete(Deletion::Me))
            }
            MessageChange::React { emoji, on } => {
                check_reaction(&emoji).map_err(ClientError::BadReaction)?;
                (
                    Some(Body::Reaction(ReactionBody {
                        of,
                        emoji: emoji.clone(),
                        on,
                    })),
                    ChangeKind::React { emoji, on },
                )
            }
        };
        if body.is_some() {
            check_changeable(&message, &kind, &self.me)?;
        }
        let envelope = body.map(|body| Envelope::new(body, &self.me, now_ms()));
        let publish = match &envelope {
            Some(envelope) => Some(self.change_publish(&conversation, envelope)?),
            None => None,
        };
        let change = Change {
            id: envelope.as_ref().map_or_else(uuid::Uuid::now_v7, |e| e.id),
            of,
            conversation: conversation.clone(),
            sender: self.me.clone(),
            ts: envelope.as_ref().map_or_else(now_ms, |e| e.ts),
            kind,
        };
        match self.store.apply_own_change(&change, publish.as_ref())? {
            ChangeOutcome::Applied if change.kind == ChangeKind::Delete(Deletion::Me) => {
                self.emit(Event::Removed {
                    conversation,
                    id: of,
                });
            }
            ChangeOutcome::Applied => self.tell_changed(of),
            ChangeOutcome::Refused("too_many_reactions") => {
                return Err(ClientError::BadReaction("at most 20 on one message"));
            }
            _ => {}
        }
        self.store
            .message(of)?
            .ok_or(ClientError::NoSuchMessage(of))
    }

    /// The publish that carries one of our changes to the conversation.
    fn change_publish(
        &self,
        conversation: &ConversationId,
        envelope: &Envelope,
    ) -> Result<OutboxEntry, ClientError> {
        let topic = self
            .message_topic(conversation)
            .ok_or(ClientError::NoChangesBySms)?;
        let payload = envelope.encode();
        if payload.len() > MAX_ENVELOPE_BYTES {
            return Err(ClientError::Unsendable(
                crate::protocol::DecodeError::TooLarge { len: payload.len() },
            ));
        }
        Ok(OutboxEntry {
            topic: topic.render(&self.prefix),
            payload,
            qos: 1,
            retain: false,
        })
    }
}

/// Hiding one of our messages that has not left yet would not stop it.
pub(crate) fn refuse_if_queued(message: &StoredMessage) -> Result<(), ClientError> {
    if message.outgoing && message.status == crate::model::MessageStatus::Queued {
        return Err(ClientError::StillQueued);
    }
    Ok(())
}

/// Whether a change that travels may be made to this message, in words
/// (the store would refuse the same silently).
fn check_changeable(
    message: &StoredMessage,
    kind: &ChangeKind,
    me: &UserId,
) -> Result<(), ClientError> {
    if matches!(message.conversation, ConversationId::Phone(_)) {
        return Err(ClientError::NoChangesBySms);
    }
    if message.changes.deleted.is_some() {
        return Err(ClientError::MessageDeleted);
    }
    let authors_only = matches!(kind, ChangeKind::Edit(_) | ChangeKind::Delete(_));
    if authors_only && &message.sender != me {
        return Err(ClientError::NotYourMessage);
    }
    Ok(())
}
