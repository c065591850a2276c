//! Value types the store hands in and out.
//!
//! They are plain data (no database handles) so the engine can send them over
//! channels and the UI/CLI can serialize them as JSON lines.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::StoreError;
use crate::protocol::{MessageId, PresenceState, RoomId, UserId};

/// A conversation: a direct chat with one user, or a room.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, type = "string"))]
pub enum ConversationId {
    /// One-to-one chat with this user.
    Direct(UserId),
    /// Group chat in this room.
    Room(RoomId),
}

impl ConversationId {
    /// Stable text key (`u:bob`, `r:dev`) used in the database and in JSON.
    ///
    /// The prefix keeps a user and a room with the same name apart.
    pub fn key(&self) -> String {
        match self {
            ConversationId::Direct(u) => format!("u:{}", u.as_str()),
            ConversationId::Room(r) => format!("r:{}", r.as_str()),
        }
    }

    /// Inverse of [`ConversationId::key`].
    pub fn parse_key(key: &str) -> Result<Self, StoreError> {
        let bad = || StoreError::corrupt(format!("conversation key {key:?}"));
        let (kind, id) = key.split_once(':').ok_or_else(bad)?;
        match kind {
            "u" => UserId::from_str(id)
                .map(ConversationId::Direct)
                .map_err(|_| bad()),
            "r" => RoomId::from_str(id)
                .map(ConversationId::Room)
                .map_err(|_| bad()),
            _ => Err(bad()),
        }
    }

    /// Whether this is a room conversation.
    pub fn is_room(&self) -> bool {
        matches!(self, ConversationId::Room(_))
    }
}

impl fmt::Display for ConversationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

impl Serialize for ConversationId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.key())
    }
}

impl<'de> Deserialize<'de> for ConversationId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let key = String::deserialize(d)?;
        ConversationId::parse_key(&key).map_err(serde::de::Error::custom)
    }
}

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

impl fmt::Display for MessageStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Serializes a user id as its plain string, so JSON output does not depend on
/// how the protocol module chooses to derive serde for its newtypes.
fn ser_user<S: Serializer>(u: &UserId, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(u.as_str())
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
}

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

/// Outcome of storing one incoming message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stored {
    /// The message was new and is now stored.
    New {
        /// A gap this message revealed (its seq jumped ahead).
        gap: Option<Gap>,
        /// Previously-missing seqs this message filled.
        filled: Vec<u64>,
    },
    /// We already had a message with this id; nothing changed.
    Duplicate,
}

/// One line of the conversation list.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConversationSummary {
    /// The conversation.
    pub id: ConversationId,
    /// Display title (room name); `None` for direct chats.
    pub title: Option<String>,
    /// Timestamp of the newest message by `(ts, id)`.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub last_ts: Option<i64>,
    /// Text of the newest message; `None` if it was an unsupported envelope.
    pub last_text: Option<String>,
    /// Sender of the newest message.
    #[serde(serialize_with = "ser_opt_user")]
    pub last_sender: Option<UserId>,
    /// Incoming messages not yet marked read.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub unread: u64,
}

fn ser_opt_user<S: Serializer>(u: &Option<UserId>, s: S) -> Result<S::Ok, S::Error> {
    match u {
        Some(u) => s.serialize_some(u.as_str()),
        None => s.serialize_none(),
    }
}

/// A room we know about, with its currently announced members.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Room {
    /// Room id.
    pub id: RoomId,
    /// Display name, if one was ever announced or chosen.
    pub name: Option<String>,
    /// Members present according to retained room metadata, sorted.
    pub members: Vec<UserId>,
}

/// The newest presence we saw for a user.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PresenceRecord {
    /// Whose presence.
    pub user: UserId,
    /// Their state.
    pub state: PresenceState,
    /// When they reported it (ms since the epoch).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub ts: i64,
}
