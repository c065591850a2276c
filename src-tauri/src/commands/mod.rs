//! The `#[tauri::command]`s: each a few lines mapping to the core `Client`.

pub mod accounts;
pub mod chat;
pub mod lan;
pub mod link;
pub mod rooms;
pub mod system;
