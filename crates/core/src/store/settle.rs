//! Settling what the link reported in one transaction: the broker's acks
//! for our publishes and the receipts our peers sent for our messages.
//! Each used to commit on its own, and committing (not the updates) was
//! most of what they cost the sender in P1.

use super::outbox::outbox_acked_in;
use super::receipts::apply_receipt_in;
use super::{MessageStatus, Store, StoreError};
use crate::protocol::{MessageId, ReceiptBody, UserId};

/// What a settle changed: the statuses to show, in the order to show them.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Settled {
    /// Messages `Sent` now (see [`Store::outbox_acked_many`]).
    pub sent: Vec<MessageId>,
    /// Messages a receipt raised, with their new status, after `sent`.
    pub raised: Vec<(MessageId, MessageStatus)>,
}

impl Store {
    /// [`Store::outbox_acked_many`] for `acked`, then
    /// `apply_receipt` for each of `receipts` (at `ts`), in one
    /// transaction.
    pub fn settle(
        &mut self,
        acked: &[i64],
        resend_due: Option<i64>,
        receipts: &[(UserId, ReceiptBody)],
        ts: i64,
    ) -> Result<Settled, StoreError> {
        if acked.is_empty() && receipts.is_empty() {
            return Ok(Settled::default());
        }
        let tx = self.conn.transaction()?;
        let sent = outbox_acked_in(&tx, acked, resend_due)?
            .into_iter()
            .flatten()
            .collect();
        let mut raised = Vec::new();
        for (from, body) in receipts {
            raised.extend(apply_receipt_in(&tx, from, &body.ids, body.status, ts)?);
        }
        tx.commit()?;
        Ok(Settled { sent, raised })
    }
}
