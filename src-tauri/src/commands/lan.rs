//! Hosting This computer's broker for the local network: open or close the
//! LAN listener, and manage who may sign in on it (the LAN users file,
//! shared with `tether lan-user`).

use serde::Serialize;
use tauri::State;
use tether_broker::LanUsers;
use tether_core::protocol::UserId;
use ts_rs::TS;

use crate::error::AppError;
use crate::state::AppState;

/// The LAN side of This computer, as the UI shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct LanView {
    /// This app hosts This computer's broker (only then can it open the LAN).
    pub hosting: bool,
    /// The LAN listener is open.
    pub open: bool,
    /// What people on the network enter as the broker address.
    pub urls: Vec<String>,
    /// Who may sign in over the LAN.
    pub users: Vec<String>,
}

fn view(state: &AppState) -> Result<LanView, AppError> {
    let users = LanUsers::load(&state.lan_users_file())?;
    let broker = &state.local_broker;
    Ok(LanView {
        hosting: broker.is_hosted(),
        open: broker.lan_urls().is_some(),
        urls: broker.lan_urls().unwrap_or_default(),
        users: users.names().map(ToString::to_string).collect(),
    })
}

#[tauri::command]
pub fn lan_hosting(state: State<'_, AppState>) -> Result<LanView, AppError> {
    view(&state)
}

/// Opens or closes the LAN listener (closing ends every LAN client's link).
#[tauri::command]
pub fn set_lan_hosting(state: State<'_, AppState>, open: bool) -> Result<LanView, AppError> {
    match open {
        true => state.local_broker.open_lan(state.lan_users_file())?,
        false => state.local_broker.close_lan(),
    }
    view(&state)
}

/// Adds a LAN user or gives them a new password.
#[tauri::command]
pub fn set_lan_user(
    state: State<'_, AppState>,
    user: String,
    password: String,
) -> Result<LanView, AppError> {
    let user: UserId = user.trim().parse()?;
    let file = state.lan_users_file();
    let mut users = LanUsers::load(&file)?;
    users.set(user, &password)?;
    users.save(&file)?;
    view(&state)
}

#[tauri::command]
pub fn remove_lan_user(state: State<'_, AppState>, user: String) -> Result<LanView, AppError> {
    let user: UserId = user.trim().parse()?;
    let file = state.lan_users_file();
    let mut users = LanUsers::load(&file)?;
    users.remove(&user)?;
    users.save(&file)?;
    view(&state)
}
