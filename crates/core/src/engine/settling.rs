//! Settling what the link reported, in the store: PUBACKs for our
//! publishes (delete the outbox rows, mark the messages `Sent`) and
//! receipts from our peers (raise the messages to `Delivered`/`Read`).
//!
//! A PUBACK frees its place in the in-flight window at once (see
//! `Publisher`), but the store learns of it a little later: what arrives
//! within [`SETTLE_AFTER`] is settled together, in one transaction.
//! Settling each link event's acks and receipts on its own cost a commit
//! per event, most of the sender's time in P1 after sending itself.
//!
//! Waiting loses nothing. An acknowledged row not settled yet is at worst
//! published once more after a crash, and receivers de-duplicate by id. A
//! receipt's PUBLISH is acknowledged to the broker only once the receipt is
//! committed (and PUBACKs go out in the order their PUBLISHes came, so
//! whatever arrived after it waits too), so a crash makes the broker
//! deliver it again. Few are held: at [`HOLD_AT_MOST`] everything settles
//! at once, well inside the window a broker allows a subscriber (Mosquitto:
//! 20 by default). Before the outbox is replayed (a new link) or the engine
//! stops, everything is settled.

use std::time::Duration;

use rumqttc::Publish;
use tokio::time::Instant;

use super::Engine;
use crate::clock::now_ms;
use crate::event::Event;
use crate::model::MessageStatus;
use crate::protocol::{ReceiptBody, UserId};

/// How long acks and receipts wait to be settled together; the status
/// ticks show this late.
const SETTLE_AFTER: Duration = Duration::from_millis(10);
/// Settled at once when this many acks and receipt ids are waiting.
const SETTLE_AT_MOST: usize = 1_000;
/// Settled at once when this many PUBLISHes wait for their PUBACK.
const HOLD_AT_MOST: usize = 8;
/// After a failed settle (the store busy or full), the next try.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// What waits to be settled, and when it will be.
#[derive(Debug, Default)]
pub(super) struct Settling {
    /// Outbox rows the broker acknowledged.
    acked: Vec<i64>,
    /// Receipts for our messages, as they came. The PUBLISHes that carried
    /// them wait in the engine's `AckQueue` until they are committed.
    receipts: Vec<(UserId, ReceiptBody)>,
    at: Option<Instant>,
    /// The last settle failed: wait for `at` rather than try again at
    /// every arrival (a busy store blocks each try for its busy timeout).
    retrying: bool,
}

impl Settling {
    pub(super) fn due(&self) -> Option<Instant> {
        self.at
    }

    /// Whether to settle now rather than when due, with `held` PUBLISHes
    /// waiting for it.
    fn is_full(&self, held: usize) -> bool {
        let ids: usize = self.receipts.iter().map(|(_, r)| r.ids.len()).sum();
        let waiting = self.acked.len() + ids;
        !self.retrying && (waiting >= SETTLE_AT_MOST || held >= HOLD_AT_MOST)
    }

    fn schedule(&mut self) {
        if self.at.is_none() {
            self.at = Some(Instant::now() + SETTLE_AFTER);
        }
    }
}

impl Engine {
    /// The broker has these outbox rows: settle them soon.
    pub(super) fn publishes_acked(&mut self, outbox_ids: Vec<i64>) {
        if outbox_ids.is_empty() {
            return;
        }
        self.settling.acked.extend(outbox_ids);
        self.settle_if_full();
    }

    /// Receipts came in `publishes` (with whatever else they carried,
    /// already stored): apply them soon, acknowledge the publishes then.
    pub(super) fn receipts_arrived(
        &mut self,
        receipts: Vec<(UserId, ReceiptBody)>,
        publishes: Vec<Publish>,
    ) {
        self.settling.receipts.extend(receipts);
        self.link.acks.hold(publishes);
        self.settle_if_full();
    }

    fn settle_if_full(&mut self) {
        if self.settling.is_full(self.link.acks.held()) {
            self.settle();
            self.flush_acks();
        } else {
            self.settling.schedule();
        }
    }

