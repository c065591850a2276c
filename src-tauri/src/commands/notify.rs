//! Notification settings (per conversation in the account's store; do
//! not disturb and hidden text for the whole app) and the language the
//! shell's own words use.

use serde::Serialize;
use tauri::{AppHandle, State};
use tether_core::model::{ConversationNotify, GlobalNotify, NotifyLevel};
use ts_rs::TS;

use super::chat::conversation;
use crate::error::AppError;
use crate::state::AppState;
use crate::strings::Lang;
use crate::tray;

/// Every notification setting the UI shows.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct NotifySettings {
    pub global: GlobalNotify,
    /// The conversations whose setting is not the default (all messages).
    pub conversations: Vec<ConversationNotify>,
}

#[tauri::command]
pub async fn notify_settings(state: State<'_, AppState>) -> Result<NotifySettings, AppError> {
    let conversations = match state.client().await {
        Ok(client) => client.reader().conversation_notifies().await?,
        Err(_) => Vec::new(),
    };
    Ok(NotifySettings {
        global: state.global_notify(),
        conversations,
    })
}

/// Sets how much of `conversation` notifies; `until_ms` ends a mute.
#[tauri::command]
pub async fn set_conversation_notify(
    state: State<'_, AppState>,
    conversation: String,
    level: NotifyLevel,
    until_ms: Option<i64>,
    mute_mentions: bool,
) -> Result<(), AppError> {
    let setting = ConversationNotify {
        conversation: self::conversation(&conversation)?,
        level,
        until_ms,
        mute_mentions,
    };
    Ok(state
        .client()
        .await?
        .reader()
        .set_conversation_notify(setting)
        .await?)
}

/// Do not disturb until `dnd_until_ms` (None: off), and whether
/// notifications hide message text.
#[tauri::command]
pub fn set_global_notify(
    state: State<'_, AppState>,
    dnd_until_ms: Option<i64>,
    hide_text: bool,
) -> Result<(), AppError> {
    state.set_global_notify(GlobalNotify {
        dnd_until_ms,
        hide_text,
    })
}

/// The UI's language (a BCP 47 tag), for the tray and notifications.
#[tauri::command]
pub fn set_language(app: AppHandle, state: State<'_, AppState>, lang: String) {
    state.set_lang(Lang::from_tag(&lang));
    tray::relabel(&app);
}
