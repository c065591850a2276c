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

    /// A chunk was indexed: more may wait (`full`), so index again at
    /// once (other work runs in between); otherwise all caught up.
    pub(super) fn indexed(&mut self, full: bool, now: Instant) {
        if full {
            self.due = Some(now);
        } else {
            self.clear();
        }
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
            Ok(indexed) => self
                .index_timer
                .indexed(indexed == INDEX_CHUNK, Instant::now()),
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

    #[test]
    fn a_full_chunk_indexes_again_at_once_and_a_short_one_is_the_end() {
        let t0 = Instant::now();
        let mut timer = IndexTimer::default();
        timer.stored(t0);
        timer.indexed(true, t0 + WHEN_QUIET);
        assert_eq!(timer.due(), Some(t0 + WHEN_QUIET), "more waiting");
        timer.indexed(false, t0 + WHEN_QUIET);
        assert_eq!(timer.due(), None, "caught up");
        // The next store starts a new wait, not bounded by the old first.
        timer.stored(t0 + AT_LATEST * 3);
        assert_eq!(timer.due(), Some(t0 + AT_LATEST * 3 + WHEN_QUIET));
    }
}
