//! Parts between the outbox and the link's window: taken for writing
//! (marked written before they go), written again, given up on, put
//! back when their answer will never come.

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension, params};

use super::SmsPart;
use crate::store::StoreError;
use crate::store::rows::uuid_from_blob;

/// The columns a part is read from, in [`read_part`]'s order (a macro so
/// that the statements stay `&'static str`, parsed once and cached).
macro_rules! part_columns {
    () => {
        "id, message_id, dest, msg_fmt, content, part, total, at_time"
    };
}

/// What a part's row holds besides its ids.
struct PartFields {
    dest: String,
    msg_fmt: u8,
    content: Vec<u8>,
    part: u8,
    total: u8,
    at_time: String,
}

/// Reads `part_columns!()` from the row's first eight columns: the row
/// id, the message id's blob, the rest.
fn read_part(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, Vec<u8>, PartFields)> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        PartFields {
            dest: r.get(2)?,
            msg_fmt: r.get(3)?,
            content: r.get(4)?,
            part: r.get(5)?,
            total: r.get(6)?,
            at_time: r.get(7)?,
        },
    ))
}

fn into_part(id: i64, message_key: &[u8], f: PartFields) -> Result<SmsPart, StoreError> {
    Ok(SmsPart {
        id,
        message_id: uuid_from_blob(message_key, "sms_parts.message_id")?,
        dest: f.dest,
        msg_fmt: f.msg_fmt,
        content: f.content,
        part: f.part,
        total: f.total,
        at_time: f.at_time,
    })
}

/// Up to `limit` queued parts, oldest first.
pub(super) fn waiting_in(conn: &Connection, limit: usize) -> Result<Vec<SmsPart>, StoreError> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT ",
        part_columns!(),
        " FROM sms_parts WHERE state = 0 ORDER BY id LIMIT ?1"
    ))?;
    let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], read_part)?;
    rows.map(|row| {
        let (id, key, fields) = row?;
        into_part(id, &key, fields)
    })
    .collect()
}

/// Takes the next `limit` queued parts for writing (marked written, in
/// one statement), oldest first; a message gets an update when a part
/// may now go twice.
pub(super) fn take_in(
    conn: &Connection,
    limit: usize,
    touched: &mut BTreeSet<Vec<u8>>,
) -> Result<Vec<SmsPart>, StoreError> {
    let mut stmt = conn.prepare_cached(concat!(
        "UPDATE sms_parts
            SET state = 1, attempts = attempts + 1,
                twice = CASE WHEN attempts > 0 THEN max(twice, 1) ELSE twice END
          WHERE id IN (SELECT id FROM sms_parts WHERE state = 0 ORDER BY id LIMIT ?1)
      RETURNING ",
        part_columns!(),
        ", twice"
    ))?;
    let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
        Ok((read_part(r)?, r.get::<_, i64>(8)?))
    })?;
    let mut parts = Vec::new();
    for row in rows {
        let ((id, key, fields), twice) = row?;
        parts.push(into_part(id, &key, fields)?);
        if twice > 0 {
            touched.insert(key);
        }
    }
    // RETURNING promises no order.
    parts.sort_by_key(|p| p.id);
    Ok(parts)
}

/// Marks parts written; a message gets an update when a part may now go
/// twice.
pub(super) fn written_in(
    conn: &Connection,
    part_ids: &[i64],
    touched: &mut BTreeSet<Vec<u8>>,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(
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
    Ok(())
}

/// What a part the gateway never answered says: it failed, and the user
/// may retry, knowing it may have gone.
pub const NO_ANSWER: &str = "no answer from the gateway after every try; it may have been sent";

/// Written parts the gateway did not answer after N attempts: failed
/// with [`NO_ANSWER`], "maybe twice" if tried again (not put back in the
/// queue: the same link would write them at once, again and again). A late
/// answer still takes them to sent.
pub(super) fn given_up_in(
    conn: &Connection,
    part_ids: &[i64],
    tried_more_than_once: bool,
    touched: &mut BTreeSet<Vec<u8>>,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(
        "UPDATE sms_parts
            SET state = -1, failure = ?2,
                twice = CASE WHEN ?3 THEN max(twice, 1) ELSE twice END
          WHERE id = ?1 AND state = 1 RETURNING message_id",
    )?;
    for id in part_ids {
        let message: Option<Vec<u8>> = stmt
            .query_row(params![id, NO_ANSWER, tried_more_than_once], |r| r.get(0))
            .optional()?;
        touched.extend(message);
    }
    Ok(())
}

/// Written parts back to queued (`None`: all of them).
pub(super) fn unanswered_in(conn: &Connection, part_ids: Option<&[i64]>) -> Result<(), StoreError> {
    match part_ids {
        None => {
            conn.prepare_cached("UPDATE sms_parts SET state = 0 WHERE state = 1")?
                .execute([])?;
        }
        Some(ids) => {
            let mut stmt =
                conn.prepare_cached("UPDATE sms_parts SET state = 0 WHERE id = ?1 AND state = 1")?;
            for id in ids {
                stmt.execute([id])?;
            }
        }
    }
    Ok(())
}
