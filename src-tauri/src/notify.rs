//! OS notifications for messages that arrive while the window is not in
//! front. The text is passed as plain text; notification servers that
//! understand markup get it escaped by the plugin's platform layer.

use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;
use tether_core::store::{ConversationId, StoredMessage};

/// Longest body shown; the rest is in the app.
const MAX_BODY_CHARS: usize = 200;

pub fn new_message(app: &AppHandle, message: &StoredMessage) {
    let in_front = app
        .get_webview_window("main")
        .and_then(|w| Some(w.is_visible().ok()? && w.is_focused().ok()?))
        .unwrap_or(false);
    if in_front {
        return;
    }
    let title = match &message.conversation {
        ConversationId::Direct(user) => user.to_string(),
        ConversationId::Room(room) => format!("{} in #{room}", message.sender),
    };
    let mut body: String = message.text.chars().take(MAX_BODY_CHARS).collect();
    if message.text.chars().count() > MAX_BODY_CHARS {
        body.push('…');
    }
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::debug!("notification not shown: {e}");
    }
}
