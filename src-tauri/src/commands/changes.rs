//! Edits, deletes and reactions (extension 11), a message's edit history,
//! and marking a conversation unread again.

use serde::Deserialize;
use tauri::{AppHandle, State};
use tether_core::model::{EditRecord, MessageChange, StoredMessage};
use tether_core::protocol::MessageId;
use ts_rs::TS;

use super::chat::conversation;
use crate::error::AppError;
use crate::state::AppState;
use crate::tray;

/// A change the UI asks for, as it sends it: `{"kind": "edit", "text": …}`.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum ChangeRequest {
    Edit { text: String },
    Delete,
    DeleteForMe,
    React { emoji: String, on: bool },
}

impl From<ChangeRequest> for MessageChange {
    fn from(request: ChangeRequest) -> MessageChange {
        match request {
            ChangeRequest::Edit { text } => MessageChange::Edit(text),
            ChangeRequest::Delete => MessageChange::Delete,
            ChangeRequest::DeleteForMe => MessageChange::DeleteForMe,
            ChangeRequest::React { emoji, on } => MessageChange::React { emoji, on },
        }
    }
}

/// Edits, deletes or reacts to message `id`; the message as it now is
/// (deleted for me: the UI takes it out of the list).
#[tauri::command]
pub async fn change_message(
    state: State<'_, AppState>,
    id: MessageId,
    change: ChangeRequest,
) -> Result<StoredMessage, AppError> {
    let client = state.client().await?;
    Ok(client.change_message(id, change.into()).await?)
}

/// The versions of an edited message's text, the original first.
#[tauri::command]
pub async fn edit_history(
    state: State<'_, AppState>,
    id: MessageId,
) -> Result<Vec<EditRecord>, AppError> {
    Ok(state.client().await?.reader().edit_history(id).await?)
}

/// Marks `conversation` unread from message `from` on: the count the list
/// and the tray show; returns it.
#[tauri::command]
pub async fn mark_unread(
    app: AppHandle,
    state: State<'_, AppState>,
    conversation: String,
    from: MessageId,
) -> Result<u64, AppError> {
    let conversation = self::conversation(&conversation)?;
    let client = state.client().await?;
    let unread = client.reader().mark_unread(conversation, from).await?;
    tray::refresh_unread(&app, &client).await;
    Ok(unread)
}
