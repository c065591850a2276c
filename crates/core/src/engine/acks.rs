//! The acknowledgement queue: when each incoming PUBLISH gets its PUBACK.
//!
//! Two rules carry "nothing received is lost":
//! - A PUBLISH is acknowledged only once what it carried is committed: a
//!   message with our `delivered` receipt for it ([`AckQueue::committed`]),
//!   or a receipt, which commits with the next settle (held until then:
//!   [`AckQueue::hold`], [`AckQueue::settled`]). A crash before that makes
//!   the broker deliver it again, and the store de-duplicates by id.
//! - PUBACKs go out in the order the PUBLISHes came: one that arrives after
//!   a held one waits behind it, committed or not, so a broker that counts
//!   its window in order never sees a gap.
//!
//! What is queued belongs to one link: the packet ids mean nothing on the
//! next, where the broker delivers the unacknowledged ones again
//! ([`AckQueue::link_lost`]).
//!
//! I/O-free and generic over the PUBLISH, so the rules are tested without a
//! broker; the engine sends [`AckQueue::front`] to rumqttc and pops it once
//! rumqttc took it (see `receiving::flush_acks`).

use std::collections::VecDeque;

#[derive(Debug)]
pub(super) struct AckQueue<P> {
    /// Committed, to acknowledge in this order.
    ready: VecDeque<P>,
    /// Waiting for the next settle to commit (and everything behind them).
    held: VecDeque<P>,
}

impl<P> Default for AckQueue<P> {
    fn default() -> Self {
        AckQueue {
            ready: VecDeque::new(),
            held: VecDeque::new(),
        }
    }
}

impl<P> AckQueue<P> {
    /// What these PUBLISHes carried is committed: acknowledge them, behind
    /// any still held.
    pub fn committed(&mut self, batch: impl IntoIterator<Item = P>) {
        if self.held.is_empty() {
            self.ready.extend(batch);
        } else {
            self.held.extend(batch);
        }
    }

    /// These PUBLISHes carried receipts, which commit with the next settle.
    pub fn hold(&mut self, batch: impl IntoIterator<Item = P>) {
        self.held.extend(batch);
    }

    /// How many wait for a settle.
    pub fn held(&self) -> usize {
        self.held.len()
    }

    /// The settle committed: the held PUBLISHes may be acknowledged, in order.
    pub fn settled(&mut self) {
        self.ready.append(&mut self.held);
    }

    /// The next PUBACK to send.
    pub fn front(&self) -> Option<&P> {
        self.ready.front()
    }

    /// rumqttc took the front one.
    pub fn sent(&mut self) {
        self.ready.pop_front();
    }

    /// The link is gone: nothing queued can be acknowledged any more.
    pub fn link_lost(&mut self) {
        self.ready.clear();
        self.held.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends PUBACKs while rumqttc takes them (`room` at a time).
    fn flush(q: &mut AckQueue<u16>, room: usize) -> Vec<u16> {
        let mut out = Vec::new();
        while out.len() < room {
            let Some(&p) = q.front() else { break };
            out.push(p);
            q.sent();
        }
        out
    }

    #[test]
    fn committed_publishes_are_acknowledged_in_arrival_order() {
        let mut q = AckQueue::default();
        q.committed([1, 2]);
        q.committed([3]);
        assert_eq!(flush(&mut q, 10), [1, 2, 3]);
        assert_eq!(q.front(), None);
    }

    #[test]
    fn nothing_is_acknowledged_before_it_is_committed() {
        // A batch whose store write failed is never handed to the queue:
        // no PUBACK, so the broker delivers it again.
        let mut q: AckQueue<u16> = AckQueue::default();
        assert_eq!(flush(&mut q, 10), Vec::<u16>::new());
        // A receipt is committed by the next settle, not when it arrives.
        q.hold([7]);
        assert_eq!(flush(&mut q, 10), Vec::<u16>::new());
        q.settled();
        assert_eq!(flush(&mut q, 10), [7]);
    }

    #[test]
    fn publishes_behind_a_held_one_wait_for_it() {
        let mut q = AckQueue::default();
        q.committed([1]);
        q.hold([2]);
        q.committed([3, 4]);
        assert_eq!(flush(&mut q, 10), [1], "3 and 4 wait behind the receipt");
        assert_eq!(q.held(), 3);
        q.settled();
        assert_eq!(flush(&mut q, 10), [2, 3, 4]);
    }

    #[test]
    fn held_acks_are_released_in_order_after_earlier_ready_ones() {
        let mut q = AckQueue::default();
        q.committed([1, 2]);
        q.hold([3]);
        // rumqttc had room for one before the settle.
        assert_eq!(flush(&mut q, 1), [1]);
        q.settled();
        q.committed([4]);
        assert_eq!(flush(&mut q, 10), [2, 3, 4]);
    }

    #[test]
    fn a_failed_settle_keeps_them_held_and_later_ones_behind() {
        let mut q = AckQueue::default();
        q.hold([1]);
        // The settle failed: `settled` is not called; more arrive.
        q.committed([2]);
        q.hold([3]);
        assert_eq!(flush(&mut q, 10), Vec::<u16>::new());
        q.settled();
        assert_eq!(flush(&mut q, 10), [1, 2, 3]);
    }

    #[test]
    fn a_full_request_queue_keeps_the_ack_at_the_front() {
        let mut q = AckQueue::default();
        q.committed([1, 2, 3]);
        assert_eq!(flush(&mut q, 0), Vec::<u16>::new());
        assert_eq!(q.front(), Some(&1));
        assert_eq!(flush(&mut q, 2), [1, 2]);
        assert_eq!(flush(&mut q, 2), [3]);
    }

    #[test]
    fn a_lost_link_drops_what_was_queued_for_it() {
        let mut q = AckQueue::default();
        q.committed([1]);
        q.hold([2]);
        q.committed([3]);
        q.link_lost();
        assert_eq!(q.held(), 0);
        assert_eq!(q.front(), None);
        // The next link starts clean: its publishes are not stuck behind
        // the old link's held ones.
        q.committed([1]);
        assert_eq!(flush(&mut q, 10), [1]);
    }

    #[test]
    fn settling_with_nothing_held_changes_nothing() {
        let mut q = AckQueue::default();
        q.committed([5]);
        q.settled();
        assert_eq!(flush(&mut q, 10), [5]);
    }
}
