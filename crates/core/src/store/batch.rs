//! What a transaction storing many messages keeps in memory until its end.
//!
//! Per message, storing used to read and write the conversation row three
//! or four times (its rowid, the unread count, the last message, the seq
//! counter) and the sender's seq state twice. For a burst those are the
//! same few rows over and over: here they are read once, kept up to date in
//! memory, and written once per conversation when the batch
//! [finishes](Batch::finish).

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::rows::{bump_last, ensure_conversation, to_u64};
use super::{ConversationId, StoreError, StoredMessage};
use crate::protocol::UserId;

/// One transaction's pending writes; [`Batch::finish`] before committing.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    conv_ids: HashMap<ConversationId, i64>,
    /// Per conversation rowid: the newest message stored in this batch.
    newest: HashMap<i64, StoredMessage>,
    unread: HashMap<i64, i64>,
    /// Our next outgoing seq per conversation, once read.
    out_seq: HashMap<i64, i64>,
    /// Highest seq seen per (conversation, sender), once read or set.
    max_seq: HashMap<(i64, UserId), Option<i64>>,
    dirty_seq: Vec<(i64, UserId)>,
}

impl Batch {
    /// The conversation's rowid, creating the row if needed.
    pub(crate) fn conv_id(
        &mut self,
        conn: &Connection,
        conv: &ConversationId,
    ) -> Result<i64, StoreError> {
        if let Some(&id) = self.conv_ids.get(conv) {
            return Ok(id);
        }
        let id = ensure_conversation(conn, conv)?;
        self.conv_ids.insert(conv.clone(), id);
        Ok(id)
    }

    /// A message was stored in conversation `conv_id`.
    pub(crate) fn stored(&mut self, conv_id: i64, msg: &StoredMessage) {
        if !msg.outgoing {
            *self.unread.entry(conv_id).or_default() += 1;
        }
        let newer = self
            .newest
            .get(&conv_id)
            .is_none_or(|m| (m.ts, m.id) < (msg.ts, msg.id));
        if newer {
            self.newest.insert(conv_id, msg.clone());
        }
    }

    /// Allocates our next outgoing seq in `conv_id` (1, 2, …).
    pub(crate) fn next_out_seq(
        &mut self,
        conn: &Connection,
        conv_id: i64,
    ) -> Result<u64, StoreError> {
        let seq = match self.out_seq.get(&conv_id) {
            Some(&last) => last + 1,
            None => {
                let last: i64 = conn
                    .prepare_cached("SELECT out_seq FROM conversations WHERE id = ?1")?
                    .query_row(params![conv_id], |r| r.get(0))?;
                last + 1
            }
        };
        self.out_seq.insert(conv_id, seq);
        to_u64(seq, "conversations.out_seq")
    }

    /// The highest seq recorded from `sender` in `conv_id`, if any.
    pub(crate) fn max_seq(
        &mut self,
        conn: &Connection,
        conv_id: i64,
        sender: &UserId,
    ) -> Result<Option<i64>, StoreError> {
        let key = (conv_id, sender.clone());
        if let Some(&max) = self.max_seq.get(&key) {
            return Ok(max);
        }
        let max = conn
            .prepare_cached("SELECT max_seq FROM seq_state WHERE conv = ?1 AND sender = ?2")?
            .query_row(params![conv_id, sender.as_str()], |r| r.get(0))
            .optional()?;
        self.max_seq.insert(key, max);
        Ok(max)
    }

    pub(crate) fn set_max_seq(&mut self, conv_id: i64, sender: &UserId, max: i64) {
        let key = (conv_id, sender.clone());
        if !self.dirty_seq.contains(&key) {
            self.dirty_seq.push(key.clone());
        }
        self.max_seq.insert(key, Some(max));
    }

    /// Writes everything kept in memory; the caller then commits.
    pub(crate) fn finish(self, conn: &Connection) -> Result<(), StoreError> {
        for (conv_id, n) in self.unread {
            conn.prepare_cached("UPDATE conversations SET unread = unread + ?2 WHERE id = ?1")?
                .execute(params![conv_id, n])?;
        }
        for (conv_id, msg) in &self.newest {
            bump_last(conn, *conv_id, msg)?;
        }
        for (conv_id, seq) in self.out_seq {
            conn.prepare_cached("UPDATE conversations SET out_seq = ?2 WHERE id = ?1")?
                .execute(params![conv_id, seq])?;
        }
        for key in self.dirty_seq {
            let Some(&Some(max)) = self.max_seq.get(&key) else {
                continue;
            };
            conn.prepare_cached(
                "INSERT INTO seq_state(conv, sender, max_seq) VALUES (?1, ?2, ?3)
                 ON CONFLICT(conv, sender) DO UPDATE SET max_seq = excluded.max_seq",
            )?
            .execute(params![key.0, key.1.as_str(), max])?;
        }
        Ok(())
    }
}
