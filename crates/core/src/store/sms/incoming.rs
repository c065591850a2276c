//! Incoming SMS: each DELIVER stored once, long ones put back together.

use rusqlite::{Connection, params};

use super::msg_id_to_sql;
use crate::model::{ConversationId, MessageStatus, PhoneNumber, StoredMessage};
use crate::protocol::UserId;
use crate::store::batch::Batch;
use crate::store::inserts::insert_message;
use crate::store::{Store, StoreError};

/// DELIVER ids are remembered this long (the gateway resends an unanswered
/// one within minutes; three days is far past its give-up).
const DELIVERS_KEPT_MS: i64 = 3 * 24 * 3600 * 1000;
/// Reports matched to nothing yet are kept this long.
const ORPHAN_REPORTS_KEPT_MS: i64 = 48 * 3600 * 1000;

/// Where a part belongs in a long message (from its UDH).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartOf {
    pub reference: u16,
    pub total: u8,
    pub number: u8,
}

/// One message (or part) from a phone, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingSms {
    /// The DELIVER's own Msg_Id: a resend carries the same.
    pub deliver_id: u64,
    pub from: PhoneNumber,
    /// The number it was sent to (our service code and extension).
    pub dest_id: String,
    pub part_of: Option<PartOf>,
    /// The user data after its header, still encoded: a long message is
    /// decoded once joined (a character may straddle two parts).
    pub payload: Vec<u8>,
    pub msg_fmt: u8,
    /// When it arrived, ms since the epoch.
    pub at: i64,
}

impl IncomingSms {
    /// The text of one message's bytes by their Msg_Fmt.
    fn decode(msg_fmt: u8, payload: &[u8]) -> String {
        tether_cmpp::content::decode_text(msg_fmt, payload).display()
    }
}

impl Store {
    /// Stores what arrived in one transaction: a DELIVER seen before is
    /// skipped, a part waits for its set; returns the messages now
    /// complete. Commit before answering the DELIVERs.
    pub fn sms_store_incoming(
        &mut self,
        items: &[IncomingSms],
    ) -> Result<Vec<StoredMessage>, StoreError> {
        let tx = self.conn.transaction()?;
        let mut batch = Batch::default();
        let stored = incoming_in(&tx, items, &mut batch)?;
        batch.finish(&tx)?;
        tx.commit()?;
        Ok(stored)
    }

    /// Long messages whose newest part is older than `before` (ms): stored
    /// with what arrived, a note in place of each missing part. Old DELIVER
    /// ids and reports matched to nothing for 48 h are forgotten too.
    pub fn sms_expire_incomplete(&mut self, before: i64) -> Result<Vec<StoredMessage>, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "DELETE FROM sms_delivers WHERE at < ?1",
            [before - DELIVERS_KEPT_MS],
        )?;
        // A report whose SUBMIT_RESP never came is kept as long as the spec
        // says to wait for a report (48 h), then forgotten.
        tx.execute(
            "DELETE FROM sms_reports WHERE at < ?1",
            [before - ORPHAN_REPORTS_KEPT_MS],
        )?;
        let sets: Vec<(String, String, i64, i64)> = {
            let mut stmt = tx.prepare_cached(
                "SELECT sender, dest_id, reference, total FROM sms_incoming_parts
                  GROUP BY sender, dest_id, reference, total HAVING max(at) < ?1",
            )?;
            stmt.query_map([before], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<Result<_, _>>()?
        };
        let mut batch = Batch::default();
        let mut stored = Vec::new();
        for (sender, dest_id, reference, total) in sets {
            let key = params![sender, dest_id, reference, total];
            let (text, at) = joined(&tx, key, total, true)?;
            tx.execute(
                "DELETE FROM sms_incoming_parts
                  WHERE sender = ?1 AND dest_id = ?2 AND reference = ?3 AND total = ?4",
                key,
            )?;
            let Ok(from) = sender.parse::<PhoneNumber>() else {
                continue;
            };
            let msg = incoming_message(&from, text, at)?;
            insert_message(&tx, &msg, &mut batch)?;
            stored.push(msg);
        }
        batch.finish(&tx)?;
        tx.commit()?;
        Ok(stored)
    }

    /// Parts of long messages still waiting for the rest.
    pub fn sms_incoming_waiting(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sms_incoming_parts", [], |r| r.get(0))?;
        Ok(n.cast_unsigned())
    }
}

