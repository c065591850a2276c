//! What the sender publishes, and in what order (I/O-free).
//!
//! A pushed file goes chunk after chunk; the broker's PUBACK marks a chunk
//! done for good (stored, so a restart does not push it again), a lost
//! link sends the unacknowledged ones again. Chunks asked for by a
//! receiver (`want`) wait in [`Asked`], one copy each, served in the order
//! asked, a bounded number per asker.

use std::collections::{BTreeSet, HashSet, VecDeque};

use uuid::Uuid;

use super::chunks::Chunks;
use crate::protocol::UserId;
use crate::protocol::frame::{Layout, Span};

/// A file being pushed to the broker.
#[derive(Debug)]
pub struct Push {
    pub layout: Layout,
    /// Chunks the broker acknowledged.
    pub acked: Chunks,
    /// Published on this link and not acknowledged yet.
    in_flight: BTreeSet<u32>,
    /// Where to look for the next chunk to publish.
    cursor: u32,
}

impl Push {
    pub fn new(layout: Layout, acked: Chunks) -> Push {
        Push {
            layout,
            acked,
            in_flight: BTreeSet::new(),
            cursor: 0,
        }
    }

    /// The next chunk to publish, if any is neither acknowledged nor in flight.
    pub fn next_chunk(&mut self) -> Option<u32> {
        while let Some(i) = self.acked.next_missing(self.cursor) {
            self.cursor = i + 1;
            if self.in_flight.insert(i) {
                return Some(i);
            }
        }
        None
    }

    /// Chunk `index` could not be handed over: it is next again.
    pub fn unsend(&mut self, index: u32) {
        self.in_flight.remove(&index);
        self.cursor = self.cursor.min(index);
    }

    /// The broker has chunk `index`: whether that finished the push.
    pub fn acked(&mut self, index: u32) -> bool {
        self.in_flight.remove(&index);
        self.acked.insert(index);
        self.acked.is_complete()
    }

    pub fn is_done(&self) -> bool {
        self.acked.is_complete()
    }

    /// Unacknowledged chunks go again on the next link.
    pub fn link_lost(&mut self) {
        self.in_flight.clear();
        self.cursor = 0;
    }
}

/// One chunk someone asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Wanted {
    pub to: UserId,
    pub file: Uuid,
    pub index: u32,
}

/// Chunks receivers asked for, not yet published.
#[derive(Debug, Default)]
pub struct Asked {
    queue: VecDeque<Wanted>,
    queued: HashSet<Wanted>,
}

/// Most chunks waiting for one asker (a receiver asks for 32 at a time;
/// more is a misbehaving or replayed request).
pub const MAX_ASKED_PER_USER: usize = 256;

impl Asked {
    /// Queues the chunks of `spans` that exist and are not queued already;
    /// how many were taken.
    pub fn ask(&mut self, to: &UserId, file: Uuid, layout: Layout, spans: &[Span]) -> usize {
        let mut waiting = self.queue.iter().filter(|w| &w.to == to).count();
        let mut taken = 0;
        for span in spans {
            let end = span.end().min(u64::from(layout.chunks()));
            for index in u64::from(span.first)..end {
                if waiting >= MAX_ASKED_PER_USER {
                    return taken;
                }
                let wanted = Wanted {
                    to: to.clone(),
                    file,
                    // < chunks(), a u32.
                    index: u32::try_from(index).unwrap_or(u32::MAX),
                };
                if self.queued.insert(wanted.clone()) {
                    self.queue.push_back(wanted);
                    waiting += 1;
                    taken += 1;
                }
            }
        }
        taken
    }

    pub fn pop(&mut self) -> Option<Wanted> {
        let wanted = self.queue.pop_front()?;
        self.queued.remove(&wanted);
        Some(wanted)
    }

    /// Forgets what was asked of a file (it is gone).
    pub fn forget(&mut self, file: Uuid) {
        self.queue.retain(|w| w.file != file);
        self.queued.retain(|w| w.file != file);
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::frame::MIN_CHUNK;

    fn layout(chunks: u32) -> Layout {
        Layout::new(u64::from(chunks) * u64::from(MIN_CHUNK) - 1, MIN_CHUNK).unwrap()
    }

    #[test]
    fn a_push_sends_each_chunk_once_per_link_and_acked_ones_never_again() {
        let mut p = Push::new(layout(4), Chunks::none(4));
        assert_eq!(
            (p.next_chunk(), p.next_chunk(), p.next_chunk()),
            (Some(0), Some(1), Some(2))
        );
        assert!(!p.acked(1));
        p.link_lost();
        let again: Vec<u32> = std::iter::from_fn(|| p.next_chunk()).collect();
        assert_eq!(again, vec![0, 2, 3]);
        for i in [0, 2] {
            assert!(!p.acked(i));
        }
        assert!(p.acked(3) && p.is_done() && p.next_chunk().is_none());
    }

    #[test]
    fn a_push_resumes_from_what_was_acknowledged_before_a_restart() {
        let mut acked = Chunks::none(4);
        acked.insert(0);
        acked.insert(2);
        let mut p = Push::new(layout(4), acked);
        let left: Vec<u32> = std::iter::from_fn(|| p.next_chunk()).collect();
        assert_eq!(left, vec![1, 3]);
    }

    #[test]
    fn asked_chunks_are_queued_once_within_the_file_and_the_bound() {
        let bob = UserId::new("bob").unwrap();
        let file = Uuid::from_u128(1);
        let mut a = Asked::default();
        let spans = [Span { first: 2, count: 5 }, Span { first: 3, count: 1 }];
        // Chunks 2 and 3 only: the file has 4.
        assert_eq!(a.ask(&bob, file, layout(4), &spans), 2);
        assert_eq!(a.ask(&bob, file, layout(4), &spans), 0);
        assert_eq!(a.pop().map(|w| w.index), Some(2));
        assert_eq!(a.ask(&bob, file, layout(4), &spans), 1);
        let huge = [Span {
            first: 0,
            count: u32::MAX,
        }];
        let big = Layout::new(1 << 30, MIN_CHUNK).unwrap();
        assert_eq!(
            a.ask(&bob, Uuid::from_u128(2), big, &huge),
            MAX_ASKED_PER_USER - 2
        );
        a.forget(Uuid::from_u128(2));
        let left: Vec<u32> = std::iter::from_fn(|| a.pop()).map(|w| w.index).collect();
        assert_eq!(left, vec![3, 2]);
        assert!(a.is_empty());
    }
}
