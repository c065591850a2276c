//! What the gateway says of our parts: SUBMIT_RESPs (taken, refused, slow
//! down, taken twice) and status reports, matched by Msg_Id whichever
//! comes first.

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension, params};

use super::delivery::updates;
use super::outbox::{PartAnswer, Report, SmsUpdate};
use super::{incoming, msg_id_to_sql};
use crate::clock::now_ms;
use crate::store::{Store, StoreError};

impl Store {
    /// The gateway's answers, in one transaction.
    pub fn sms_answered(&mut self, answers: &[PartAnswer]) -> Result<Vec<SmsUpdate>, StoreError> {
        let tx = self.conn.transaction()?;
        let mut touched = BTreeSet::new();
        answered_in(&tx, answers, &mut touched)?;
        let updates = updates(&tx, &touched)?;
        tx.commit()?;
        Ok(updates)
    }

    /// A status report: matched to its part by Msg_Id, or kept until the
    /// SUBMIT_RESP that tells the Msg_Id is processed.
    pub fn sms_report(
        &mut self,
        msg_id: u64,
        dest: &str,
        stat: &str,
    ) -> Result<Vec<SmsUpdate>, StoreError> {
        self.sms_reports(&[Report {
            deliver_id: None,
            msg_id,
            dest: dest.to_owned(),
            stat: stat.to_owned(),
        }])
    }

    /// Reports in one transaction; one whose DELIVER was stored before (a
    /// resend of it) is skipped.
    pub fn sms_reports(&mut self, reports: &[Report]) -> Result<Vec<SmsUpdate>, StoreError> {
        let tx = self.conn.transaction()?;
        let mut touched = BTreeSet::new();
        reports_in(&tx, reports, &mut touched)?;
        let updates = updates(&tx, &touched)?;
        tx.commit()?;
        Ok(updates)
    }
}

/// The answers to SUBMITs; touched messages noted.
pub(super) fn answered_in(
    conn: &Connection,
    answers: &[PartAnswer],
    touched: &mut BTreeSet<Vec<u8>>,
) -> Result<(), StoreError> {
    if answers.is_empty() {
        return Ok(());
    }
    // Reports before their answer are rare: when none waits, no answer
    // looks for them (a tenth of an answer's cost, S1 profile).
    let early: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM sms_reports)")?
        .query_row([], |r| r.get(0))?;
    for a in answers {
        if let Some(message) = answer_one(conn, a, early)? {
            touched.insert(message);
        }
    }
    Ok(())
}

/// Reports, each once (a resent DELIVER is skipped); one whose Msg_Id is
/// not known yet is kept for its answer.
pub(super) fn reports_in(
    conn: &Connection,
    reports: &[Report],
    touched: &mut BTreeSet<Vec<u8>>,
) -> Result<(), StoreError> {
    for r in reports {
        if let Some(deliver_id) = r.deliver_id
            && !incoming::first_time(conn, deliver_id, now_ms())?
        {
            continue;
        }
        match report_one(conn, r.msg_id, &r.stat)? {
            Some(message) => {
                touched.insert(message);
            }
            None => {
                conn.prepare_cached(
                    "INSERT OR REPLACE INTO sms_reports(msg_id, dest, stat, at)
                     VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![
                    msg_id_to_sql(r.msg_id),
                    r.dest,
                    r.stat,
                    now_ms()
                ])?;
            }
        }
    }
    Ok(())
}