    /// Settles everything waiting in one transaction. The PUBACKs held for
    /// it may go then (see `acks`); the caller flushes while the link they
    /// belong to is up.
    pub(super) fn settle(&mut self) {
        let Settling {
            acked, receipts, ..
        } = std::mem::take(&mut self.settling);
        if acked.is_empty() && receipts.is_empty() {
            self.link.acks.settled();
            return;
        }
        let resend_due = self.early_ack_resend_due();
        let receipts = coalesce(receipts);
        match self.store.settle(&acked, resend_due, &receipts, now_ms()) {
            Ok(settled) => {
                if resend_due.is_some() && !settled.sent.is_empty() {
                    self.early_acks_planned();
                }
                for id in settled.sent {
                    self.emit(Event::Status {
                        id,
                        status: MessageStatus::Sent,
                    });
                }
                for (id, status) in settled.raised {
                    self.emit(Event::Status { id, status });
                }
                self.link.acks.settled();
            }
            // Nothing is dropped: the acks stay unsettled (their rows stay
            // in the outbox) and the held PUBLISHes unacknowledged, in
            // order, until a later try commits. Whatever arrives meanwhile
            // queues behind them.
            Err(e) => {
                tracing::error!(
                    "cannot settle {} acks and {} receipts, trying again: {e}",
                    acked.len(),
                    receipts.len()
                );
                self.settling = Settling {
                    acked,
                    receipts,
                    at: Some(Instant::now() + RETRY_AFTER),
                    retrying: true,
                };
            }
        }
    }
}

/// Receipts from the same user with the same status, as one: one lookup
/// instead of one per receipt (a sender streaming to us gets a receipt for
/// every batch the receiver stores).
fn coalesce(receipts: Vec<(UserId, ReceiptBody)>) -> Vec<(UserId, ReceiptBody)> {
    let mut out: Vec<(UserId, ReceiptBody)> = Vec::with_capacity(receipts.len());
    for (from, body) in receipts {
        let same = out
            .iter_mut()
            .find(|(f, b)| *f == from && b.status == body.status);
        match same {
            Some((_, earlier)) => earlier.ids.extend_from_slice(&body.ids),
            None => out.push((from, body)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{MessageId, ReceiptStatus};

    fn receipt(from: &str, ids: &[u128], status: ReceiptStatus) -> (UserId, ReceiptBody) {
        (
            from.parse().unwrap(),
            ReceiptBody {
                ids: ids.iter().map(|&n| MessageId::from_u128(n)).collect(),
                status,
            },
        )
    }

    #[test]
    fn held_publishes_settle_at_once_at_the_limit_but_not_while_retrying() {
        let mut settling = Settling::default();
        assert!(!settling.is_full(HOLD_AT_MOST - 1));
        assert!(settling.is_full(HOLD_AT_MOST));
        settling.retrying = true;
        assert!(
            !settling.is_full(HOLD_AT_MOST),
            "not at every arrival while retrying"
        );
    }

    #[test]
    fn many_acks_or_receipt_ids_settle_at_once() {
        let mut settling = Settling::default();
        settling
            .acked
            .extend(0..i64::try_from(SETTLE_AT_MOST).unwrap() - 1);
        assert!(!settling.is_full(0));
        settling
            .receipts
            .push(receipt("bob", &[1], ReceiptStatus::Delivered));
        assert!(settling.is_full(0));
    }

    #[test]
    fn receipts_merge_per_sender_and_status() {
        let merged = coalesce(vec![
            receipt("bob", &[1, 2], ReceiptStatus::Delivered),
            receipt("carol", &[3], ReceiptStatus::Delivered),
            receipt("bob", &[4], ReceiptStatus::Delivered),
            receipt("bob", &[1], ReceiptStatus::Read),
        ]);
        assert_eq!(
            merged,
            vec![
                receipt("bob", &[1, 2, 4], ReceiptStatus::Delivered),
                receipt("carol", &[3], ReceiptStatus::Delivered),
                receipt("bob", &[1], ReceiptStatus::Read),
            ]
        );
    }
}
