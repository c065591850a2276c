//! What the receiver of one file asks for, and when (I/O-free).
//!
//! A pushed file (`queued`) arrives by itself: the receiver asks only for
//! what is still missing once nothing has come for [`QUIET`]. A fetched
//! one is asked for at once, at most [`ASK_WINDOW`] chunks at a time, more
//! as they come: that is the flow control. Chunks asked for that do not
//! come within [`QUIET`] are asked for again (the request or the chunk was
//! lost with a link or a broker).

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

use super::chunks::Chunks;
use crate::protocol::frame::{Layout, Span};

/// Chunks asked for and not yet arrived, at most (8 MiB of 256 KiB chunks).
pub const ASK_WINDOW: u32 = 32;
/// Nothing arrived for this long: ask (again) for what is missing.
pub const QUIET: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub struct Download {
    pub layout: Layout,
    pub have: Chunks,
    /// The sender pushes every chunk (the announcement said `queued`).
    queued: bool,
    /// Known from an announcement; until then nobody is asked.
    announced: bool,
    asked: HashMap<u32, Instant>,
    /// When a chunk last arrived (or the download began).
    progress: Instant,
}

impl Download {
    pub fn new(layout: Layout, have: Chunks, now: Instant) -> Download {
        Download {
            layout,
            have,
            queued: true,
            announced: false,
            asked: HashMap::new(),
            progress: now,
        }
    }

    /// The announcement arrived: whether the sender pushes the chunks.
    pub fn announced(&mut self, queued: bool, now: Instant) {
        if !self.announced {
            self.progress = now;
        }
        self.announced = true;
        self.queued = queued;
    }

    pub fn is_announced(&self) -> bool {
        self.announced
    }

    pub fn is_complete(&self) -> bool {
        self.have.is_complete()
    }

    /// A verified chunk was written: whether it was new.
    pub fn arrived(&mut self, index: u32, now: Instant) -> bool {
        self.asked.remove(&index);
        let new = self.have.insert(index);
        if new {
            self.progress = now;
        }
        new
    }

    /// Requests and their answers died with the link.
    pub fn link_lost(&mut self) {
        self.asked.clear();
    }

    /// The file failed its final check: start over.
    pub fn restart(&mut self, now: Instant) {
        self.have = Chunks::none(self.layout.chunks());
        self.asked.clear();
        self.progress = now;
    }

    /// What to ask the sender for now, if anything.
    pub fn wants(&mut self, now: Instant) -> Vec<Span> {
        if !self.announced || self.is_complete() {
            return Vec::new();
        }
        let quiet = now.saturating_duration_since(self.progress) >= QUIET;
        if self.queued && !quiet {
            return Vec::new();
        }
        if quiet {
            // Whatever was asked and has not come is asked for again.
            self.asked.clear();
        }
        let room = ASK_WINDOW.saturating_sub(u32::try_from(self.asked.len()).unwrap_or(u32::MAX));
        // Topped up a quarter of the window at a time, not one request per
        // chunk that arrives.
        if room == 0 || (room < ASK_WINDOW / 4 && !self.asked.is_empty()) {
            return Vec::new();
        }
        let spans = self.have.missing(room, |i| self.asked.contains_key(&i));
        for span in &spans {
            for i in span.first..span.first + span.count {
                self.asked.insert(i, now);
            }
        }
        if !spans.is_empty() {
            // The quiet spell restarts: give the answers time to come.
            self.progress = now;
        }
        spans
    }

    /// When [`Download::wants`] may have something new without an arrival.
    pub fn next_check(&self) -> Option<Instant> {
        (self.announced && !self.is_complete()).then_some(self.progress + QUIET)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::frame::MIN_CHUNK;

    fn download(chunks: u32, now: Instant) -> Download {
        let layout = Layout::new(u64::from(chunks) * u64::from(MIN_CHUNK), MIN_CHUNK).unwrap();
        Download::new(layout, Chunks::none(chunks), now)
    }

    fn total(spans: &[Span]) -> u32 {
        spans.iter().map(|s| s.count).sum()
    }

    #[test]
    fn nobody_is_asked_before_the_announcement() {
        let t = Instant::now();
        let mut d = download(4, t);
        assert!(d.wants(t + QUIET * 3).is_empty());
        assert_eq!(d.next_check(), None);
    }

    #[test]
    fn a_pushed_file_is_asked_for_only_after_a_quiet_spell() {
        let t = Instant::now();
        let mut d = download(4, t);
        d.announced(true, t);
        d.arrived(0, t + Duration::from_secs(1));
        assert!(d.wants(t + Duration::from_secs(3)).is_empty());
        let later = t + Duration::from_secs(1) + QUIET;
        assert_eq!(d.wants(later), vec![Span { first: 1, count: 3 }]);
        // Asked once: not again until another quiet spell.
        assert!(d.wants(later + Duration::from_secs(1)).is_empty());
        assert_eq!(total(&d.wants(later + QUIET)), 3);
    }

    #[test]
    fn a_fetched_file_is_asked_for_a_window_at_a_time() {
        let t = Instant::now();
        let mut d = download(100, t);
        d.announced(false, t);
        let first = d.wants(t);
        assert_eq!(
            first,
            vec![Span {
                first: 0,
                count: ASK_WINDOW
            }]
        );
        assert!(d.wants(t).is_empty());
        for i in 0..5 {
            assert!(d.arrived(i, t));
        }
        // Less than a quarter of the window is free: not yet.
        assert!(d.wants(t).is_empty());
        for i in 5..8 {
            assert!(d.arrived(i, t));
        }
        assert_eq!(
            d.wants(t),
            vec![Span {
                first: ASK_WINDOW,
                count: 8
            }]
        );
        assert!(!d.arrived(0, t));
    }

    #[test]
    fn requests_lost_with_the_link_are_made_again() {
        let t = Instant::now();
        let mut d = download(3, t);
        d.announced(false, t);
        assert_eq!(total(&d.wants(t)), 3);
        d.link_lost();
        assert_eq!(total(&d.wants(t)), 3);
        for i in 0..3 {
            d.arrived(i, t);
        }
        assert!(d.is_complete() && d.wants(t + QUIET).is_empty());
        assert_eq!(d.next_check(), None);
        d.restart(t);
        assert_eq!(total(&d.wants(t)), 3);
    }
}
