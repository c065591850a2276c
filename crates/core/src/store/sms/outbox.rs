//! The SMS outbox: messages queued as parts, retried, cancelled, and what
//! became of them (the parts' way to the link's window is `window`).

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension, params};

use super::delivery::{delivery, updates};
use super::msg_id_from_sql;
use super::window::{unanswered_in, waiting_in, written_in};
use crate::clock::now_ms;
use crate::model::{MessageStatus, SmsDelivery, StoredMessage, at_time_ms};
use crate::protocol::MessageId;
use crate::store::batch::Batch;
use crate::store::inserts::insert_message;

use crate::store::{Store, StoreError};

/// One part of a message to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPart {
    pub dest: String,
    pub msg_fmt: u8,
    /// Msg_Content: the UDH (if any) and the text's bytes.
    pub content: Vec<u8>,
    pub udhi: bool,
    pub part: u8,
    pub total: u8,
    /// At_Time (empty: now).
    pub at_time: String,
}

/// A part handed out for a SUBMIT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsPart {
    /// The row id: the SUBMIT's token.
    pub id: i64,
    pub message_id: MessageId,
    pub dest: String,
    pub msg_fmt: u8,
    pub content: Vec<u8>,
    pub part: u8,
    pub total: u8,
    pub at_time: String,
}

/// A status report as it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The DELIVER's own Msg_Id, to skip its resends (None: not checked).
    pub deliver_id: Option<u64>,
    /// The SUBMIT_RESP's Msg_Id, inside the report.
    pub msg_id: u64,
    pub dest: String,
    pub stat: String,
}

/// What the gateway answered to one SUBMIT (see `tether_cmpp::session`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartAnswer {
    pub part_id: i64,
    pub msg_id: u64,
    pub result: u32,
    /// Written more than once before this answer.
    pub repeated: bool,
    /// A second answer: the gateway took it twice.
    pub again: bool,
}

/// A message whose delivery changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsUpdate {
    pub id: MessageId,
    pub status: MessageStatus,
    pub delivery: SmsDelivery,
}

impl Store {
    /// Stores our message and queues its parts, in one transaction.
    pub fn sms_enqueue(
        &mut self,
        msg: &StoredMessage,
        parts: &[NewPart],
    ) -> Result<(), StoreError> {
        self.sms_enqueue_many(&[(msg.clone(), parts.to_vec())])?;
        Ok(())
    }

    /// Several messages and their parts in one transaction (a burst of
    /// sends: one commit instead of one each). A message whose id is
    /// stored already is left as it is: for each, whether it was queued
    /// now.
    pub fn sms_enqueue_many(
        &mut self,
        messages: &[(StoredMessage, Vec<NewPart>)],
    ) -> Result<Vec<bool>, StoreError> {
        let tx = self.conn.transaction()?;
        let mut batch = Batch::default();
        let queued = enqueue_in(&tx, messages, &mut batch)?;
        batch.finish(&tx)?;
        tx.commit()?;
        Ok(queued)
    }

    /// Up to `limit` queued parts, oldest first.
    pub fn sms_waiting(&self, limit: usize) -> Result<Vec<SmsPart>, StoreError> {
        waiting_in(&self.conn, limit)
    }

    /// Parts queued and not yet taken (queued or written).
    pub fn sms_outbox_len(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM sms_parts WHERE state IN (0, 1)")?
            .query_row([], |r| r.get(0))?;
        Ok(n.cast_unsigned())
    }

