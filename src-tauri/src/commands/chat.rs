//! Conversations and messages.

use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tether_core::Event;
use tether_core::clock::now_ms;
use tether_core::model::{ConversationId, ConversationSummary, Draft, Gap, StoredMessage};
use tether_core::protocol::MessageId;

use tether_core::error::ErrorCode;

use crate::error::AppError;
use crate::state::AppState;
use crate::tray;

/// Longest page or result list the UI may ask for at once.
const MAX_PAGE: usize = 500;

/// The conversation a UI key names (`u:bob`, `r:dev`, `p:138…`).
pub(super) fn conversation(key: &str) -> Result<ConversationId, AppError> {
    ConversationId::parse_key(key)
        .map_err(|_| AppError::bad_input(format!("'{key}' is not a conversation")))
}

/// The UI's event stream (messages, receipts, presence, typing, link state).
#[tauri::command]
pub async fn subscribe_events(
    state: State<'_, AppState>,
    on_event: Channel<Vec<Event>>,
) -> Result<(), AppError> {
    if let Ok(client) = state.client().await {
        let current = client.connection().borrow().clone();
        on_event
            .send(vec![Event::Connection { state: current }])
            .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))?;
    }
    state.set_ui_channel(on_event);
    Ok(())
}

#[tauri::command]
pub async fn conversations(
    state: State<'_, AppState>,
) -> Result<Vec<ConversationSummary>, AppError> {
    Ok(state.client().await?.reader().conversations().await?)
}

#[tauri::command]
pub async fn history(
    state: State<'_, AppState>,
    conversation: String,
    before: Option<(i64, MessageId)>,
    limit: usize,
) -> Result<Vec<StoredMessage>, AppError> {
    let conversation = self::conversation(&conversation)?;
    let limit = limit.min(MAX_PAGE);
    Ok(state
        .client()
        .await?
        .reader()
        .history(conversation, before, limit)
        .await?)
}

/// The page after a message, oldest first: scrolling back down from a
/// search hit opened in the past.
#[tauri::command]
pub async fn history_after(
    state: State<'_, AppState>,
    conversation: String,
    after: (i64, MessageId),
    limit: usize,
) -> Result<Vec<StoredMessage>, AppError> {
    let conversation = self::conversation(&conversation)?;
    let limit = limit.min(MAX_PAGE);
    Ok(state
        .client()
        .await?
        .reader()
        .history_after(conversation, after, limit)
        .await?)
}

/// Runs of messages known to be missing in a conversation (still open), so
/// the chat can mark them after a restart, not only when they are detected.
#[tauri::command]
pub async fn gaps(state: State<'_, AppState>, conversation: String) -> Result<Vec<Gap>, AppError> {
    let conversation = self::conversation(&conversation)?;
    Ok(state.client().await?.gaps(conversation).await?)
}

#[tauri::command]
pub async fn send_message(
    state: State<'_, AppState>,
    conversation: String,
    text: String,
    reply_to: Option<MessageId>,
) -> Result<StoredMessage, AppError> {
    let conversation = self::conversation(&conversation)?;
    let client = state.client().await?;
    Ok(client.send_reply(conversation, text, reply_to).await?)
}

/// Every draft of the signed-in account.
#[tauri::command]
pub async fn drafts(state: State<'_, AppState>) -> Result<Vec<Draft>, AppError> {
    Ok(state.client().await?.reader().drafts().await?)
}

/// Keeps what the user is writing in `conversation` (an empty text and no
/// reply removes it).
#[tauri::command]
pub async fn set_draft(
    state: State<'_, AppState>,
    conversation: String,
    text: String,
    reply_to: Option<MessageId>,
) -> Result<(), AppError> {
    let draft = Draft {
        conversation: self::conversation(&conversation)?,
        text,
        reply_to,
        updated_ms: now_ms(),
    };
    Ok(state.client().await?.reader().set_draft(draft).await?)
}

/// One message by id (the original a reply quotes, when it is not in the
/// page shown); `None` if this account never had it.
#[tauri::command]
pub async fn message(
    state: State<'_, AppState>,
    id: MessageId,
) -> Result<Option<StoredMessage>, AppError> {
    Ok(state.client().await?.reader().message(id).await?)
}

/// Queues a message the broker kept refusing again (see
/// `MessageStatus::Failed`).
#[tauri::command]
pub async fn retry_failed(state: State<'_, AppState>, id: MessageId) -> Result<(), AppError> {
    Ok(state.client().await?.retry_failed(id).await?)
}

/// Deletes a message the broker kept refusing, for good.
#[tauri::command]
pub async fn delete_failed(state: State<'_, AppState>, id: MessageId) -> Result<(), AppError> {
    Ok(state.client().await?.delete_failed(id).await?)
}

#[tauri::command]
pub async fn mark_read(
    app: AppHandle,
    state: State<'_, AppState>,
    conversation: String,
) -> Result<usize, AppError> {
    let conversation = self::conversation(&conversation)?;
    let client = state.client().await?;
    let read = client.mark_read(conversation).await?;
    tray::refresh_unread(&app, &client).await;
    Ok(read)
}

#[tauri::command]
pub async fn search(
    state: State<'_, AppState>,
    query: String,
    limit: usize,
) -> Result<Vec<StoredMessage>, AppError> {
    Ok(state
        .client()
        .await?
        .reader()
        .search(query, limit.min(MAX_PAGE))
        .await?)
}

#[tauri::command]
pub async fn typing(
    state: State<'_, AppState>,
    conversation: String,
    active: bool,
) -> Result<(), AppError> {
    let conversation = self::conversation(&conversation)?;
    Ok(state.client().await?.typing(conversation, active).await?)
}
