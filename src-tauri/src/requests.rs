//! What the shell asks of the UI, beside the account's event stream: today
//! only "open this conversation" (a notification was clicked). A channel of
//! its own keeps the core's `Event` type free of shell concerns.

use serde::Serialize;

use ts_rs::TS;

use tether_core::model::ConversationId;
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum ShellRequest {
    /// Show this conversation, ready to reply.
    OpenConversation {
        #[ts(type = "string")]
        conversation: ConversationId,
    },
}
