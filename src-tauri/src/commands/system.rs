//! Settings that belong to this computer rather than to an account:
//! starting Tether when the user logs in (off unless they turn it on).

use tauri::AppHandle;
use tauri_plugin_autostart::ManagerExt;

use crate::error::AppError;

fn autostart_error(e: tauri_plugin_autostart::Error) -> AppError {
    AppError::new(
        "internal",
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
