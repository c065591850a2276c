//! The connection banner's data and its "Retry now" button.

use tauri::State;

use crate::error::AppError;
use crate::state::AppState;

use tether_core::model::ConnectionState;
#[tauri::command]
pub async fn connection_state(state: State<'_, AppState>) -> Result<ConnectionState, AppError> {
    Ok(state.client().await?.connection().borrow().clone())
}

#[tauri::command]
pub async fn outbox_len(state: State<'_, AppState>) -> Result<u64, AppError> {
    Ok(state.client().await?.outbox_len().await?)
}

#[tauri::command]
pub async fn retry_now(state: State<'_, AppState>) -> Result<(), AppError> {
    Ok(state.client().await?.retry_now().await?)
}
