//! Files in chats (extension 12): send one (a path picked or dropped, or
//! the bytes of a pasted image), open it, save a copy, show it in its
//! folder, read a full image for the viewer, cancel or retry a transfer.

use std::path::PathBuf;

use percent_encoding::percent_decode_str;
use tauri::ipc::{InvokeBody, Request, Response};
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;
use tether_core::model::{Attachment, StoredMessage};
use tether_core::protocol::MessageId;
use tether_core::transfer::preview::is_image;

use super::chat::conversation;
use crate::error::AppError;
use crate::state::AppState;

/// The largest pasted image taken over IPC (a screenshot of a 8K screen
/// is far below it).
const MAX_PASTE_BYTES: usize = 64 * 1024 * 1024;

#[tauri::command]
pub async fn send_file(
    state: State<'_, AppState>,
    conversation: String,
    path: String,
    caption: String,
    reply_to: Option<MessageId>,
) -> Result<StoredMessage, AppError> {
    let conversation = self::conversation(&conversation)?;
    Ok(state
        .chat()
        .await?
        .send_file(conversation, PathBuf::from(path), caption, reply_to)
        .await?)
}

/// A pasted image: its bytes are the request's body (no JSON), the rest
/// in headers (`x-tether-conversation`, and percent-encoded
/// `x-tether-name`, `x-tether-caption` and, for a reply,
/// `x-tether-reply-to`).
#[tauri::command]
pub async fn send_file_bytes(
    state: State<'_, AppState>,
    request: Request<'_>,
) -> Result<StoredMessage, AppError> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(AppError::bad_input("a pasted file must come as bytes"));
    };
    if bytes.len() > MAX_PASTE_BYTES {
        return Err(AppError::bad_input(
            "the pasted file is larger than 64 MB; save it and attach the file instead",
        ));
    }
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| percent_decode_str(v).decode_utf8_lossy().into_owned())
    };
    let key = header("x-tether-conversation")
        .ok_or_else(|| AppError::bad_input("which conversation is the file for?"))?;
    // The UI sends the key as JSON (a quoted string); a bare key works too.
    let key = serde_json::from_str::<String>(&key).unwrap_or(key);
    let conversation = self::conversation(&key)?;
    let name = tether_core::protocol::safe_name(&header("x-tether-name").unwrap_or_default());
    let caption = header("x-tether-caption").unwrap_or_default();
    let reply_to = header("x-tether-reply-to")
        .map(|id| {
            id.parse::<MessageId>()
                .map_err(|_| AppError::bad_input("the message answered is not a message id"))
        })
        .transpose()?;
    // Through a private temporary file: sending copies it into the
    // account's files, then it goes.
    let dir = tempfile::tempdir()
        .map_err(|e| AppError::bad_input(format!("cannot keep the pasted file: {e}")))?;
    let path = dir.path().join(&name);
    std::fs::write(&path, bytes)
        .map_err(|e| AppError::bad_input(format!("cannot keep the pasted file: {e}")))?;
    let sent = state
        .chat()
        .await?
        .send_file(conversation, path, caption, reply_to)
        .await?;
    Ok(sent)
}

/// The file of message `id` and where it is, once it is here whole.
async fn file_of(state: &AppState, id: MessageId) -> Result<(Attachment, PathBuf), AppError> {
    let client = state.chat().await?;
    let message = client
        .reader()
        .message(id)
        .await?
        .ok_or_else(|| AppError::bad_input("this message is no longer here"))?;
    let file = message
        .file
        .ok_or_else(|| AppError::bad_input("this message has no file"))?;
    let path = client.file_path(id).await?;
    Ok((file, path))
}

/// Opens the file with the system's app for its type. A file that can
/// run code is opened only once the user confirmed it.
#[tauri::command]
pub async fn open_file(
    app: AppHandle,
    state: State<'_, AppState>,
    id: MessageId,
    confirmed: bool,
) -> Result<(), AppError> {
    let (file, path) = file_of(&state, id).await?;
    if file.executable && !confirmed {
        return Err(AppError::bad_input(
            "this file can run programs on your computer: confirm to open it",
        ));
    }
    app.opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| AppError::bad_input(format!("cannot open the file: {e}")))
}

/// Copies the file to where the user chose.
#[tauri::command]
pub async fn save_file_as(
    state: State<'_, AppState>,
    id: MessageId,
    destination: String,
) -> Result<(), AppError> {
    let (_, path) = file_of(&state, id).await?;
    tokio::fs::copy(&path, &destination)
        .await
        .map(|_| ())
        .map_err(|e| AppError::bad_input(format!("cannot save the file there: {e}")))
}

/// Shows the file in the system's file manager.
#[tauri::command]
pub async fn show_file(
    app: AppHandle,
    state: State<'_, AppState>,
    id: MessageId,
) -> Result<(), AppError> {
    let (_, path) = file_of(&state, id).await?;
    app.opener()
        .reveal_item_in_dir(&path)
        .map_err(|e| AppError::bad_input(format!("cannot show the file: {e}")))
}

/// The bytes of a whole image (PNG, JPEG, GIF, WebP or BMP by its bytes;
/// never SVG), for the viewer.
#[tauri::command]
pub async fn read_image(state: State<'_, AppState>, id: MessageId) -> Result<Response, AppError> {
    let (file, path) = file_of(&state, id).await?;
    if !is_image(&file.mime) {
        return Err(AppError::bad_input(
            "this file is not an image Tether shows",
        ));
    }
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| AppError::bad_input(format!("cannot read the image: {e}")))?;
    Ok(Response::new(bytes))
}

#[tauri::command]
pub async fn cancel_file(state: State<'_, AppState>, id: MessageId) -> Result<(), AppError> {
    Ok(state.chat().await?.cancel_file(id).await?)
}

#[tauri::command]
pub async fn retry_file(state: State<'_, AppState>, id: MessageId) -> Result<(), AppError> {
    Ok(state.chat().await?.retry_file(id).await?)
}
