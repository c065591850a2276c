//! The durable outbox: every publish is committed here before it goes on the
//! wire, and leaves only once the broker acknowledged it.
//!
//! Rows are replayed in `id` order after a reconnect or restart, so the
//! publisher keeps a cursor ("last id handed out") rather than a set.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, params};

use super::batch::Batch;
use super::inserts::{insert_message, insert_outbox};
use super::rows::{json_rowids, limit_param, to_u64, uuid_from_blob};
use super::{
    ConversationId, MessageStatus, OutboxEntry, OutboxRow, Store, StoreError, StoredMessage,
};
use crate::protocol::MessageId;

/// The next rows to publish; its `LIMIT` changes from call to call.
/// Rows set aside (see `set_aside`) wait for the user, not the publisher.
pub(super) const OUTBOX_AFTER: &str = "SELECT id, topic, payload, qos, retain, message_id, strikes
    FROM outbox WHERE id > ?1 AND set_aside = 0 ORDER BY id LIMIT ?2";

impl Store {
    /// Allocates our next outgoing `seq` in a conversation (1, 2, …).
    ///
    /// Committed on return, so a restart never reuses a number (which the
    /// receiver would treat as old and ignore for gap purposes).
    /// (Tests only.)
    #[cfg(test)]
    pub fn next_seq(&mut self, conv: &ConversationId) -> Result<u64, StoreError> {
        let tx = self.conn.transaction()?;
        let seq = next_seq_in(&tx, conv)?;
        tx.commit()?;
        Ok(seq)
    }

    /// Our messages to `conversations[i]`, each stored (as outgoing,
    /// `Queued`) with its publish, all in one transaction: one commit for a
    /// burst instead of two per message. Each one's `seq` is allocated here
    /// and handed to `build(i, seq)`, which makes the message and its
    /// outbox entry; it cannot fail, so no number is used without a message
    /// (a receiver would report that as a gap).
    ///
    /// `files[i]`, if any, is the file message `i` announces and where its
    /// bytes are (extension 12), recorded in the same transaction.
    pub fn enqueue_messages(
        &mut self,
        conversations: &[ConversationId],
        files: &[Option<(&crate::protocol::FileBody, &std::path::Path)>],
        mut build: impl FnMut(usize, u64) -> (StoredMessage, OutboxEntry),
    ) -> Result<Vec<StoredMessage>, StoreError> {
        let tx = self.conn.transaction()?;
        let mut batch = Batch::default();
        let mut stored = Vec::with_capacity(conversations.len());
        for (i, conv) in conversations.iter().enumerate() {
            let conv_id = batch.conv_id(&tx, conv)?;
            let seq = batch.next_out_seq(&tx, conv_id)?;
            let (msg, entry) = build(i, seq);
            let (msg, _) = insert_outgoing(&tx, msg, &entry, &mut batch)?;
            if let Some(Some((file, path))) = files.get(i) {
                super::files::insert_outgoing(&tx, &msg, file, path)?;
            }
            stored.push(msg);
        }
        batch.finish(&tx)?;
        tx.commit()?;
        Ok(stored)
    }

    /// Stores our own message (as outgoing, `Queued`) and its publish in one
    /// transaction, so neither can exist without the other. Returns the outbox id.
    ///
    /// Fails with a constraint error if a message with the same id exists.
    /// (Tests only.)
    #[cfg(test)]
    pub fn enqueue_message(
        &mut self,
        msg: &StoredMessage,
        entry: &OutboxEntry,
    ) -> Result<i64, StoreError> {
        let tx = self.conn.transaction()?;
        let mut batch = Batch::default();
        let (_, id) = insert_outgoing(&tx, msg.clone(), entry, &mut batch)?;
        batch.finish(&tx)?;
        tx.commit()?;
        Ok(id)
    }

    /// Queues a publish that carries no chat message (receipt, presence, room meta).
    pub fn enqueue(&mut self, entry: &OutboxEntry) -> Result<i64, StoreError> {
        // A single INSERT is atomic on its own; no explicit transaction needed.
        insert_outbox(&self.conn, entry, None)
    }

    /// Up to `limit` outbox rows with `id > after`, in publish order.
    pub fn outbox_after(&self, after: i64, limit: usize) -> Result<Vec<OutboxRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(OUTBOX_AFTER)?;
        let raw = stmt
            .query_map(params![after, limit_param(limit)], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, bool>(4)?,
                    r.get::<_, Option<Vec<u8>>>(5)?,
                    r.get::<_, i64>(6)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        raw.into_iter()
            .map(|(id, topic, payload, qos, retain, mid, strikes)| {
                Ok(OutboxRow {
                    id,
                    entry: OutboxEntry {
                        topic,
                        payload,
                        qos: u8::try_from(qos)
                            .map_err(|_| StoreError::corrupt(format!("outbox.qos = {qos}")))?,
                        retain,
                    },
                    message_id: mid
                        .map(|b| uuid_from_blob(&b, "outbox.message_id"))
                        .transpose()?,
                    strikes: u32::try_from(strikes)
                        .map_err(|_| StoreError::corrupt(format!("outbox.strikes = {strikes}")))?,
                })
            })
            .collect()
    }

