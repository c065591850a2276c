//! Settling PUBACKs in the store: deleting the acknowledged outbox rows and
//! marking their messages `Sent`.
//!
//! A PUBACK frees its place in the in-flight window at once (see
//! `Publisher`), but the store learns of it a little later: the acks that
//! arrive within [`SETTLE_AFTER`] are settled together, in one transaction.
//! Settling each link event's acks on its own cost a commit per event, the
//! largest cost left on the sending side in P1. Waiting loses nothing: an
//! acknowledged row that is not settled yet is at worst published once more
//! after a crash, and receivers de-duplicate by id. Before the outbox is
//! replayed (a new link) or the engine stops, everything is settled.

use std::time::Duration;

use tokio::time::Instant;

use super::Engine;
use crate::event::Event;
use crate::store::MessageStatus;

/// How long acks wait to be settled together; the `Sent` tick shows this late.
const SETTLE_AFTER: Duration = Duration::from_millis(10);
/// Settled at once when this many are waiting.
const SETTLE_AT_MOST: usize = 1_000;

impl Engine {
    /// The broker has these outbox rows: settle them soon.
    pub(super) fn publishes_acked(&mut self, outbox_ids: Vec<i64>) {
        if outbox_ids.is_empty() {
            return;
        }
        self.acked.extend(outbox_ids);
        if self.acked.len() >= SETTLE_AT_MOST {
            self.settle_acks();
        } else if self.settle_at.is_none() {
            self.settle_at = Some(Instant::now() + SETTLE_AFTER);
        }
    }

    /// Settles every waiting ack in one transaction.
    pub(super) fn settle_acks(&mut self) {
        self.settle_at = None;
        if self.acked.is_empty() {
            return;
        }
        let outbox_ids = std::mem::take(&mut self.acked);
        let resend_due = self.early_ack_resend_due();
        match self.store.outbox_acked_many(&outbox_ids, resend_due) {
            Ok(changed) => {
                if resend_due.is_some() && changed.iter().any(Option::is_some) {
                    self.early_acks_planned();
                }
                for id in changed.into_iter().flatten() {
                    self.emit(Event::Status {
                        id,
                        status: MessageStatus::Sent,
                    });
                }
            }
            Err(e) => tracing::error!("cannot mark {} outbox rows sent: {e}", outbox_ids.len()),
        }
    }
}
