//! Tether's desktop shell: a Tauri 2 window over `tether-core`.
//!
//! Commands are thin: each maps to one call on the signed-in account's
//! [`tether_core::Client`]. Events reach the UI over a
//! `tauri::ipc::Channel`, not global events. State lives in `app.manage`.
//!
//! # Layout
//! - `commands/`: the `#[tauri::command]`s (accounts, chat, rooms, link,
//!   lan: This computer's broker on the local network, system: start at
//!   login).
//! - `error`: [`error::AppError`], serialized as `{code, message}`.
//! - `state`: paths, keyring, the signed-in session, the UI channel.
//! - `local_broker`: "This computer", the embedded broker the app hosts.
//! - `events`: forwards core events to the UI, tray and notifications.
//! - `tray`: tray icon, menu and unread count; close-to-tray.
//!   Started with `--hidden` (the opt-in login autostart), only the tray shows.
//! - `notify`: OS notifications while the window is in the background;
//!   clicking one opens its chat (Linux).
//! - `rendering`: how the page is painted (no GL compositing on Linux).
//! - `web_environment`: what GTK and WebKit's processes read from the
//!   environment (GL probes off, a smaller JavaScript heap), set in `main`
//!   before GTK starts.
//! - `requests`: what the shell asks of the UI (open a conversation).
//! - `settings`: app-wide settings on disk (global notification settings).
//! - `strings`: the shell's own words (tray, notifications) in en and zh-CN.

mod commands;
pub mod error;
mod events;
mod local_broker;
mod notify;
mod rendering;
mod requests;
mod settings;
mod state;
mod strings;
mod tray;
mod web_environment;

use tauri::{Manager, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};
use tether_core::account::Paths;

pub use commands::accounts::AccountView;
pub use web_environment::before_gtk;

/// The argument the login autostart passes: start in the tray, no window.
const START_HIDDEN: &str = "--hidden";

/// What is remembered of the window. Not whether it was shown: a start
/// from the launcher always shows it, a login start never does.
const WINDOW_STATE: StateFlags = StateFlags::all().difference(StateFlags::VISIBLE);

/// Builds and runs the app; returns when it quits.
pub fn run() -> Result<(), AppStartError> {
    tether_broker::logging::init();
    let paths = Paths::from_env()?;
    let local_broker = local_broker::LocalBroker::from_env()?;
    let context = tauri::generate_context!();
    let instance_id = single_instance_id(&context.config().identifier, &paths);
    tauri::Builder::default()
        // First, so a second launch of the same profile only brings the
        // running window forward.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .callback(|app, _argv, _cwd| tray::show_main_window(app))
                .dbus_id(instance_id)
                .build(),
        )
        .plugin(
            tauri_plugin_window_state::Builder::default()
                .with_state_flags(WINDOW_STATE)
                .build(),
        )
        .plugin(tauri_plugin_notification::init())
        // Links in messages open in the system's browser (capability:
        // http, https and mailto only; the UI asks first when a link's
        // text and target differ).
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(navigation_guard())
        // Off until the user turns it on in Settings; a login start goes
        // straight to the tray.
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec![START_HIDDEN]),
        ))
        .manage(state::AppState::new(paths, local_broker))
        .setup(|app| {
            tray::build(app)?;
            notify::init(app);
            if let Some(window) = app.get_webview_window("main") {
                rendering::configure(&window);
            }
            commands::accounts::sign_in_at_start(app.handle());
            if std::env::args().any(|a| a == START_HIDDEN)
                && let Some(window) = app.get_webview_window("main")
            {
                window.hide()?;
            }
            Ok(())
        })
        .on_window_event(|window, event| {
            if let WindowEvent::Focused(true) = event
                && window.label() == "main"
            {
                notify::window_focused(window.app_handle());
            }
            // Closing hides to the tray: messages keep arriving and notify.
            if let WindowEvent::CloseRequested { api, .. } = event
                && window.label() == "main"
            {
                api.prevent_close();
                // Saved now, not only on Quit: a session logout ends the
                // app with a signal, which skips the plugin's save on exit.
                if let Err(e) = window.app_handle().save_window_state(WINDOW_STATE) {
                    tracing::warn!("cannot save the window's size and place: {e}");
                }
                let _ = window.hide();
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::accounts::accounts_list,
            commands::accounts::login,
            commands::accounts::auto_login,
            commands::accounts::switch_account,
            commands::accounts::logout,
            commands::accounts::forget_account,
            commands::chat::subscribe_events,
            commands::chat::conversations,
            commands::chat::history,
            commands::chat::history_after,
            commands::chat::gaps,
            commands::chat::send_message,
            commands::chat::message,
            commands::chat::drafts,
            commands::chat::set_draft,
            commands::changes::change_message,
            commands::changes::edit_history,
            commands::changes::mark_unread,
            commands::chat::retry_failed,
            commands::chat::delete_failed,
            commands::chat::mark_read,
            commands::chat::search,
            commands::chat::typing,
            commands::files::send_file,
            commands::files::send_file_bytes,
            commands::files::open_file,
            commands::files::save_file_as,
            commands::files::show_file,
            commands::files::read_image,
            commands::files::cancel_file,
            commands::files::retry_file,
            commands::sms::sms_login,
            commands::sms::sms_cost,
            commands::sms::sms_deliveries,
            commands::sms::sms_send_at,
            commands::sms::sms_cancel,
            commands::rooms::rooms,
            commands::rooms::join_room,
            commands::rooms::leave_room,
            commands::rooms::set_room_info,
            commands::notify::notify_settings,
            commands::notify::set_conversation_notify,
            commands::notify::set_global_notify,
            commands::notify::set_language,
            commands::rooms::presence,
            commands::rooms::set_presence,
            commands::link::connection_state,
            commands::link::outbox_len,
            commands::link::retry_now,
            commands::lan::lan_hosting,
            commands::lan::set_lan_hosting,
            commands::lan::set_lan_user,
            commands::lan::remove_lan_user,
            commands::system::autostart,
            commands::system::set_autostart,
            commands::system::subscribe_requests,
        ])
        .build(context)?
        .run(|app, event| {
            if let tauri::RunEvent::ExitRequested { .. } = event {
                tracing::debug!("exiting; {} windows", app.webview_windows().len());
            }
        });
    Ok(())
}

