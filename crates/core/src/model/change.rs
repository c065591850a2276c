//! What can happen to a message after it is sent (extension 11): its
//! author edits or deletes it, anyone in the conversation reacts to it.
//! [`MessageChanges`] is the state those leave on a stored message;
//! [`MessageChange`] is what a user asks for; [`EditRecord`] is one entry
//! of a message's edit history.

use serde::{Deserialize, Serialize};

use super::ser::ser_users;
use crate::protocol::{MessageId, UserId};

/// What edits, deletes and reactions did to a message.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MessageChanges {
    /// When the text shown was written, if it is an edit (the edit's `ts`).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub edited_ts: Option<i64>,
    /// Taken back; its text is gone from the store and the search index.
    pub deleted: Option<Deletion>,
    /// Reactions shown, most used first, each with who reacted.
    pub reactions: Vec<Reaction>,
}

/// Who a deleted message was deleted for.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Deletion {
    /// Its author deleted it for everyone: shown as "message deleted".
    Everyone,
    /// We deleted it from our own history only: not shown at all.
    Me,
}

/// One emoji on a message and who put it there, in the order they did.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reaction {
    pub emoji: String,
    #[serde(serialize_with = "ser_users")]
    #[cfg_attr(feature = "ts", ts(type = "string[]"))]
    pub users: Vec<UserId>,
}

/// A change a user asks for on a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MessageChange {
    /// New text for one of our own messages.
    Edit(String),
    /// Take one of our own messages back, for everyone.
    Delete,
    /// Remove any message from our own history only (nothing is sent).
    DeleteForMe,
    /// Add (`on`) or remove our reaction.
    React { emoji: String, on: bool },
}

/// One version of an edited message's text, oldest first in a history.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EditRecord {
    /// The edit's envelope id (the message's own id for the original text).
    pub id: MessageId,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub ts: i64,
    pub text: String,
}
