//! What the engine tells the UI and the CLI, as one tagged enum that
//! serializes to the JSON lines `tether listen` prints.

use serde::Serialize;

use crate::model::{
    ConnectionState, ConversationId, Gap, MessageStatus, PresenceState, SmsDelivery, StoredMessage,
};
use crate::protocol::{MessageId, RoomId, UserId};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A message was stored: received, or queued by us.
    Message {
        message: StoredMessage,
    },
    /// One of our messages moved on: sent (broker acked), delivered, read;
    /// or was set aside as failed, or queued again after a retry.
    Status {
        id: MessageId,
        status: MessageStatus,
    },
    Presence {
        user: UserId,
        state: PresenceState,
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        ts: i64,
    },
    Typing {
        conversation: ConversationId,
        user: UserId,
        active: bool,
    },
    Connection {
        state: ConnectionState,
    },
    /// Messages from `sender` with these seqs never arrived (so far).
    Gap {
        gap: Gap,
    },
    /// Late arrivals closed (part of) an earlier gap.
    GapFilled {
        conversation: ConversationId,
        sender: UserId,
        #[cfg_attr(feature = "ts", ts(type = "number[]"))]
        seqs: Vec<u64>,
    },
    /// A message shows something new: an edit, its deletion for everyone,
    /// a reaction added or removed (extension 11). Carries the whole
    /// message as it now is.
    Changed {
        message: StoredMessage,
    },
    /// A message's file moved on: bytes transferred (at most a few times
    /// a second per file), or its transfer ended (extension 12).
    Transfer {
        conversation: ConversationId,
        message: MessageId,
        file: crate::model::Attachment,
    },
    /// A message is gone from the history: one of our failed messages
    /// deleted for good, or a message we deleted for ourselves.
    Removed {
        conversation: ConversationId,
        id: MessageId,
    },
    /// What became of one of our SMS changed: a part sent or delivered, a
    /// failure in the gateway's words, a part that may have gone twice.
    /// Comes with (after) the message's `Status` when that changed too.
    SmsDelivery {
        id: MessageId,
        delivery: SmsDelivery,
    },
    /// A room's name or topic changed (the newest a member announced).
    RoomInfo {
        room: RoomId,
        name: Option<String>,
        topic: Option<String>,
    },
    /// A member joined or left a room (from its retained room meta).
    Member {
        room: RoomId,
        user: UserId,
        joined: bool,
    },
}
