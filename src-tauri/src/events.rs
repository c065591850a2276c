//! Forwards the signed-in client's events to the UI channel, and drives
//! the tray (unread count, status) and OS notifications from them.
//!
//! Events go to the page in batches, at most one every [`BATCH_EVERY`]: an
//! event after a quiet spell goes at once, a stream goes as batches. The
//! page then handles ≤ 30 deliveries a second (one render each) however
//! fast messages come, and the tray's unread count and the notifications
//! are updated once per batch, not once per message.

use std::collections::HashMap;
use std::time::Duration;

use tauri::{AppHandle, Manager};
use tether_core::store::{ConversationId, StoredMessage};
use tether_core::{Client, Event};
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};
use tokio::time::Instant;

use crate::state::AppState;
use crate::{notify, tray};

/// The shortest time between two batches: two frames at 60 Hz. A stream
/// shows up at 30 updates a second, smooth to the eye, and leaves the
/// page's frames in between for scrolling and typing (one batch a frame
/// kept WebKit's web process busy rendering on a 2-core machine; see P7
/// in docs/BENCHMARKS.md).
const BATCH_EVERY: Duration = Duration::from_millis(33);
/// The most events in one batch (bounds a single delivery's size).
const MAX_BATCH: usize = 2_000;

pub fn forward(app: AppHandle, client: Client) -> tauri::async_runtime::JoinHandle<()> {
    let mut events = client.subscribe();
    tauri::async_runtime::spawn(async move {
        tray::show_connection(&app, &client.connection().borrow().clone());
        tray::refresh_unread(&app, &client).await;
        let mut last_batch = Instant::now() - BATCH_EVERY;
        loop {
            let Some(first) = next(&mut events).await else {
                return;
            };
            tokio::time::sleep_until(last_batch + BATCH_EVERY).await;
            let batch = drain(first, &mut events);
            last_batch = Instant::now();
            app.state::<AppState>().send_to_ui(&batch);
            react(&app, &client, &batch).await;
        }
    })
}

/// The next event, or `None` once the client is gone.
async fn next(events: &mut broadcast::Receiver<Event>) -> Option<Event> {
    loop {
        match events.recv().await {
            Ok(event) => return Some(event),
            Err(RecvError::Lagged(n)) => lagged(n),
            Err(RecvError::Closed) => return None,
        }
    }
}

/// `first` and whatever else is waiting, up to [`MAX_BATCH`].
fn drain(first: Event, events: &mut broadcast::Receiver<Event>) -> Vec<Event> {
    let mut batch = vec![first];
    while batch.len() < MAX_BATCH {
        match events.try_recv() {
            Ok(event) => batch.push(event),
            Err(TryRecvError::Lagged(n)) => lagged(n),
            Err(TryRecvError::Empty | TryRecvError::Closed) => break,
        }
    }
    batch
}

fn lagged(n: u64) {
    // The UI reloads from the store on the next event it cannot place;
    // nothing is lost, only not pushed.
    tracing::warn!("UI events fell {n} behind");
}

/// The tray and notifications, once per batch: the newest incoming message
/// of each conversation is what a notification shows.
async fn react(app: &AppHandle, client: &Client, batch: &[Event]) {
    let mut newest: HashMap<&ConversationId, &StoredMessage> = HashMap::new();
    let mut order = Vec::new();
    for event in batch {
        match event {
            // The guard records each incoming message as its chat's newest;
            // a chat's first one in the batch also fixes its place in order.
            Event::Message { message }
                if !message.outgoing && newest.insert(&message.conversation, message).is_none() =>
            {
                order.push(&message.conversation);
            }
            Event::Connection { state } => tray::show_connection(app, state),
            _ => {}
        }
    }
    for conversation in &order {
        if let Some(message) = newest.get(conversation) {
            notify::new_message(app, message);
        }
    }
    if !order.is_empty() {
        tray::refresh_unread(app, client).await;
    }
}
