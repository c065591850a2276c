//! The SMS outbox: parts waiting, written, taken, delivered or failed.

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension, params};

use super::{msg_id_from_sql, msg_id_to_sql};
use crate::clock::now_ms;
use crate::model::{MessageStatus, SmsDelivery, StoredMessage, Twice};
use crate::protocol::MessageId;
use crate::store::batch::Batch;
use crate::store::inserts::insert_message;
use crate::store::rows::uuid_from_blob;
use crate::store::{Store, StoreError};

/// Part states in `sms_parts.state` (see schema V6; the SQL spells them).
const TAKEN: i64 = 2;
const DELIVERED: i64 = 3;
const FAILED: i64 = -1;

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
        let tx = self.conn.transaction()?;
        let mut batch = Batch::default();
        insert_message(&tx, msg, &mut batch)?;
        batch.finish(&tx)?;
        let mut insert = tx.prepare_cached(
            "INSERT INTO sms_parts(message_id, part, total, dest, msg_fmt, content, at_time)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for p in parts {
            insert.execute(params![
                msg.id.as_bytes().as_slice(),
                p.part,
                p.total,
                p.dest,
                p.msg_fmt,
                p.content,
                p.at_time
            ])?;
        }
        drop(insert);
        tx.commit()?;
        Ok(())
    }

    /// Up to `limit` queued parts, oldest first.
    pub fn sms_waiting(&self, limit: usize) -> Result<Vec<SmsPart>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, message_id, dest, msg_fmt, content, part, total, at_time
               FROM sms_parts WHERE state = 0 ORDER BY id LIMIT ?1",
        )?;
        let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })?;
        rows.map(|row| {
            let (id, message_id, dest, msg_fmt, content, part, total, at_time) = row?;
            Ok(SmsPart {
                id,
                message_id: uuid_from_blob(&message_id, "sms_parts.message_id")?,
                dest,
                msg_fmt,
                content,
                part,
                total,
                at_time,
            })
        })
        .collect()
    }

    /// Parts queued and not yet taken (queued or written).
    pub fn sms_outbox_len(&self) -> Result<u64, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM sms_parts WHERE state IN (0, 1)",
            [],
            |r| r.get(0),
        )?;
        Ok(n.cast_unsigned())
    }

    /// These parts are about to be written: a part written again while an
    /// earlier write went unanswered may reach the phone twice.
    pub fn sms_written(&mut self, part_ids: &[i64]) -> Result<Vec<SmsUpdate>, StoreError> {
        let tx = self.conn.transaction()?;
        let mut touched = BTreeSet::new();
        {
            let mut stmt = tx.prepare_cached(
                "UPDATE sms_parts
                    SET state = 1, attempts = attempts + 1,
                        twice = CASE WHEN attempts > 0 THEN max(twice, 1) ELSE twice END
                  WHERE id = ?1 AND state = 0
              RETURNING message_id, twice",
            )?;
            for id in part_ids {
                let row: Option<(Vec<u8>, i64)> = stmt
                    .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                if let Some((message, twice)) = row
                    && twice > 0
                {
                    touched.insert(message);
                }
            }
        }
        let updates = updates(&tx, &touched)?;
        tx.commit()?;
        Ok(updates)
    }

    /// The gateway's answers, in one transaction.
    pub fn sms_answered(&mut self, answers: &[PartAnswer]) -> Result<Vec<SmsUpdate>, StoreError> {
        let tx = self.conn.transaction()?;
        let mut touched = BTreeSet::new();
        for a in answers {
            if let Some(message) = answer_one(&tx, a)? {
                touched.insert(message);
            }
        }
        let updates = updates(&tx, &touched)?;
        tx.commit()?;
        Ok(updates)
    }

    /// Written parts whose answer will never come (the link was lost, or
    /// N attempts went unanswered): queued again, to go on the next link;
    /// their unanswered writes are remembered (see [`Store::sms_written`]).
    /// `None`: every written part (at start, after a crash).
    pub fn sms_unanswered(&mut self, part_ids: Option<&[i64]>) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        match part_ids {
            None => {
                tx.execute("UPDATE sms_parts SET state = 0 WHERE state = 1", [])?;
            }
            Some(ids) => {
                let mut stmt = tx
                    .prepare_cached("UPDATE sms_parts SET state = 0 WHERE id = ?1 AND state = 1")?;
                for id in ids {
                    stmt.execute([id])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// A status report: matched to its part by Msg_Id, or kept until the
    /// SUBMIT_RESP that tells the Msg_Id is processed.
    pub fn sms_report(
        &mut self,
        msg_id: u64,
        dest: &str,
        stat: &str,
    ) -> Result<Vec<SmsUpdate>, StoreError> {
        let tx = self.conn.transaction()?;
        let touched: BTreeSet<Vec<u8>> = match report_one(&tx, msg_id, stat)? {
            Some(message) => [message].into(),
            None => {
                tx.execute(
                    "INSERT OR REPLACE INTO sms_reports(msg_id, dest, stat, at)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![msg_id_to_sql(msg_id), dest, stat, now_ms()],
                )?;
                BTreeSet::new()
            }
        };
        let updates = updates(&tx, &touched)?;
        tx.commit()?;
        Ok(updates)
    }

    /// Queues a failed message's failed parts again.
    pub fn sms_retry(&mut self, id: MessageId) -> Result<Option<SmsUpdate>, StoreError> {
        let tx = self.conn.transaction()?;
        let n = tx.execute(
            "UPDATE sms_parts SET state = 0, failure = NULL WHERE message_id = ?1 AND state = -1",
            [id.as_bytes().as_slice()],
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
                "UPDATE sms_parts SET state = -1, failure = ?2 WHERE id = ?1 RETURNING message_id",
                params![part_id, why],
                |r| r.get(0),
            )
            .optional()?;
        let updates = updates(&tx, &message.into_iter().collect())?;
        tx.commit()?;
        Ok(updates)
    }

    /// What became of one of our SMS (None for a chat message).
    pub fn sms_delivery(&self, id: MessageId) -> Result<Option<SmsDelivery>, StoreError> {
        delivery(&self.conn, id.as_bytes())
    }
}

fn answer_one(conn: &Connection, a: &PartAnswer) -> Result<Option<Vec<u8>>, StoreError> {
    let message: Option<Vec<u8>> = conn
        .query_row(
            "SELECT message_id FROM sms_parts WHERE id = ?1",
            [a.part_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(message) = message else {
        return Ok(None);
    };
    let msg_id = msg_id_to_sql(a.msg_id);
    if a.again {
        conn.execute(
            "INSERT OR IGNORE INTO sms_extra_ids(msg_id, part_id) VALUES (?1, ?2)",
            params![msg_id, a.part_id],
        )?;
        conn.execute("UPDATE sms_parts SET twice = 2 WHERE id = ?1", [a.part_id])?;
    } else {
        match a.result {
            0 => {
                conn.execute(
                    "UPDATE sms_parts
                        SET state = max(state, 2), msg_id = ?2, attempts = 0,
                            twice = CASE WHEN ?3 THEN max(twice, 1) ELSE twice END
                      WHERE id = ?1",
                    params![a.part_id, msg_id, a.repeated],
                )?;
            }
            // Flow control: not taken; this write was answered.
            8 => {
                conn.execute(
                    "UPDATE sms_parts SET state = 0, attempts = max(attempts - 1, 0)
                      WHERE id = ?1 AND state = 1",
                    [a.part_id],
                )?;
                return Ok(None);
            }
            other => {
                conn.execute(
                    "UPDATE sms_parts SET state = -1, failure = ?2 WHERE id = ?1",
                    params![a.part_id, result_text(other)],
                )?;
            }
        }
    }
    // Reports that came before this answer.
    let early: Vec<String> = {
        let mut stmt = conn.prepare_cached("SELECT stat FROM sms_reports WHERE msg_id = ?1")?;
        stmt.query_map([msg_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?
    };
    for stat in early {
        report_one(conn, a.msg_id, &stat)?;
    }
    conn.execute("DELETE FROM sms_reports WHERE msg_id = ?1", [msg_id])?;
    Ok(Some(message))
}

/// A SUBMIT_RESP Result as shown: the spec's meaning and the number.
fn result_text(result: u32) -> String {
    let meaning = match result {
        1 => "message structure error",
        2 => "command word error",
        3 => "duplicate sequence id",
        4 => "message length error",
        5 => "fee code error",
        6 => "content too long",
        7 => "service id error",
        9 => "charged number not served",
        10 => "sender number (Src_Id) error",
        11 => "Msg_src error",
        12 => "charged number error",
        13 => "destination number error",
        _ => "refused by the gateway",
    };
    format!("Result {result}: {meaning}")
}

/// Applies a report to the part it belongs to; the part's message, or
/// `None` when no part has this Msg_Id (yet).
fn report_one(conn: &Connection, msg_id: u64, stat: &str) -> Result<Option<Vec<u8>>, StoreError> {
    let sql_id = msg_id_to_sql(msg_id);
    let part: Option<(i64, Vec<u8>)> = conn
        .query_row(
            "SELECT id, message_id FROM sms_parts WHERE msg_id = ?1
             UNION ALL
             SELECT p.id, p.message_id FROM sms_extra_ids x JOIN sms_parts p ON p.id = x.part_id
              WHERE x.msg_id = ?1
             LIMIT 1",
            [sql_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((part_id, message)) = part else {
        return Ok(None);
    };
    if stat == "DELIVRD" {
        conn.execute(
            "UPDATE sms_parts SET state = 3 WHERE id = ?1 AND state IN (1, 2)",
            [part_id],
        )?;
    } else {
        conn.execute(
            "UPDATE sms_parts SET state = -1, failure = ?2 WHERE id = ?1 AND state != 3",
            params![part_id, stat],
        )?;
    }
    Ok(Some(message))
}

/// The new status and delivery of each touched message, written to its
/// `messages` row when the status changed.
fn updates(conn: &Connection, touched: &BTreeSet<Vec<u8>>) -> Result<Vec<SmsUpdate>, StoreError> {
    let mut out = Vec::new();
    for message in touched {
        let Some(delivery) = delivery(conn, message)? else {
            continue;
        };
        let status = delivery.status();
        conn.execute(
            "UPDATE messages SET status = ?2 WHERE id = ?1",
            params![message, status.code()],
        )?;
        out.push(SmsUpdate {
            id: uuid_from_blob(message, "sms_parts.message_id")?,
            status,
            delivery,
        });
    }
    Ok(out)
}

fn delivery(conn: &Connection, message: &[u8]) -> Result<Option<SmsDelivery>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT state, failure, twice, at_time != '' FROM sms_parts
          WHERE message_id = ?1 ORDER BY part",
    )?;
    let rows = stmt.query_map([message], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, bool>(3)?,
        ))
    })?;
    let mut d = SmsDelivery {
        parts: 0,
        sent: 0,
        delivered: 0,
        failure: None,
        twice: Twice::No,
        scheduled: false,
    };
    for row in rows {
        let (state, failure, twice, scheduled) = row?;
        d.parts = d.parts.saturating_add(1);
        if state >= TAKEN {
            d.sent += 1;
        }
        if state == DELIVERED {
            d.delivered += 1;
        }
        if state == FAILED && d.failure.is_none() {
            d.failure = failure;
        }
        d.twice = d.twice.max(match twice {
            0 => Twice::No,
            1 => Twice::Maybe,
            _ => Twice::Yes,
        });
        d.scheduled |= scheduled;
    }
    Ok((d.parts > 0).then_some(d))
}
