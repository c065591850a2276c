//! The `#[tauri::command]`s: each a few lines mapping to the signed-in
//! account's client (`tether_core::channel::AccountClient`).

pub mod accounts;
pub mod changes;
pub mod chat;
pub mod files;
pub mod lan;
pub mod link;
pub mod notify;
pub mod rooms;
pub mod sms;
pub mod system;
