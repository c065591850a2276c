//! Forwards the signed-in client's events to the UI channel, and drives
//! the tray (unread count, status) and OS notifications from them.

use tauri::{AppHandle, Manager};
use tether_core::{Client, Event};
use tokio::sync::broadcast::error::RecvError;

use crate::state::AppState;
use crate::{notify, tray};

pub fn forward(app: AppHandle, client: Client) -> tauri::async_runtime::JoinHandle<()> {
    let mut events = client.subscribe();
    tauri::async_runtime::spawn(async move {
        tray::show_connection(&app, &client.connection().borrow().clone());
        tray::refresh_unread(&app, &client).await;
        loop {
            let event = match events.recv().await {
                Ok(event) => event,
                Err(RecvError::Lagged(n)) => {
                    // The UI reloads from the store on the next event it
                    // cannot place; nothing is lost, only not pushed.
                    tracing::warn!("UI events fell {n} behind");
                    continue;
                }
                Err(RecvError::Closed) => return,
            };
            app.state::<AppState>().send_to_ui(&event);
            match &event {
                Event::Message { message } if !message.outgoing => {
                    notify::new_message(&app, message);
                    tray::refresh_unread(&app, &client).await;
                }
                Event::Connection { state } => tray::show_connection(&app, state),
                _ => {}
            }
        }
    })
}
