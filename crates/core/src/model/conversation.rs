//! Conversations: who a message is with, and a line of the conversation list.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ser::ser_opt_user;
use crate::protocol::{RoomId, UserId};

/// A text that is no conversation key (`u:bob`, `r:dev`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a conversation")]
pub struct KeyError(pub String);

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
    pub fn parse_key(key: &str) -> Result<Self, KeyError> {
        let bad = || KeyError(key.to_owned());
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
