//! One module per subcommand.

pub mod account;
pub mod change;
pub mod files;
pub mod lan_user;
pub mod listen;
pub mod outbox;
pub mod read;
pub mod rooms;
pub mod send;
pub mod serve;
pub mod sms;

use std::io::Write;

use serde::Serialize;

use crate::failure::CliError;

/// Prints one JSON line and flushes, so a reader sees it at once (and a
/// kill right after cannot lose a line the user was told about).
pub fn print_json(value: &impl Serialize) -> Result<(), CliError> {
    let line = serde_json::to_string(value).map_err(std::io::Error::from)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()?;
    Ok(())
}

/// The next event, skipping over a lag with a warning (the store has
/// every message; the events a slow reader missed are only updates);
/// `None` when the client stopped.
pub async fn next_event(
    events: &mut tokio::sync::broadcast::Receiver<tether_core::Event>,
) -> Option<tether_core::Event> {
    use tokio::sync::broadcast::error::RecvError;
    loop {
        match events.recv().await {
            Ok(event) => return Some(event),
            Err(RecvError::Lagged(n)) => {
                tracing::warn!("fell {n} events behind; the history shows all messages");
            }
            Err(RecvError::Closed) => return None,
        }
    }
}
