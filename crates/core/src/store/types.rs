//! The store's own value types (the outbox, what storing a message did),
//! and how the model's delivery states are encoded in its tables. The
//! nouns it keeps are in `crate::model`.

use super::StoreError;
use crate::model::{Gap, MessageStatus};
use crate::protocol::MessageId;

/// An MQTT publish waiting in the durable outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxEntry {
    /// Full MQTT topic.
    pub topic: String,
    /// Encoded envelope.
    pub payload: Vec<u8>,
    /// MQTT QoS (0, 1 or 2).
    pub qos: u8,
    /// MQTT retain flag.
    pub retain: bool,
}

/// An outbox row as read back for (re)publishing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxRow {
    /// Autoincrement id: the publish order, never reused.
    pub id: i64,
    /// What to publish.
    pub entry: OutboxEntry,
    /// The chat message this publish carries, if any.
    pub message_id: Option<MessageId>,
    /// Links the broker closed while this was the oldest publish it had
    /// not acknowledged (see `engine/suspects.rs`).
    pub strikes: u32,
}

/// Outcome of storing one incoming message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stored {
    /// The message was new and is now stored.
    New {
        /// A gap this message revealed (its seq jumped ahead).
        gap: Option<Gap>,
        /// Previously-missing seqs this message filled.
        filled: Vec<u64>,
        /// What the changes that came before it did (extension 11).
        late: super::SettledChanges,
    },
    /// We already had a message with this id; nothing changed.
    Duplicate,
}

impl MessageStatus {
    /// Integer stored in `messages.status`. The outgoing states are ordered so
    /// SQL can raise them monotonically with `max()`/`<` comparisons.
    pub(crate) fn code(self) -> i64 {
        match self {
            MessageStatus::Queued => 0,
            MessageStatus::Sent => 1,
            MessageStatus::Delivered => 2,
            MessageStatus::Read => 3,
            MessageStatus::Received => 10,
            // Below Queued: an ack or receipt for an earlier publish of it
            // still raises it, as SQL raises states with `<`.
            MessageStatus::Failed => -1,
        }
    }

    /// Inverse of [`MessageStatus::code`].
    pub(crate) fn from_code(code: i64) -> Result<Self, StoreError> {
        Ok(match code {
            0 => MessageStatus::Queued,
            1 => MessageStatus::Sent,
            2 => MessageStatus::Delivered,
            3 => MessageStatus::Read,
            10 => MessageStatus::Received,
            -1 => MessageStatus::Failed,
            other => return Err(StoreError::corrupt(format!("message status code {other}"))),
        })
    }
}
