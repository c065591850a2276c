//! Rooms and presence.

use tauri::State;
use tether_core::model::{PresenceRecord, PresenceState, Room};
use tether_core::protocol::RoomId;

use crate::error::AppError;
use crate::state::AppState;

#[tauri::command]
pub async fn rooms(state: State<'_, AppState>) -> Result<Vec<Room>, AppError> {
    Ok(state.chat().await?.rooms().await?)
}

#[tauri::command]
pub async fn join_room(state: State<'_, AppState>, room: String) -> Result<(), AppError> {
    let room: RoomId = room.trim().parse()?;
    Ok(state.chat().await?.join_room(room, None).await?)
}

#[tauri::command]
pub async fn leave_room(state: State<'_, AppState>, room: String) -> Result<(), AppError> {
    let room: RoomId = room.parse()?;
    Ok(state.chat().await?.leave_room(room).await?)
}

/// Names `room` and sets its topic for every member (blank: unchanged).
#[tauri::command]
pub async fn set_room_info(
    state: State<'_, AppState>,
    room: String,
    name: Option<String>,
    topic: Option<String>,
) -> Result<(), AppError> {
    let room: RoomId = room.parse()?;
    Ok(state.chat().await?.set_room_info(room, name, topic).await?)
}

#[tauri::command]
pub async fn presence(state: State<'_, AppState>) -> Result<Vec<PresenceRecord>, AppError> {
    Ok(state.chat().await?.presence().await?)
}

#[tauri::command]
pub async fn set_presence(
    app_state: State<'_, AppState>,
    state: PresenceState,
) -> Result<(), AppError> {
    Ok(app_state.chat().await?.set_presence(state).await?)
}
