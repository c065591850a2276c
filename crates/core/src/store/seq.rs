//! Per (conversation, sender) sequence tracking and gap bookkeeping.
//!
//! The protocol's `seq` lets a receiver notice lost messages (e.g. the broker's
//! offline queue overflowed). We keep the highest seq seen per sender and the
//! still-missing ranges; a late arrival inside a range splits it.

use rusqlite::{Connection, OptionalExtension, params};

use super::batch::Batch;
use super::rows::{conversation_rowid, to_i64, to_u64, user_from_str};
use super::{ConversationId, Gap, Store, StoreError};
use crate::protocol::UserId;

/// What one incoming seq did to the bookkeeping.
#[derive(Debug, Default)]
pub(crate) struct SeqOutcome {
    /// Newly detected missing range.
    pub gap: Option<Gap>,
    /// Previously missing seqs now present.
    pub filled: Vec<u64>,
}

/// Records `seq` from `sender` in conversation `conv` (rowid `conv_id`);
/// the highest seq is kept in `batch` until it finishes.
pub(crate) fn track(
    conn: &Connection,
    batch: &mut Batch,
    conv_id: i64,
    conv: &ConversationId,
    sender: &UserId,
    seq: u64,
) -> Result<SeqOutcome, StoreError> {
    let seq_i = to_i64(seq, "seq")?;
    let max = match (batch.max_seq(conn, conv_id, sender)?, conv.is_room()) {
        (Some(m), _) => m,
        // A DM starts at seq 1, so anything later reveals what came before.
        (None, false) => 0,
        // Joining a room mid-stream means earlier seqs were never ours to
        // receive: the first message seen sets the baseline.
        (None, true) => seq_i - 1,
    };

    let mut out = SeqOutcome::default();
    if seq_i > max {
        if seq_i > max + 1 {
            conn.prepare_cached(
                "INSERT OR IGNORE INTO gaps(conv, sender, first, last) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![conv_id, sender.as_str(), max + 1, seq_i - 1])?;
            out.gap = Some(Gap {
                conversation: conv.clone(),
                sender: sender.clone(),
                first: to_u64(max + 1, "gap.first")?,
                last: seq - 1,
            });
        }
        batch.set_max_seq(conv_id, sender, seq_i);
    } else if fill(conn, conv_id, sender, seq_i)? {
        out.filled.push(seq);
    }
    Ok(out)
}

/// Removes `seq` from the recorded gap containing it, splitting the range.
/// Returns whether a gap contained it.
fn fill(conn: &Connection, conv_id: i64, sender: &UserId, seq: i64) -> Result<bool, StoreError> {
    // Ranges never overlap, so the one with the largest `first <= seq` is the
    // only candidate; the primary key makes this a single seek.
    let range: Option<(i64, i64)> = conn
        .prepare_cached(
            "SELECT first, last FROM gaps
              WHERE conv = ?1 AND sender = ?2 AND first <= ?3
              ORDER BY first DESC LIMIT 1",
        )?
        .query_row(params![conv_id, sender.as_str(), seq], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((first, last)) = range.filter(|&(_, last)| last >= seq) else {
        return Ok(false);
    };
    conn.prepare_cached("DELETE FROM gaps WHERE conv = ?1 AND sender = ?2 AND first = ?3")?
        .execute(params![conv_id, sender.as_str(), first])?;
    let mut insert =
        conn.prepare_cached("INSERT INTO gaps(conv, sender, first, last) VALUES (?1, ?2, ?3, ?4)")?;
    if first < seq {
        insert.execute(params![conv_id, sender.as_str(), first, seq - 1])?;
    }
    if seq < last {
        insert.execute(params![conv_id, sender.as_str(), seq + 1, last])?;
    }
    Ok(true)
}

impl Store {
    /// Still-missing seq ranges in a conversation, by sender then seq.
    pub fn gaps(&self, conv: &ConversationId) -> Result<Vec<Gap>, StoreError> {
        let Some(conv_id) = conversation_rowid(&self.conn, conv)? else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT sender, first, last FROM gaps WHERE conv = ?1 ORDER BY sender, first",
        )?;
        let raw = stmt
            .query_map(params![conv_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        raw.into_iter()
            .map(|(sender, first, last)| {
                Ok(Gap {
                    conversation: conv.clone(),
                    sender: user_from_str(&sender)?,
                    first: to_u64(first, "gaps.first")?,
                    last: to_u64(last, "gaps.last")?,
                })
            })
            .collect()
    }
}