    /// Number of publishes not yet acknowledged by the broker, but for
    /// those set aside (see `set_aside_len`).
    pub fn outbox_len(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM outbox WHERE set_aside = 0")?
            .query_row([], |r| r.get(0))?;
        to_u64(n, "outbox count")
    }

    /// The broker acknowledged outbox row `outbox_id`: deletes it and, if it
    /// carried a message still `Queued`, marks that message `Sent` and returns
    /// its id. Acking an unknown or already-acked row is a no-op (`None`),
    /// since a replay after reconnect can produce a second PUBACK.
    /// (Tests only.)
    #[cfg(test)]
    pub fn outbox_acked(&mut self, outbox_id: i64) -> Result<Option<MessageId>, StoreError> {
        Ok(self.outbox_acked_many(&[outbox_id], None)?.pop().flatten())
    }

    /// `outbox_acked` for a run of acks in one transaction; one
    /// answer per row, in order: the message's id if it is `Sent` now
    /// (newly, or again when a resend was acked), `None` if a receipt
    /// already raised it further or the row carried no message. With
    /// `resend_due`, each message that became `Sent` also gets a resend
    /// planned then (fresh budget), unless a receipt confirms it first (see
    /// `engine/resend.rs`).
    pub fn outbox_acked_many(
        &mut self,
        outbox_ids: &[i64],
        resend_due: Option<i64>,
    ) -> Result<Vec<Option<MessageId>>, StoreError> {
        if outbox_ids.is_empty() {
            return Ok(Vec::new());
        }
        let tx = self.conn.transaction()?;
        let answers = outbox_acked_in(&tx, outbox_ids, resend_due)?;
        tx.commit()?;
        Ok(answers)
    }
}

/// [`Store::outbox_acked_many`] inside the caller's transaction.
pub(super) fn outbox_acked_in(
    tx: &Connection,
    outbox_ids: &[i64],
    resend_due: Option<i64>,
) -> Result<Vec<Option<MessageId>>, StoreError> {
    if outbox_ids.is_empty() {
        return Ok(Vec::new());
    }
    // Two statements for the whole run rather than three per row. Only
    // Queued and Sent rows change: a receipt may already have raised one
    // further, and `acked_at` matters only while a message is `Sent`
    // (see `suspect_unconfirmed`). Each id is looked up once: the raise
    // and the ack time were two statements, and their lookups (not
    // their writes) were a tenth of the sender's time in P1.
    const ACKED: &str = "UPDATE messages SET acked_at = ?4,
            resend_due = CASE WHEN status = ?3 THEN COALESCE(?5, resend_due)
                              ELSE resend_due END,
            resends = CASE WHEN status = ?3 AND ?5 IS NOT NULL THEN 0 ELSE resends END,
            status = ?2
        WHERE status <= ?2 AND id IN (SELECT message_id FROM outbox
            WHERE id IN (SELECT value FROM json_each(?1)) AND message_id IS NOT NULL)
        RETURNING id";
    let ids = json_rowids(outbox_ids);
    let raised = tx
        .prepare_cached(ACKED)?
        .query_map(
            params![
                ids,
                MessageStatus::Sent.code(),
                MessageStatus::Queued.code(),
                crate::clock::now_ms(),
                resend_due,
            ],
            |r| r.get::<_, Vec<u8>>(0),
        )?
        .collect::<Result<HashSet<_>, _>>()?;
    let mut deleted = tx
        .prepare_cached(
            "DELETE FROM outbox WHERE id IN (SELECT value FROM json_each(?1))
             RETURNING id, message_id",
        )?
        .query_map(params![ids], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Option<Vec<u8>>>(1)?))
        })?
        .collect::<Result<HashMap<_, _>, _>>()?;
    outbox_ids
        .iter()
        // Each row answers once, as if acked one at a time.
        .map(|id| match deleted.remove(id) {
            Some(Some(mid)) if raised.contains(&mid) => {
                Ok(Some(uuid_from_blob(&mid, "outbox.message_id")?))
            }
            _ => Ok(None),
        })
        .collect()
}

/// Our message (made outgoing and `Queued`) and its outbox row, inside the
/// caller's transaction; returns the message as stored and the outbox id.
fn insert_outgoing(
    conn: &Connection,
    msg: StoredMessage,
    entry: &OutboxEntry,
    batch: &mut Batch,
) -> Result<(StoredMessage, i64), StoreError> {
    let msg = StoredMessage {
        outgoing: true,
        status: MessageStatus::Queued,
        ..msg
    };
    insert_message(conn, &msg, batch)?;
    let id = insert_outbox(conn, entry, Some(msg.id))?;
    Ok((msg, id))
}

/// Allocates the next outgoing `seq` of `conv` inside the caller's transaction.
#[cfg(test)]
fn next_seq_in(conn: &Connection, conv: &ConversationId) -> Result<u64, StoreError> {
    let conv_id = super::rows::ensure_conversation(conn, conv)?;
    let seq: i64 = conn
        .prepare_cached(
            "UPDATE conversations SET out_seq = out_seq + 1 WHERE id = ?1 RETURNING out_seq",
        )?
        .query_row(params![conv_id], |r| r.get(0))?;
    to_u64(seq, "conversations.out_seq")
}
