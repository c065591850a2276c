//! Matching our publishes to the broker's PUBACKs.
//!
//! rumqttc's `publish()` returns no packet id. It does report each publish
//! it writes (`Outgoing::Publish(pkid)`) in the order it took them from its
//! channel, which is the order we handed them over. So we keep a FIFO of
//! what we handed over, pair it with those reports, and look PUBACKs up by
//! packet id. Entries carry the outbox row id (None for fire-and-forget
//! publishes such as typing and presence).

use std::collections::{HashMap, VecDeque};

#[derive(Debug)]
pub(crate) struct Publisher {
    window: usize,
    /// Highest outbox id handed over on the current link.
    cursor: i64,
    handed: VecDeque<Option<i64>>,
    inflight: HashMap<u16, Option<i64>>,
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

    /// Whether a row with this many strikes may be handed over now: a
    /// suspect goes only when no other outbox row is on its way, so that a
    /// link it breaks convicts nothing else. (Presence and typing may share
    /// the link: they are no outbox rows, so never suspects.)
    pub(crate) fn may_hand(&self, strikes: u32) -> bool {
        strikes == 0
            || (self.handed.iter().all(Option::is_none)
                && self.inflight.values().all(Option::is_none))
    }

    /// Handed a suspect row to rumqttc: it travels alone.
    pub(crate) fn handed_alone(&mut self, outbox_id: i64) {
        self.handed(Some(outbox_id));
        self.alone = Some(outbox_id);
    }

    /// The oldest outbox row written on this link and not acknowledged.
    pub(crate) fn oldest_unacked(&self) -> Option<i64> {
        self.inflight.values().flatten().min().copied()
    }

    /// Handed a publish to rumqttc.
    pub(crate) fn handed(&mut self, outbox_id: Option<i64>) {
        if let Some(id) = outbox_id {
            self.cursor = self.cursor.max(id);
        }
        self.handed.push_back(outbox_id);
    }

    /// rumqttc wrote the next publish with this packet id (0 for QoS 0).
    pub(crate) fn written(&mut self, pkid: u16) {
        if let Some(entry) = self.handed.pop_front()
            && pkid != 0
        {
            self.inflight.insert(pkid, entry);
        }
    }

    /// The broker acknowledged `pkid`: the outbox row it carried, if any.
    pub(crate) fn acked(&mut self, pkid: u16) -> Option<i64> {
        let row = self.inflight.remove(&pkid).flatten();
        if row.is_some() && row == self.alone {
            self.alone = None;
        }
        row
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acks_map_back_to_outbox_rows_through_packet_ids() {
        let mut p = Publisher::new(10);
        p.handed(Some(5));
        p.handed(None); // typing, QoS 0
        p.handed(Some(6));
        p.written(1);
        p.written(0);
        p.written(2);
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
        p.written(1);
        assert_eq!(p.room(), 0);
        p.acked(1);
        assert_eq!(p.room(), 1);
    }

    #[test]
    fn a_suspect_waits_for_an_idle_link_and_travels_alone() {
        let mut p = Publisher::new(10);
        p.handed(None);
        assert!(p.may_hand(1), "presence is no outbox row");
        p.handed(Some(1));
        assert!(p.may_hand(0));
        assert!(!p.may_hand(1), "a suspect never shares the link with a row");
        p.written(0);
        p.written(1);
        assert!(!p.may_hand(1));
        assert_eq!(p.acked(1), Some(1));
        assert!(p.may_hand(1));
        p.handed_alone(2);
        assert_eq!(p.room(), 0, "nothing follows a suspect");
        p.written(2);
        assert_eq!(p.oldest_unacked(), Some(2));
        assert_eq!(p.acked(2), Some(2));
        assert_eq!(p.room(), 10, "acknowledged: the window opens again");
    }

    #[test]
    fn the_oldest_unacked_row_is_the_lowest_id_written() {
        let mut p = Publisher::new(10);
        assert_eq!(p.oldest_unacked(), None);
        p.handed(Some(4));
        assert_eq!(p.oldest_unacked(), None, "handed but not written");
        p.handed(None);
        p.handed(Some(5));
        p.written(1);
        p.written(2);
        p.written(3);
        assert_eq!(p.oldest_unacked(), Some(4));
        p.acked(1);
        assert_eq!(p.oldest_unacked(), Some(5));
    }

    #[test]
    fn reset_forgets_the_link() {
        let mut p = Publisher::new(4);
        p.handed(Some(9));
        p.written(3);
        p.reset();
        assert_eq!((p.cursor(), p.room(), p.acked(3)), (0, 4, None));
    }
}
