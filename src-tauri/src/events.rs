//! Forwards the signed-in client's events to the UI channel, and drives
//! the tray (unread count, status) and OS notifications from them.
//!
//! Events go to the page in batches, at most one every [`BATCH_EVERY`]: an
//! event after a quiet spell goes at once, a stream goes as batches. The
//! page then handles ≤ 30 deliveries a second (one render each) however
//! fast messages come, and the tray's unread count and the notifications
//! are updated once per batch, not once per message.

use std::time::Duration;

use tauri::{AppHandle, Manager};

use tether_core::Event;
use tether_core::channel::AccountClient;
use tether_core::model::{ConnectionState, StoredMessage};
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

pub fn forward(app: AppHandle, client: AccountClient) -> tauri::async_runtime::JoinHandle<()> {
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
            // Taken from the batch first, so the batch itself moves to the
            // page without a copy of every event.
            let reaction = Reaction::to(&batch);
            app.state::<AppState>().send_to_ui(batch);
            reaction.apply(&app, &client).await;
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

/// What the tray and notifications do about a batch: the connection
/// state it ends with, and the newest incoming message of each chat (what
/// a notification shows), in the order the chats first appear.
struct Reaction {
    connection: Option<ConnectionState>,
    newest: Vec<StoredMessage>,
}

impl Reaction {
    fn to(batch: &[Event]) -> Reaction {
        let mut connection = None;
        let mut newest: Vec<&StoredMessage> = Vec::new();
        for event in batch {
            match event {
                Event::Message { message } if !message.outgoing => {
                    match newest
                        .iter_mut()
                        .find(|m| m.conversation == message.conversation)
                    {
                        Some(seen) => *seen = message,
                        None => newest.push(message),
                    }
                }
                Event::Connection { state } => connection = Some(state),
                _ => {}
            }
        }
        Reaction {
            connection: connection.cloned(),
            newest: newest.into_iter().cloned().collect(),
        }
    }

    async fn apply(self, app: &AppHandle, client: &AccountClient) {
        if let Some(state) = &self.connection {
            tray::show_connection(app, state);
        }
        let me = client.chat().map(|c| c.me().clone());
        for message in &self.newest {
            let setting = client
                .reader()
                .conversation_notify(message.conversation.clone())
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!("cannot read a notification setting: {e}");
                    None
                });
            notify::new_message(app, message, me.as_ref(), setting.as_ref());
        }
        if !self.newest.is_empty() {
            tray::refresh_unread(app, client).await;
        }
    }
}
