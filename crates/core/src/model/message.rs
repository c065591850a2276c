//! Messages as stored and shown, their delivery states, and gaps.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::ConversationId;
use super::change::MessageChanges;
use super::ser::ser_user;
use crate::protocol::{MessageId, UserId};

/// Delivery state of a stored message.
///
/// Outgoing messages move `Queued -> Sent -> Delivered -> Read` and never back,
/// but for `Queued <-> Failed` (set aside after the broker kept refusing it,
/// queued again by a retry); incoming messages are always `Received`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageStatus {
    /// Committed to the outbox, not yet acknowledged by the broker.
    Queued,
    /// The broker acknowledged the publish (PUBACK).
    Sent,
    /// A recipient stored it durably.
    Delivered,
    /// A recipient showed it in a focused window.
    Read,
    /// An incoming message (status of other people's messages is not tracked).
    Received,
    /// Set aside: the broker closed the link each time it was published, so
    /// it waits for the user to retry or delete it (the rest of the outbox
    /// goes on without it).
    Failed,
}

impl MessageStatus {
    /// Lowercase name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Queued => "queued",
            MessageStatus::Sent => "sent",
            MessageStatus::Delivered => "delivered",
            MessageStatus::Read => "read",
            MessageStatus::Received => "received",
            MessageStatus::Failed => "failed",
        }
    }
}

impl fmt::Display for MessageStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One chat message as stored locally (ours or someone else's).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredMessage {
    /// Globally unique id (UUIDv7); the de-duplication key.
    pub id: MessageId,
    /// Where the message belongs.
    pub conversation: ConversationId,
    /// Who wrote it (taken from the topic, never the payload).
    #[serde(serialize_with = "ser_user")]
    pub sender: UserId,
    /// Sender's wall clock, ms since the epoch; with `id` the display order.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub ts: i64,
    /// Per (sender, conversation) counter, used for gap detection.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub seq: Option<u64>,
    /// Message text; for `unsupported` messages the raw envelope JSON.
    pub text: String,
    /// The message this one answers, if any.
    pub reply_to: Option<MessageId>,
    /// Whether we sent it.
    pub outgoing: bool,
    /// Delivery state.
    pub status: MessageStatus,
    /// An envelope of a newer protocol version, kept raw.
    pub unsupported: bool,
    /// Edits, deletion and reactions (extension 11); `text` is already
    /// the latest edit's.
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub changes: MessageChanges,
    /// The file it announces (extension 12), if any.
    pub file: Option<super::attachment::Attachment>,
}

/// A run of sequence numbers that never arrived: `first..=last`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// Conversation the missing messages belong to.
    pub conversation: ConversationId,
    /// Who sent (or should have sent) them.
    #[serde(serialize_with = "ser_user")]
    pub sender: UserId,
    /// First missing seq.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub first: u64,
    /// Last missing seq (inclusive).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub last: u64,
}
