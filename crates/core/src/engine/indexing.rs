//! When the engine catches the search index up (see `store::indexing`).
//!
//! Messages are indexed once the flow of stored messages pauses for
//! [`WHEN_QUIET`], or [`AT_LATEST`] after the first one waiting under a
//! steady stream, so a burst costs one index segment instead of one per
//! stored batch. Nothing is lost by waiting: the waiting messages are in
//! the store, a search indexes them itself first, and after a restart the
//! engine picks up where the last run stopped.

use std::time::Duration;

use tokio::time::Instant;

use super::Engine;
use crate::store::INDEX_CHUNK;

/// A pause in the stream this long starts indexing.
const WHEN_QUIET: Duration = Duration::from_millis(300);
/// Under a steady stream, index at least this often.
const AT_LATEST: Duration = Duration::from_secs(2);

/// The indexing timer: when the first message still waiting was stored,
/// and when indexing is due.
#[derive(Debug, Default)]
pub(super) struct IndexTimer {
    first: Option<Instant>,
    due: Option<Instant>,
}

impl IndexTimer {
    /// Due after a quiet spell from now, or sooner when messages waited long.
    pub(super) fn stored(&mut self, now: Instant) {
        let first = *self.first.get_or_insert(now);
        self.due = Some((now + WHEN_QUIET).min(first + AT_LATEST));
    }

    pub(super) fn due(&self) -> Option<Instant> {
        self.due
    }

    fn clear(&mut self) {
        *self = IndexTimer::default();
    }
}

impl Engine {
    /// Messages were stored: index them once things calm down.
    pub(super) fn messages_stored(&mut self) {
        self.index_timer.stored(Instant::now());
    }

    /// Indexes one chunk; more waiting stay due at once, so other work
    /// (link events, commands) runs between chunks.
    pub(super) fn index_pending(&mut self) {
        match self.store.index_pending() {
            Ok(INDEX_CHUNK) => self.index_timer.due = Some(Instant::now()),
            Ok(_) => self.index_timer.clear(),
            Err(e) => {
                // Searches index for themselves; try again on the next store.
                tracing::error!("cannot index messages for search: {e}");
                self.index_timer.clear();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pause_starts_indexing_and_a_steady_stream_cannot_postpone_it() {
        let t0 = Instant::now();
        let mut timer = IndexTimer::default();
        assert_eq!(timer.due(), None);
        timer.stored(t0);
        assert_eq!(timer.due(), Some(t0 + WHEN_QUIET));
        // Each store pushes it back, but never past AT_LATEST after the first.
        timer.stored(t0 + Duration::from_millis(100));
        assert_eq!(
            timer.due(),
            Some(t0 + Duration::from_millis(100) + WHEN_QUIET)
        );
        timer.stored(t0 + AT_LATEST - Duration::from_millis(50));
        assert_eq!(timer.due(), Some(t0 + AT_LATEST));
        timer.clear();
        timer.stored(t0 + AT_LATEST);
        assert_eq!(timer.due(), Some(t0 + AT_LATEST + WHEN_QUIET));
    }
}
