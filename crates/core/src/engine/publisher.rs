//! Matching our publishes to the broker's PUBACKs.
//!
//! rumqttc's `publish()` returns no packet id. It does report each publish
//! it writes (`Outgoing::Publish(pkid)`) in the order it took them from its
//! channel, which is the order we handed them over. So we keep a FIFO of
//! what we handed over, pair it with those reports, and look PUBACKs up by
//! packet id. Entries carry the outbox row id (None for fire-and-forget
//! publishes such as typing and presence).

use std::collections::{HashMap, VecDeque};

use tokio::time::Instant;

#[derive(Debug)]
pub(crate) struct Publisher {
    window: usize,
    /// Highest outbox id handed over on the current link.
    cursor: i64,
    handed: VecDeque<Option<i64>>,
    /// Written and not acknowledged: the outbox row (if any) and when.
    inflight: HashMap<u16, (Option<i64>, Instant)>,
    /// A suspect row (see `suspects`) on its way alone: nothing else is
    /// handed over until the broker acknowledged it.
    alone: Option<i64>,
}

impl Publisher {
    pub(crate) fn new(window: usize) -> Publisher {
        Publisher {
            window,
            cursor: 0,
            handed: VecDeque::new(),
            inflight: HashMap::new(),
            alone: None,
        }
    }

    /// A new link: everything unacknowledged is replayed from the outbox.
    pub(crate) fn reset(&mut self) {
        self.cursor = 0;
        self.handed.clear();
        self.inflight.clear();
        self.alone = None;
    }

    pub(crate) fn cursor(&self) -> i64 {
        self.cursor
    }

    /// How many more publishes fit in the in-flight window.
    pub(crate) fn room(&self) -> usize {
        if self.alone.is_some() {
            return 0;
        }
        self.window
            .saturating_sub(self.handed.len() + self.inflight.len())
    }

    /// Nothing handed over is unacknowledged.
    pub(crate) fn is_idle(&self) -> bool {
        self.handed.is_empty() && self.inflight.is_empty()
    }

    /// Whether a row with this many strikes may be handed over now: a
    /// suspect goes only onto an idle link, so that a link it breaks
    /// convicts nothing else.
    pub(crate) fn may_hand(&self, strikes: u32) -> bool {
        strikes == 0 || self.is_idle()
    }

    /// Handed a publish to rumqttc.
    pub(crate) fn handed(&mut self, outbox_id: Option<i64>) {
        if let Some(id) = outbox_id {
            self.cursor = self.cursor.max(id);
        }
        self.handed.push_back(outbox_id);
    }

    /// Handed a suspect row to rumqttc: it travels alone.
    pub(crate) fn handed_alone(&mut self, outbox_id: i64) {
        self.handed(Some(outbox_id));
        self.alone = Some(outbox_id);
    }

    /// Whether `outbox_id` is the suspect travelling alone.
    pub(crate) fn is_alone(&self, outbox_id: i64) -> bool {
        self.alone == Some(outbox_id)
    }

    /// rumqttc wrote the next publish with this packet id (0 for QoS 0).
    pub(crate) fn written(&mut self, pkid: u16, now: Instant) {
        if let Some(entry) = self.handed.pop_front()
            && pkid != 0
        {
            self.inflight.insert(pkid, (entry, now));
        }
    }

    /// The broker acknowledged `pkid`: the outbox row it carried, if any.
    pub(crate) fn acked(&mut self, pkid: u16) -> Option<i64> {
        let row = self.inflight.remove(&pkid).and_then(|(row, _)| row);
        if row.is_some() && row == self.alone {
            self.alone = None;
        }
        row
    }

    /// The oldest outbox row written on this link and not acknowledged,
    /// and when it was written.
    pub(crate) fn oldest_unacked(&self) -> Option<(i64, Instant)> {
        self.inflight
            .values()
            .filter_map(|(row, at)| row.map(|row| (row, *at)))
            .min_by_key(|(row, _)| *row)
    }

    /// Whether a publish that is no outbox row (presence) is unacknowledged.
    pub(crate) fn other_in_flight(&self) -> bool {
        self.handed.iter().any(Option::is_none)
            || self.inflight.values().any(|(row, _)| row.is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Publisher {
        fn written_now(&mut self, pkid: u16) {
            self.written(pkid, Instant::now());
        }
    }

    #[test]
    fn acks_map_back_to_outbox_rows_through_packet_ids() {
        let mut p = Publisher::new(10);
        p.handed(Some(5));
        p.handed(None); // typing, QoS 0
        p.handed(Some(6));
        p.written_now(1);
        p.written_now(0);
        p.written_now(2);
        assert_eq!(p.room(), 8);
        assert_eq!(p.acked(2), Some(6));
        assert_eq!(p.acked(1), Some(5));
        assert_eq!(p.acked(1), None);
        assert_eq!(p.room(), 10);
        assert_eq!(p.cursor(), 6);
    }

    #[test]
    fn the_window_limits_what_is_handed_over() {
        let mut p = Publisher::new(2);
        p.handed(Some(1));
        p.handed(Some(2));
        assert_eq!(p.room(), 0);
        p.written_now(1);
        assert_eq!(p.room(), 0);
        p.acked(1);
        assert_eq!(p.room(), 1);
    }

    #[test]
    fn a_suspect_waits_for_an_idle_link_and_travels_alone() {
        let mut p = Publisher::new(10);
        p.handed(None);
        assert!(!p.may_hand(1), "not even beside presence");
        assert!(p.other_in_flight());
        p.handed(Some(1));
        assert!(p.may_hand(0));
        p.written_now(5);
        p.written_now(1);
        assert!(!p.may_hand(1));
        assert_eq!(p.acked(5), None);
        assert!(!p.other_in_flight());
        assert_eq!(p.acked(1), Some(1));
        assert!(p.may_hand(1), "idle");
        p.handed_alone(2);
        assert!(p.is_alone(2));
        assert_eq!(p.room(), 0, "nothing follows a suspect");
        p.written_now(2);
        assert_eq!(p.oldest_unacked().map(|(row, _)| row), Some(2));
        assert_eq!(p.acked(2), Some(2));
        assert!(!p.is_alone(2));
        assert_eq!(p.room(), 10, "acknowledged: the window opens again");
    }

    #[test]
    fn the_oldest_unacked_row_is_the_lowest_id_written_with_its_time() {
        let mut p = Publisher::new(10);
        assert_eq!(p.oldest_unacked(), None);
        p.handed(Some(4));
        assert_eq!(p.oldest_unacked(), None, "handed but not written");
        p.handed(None);
        p.handed(Some(5));
        let at = Instant::now();
        p.written(1, at);
        p.written_now(2);
        p.written_now(3);
        assert_eq!(p.oldest_unacked(), Some((4, at)));
        p.acked(1);
        assert_eq!(p.oldest_unacked().map(|(row, _)| row), Some(5));
    }

    #[test]
    fn reset_forgets_the_link() {
        let mut p = Publisher::new(4);
        p.handed(Some(9));
        p.written_now(3);
        p.reset();
        assert_eq!((p.cursor(), p.room(), p.acked(3)), (0, 4, None));
    }
}
