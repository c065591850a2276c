//! This computer rather than an account: starting Tether when the user
//! logs in (off unless they turn it on), and the shell's requests to the UI.

use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_autostart::ManagerExt;

use crate::error::AppError;
use crate::requests::ShellRequest;
use crate::state::AppState;

/// The shell's requests to the UI (open a conversation after a
/// notification click); the UI subscribes once it is ready.
#[tauri::command]
pub fn subscribe_requests(state: State<'_, AppState>, on_request: Channel<ShellRequest>) {
    state.set_request_channel(on_request);
}

fn autostart_error(e: tauri_plugin_autostart::Error) -> AppError {
    AppError::new(
        tether_core::error::ErrorCode::Internal,
        format!("Cannot change whether Tether starts at login: {e}"),
    )
}

/// Whether Tether starts (into the tray) when the user logs in.
#[tauri::command]
pub fn autostart(app: AppHandle) -> Result<bool, AppError> {
    app.autolaunch().is_enabled().map_err(autostart_error)
}

#[tauri::command]
pub fn set_autostart(app: AppHandle, enabled: bool) -> Result<bool, AppError> {
    let launcher = app.autolaunch();
    if enabled {
        launcher.enable().map_err(autostart_error)?;
    } else {
        launcher.disable().map_err(autostart_error)?;
    }
    launcher.is_enabled().map_err(autostart_error)
}
