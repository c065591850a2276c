//! OS notifications for messages that arrive while the window is not in
//! front. Clicking one brings the window forward with that chat open where
//! the platform reports clicks to us (Linux desktop notifications, through
//! notify-rust's action signals); on Windows and macOS the plugin shows it,
//! a click brings the app forward as the OS does, and the window coming
//! forward within 30 s of a notification opens its chat ([`Latest`]).
//! Whether one shows at all is core's `should_notify` (levels, mutes, do
//! not disturb, mentions); its words are in the UI's language.
//!
//! Message text is always shown as text: Linux notification servers read
//! the body as markup, so it is escaped there.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use tauri::{AppHandle, Manager};

use tether_core::clock::now_ms;
use tether_core::model::{
    ConversationId, ConversationNotify, StoredMessage, mentions, should_notify,
};
use tether_core::protocol::UserId;

use crate::state::AppState;
/// Longest body shown; the rest is in the app.
const MAX_BODY_CHARS: usize = 200;

/// Keeps what notifications need between messages (Linux: the one shown
/// per conversation; elsewhere: the latest shown).
pub fn init(app: &tauri::App) {
    #[cfg(target_os = "linux")]
    app.manage(linux::Shown::default());
    app.manage(Latest::default());
}

/// How long after a notification the window coming forward counts as its
/// click (where the platform does not say which notification was clicked).
const CLICK_WINDOW: Duration = Duration::from_secs(30);

/// The conversation of the latest notification shown and when.
///
/// Windows and macOS: the notification plugin shows a notification but
/// does not report its click; clicking it brings Tether forward (the OS
/// activates the app; a second launch is forwarded to this one by the
/// single-instance plugin). So when the window gains the focus shortly
/// after a notification, its conversation is opened: a click, or the user
/// switching to Tether because of it. Linux reports the click itself.
#[derive(Default)]
pub struct Latest(Mutex<Option<(ConversationId, Instant)>>);

impl Latest {
    pub fn shown(&self, conversation: ConversationId, at: Instant) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some((conversation, at));
    }

    /// The conversation to open as the window comes forward at `now`, once.
    pub fn take_recent(&self, now: Instant) -> Option<ConversationId> {
        let latest = self.0.lock().unwrap_or_else(PoisonError::into_inner).take();
        latest
            .filter(|(_, at)| now.saturating_duration_since(*at) <= CLICK_WINDOW)
            .map(|(conversation, _)| conversation)
    }
}

/// The window gained the focus: where clicks are not reported, open the
/// conversation of a notification shown just before.
pub fn window_focused(app: &AppHandle) {
    if cfg!(target_os = "linux") {
        return;
    }
    if let Some(conversation) = app
        .try_state::<Latest>()
        .and_then(|latest| latest.take_recent(Instant::now()))
    {
        app.state::<AppState>().open_in_ui(conversation);
    }
}

/// Shows a notification for `message` unless the window is in front or
/// the settings say not to: the conversation's level (`setting`), do not
/// disturb, mentions of `me` (the chat user; none on SMS accounts). The
/// text is left out when the user asked for that.
pub fn new_message(
    app: &AppHandle,
    message: &StoredMessage,
    me: Option<&UserId>,
    setting: Option<&ConversationNotify>,
) {
    let in_front = app
        .get_webview_window("main")
        .and_then(|w| Some(w.is_visible().ok()? && w.is_focused().ok()?))
        .unwrap_or(false);
    if in_front {
        return;
    }
    let state = app.state::<AppState>();
    let global = state.global_notify();
    if !should_notify(message, me, setting, &global, now_ms()) {
        return;
    }
    let lang = state.lang();
    let title = match &message.conversation {
        ConversationId::Direct(user) => user.to_string(),
        ConversationId::Room(room) => lang.in_room(message.sender.as_str(), room.as_str()),
        ConversationId::Phone(number) => number.to_string(),
    };
    let body = if global.hide_text {
        match me.is_some_and(|me| mentions(&message.text, me)) {
            true => lang.mentioned_you().to_owned(),
            false => lang.new_message().to_owned(),
        }
    } else {
        let mut body: String = message.text.chars().take(MAX_BODY_CHARS).collect();
        if message.text.chars().count() > MAX_BODY_CHARS {
            body.push('…');
        }
        body
    };
    show(app, message.conversation.clone(), title, body);
}

