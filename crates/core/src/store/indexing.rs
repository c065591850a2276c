//! Adding new messages to the search indexes.
//!
//! Messages are indexed in one statement per index at the end of the
//! transaction that stored them, not by a trigger per row. FTS5 writes its
//! pending terms to disk at every statement savepoint, and every insert into
//! `messages` inside a transaction opens one; with a trigger each message
//! became its own index segment, to be merged again later. That was the
//! largest cost of storing a message (docs/BENCHMARKS.md, P1).

use rusqlite::{Connection, params};

use super::StoreError;

/// CJK radicals through unified ideographs (incl. kana), and Hangul
/// syllables, as a GLOB: messages with any of them also go into the trigram
/// index. Must match `search::is_cjk`.
pub(crate) const CJK_GLOB: &str = "*[⺀-鿿가-힯]*";

/// Rowids of messages stored in the current transaction, not yet indexed.
#[derive(Debug, Default)]
pub(crate) struct Unindexed {
    rids: Vec<i64>,
}

impl Unindexed {
    pub(crate) fn push(&mut self, rid: i64) {
        self.rids.push(rid);
    }

    /// Indexes them, inside the caller's transaction (so a message is never
    /// committed without its index entries). Unsupported (raw) messages are
    /// not indexed.
    pub(crate) fn index(self, conn: &Connection) -> Result<(), StoreError> {
        if self.rids.is_empty() {
            return Ok(());
        }
        let rids: Vec<String> = self.rids.iter().map(i64::to_string).collect();
        let rids = format!("[{}]", rids.join(","));
        conn.prepare_cached(
            "INSERT INTO messages_fts(rowid, text)
             SELECT rid, text FROM messages
              WHERE rid IN (SELECT value FROM json_each(?1)) AND unsupported = 0",
        )?
        .execute(params![rids])?;
        conn.prepare_cached(
            "INSERT INTO messages_tri(rowid, text)
             SELECT rid, text FROM messages
              WHERE rid IN (SELECT value FROM json_each(?1)) AND unsupported = 0
                AND text GLOB ?2",
        )?
        .execute(params![rids, CJK_GLOB])?;
        Ok(())
    }
}
