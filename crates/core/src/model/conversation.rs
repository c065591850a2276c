//! Conversations: who a message is with, and a line of the conversation list.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ser::ser_opt_user;
use crate::protocol::{RoomId, UserId};

/// A telephone number, as SMS gateways write it: an optional `+` and 3 to
/// 20 digits (CMPP's terminal ids are 21 bytes).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(String);

/// A text that is no telephone number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a telephone number: an optional '+' and 3 to 20 digits")]
pub struct PhoneNumberError(pub String);

impl PhoneNumber {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for PhoneNumber {
    type Err = PhoneNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = s.strip_prefix('+').unwrap_or(s);
        if (3..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(PhoneNumber(s.to_owned()))
        } else {
            Err(PhoneNumberError(s.to_owned()))
        }
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A text that is no conversation key (`u:bob`, `r:dev`, `p:+8613800138000`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a conversation")]
pub struct KeyError(pub String);

/// A conversation: a direct chat with one user, a room, or text messages
/// with a telephone number (over an SMS channel).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, type = "string"))]
pub enum ConversationId {
    /// One-to-one chat with this user.
    Direct(UserId),
    /// Group chat in this room.
    Room(RoomId),
    /// SMS with this telephone number.
    Phone(PhoneNumber),
}

impl ConversationId {
    /// Stable text key (`u:bob`, `r:dev`) used in the database and in JSON.
    ///
    /// The prefix keeps a user and a room with the same name apart.
    pub fn key(&self) -> String {
        match self {
            ConversationId::Direct(u) => format!("u:{}", u.as_str()),
            ConversationId::Room(r) => format!("r:{}", r.as_str()),
            ConversationId::Phone(p) => format!("p:{}", p.as_str()),
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
            "p" => PhoneNumber::from_str(id)
                .map(ConversationId::Phone)
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
    /// Text of the newest message; `None` if it was an unsupported envelope
    /// or was deleted (`last_deleted`).
    pub last_text: Option<String>,
    /// The newest message was deleted for everyone: "message deleted".
    pub last_deleted: bool,
    /// Sender of the newest message.
    #[serde(serialize_with = "ser_opt_user")]
    pub last_sender: Option<UserId>,
    /// Incoming messages not yet marked read.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub unread: u64,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_phone_conversation_has_a_key_of_its_own() {
        let phone = ConversationId::Phone("+8613800138000".parse().unwrap());
        assert_eq!(phone.key(), "p:+8613800138000");
        assert_eq!(
            ConversationId::parse_key("p:+8613800138000").unwrap(),
            phone
        );
        assert_eq!(
            ConversationId::parse_key("p:10086").unwrap(),
            ConversationId::Phone("10086".parse().unwrap())
        );
        assert!(!phone.is_room());
        let json = serde_json::to_string(&phone).unwrap();
        assert_eq!(json, "\"p:+8613800138000\"");
    }

    #[test]
    fn only_digits_with_an_optional_plus_are_phone_numbers() {
        for bad in [
            "",
            "+",
            "12",
            "+12",
            "1 380",
            "138-00",
            "++86138",
            "1".repeat(21).as_str(),
        ] {
            assert!(bad.parse::<PhoneNumber>().is_err(), "{bad:?}");
            assert!(
                ConversationId::parse_key(&format!("p:{bad}")).is_err(),
                "{bad:?}"
            );
        }
        assert!("1".repeat(20).parse::<PhoneNumber>().is_ok());
    }
}
