//! The Tether wire protocol v1 (see `docs/protocol.md`): ids, topics, the
//! JSON envelope and the receiver-side rules. Pure data and functions, no I/O.

mod change;
mod decode;
mod envelope;
mod error;
mod file;
mod file_topic;
pub mod frame;
mod ids;
mod inbound;
mod sms;
mod topic;

#[cfg(test)]
mod tests;

pub use change::{DeleteBody, EditBody, MAX_REACTION_BYTES, ReactionBody, check_reaction};
pub use decode::Decoded;
pub use envelope::{
    Body, Envelope, MAX_RECEIPT_IDS, MAX_ROOM_NAME_BYTES, MAX_ROOM_TOPIC_BYTES, MessageId, MsgBody,
    PresenceBody, ReceiptBody, ReceiptStatus, RoomMetaBody, TypingBody, Unsequenced, kind,
};
pub use error::DecodeError;
pub use file::{FileBody, MAX_NAME_BYTES, MAX_THUMB_BYTES, MAX_THUMB_SIDE, Thumbnail, safe_name};
pub use file_topic::{FileTopic, file_inbox_filter, file_room_filter};
pub use ids::{IdError, MAX_ID_LEN, RoomId, UserId};
pub use inbound::{Inbound, Rejection, classify, kind_allowed};
pub use sms::{MAX_FAILURE_BYTES, SmsBody, SmsStatusBody};
pub use topic::{
    DEFAULT_PREFIX, MAX_PREFIX_BYTES, Prefix, PrefixError, Topic, TopicError, inbox_filter,
    presence_filter, room_filter, room_meta_filter, sms_out_filter,
};

/// The envelope version this code writes and fully understands.
pub const PROTOCOL_VERSION: u32 = 1;

/// Largest encoded envelope accepted; checked before any parsing.
pub const MAX_ENVELOPE_BYTES: usize = 256 * 1024;

/// Largest `msg` text, in UTF-8 bytes.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;