#[cfg(target_os = "linux")]
fn show(app: &AppHandle, conversation: ConversationId, title: String, body: String) {
    // Kept on Linux too (where clicks are reported): the same record on
    // every platform.
    if let Some(latest) = app.try_state::<Latest>() {
        latest.shown(conversation.clone(), Instant::now());
    }
    linux::show(app, conversation, &title, &escape_markup(&body));
}

#[cfg(not(target_os = "linux"))]
fn show(app: &AppHandle, conversation: ConversationId, title: String, body: String) {
    use tauri_plugin_notification::NotificationExt;
    if let Some(latest) = app.try_state::<Latest>() {
        latest.shown(conversation, Instant::now());
    }
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::debug!("notification not shown: {e}");
    }
}

/// The body as plain text for servers that understand the notification
/// spec's markup subset (`<b>`, `<a href>`, `<img>`, entities).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(target_os = "linux")]
mod linux {
    //! One notification per conversation, replaced as new messages come,
    //! each with a task awaiting its click (notify-rust's async API over
    //! zbus: no thread is held while a notification waits).

    use std::collections::HashMap;
    use std::sync::{Mutex, PoisonError};

    use notify_rust::NotificationResponse;
    use tauri::{AppHandle, Manager};
    use tether_core::model::ConversationId;

    use crate::state::AppState;
    use crate::tray;

    /// The notification now shown for each conversation (replaced in place).
    #[derive(Default)]
    pub struct Shown {
        ids: Mutex<HashMap<ConversationId, u32>>,
    }

    pub fn show(app: &AppHandle, conversation: ConversationId, title: &str, body: &str) {
        let Some(shown) = app.try_state::<Shown>() else {
            return;
        };
        let mut notification = notify_rust::Notification::new();
        notification
            .appname("Tether")
            .summary(title)
            .body(body)
            .auto_icon()
            .action("default", app.state::<AppState>().lang().open());
        let previous = shown
            .ids
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&conversation)
            .copied();
        if let Some(id) = previous {
            notification.id(id);
        }
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            let handle = match notification.show_async().await {
                Ok(handle) => handle,
                Err(e) => {
                    tracing::debug!("notification not shown: {e}");
                    return;
                }
            };
            if let Some(shown) = app.try_state::<Shown>() {
                shown
                    .ids
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(conversation.clone(), handle.id());
            }
            let mut clicked = false;
            handle
                .wait_for_action_async(|response| {
                    clicked = matches!(response, NotificationResponse::Default)
                        || matches!(response, NotificationResponse::Action(a) if a == "default");
                })
                .await;
            if clicked {
                tray::show_main_window(&app);
                app.state::<AppState>().open_in_ui(conversation);
                // Servers that keep a clicked notification (dunst's action
                // command does) would show it after its chat is open.
                handle.close_async().await;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::{CLICK_WINDOW, Latest, escape_markup};
    use std::time::{Duration, Instant};
    use tether_core::model::ConversationId;

    #[test]
    fn focus_right_after_a_notification_opens_its_chat_once() {
        let latest = Latest::default();
        let at = Instant::now();
        let bob = ConversationId::Direct("bob".parse().unwrap());
        latest.shown(bob.clone(), at);
        assert_eq!(
            latest.take_recent(at + Duration::from_secs(2)),
            Some(bob.clone())
        );
        assert_eq!(latest.take_recent(at + Duration::from_secs(3)), None);
        latest.shown(bob, at);
        assert_eq!(
            latest.take_recent(at + CLICK_WINDOW + Duration::from_secs(1)),
            None
        );
    }

    #[test]
    fn markup_in_a_message_stays_text() {
        assert_eq!(
            escape_markup(r#"<b>hi</b> & <a href="x">'y'</a>"#),
            "&lt;b&gt;hi&lt;/b&gt; &amp; &lt;a href=&quot;x&quot;&gt;&#39;y&#39;&lt;/a&gt;"
        );
        assert_eq!(escape_markup("plain 文字"), "plain 文字");
    }
}