/// Keeps the window on the app's own page: a link that somehow escaped
/// the UI's click handling (which opens links in the system's browser)
/// must not load a web page inside the window, where it would run with
/// the app's IPC at hand.
fn navigation_guard() -> tauri::plugin::TauriPlugin<tauri::Wry> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(|_, url| {
            let allowed = is_app_page(url);
            if !allowed {
                tracing::warn!(
                    "blocked the window from leaving the app for {}",
                    url.scheme()
                );
            }
            allowed
        })
        .build()
}

/// The app's page: the bundled UI (`tauri://localhost`, or
/// `http(s)://tauri.localhost` on Windows) or the dev server on loopback
/// port 1420.
fn is_app_page(url: &tauri::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    match url.scheme() {
        "tauri" => host == "localhost",
        "http" | "https" if host == "tauri.localhost" => true,
        // `tauri dev`'s Vite server (ui/package.json: port 1420).
        "http" => matches!(host, "localhost" | "127.0.0.1") && url.port() == Some(1420),
        "about" => url.as_str() == "about:blank",
        _ => false,
    }
}

/// One instance per profile (`TETHER_HOME`), not per machine: a second
/// profile is another person on This computer. The plugin takes the id on
/// Linux (D-Bus); on Windows and macOS it keys on the app identifier alone,
/// so there a second profile hands over to the first.
fn single_instance_id(identifier: &str, paths: &Paths) -> String {
    use std::hash::{DefaultHasher, Hash, Hasher};
    // DefaultHasher::new() has fixed keys: every launch computes the same.
    let mut hasher = DefaultHasher::new();
    paths.config_dir.hash(&mut hasher);
    format!("{identifier}.p{:016x}", hasher.finish())
}

#[derive(Debug, thiserror::Error)]
pub enum AppStartError {
    #[error(transparent)]
    Paths(#[from] tether_core::account::BookError),
    #[error("the address for This computer's broker: {0}")]
    LocalBroker(#[from] tether_core::account::BrokerUrlError),
    #[error("cannot start the window: {0}")]
    Tauri(#[from] tauri::Error),
}

#[cfg(test)]
mod navigation_tests {
    use super::is_app_page;

    #[test]
    fn only_the_apps_own_page_may_load_in_the_window() {
        for ok in [
            "tauri://localhost/",
            "http://tauri.localhost/index.html",
            "http://localhost:1420/",
        ] {
            assert!(is_app_page(&ok.parse().unwrap()), "{ok}");
        }
        for no in [
            "https://example.com/",
            "http://localhost.evil.com/",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,<script>alert(1)</script>",
            "tauri://evil/",
            "http://localhost:8080/",
        ] {
            assert!(!is_app_page(&no.parse().unwrap()), "{no}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_profile_is_its_own_instance_and_stays_so() {
        let a = Paths::under(std::path::Path::new("/home/a/.tether"));
        let b = Paths::under(std::path::Path::new("/home/b/.tether"));
        let id = |p: &Paths| single_instance_id("dev.tether.Tether", p);
        assert_eq!(id(&a), id(&a));
        assert_ne!(id(&a), id(&b));
        // A D-Bus name element may not start with a digit.
        let last = id(&a).rsplit('.').next().unwrap_or_default().to_owned();
        assert!(last.starts_with('p') && last.len() == 17, "{last}");
    }
}
