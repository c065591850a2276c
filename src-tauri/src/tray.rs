//! The system tray: unread count (tooltip, status line, a count next to the
//! icon and a window badge where the OS has them) and a menu with Open /
//! status / Quit. Closing the window
//! only hides it, so Tether keeps receiving from the tray.

use std::sync::Mutex;
use std::sync::PoisonError;

use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{App, AppHandle, Manager, Wry};
use tether_core::channel::AccountClient;
use tether_core::model::ConnectionState;

use crate::state::AppState;

/// Handles to what the tray shows, managed as app state.
pub struct TrayView {
    icon: TrayIcon<Wry>,
    open: MenuItem<Wry>,
    status: MenuItem<Wry>,
    quit: MenuItem<Wry>,
    /// The connection state shown (`None`: not signed in) and the unread count.
    shown: Mutex<(Option<ConnectionState>, u64)>,
}

pub fn build(app: &App) -> tauri::Result<()> {
    let lang = app.state::<AppState>().lang();
    let open = MenuItem::with_id(app, "open", lang.open_tether(), true, None::<&str>)?;
    let status = MenuItem::with_id(app, "status", lang.not_signed_in(), false, None::<&str>)?;
    let quit_item = MenuItem::with_id(app, "quit", lang.quit_tether(), true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &status, &quit_item])?;
    let mut builder = TrayIconBuilder::with_id("main")
        .menu(&menu)
        .tooltip("Tether")
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "open" => show_main_window(app),
            "quit" => quit(app),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                show_main_window(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    let icon = builder.build(app)?;
    app.manage(TrayView {
        icon,
        open,
        status,
        quit: quit_item,
        shown: Mutex::new((None, 0)),
    });
    Ok(())
}

pub fn show_main_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Says offline to contacts (clean disconnect), then exits.
fn quit(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        app.state::<AppState>().replace(None).await;
        app.exit(0);
    });
}

pub fn show_connection(app: &AppHandle, state: &ConnectionState) {
    let state = state.clone();
    update(app, |shown| shown.0 = Some(state));
}

/// Shows the menu in the language the UI now uses.
pub fn relabel(app: &AppHandle) {
    let lang = app.state::<AppState>().lang();
    if let Some(view) = app.try_state::<TrayView>() {
        let _ = view.open.set_text(lang.open_tether());
        let _ = view.quit.set_text(lang.quit_tether());
    }
    update(app, |_| {});
}

pub async fn refresh_unread(app: &AppHandle, client: &AccountClient) {
    match client.reader().unread_total().await {
        Ok(n) => update(app, |shown| shown.1 = n),
        Err(e) => tracing::warn!("cannot count unread messages: {e}"),
    }
}

fn update(app: &AppHandle, change: impl FnOnce(&mut (Option<ConnectionState>, u64))) {
    let Some(view) = app.try_state::<TrayView>() else {
        return;
    };
    let (state, unread) = {
        let mut shown = view.shown.lock().unwrap_or_else(PoisonError::into_inner);
        change(&mut shown);
        shown.clone()
    };
    let lang = app.state::<AppState>().lang();
    let status = state
        .as_ref()
        .map_or(lang.not_signed_in(), |s| lang.connection(s));
    let line = match unread {
        0 => status.to_owned(),
        n => lang.with_unread(status, n),
    };
    let _ = view.status.set_text(&line);
    // Linux panels show no tooltip (libappindicator has none) but show this
    // label next to the icon; macOS shows it in the menu bar.
    let _ = view
        .icon
        .set_title((unread > 0).then(|| unread.to_string()));
    let _ = view.icon.set_tooltip(Some(format!("Tether — {line}")));
    if let Some(window) = app.get_webview_window("main") {
        let badge = (unread > 0).then(|| i64::try_from(unread).unwrap_or(i64::MAX));
        // Not every platform has badges; the tooltip carries the count anyway.
        let _ = window.set_badge_count(badge);
    }
}
