//! WAL checkpoints on a thread of their own.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its
//! threshold, on the committing connection: the engine's. It copies the WAL
//! back into the database and fsyncs both, which stalled the engine for
//! 5–20 ms every few thousand messages (seen in P1's profile and P2's tail).
//! Here the engine's connection checkpoints only as a backstop
//! ([`BACKSTOP_PAGES`]), and a thread with its own connection runs a PASSIVE
//! checkpoint every [`INTERVAL`]: PASSIVE never waits for, or blocks, the
//! writer or the readers.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use rusqlite::Connection;

use super::{BUSY_TIMEOUT, Store, StoreError};

/// How often the thread checkpoints. A chat writes far less than a
/// benchmark; at P1's rate this is a few hundred pages a time.
const INTERVAL: Duration = Duration::from_millis(200);

/// The writer's own automatic checkpoint, in pages (4 KiB): only if the
/// thread fell far behind (SQLite's default is 1000).
pub(crate) const BACKSTOP_PAGES: u32 = 20_000;

/// Stops the checkpoint thread when dropped.
#[derive(Debug)]
pub struct CheckpointThread {
    _stop: mpsc::Sender<()>,
}

impl Store {
    /// Leaves checkpoints of the database at `path` to a thread of their own
    /// for as long as the returned handle lives; this connection keeps
    /// checkpointing only as a backstop.
    pub fn checkpoint_in_background(&self, path: &Path) -> Result<CheckpointThread, StoreError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        self.conn
            .pragma_update(None, "wal_autocheckpoint", BACKSTOP_PAGES)?;
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("store-checkpoint".into())
            .spawn(move || {
                // Logged when checkpoints start failing and when they work
                // again, not five times a second in between.
                let mut failing = false;
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(INTERVAL) {
                    match conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                        Err(e) if !failing => {
                            failing = true;
                            tracing::warn!("WAL checkpoints fail (retrying quietly): {e}");
                        }
                        Ok(()) if failing => {
                            failing = false;
                            tracing::info!("WAL checkpoints work again");
                        }
                        _ => {}
                    }
                }
                // A last one on the way out keeps the WAL short for the next start.
                let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            })
            .map_err(|source| StoreError::Thread { source })?;
        Ok(CheckpointThread { _stop: stop })
    }
}
