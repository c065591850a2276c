//! The nouns of Tether, whatever the channel: conversations, messages and
//! their delivery states, gaps, rooms, people's presence, and the state of
//! a connection. The store keeps them, the engine of a channel (MQTT chat
//! today) fills them, the app and the CLI show them; none of them names a
//! transport, so a second channel (SMS) lands on the same types.
//!
//! # Layout
//! - `conversation`: [`ConversationId`] (who a message is with: a user, a
//!   room, or a [`PhoneNumber`]; its text key `u:bob`, `r:dev`, `p:+86…`)
//!   and [`ConversationSummary`] (a line of the list).
//! - `message`: [`StoredMessage`], [`MessageStatus`] and [`Gap`].
//! - `change`: edits, deletes and reactions ([`MessageChanges`] on a
//!   stored message, [`MessageChange`] asked for, [`EditRecord`]).
//! - `attachment`: a message's file ([`Attachment`]) and how its
//!   transfer stands ([`TransferState`]).
//! - `people`: [`PresenceState`], [`PresenceRecord`] and [`Room`].
//! - `connection`: [`ConnectionState`].
//! - `notify`: notification settings and [`should_notify`].
//! - `sms`: [`SmsDelivery`], what became of an SMS we sent, part by part.
//! - `ser`: serialization helpers.
//!
//! A new message kind adds its fields or a type here, its wire form in
//! `protocol`, its table in `store/schema.rs`.

mod attachment;
mod change;
mod connection;
mod conversation;
mod draft;
mod message;
mod notify;
mod people;
mod ser;
mod sms;

pub use attachment::{Attachment, Thumb, TransferState};
pub use change::{Deletion, EditRecord, MessageChange, MessageChanges, Reaction};
pub use connection::ConnectionState;
pub use conversation::{
    ConversationId, ConversationSummary, KeyError, PhoneNumber, PhoneNumberError,
};
pub use draft::Draft;
pub use message::{Gap, MessageStatus, StoredMessage};
pub use notify::{ConversationNotify, GlobalNotify, NotifyLevel, mentions, should_notify};
pub use people::{PresenceRecord, PresenceState, Room};
pub use sms::{SmsDelivery, Twice, at_time_ms};
