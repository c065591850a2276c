//! End-to-end resends: our messages the broker acknowledged but no
//! recipient confirmed, around a link loss.
//!
//! A broker that crashes (kill -9, power loss) loses what it acknowledged
//! since its last save: the PUBACK told us "stored", yet the message may
//! never reach the recipient. The protocol lets senders resend freely
//! (receivers de-duplicate by id), so messages acknowledged shortly before
//! a link loss and still without a `delivered` receipt are published again
//! after the next connect, a few times with growing pauses, until a receipt
//! arrives. The bounded count keeps an offline recipient's broker queue
//! from filling with copies.

use rusqlite::params;

use super::inserts::insert_outbox;
use super::rows::{MESSAGE_COLUMNS, RawMessage, limit_param};
use super::{MessageStatus, OutboxEntry, Store, StoreError, StoredMessage};

/// How often and how far apart suspects are published again.
#[derive(Debug, Clone, Copy)]
pub struct ResendPlan {
    pub max_resends: u32,
    pub base_ms: i64,
}

/// Marker in `resend_due`: resend once the next link is up.
const SUSPECT: i64 = -1;

impl Store {
    /// The link was lost: our messages the broker acked since `since_ms`
    /// without a receipt become suspects, each with a fresh resend budget.
    pub fn suspect_unconfirmed(&mut self, since_ms: i64) -> Result<usize, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "UPDATE messages SET resend_due = ?1, resends = 0
                  WHERE outgoing = 1 AND status = ?2 AND acked_at >= ?3",
            )?
            .execute(params![SUSPECT, MessageStatus::Sent.code(), since_ms])?)
    }

    /// A link is up: suspects are due at `due_ms` (shortly after, so the
    /// recipients have resubscribed to a restarted broker by then).
    pub fn schedule_suspects(&mut self, due_ms: i64) -> Result<usize, StoreError> {
        Ok(self
            .conn
            .prepare_cached("UPDATE messages SET resend_due = ?1 WHERE resend_due = ?2")?
            .execute(params![due_ms, SUSPECT])?)
    }

    /// The earliest planned resend that still matters, if any.
    pub fn next_resend_due(&self) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT MIN(resend_due) FROM messages WHERE resend_due > 0 AND status = ?1",
            )?
            .query_row(params![MessageStatus::Sent.code()], |r| r.get(0))?)
    }

    /// Up to `limit` messages due for a resend at `now_ms`, oldest first.
    /// Messages confirmed in the meantime are skipped (and their plan dropped).
    pub fn due_resends(
        &mut self,
        now_ms: i64,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE messages SET resend_due = NULL WHERE resend_due > 0 AND status <> ?1",
            )?
            .execute(params![MessageStatus::Sent.code()])?;
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m JOIN conversations c ON c.id = m.conv
              WHERE m.resend_due > 0 AND m.resend_due <= ?1 AND m.status = ?2
              ORDER BY m.ts, m.id LIMIT ?3"
        );
        let raw = self
            .conn
            .prepare_cached(&sql)?
            .query_map(
                params![now_ms, MessageStatus::Sent.code(), limit_param(limit)],
                RawMessage::from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        raw.into_iter().map(RawMessage::decode).collect()
    }

    /// Queues a resend of `message` (one transaction: outbox row + plan).
    /// The next one is planned `base_ms * 2^resends` later, until `max`
    /// resends were made.
    pub fn queue_resend(
        &mut self,
        message: &StoredMessage,
        entry: &OutboxEntry,
        now_ms: i64,
        plan: ResendPlan,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        insert_outbox(&tx, entry, Some(message.id))?;
        tx.prepare_cached(
            "UPDATE messages SET resends = resends + 1,
                    resend_due = CASE WHEN resends + 1 < ?3
                                      THEN ?2 + (?4 << (resends + 1)) END
              WHERE id = ?1",
        )?
        .execute(params![
            message.id.as_bytes().as_slice(),
            now_ms,
            plan.max_resends,
            plan.base_ms
        ])?;
        tx.commit()?;
        Ok(())
    }
}
