//! What the user was writing and did not send: kept per conversation in
//! the account's store, so that it survives a restart.

use serde::Serialize;

use super::ConversationId;
use crate::protocol::MessageId;

/// What the user was writing in a conversation and did not send yet.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draft {
    /// The conversation.
    pub conversation: ConversationId,
    /// The text as typed (empty when only a reply is pending).
    pub text: String,
    /// The message it answers, if the user was replying.
    pub reply_to: Option<MessageId>,
    /// When it last changed, ms since the epoch.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub updated_ms: i64,
}

impl Draft {
    /// Nothing to keep: no text (blanks do not count) and no reply.
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty() && self.reply_to.is_none()
    }
}