/// Stores what arrived (see [`Store::sms_store_incoming`]) in the
/// caller's transaction; `batch` is finished by the caller.
pub(super) fn incoming_in(
    conn: &Connection,
    items: &[IncomingSms],
    batch: &mut Batch,
) -> Result<Vec<StoredMessage>, StoreError> {
    let mut stored = Vec::new();
    for item in items {
        if !first_time(conn, item.deliver_id, item.at)? {
            continue;
        }
        let text = match item.part_of {
            None => Some(IncomingSms::decode(item.msg_fmt, &item.payload)),
            Some(part) => add_part(conn, item, part)?,
        };
        if let Some(text) = text {
            let msg = incoming_message(&item.from, text, item.at)?;
            insert_message(conn, &msg, batch)?;
            stored.push(msg);
        }
    }
    Ok(stored)
}

pub(super) fn first_time(conn: &Connection, deliver_id: u64, at: i64) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached("INSERT OR IGNORE INTO sms_delivers(msg_id, at) VALUES (?1, ?2)")?
        .execute(params![msg_id_to_sql(deliver_id), at])?;
    Ok(n == 1)
}

/// Keeps a part; the whole text once every part is there.
fn add_part(
    conn: &Connection,
    item: &IncomingSms,
    part: PartOf,
) -> Result<Option<String>, StoreError> {
    let sender = item.from.as_str();
    conn.prepare_cached(
        "INSERT OR IGNORE INTO sms_incoming_parts
            (sender, dest_id, reference, total, part, payload, msg_fmt, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        sender,
        item.dest_id,
        part.reference,
        part.total,
        part.number,
        item.payload,
        item.msg_fmt,
        item.at
    ])?;
    let key = params![sender, item.dest_id, part.reference, part.total];
    let have: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM sms_incoming_parts
              WHERE sender = ?1 AND dest_id = ?2 AND reference = ?3 AND total = ?4",
        )?
        .query_row(key, |r| r.get(0))?;
    if have < i64::from(part.total) {
        return Ok(None);
    }
    let (text, _) = joined(conn, key, i64::from(part.total), false)?;
    conn.prepare_cached(
        "DELETE FROM sms_incoming_parts
          WHERE sender = ?1 AND dest_id = ?2 AND reference = ?3 AND total = ?4",
    )?
    .execute(key)?;
    Ok(Some(text))
}

/// The parts of a set in order, decoded, and when the newest came; with
/// `mark_missing`, a note where a part is missing. Parts in a row are
/// joined before decoding, so a character cut between them survives.
fn joined(
    conn: &Connection,
    key: &[&dyn rusqlite::ToSql],
    total: i64,
    mark_missing: bool,
) -> Result<(String, i64), StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT part, payload, msg_fmt, at FROM sms_incoming_parts
          WHERE sender = ?1 AND dest_id = ?2 AND reference = ?3 AND total = ?4
          ORDER BY part",
    )?;
    let parts: Vec<(i64, Vec<u8>, u8, i64)> = stmt
        .query_map(key, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    let newest = parts.iter().map(|p| p.3).max().unwrap_or(0);
    let mut text = String::new();
    let mut run: Vec<u8> = Vec::new();
    let mut run_fmt = None;
    let mut next = 1;
    for (number, payload, msg_fmt, _) in &parts {
        let gap = next < *number;
        if gap || run_fmt.is_some_and(|f| f != *msg_fmt) {
            if let Some(f) = run_fmt {
                text.push_str(&IncomingSms::decode(f, &run));
            }
            run.clear();
        }
        while mark_missing && next < *number {
            text.push_str(&missing(next, total));
            next += 1;
        }
        run.extend_from_slice(payload);
        run_fmt = Some(*msg_fmt);
        next = number + 1;
    }
    if let Some(f) = run_fmt {
        text.push_str(&IncomingSms::decode(f, &run));
    }
    while mark_missing && next <= total {
        text.push_str(&missing(next, total));
        next += 1;
    }
    Ok((text, newest))
}

fn missing(number: i64, total: i64) -> String {
    format!(" [part {number} of {total} never arrived] ")
}

fn incoming_message(
    from: &PhoneNumber,
    text: String,
    at: i64,
) -> Result<StoredMessage, StoreError> {
    // The sender as a user id: the number without its '+'.
    let sender = UserId::new(from.as_str().trim_start_matches('+'))
        .map_err(|e| StoreError::corrupt(format!("sender {from}: {e}")))?;
    Ok(StoredMessage {
        id: uuid::Uuid::now_v7(),
        conversation: ConversationId::Phone(from.clone()),
        sender,
        ts: at,
        seq: None,
        text,
        reply_to: None,
        outgoing: false,
        status: MessageStatus::Received,
        unsupported: false,
        changes: Default::default(),
        file: None,
    })
}