    /// Texts with a part queued and not yet taken: what the user calls
    /// "messages queued" (a long text is one, however many parts).
    pub fn sms_outbox_messages(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(DISTINCT message_id) FROM sms_parts WHERE state IN (0, 1)",
            )?
            .query_row([], |r| r.get(0))?;
        Ok(n.cast_unsigned())
    }

    /// Parts not in a final state yet (not delivered, not failed): what
    /// still waits for the gateway or its report.
    pub fn sms_unsettled_len(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM sms_parts WHERE state IN (0, 1, 2)")?
            .query_row([], |r| r.get(0))?;
        Ok(n.cast_unsigned())
    }

    /// These parts are about to be written: a part written again while an
    /// earlier write went unanswered may reach the phone twice.
    pub fn sms_written(&mut self, part_ids: &[i64]) -> Result<Vec<SmsUpdate>, StoreError> {
        let tx = self.conn.transaction()?;
        let mut touched = BTreeSet::new();
        written_in(&tx, part_ids, &mut touched)?;
        let updates = updates(&tx, &touched)?;
        tx.commit()?;
        Ok(updates)
    }

    /// Written parts whose answer will never come (the link was lost):
    /// queued again, to go on the next link; their unanswered writes are
    /// remembered (see [`Store::sms_written`]). `None`: every written part
    /// (at start after a crash, and at the end of each link: only the
    /// owner's one link writes parts).
    pub fn sms_unanswered(&mut self, part_ids: Option<&[i64]>) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        unanswered_in(&tx, part_ids)?;
        tx.commit()?;
        Ok(())
    }

    /// Parts marked written that never went (reserved for a window that
    /// did not take them): queued again as they were before.
    pub fn sms_unreserve(&mut self, part_ids: &[i64]) -> Result<(), StoreError> {
        if part_ids.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "UPDATE sms_parts SET state = 0, attempts = max(attempts - 1, 0)
                  WHERE id = ?1 AND state = 1",
            )?;
            for id in part_ids {
                stmt.execute([id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Queues a failed message's failed parts again.
    pub fn sms_retry(&mut self, id: MessageId) -> Result<Option<SmsUpdate>, StoreError> {
        let tx = self.conn.transaction()?;
        let key = id.as_bytes().as_slice();
        // A send time that has passed (a scheduled text cancelled, then
        // retried) goes now: an At_Time in the past is the gateway's to
        // refuse.
        let passed: Vec<i64> = {
            let mut stmt = tx.prepare_cached(
                "SELECT id, at_time FROM sms_parts
                  WHERE message_id = ?1 AND state = -1 AND at_time != ''",
            )?;
            let rows = stmt.query_map([key], |r| Ok((r.get(0)?, r.get::<_, String>(1)?)))?;
            let mut passed = Vec::new();
            for row in rows {
                let (part, at_time) = row?;
                if at_time_ms(&at_time).is_none_or(|at| at <= now_ms()) {
                    passed.push(part);
                }
            }
            passed
        };
        for part in passed {
            tx.execute("UPDATE sms_parts SET at_time = '' WHERE id = ?1", [part])?;
        }
        // A Msg_Id the gateway gave an earlier copy stays matched (its
        // report may still come) but is no longer the part's own: the
        // copy sent now gets its own, and until then the part counts as
        // not taken.
        tx.execute(
            "INSERT OR IGNORE INTO sms_extra_ids(msg_id, part_id)
             SELECT msg_id, id FROM sms_parts
              WHERE message_id = ?1 AND state = -1 AND msg_id IS NOT NULL",
            [key],
        )?;
        let n = tx.execute(
            "UPDATE sms_parts SET state = 0, failure = NULL, msg_id = NULL
              WHERE message_id = ?1 AND state = -1",
            [key],
        )?;
        let touched: BTreeSet<Vec<u8>> = [id.as_bytes().to_vec()].into();
        let updates = if n > 0 {
            updates(&tx, &touched)?
        } else {
            Vec::new()
        };
        tx.commit()?;
        Ok(updates.into_iter().next())
    }

    /// Cancels the parts of a message that never left: failed as
    /// `CANCELED`. Returns the updates and whether a part is written and
    /// unanswered (then nobody can say it will not go).
    pub fn sms_cancel_unsent(
        &mut self,
        id: MessageId,
    ) -> Result<(Vec<SmsUpdate>, bool), StoreError> {
        let tx = self.conn.transaction()?;
        let key = id.as_bytes().as_slice();
        let cancelled = tx.execute(
            "UPDATE sms_parts SET state = -1, failure = 'CANCELED'
              WHERE message_id = ?1 AND state = 0",
            [key],
        )?;
        let written: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM sms_parts WHERE message_id = ?1 AND state = 1)",
            [key],
            |r| r.get(0),
        )?;
        let updates = if cancelled > 0 {
            updates(&tx, &[key.to_vec()].into())?
        } else {
            Vec::new()
        };
        tx.commit()?;
        Ok((updates, written))
    }

    /// The Msg_Ids of a scheduled message's parts the gateway holds.
    pub fn sms_scheduled_ids(&self, id: MessageId) -> Result<Vec<(i64, u64)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, msg_id FROM sms_parts
              WHERE message_id = ?1 AND at_time != '' AND state = 2 AND msg_id IS NOT NULL",
        )?;
        let rows = stmt.query_map([id.as_bytes().as_slice()], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })?;
        rows.map(|r| {
            r.map(|(part, m)| (part, msg_id_from_sql(m)))
                .map_err(StoreError::from)
        })
        .collect()
    }

    /// A part the gateway will not deliver after all (a cancel it
    /// confirmed): failed, with the reason given.
    pub fn sms_part_failed(
        &mut self,
        part_id: i64,
        why: &str,
    ) -> Result<Vec<SmsUpdate>, StoreError> {
        let tx = self.conn.transaction()?;
        let message: Option<Vec<u8>> = tx
            .query_row(
                "UPDATE sms_parts SET state = -1, failure = ?2
                  WHERE id = ?1 AND state = 2 RETURNING message_id",
                params![part_id, why],
                |r| r.get(0),
            )
            .optional()?;
        let updates = updates(&tx, &message.into_iter().collect())?;
        tx.commit()?;
        Ok(updates)
    }

    /// What became of one of our SMS, sent by this account's link or
    /// through the SMS gateway user (None for a chat message).
    pub fn sms_delivery(&self, id: MessageId) -> Result<Option<SmsDelivery>, StoreError> {
        match delivery(&self.conn, id.as_bytes())? {
            Some(local) => Ok(Some(local)),
            None => self.remote_sms_delivery(id),
        }
    }

    /// [`Store::sms_delivery`] of each of `ids` that is an SMS (a page of
    /// history at once).
    pub fn sms_deliveries(
        &self,
        ids: &[MessageId],
    ) -> Result<Vec<(MessageId, SmsDelivery)>, StoreError> {
        let mut found = Vec::new();
        for &id in ids {
            if let Some(delivery) = self.sms_delivery(id)? {
                found.push((id, delivery));
            }
        }
        Ok(found)
    }
}

/// Queues messages and their parts, skipping ids stored already (a
/// request seen twice goes once); for each, whether it was queued now.
pub(super) fn enqueue_in(
    conn: &Connection,
    messages: &[(StoredMessage, Vec<NewPart>)],
    batch: &mut Batch,
) -> Result<Vec<bool>, StoreError> {
    let mut exists = conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM messages WHERE id = ?1)")?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO sms_parts(message_id, part, total, dest, msg_fmt, content, at_time)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut queued = Vec::with_capacity(messages.len());
    for (msg, parts) in messages {
        let key = msg.id.as_bytes().as_slice();
        if exists.query_row([key], |r| r.get::<_, bool>(0))? {
            queued.push(false);
            continue;
        }
        insert_message(conn, msg, batch)?;
        for p in parts {
            insert.execute(params![
                key, p.part, p.total, p.dest, p.msg_fmt, p.content, p.at_time
            ])?;
        }
        queued.push(true);
    }
    Ok(queued)
}