fn answer_one(
    conn: &Connection,
    a: &PartAnswer,
    early: bool,
) -> Result<Option<Vec<u8>>, StoreError> {
    if a.result == 0 && !a.again && !a.repeated {
        // The common answer, in one statement (S1: a part's answer is on
        // every SMS's path).
        let message: Option<Vec<u8>> = conn
            .prepare_cached(
                "UPDATE sms_parts SET state = max(state, 2), msg_id = ?2, attempts = 0
                  WHERE id = ?1 RETURNING message_id",
            )?
            .query_row(params![a.part_id, msg_id_to_sql(a.msg_id)], |r| r.get(0))
            .optional()?;
        return match message {
            Some(message) => {
                if early {
                    early_reports(conn, a.msg_id)?;
                }
                Ok(Some(message))
            }
            None => Ok(None),
        };
    }
    // The part's message, and whether an earlier answer gave it a Msg_Id:
    // one read for both.
    let part: Option<(Vec<u8>, bool)> = conn
        .prepare_cached("SELECT message_id, msg_id IS NOT NULL FROM sms_parts WHERE id = ?1")?
        .query_row([a.part_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((message, has_id)) = part else {
        return Ok(None);
    };
    let msg_id = msg_id_to_sql(a.msg_id);
    // A part sent more than once before this answer may have gone twice,
    // whatever this answer says of one of the copies.
    if a.repeated {
        conn.prepare_cached("UPDATE sms_parts SET twice = max(twice, 1) WHERE id = ?1")?
            .execute([a.part_id])?;
    }
    match (a.again && has_id, a.result) {
        // A second copy taken: both reach the phone; either's report counts.
        (true, 0) => {
            conn.prepare_cached(
                "INSERT OR IGNORE INTO sms_extra_ids(msg_id, part_id) VALUES (?1, ?2)",
            )?
            .execute(params![msg_id, a.part_id])?;
            conn.prepare_cached("UPDATE sms_parts SET twice = 2 WHERE id = ?1")?
                .execute([a.part_id])?;
        }
        // A second copy refused: the first one stands.
        (true, _) => return Ok(None),
        (false, 0) => {
            conn.prepare_cached(
                "UPDATE sms_parts SET state = max(state, 2), msg_id = ?2, attempts = 0
                  WHERE id = ?1",
            )?
            .execute(params![a.part_id, msg_id])?;
        }
        // Flow control: not taken; this write was answered.
        (false, 8) => {
            conn.prepare_cached(
                "UPDATE sms_parts SET state = 0, attempts = max(attempts - 1, 0)
                  WHERE id = ?1 AND state = 1",
            )?
            .execute([a.part_id])?;
            return Ok(None);
        }
        (false, other) => {
            conn.prepare_cached(
                "UPDATE sms_parts SET state = -1, failure = ?2 WHERE id = ?1 AND state < 2",
            )?
            .execute(params![a.part_id, result_text(other)])?;
        }
    }
    if early {
        early_reports(conn, a.msg_id)?;
    }
    Ok(Some(message))
}

/// Reports that came before the answer telling their Msg_Id, applied
/// now (taken out in one statement).
fn early_reports(conn: &Connection, msg_id: u64) -> Result<(), StoreError> {
    let early: Vec<String> = conn
        .prepare_cached("DELETE FROM sms_reports WHERE msg_id = ?1 RETURNING stat")?
        .query_map([msg_id_to_sql(msg_id)], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for stat in early {
        report_one(conn, msg_id, &stat)?;
    }
    Ok(())
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
    if stat == "DELIVRD" {
        // The common report, in one statement when it applies; otherwise
        // (a second copy's Msg_Id, a report again, one before its answer)
        // the part is looked for below.
        let message: Option<Vec<u8>> = conn
            .prepare_cached(
                "UPDATE sms_parts SET state = 3, failure = NULL
                  WHERE msg_id = ?1 AND state IN (1, 2) RETURNING message_id",
            )?
            .query_row([sql_id], |r| r.get(0))
            .optional()?;
        if message.is_some() {
            return Ok(message);
        }
    }
    // Cached like every statement on this path: parsing it anew for each
    // report was a tenth of a report's cost (S1 profile).
    let part: Option<(i64, Vec<u8>)> = conn
        .prepare_cached(
            "SELECT id, message_id FROM sms_parts WHERE msg_id = ?1
             UNION ALL
             SELECT p.id, p.message_id FROM sms_extra_ids x JOIN sms_parts p ON p.id = x.part_id
              WHERE x.msg_id = ?1
             LIMIT 1",
        )?
        .query_row([sql_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((part_id, message)) = part else {
        return Ok(None);
    };
    if stat == "DELIVRD" {
        // A part that went twice is delivered when either copy is, even if
        // the other's report said it failed first.
        conn.prepare_cached(
            "UPDATE sms_parts SET state = 3, failure = NULL
              WHERE id = ?1 AND (state IN (1, 2) OR (state = -1 AND twice = 2))",
        )?
        .execute([part_id])?;
    } else {
        conn.prepare_cached(
            "UPDATE sms_parts SET state = -1, failure = ?2 WHERE id = ?1 AND state != 3",
        )?
        .execute(params![part_id, stat])?;
    }
    Ok(Some(message))
}
