//! Adding new messages to the search indexes.
//!
//! Messages are indexed in one statement per index at the end of the
//! transaction that stored them, not by a trigger per row. FTS5 writes its
//! pending terms to disk at every statement savepoint, and every insert into
//! `messages` inside a transaction opens one; with a trigger each message
//! became its own index segment, to be merged again later. That was the
//! largest cost of storing a message (docs/BENCHMARKS.md, P1).

use rusqlite::{Connection, params};

use super::rows::json_rowids;
use super::search::is_cjk;
use super::{StoreError, StoredMessage};

/// Rowids of messages stored in the current transaction, not yet indexed.
#[derive(Debug, Default)]
pub(crate) struct Unindexed {
    /// Every supported message: the word index.
    words: Vec<i64>,
    /// Those with CJK text: the trigram index too.
    trigrams: Vec<i64>,
}

impl Unindexed {
    /// Message `rid` with this text waits to be indexed. Unsupported (raw)
    /// messages are not indexed.
    pub(crate) fn push(&mut self, rid: i64, msg: &StoredMessage) {
        if msg.unsupported {
            return;
        }
        self.words.push(rid);
        // Decided here rather than by a GLOB in SQL, which matched the
        // character class at every position of every message.
        if msg.text.chars().any(is_cjk) {
            self.trigrams.push(rid);
        }
    }

    /// Indexes them, inside the caller's transaction (so a message is never
    /// committed without its index entries).
    pub(crate) fn index(self, conn: &Connection) -> Result<(), StoreError> {
        const WORDS: &str = "INSERT INTO messages_fts(rowid, text)
            SELECT rid, text FROM messages WHERE rid IN (SELECT value FROM json_each(?1))";
        const TRIGRAMS: &str = "INSERT INTO messages_tri(rowid, text)
            SELECT rid, text FROM messages WHERE rid IN (SELECT value FROM json_each(?1))";
        for (sql, rids) in [(WORDS, self.words), (TRIGRAMS, self.trigrams)] {
            if !rids.is_empty() {
                conn.prepare_cached(sql)?
                    .execute(params![json_rowids(&rids)])?;
            }
        }
        Ok(())
    }
}
