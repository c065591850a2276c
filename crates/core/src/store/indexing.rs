//! Adding stored messages to the search indexes, many at a time.
//!
//! Storing a message does not index it. Every transaction that wrote to an
//! FTS5 index left a new segment behind (and FTS5 merges segments again
//! later): a receiver committing each small batch the broker's window
//! allows paid that for every 20 messages, a quarter of its time in P1
//! (docs/BENCHMARKS.md). Instead, messages above `search_state.indexed_upto`
//! wait, and [`Store::index_pending`] indexes them in rowid order: the
//! engine calls it once the stream pauses (or every few seconds under a
//! steady one), and [`Store::search`] calls it first, so a search always
//! sees every message stored before it.

use rusqlite::{Transaction, params};

use super::rows::json_rowids;
use super::search::is_cjk;
use super::{Store, StoreError};

/// Most messages indexed in one transaction, so the write lock is never
/// held long (the UI's connection writes read marks).
pub const INDEX_CHUNK: usize = 5_000;

impl Store {
    /// Indexes up to [`INDEX_CHUNK`] waiting messages, in one transaction;
    /// returns how many it took (fewer than `INDEX_CHUNK`: none wait now).
    pub fn index_pending(&mut self) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        let taken = index_chunk(&tx)?;
        tx.commit()?;
        Ok(taken)
    }

    /// Indexes every waiting message. Checks first with a read, so that a
    /// search with nothing to index never waits for the write lock.
    pub fn index_all_pending(&mut self) -> Result<(), StoreError> {
        let waiting: bool = self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM messages
                  WHERE rid > (SELECT indexed_upto FROM search_state))",
            )?
            .query_row([], |r| r.get(0))?;
        if waiting {
            while self.index_pending()? == INDEX_CHUNK {}
        }
        Ok(())
    }

    /// How many stored messages wait to be indexed.
    pub fn unindexed(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM messages
                  WHERE rid > (SELECT indexed_upto FROM search_state)",
            )?
            .query_row([], |r| r.get(0))?;
        super::rows::to_u64(n, "unindexed count")
    }
}

/// One chunk: the word index takes every supported message of the rowid
/// range, the trigram index those with CJK text (decided here rather than
/// by a GLOB in SQL, which tested the character class at every position).
fn index_chunk(tx: &Transaction<'_>) -> Result<usize, StoreError> {
    let upto: i64 = tx
        .prepare_cached("SELECT indexed_upto FROM search_state")?
        .query_row([], |r| r.get(0))?;
    let mut last = upto;
    let mut taken = 0;
    let mut trigrams = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT rid, unsupported, text FROM messages WHERE rid > ?1 ORDER BY rid LIMIT ?2",
        )?;
        let mut rows = stmt.query(params![upto, INDEX_CHUNK as i64])?;
        while let Some(row) = rows.next()? {
            let rid: i64 = row.get(0)?;
            let unsupported: bool = row.get(1)?;
            // Borrowed, not copied: only CJK texts are kept (as rowids).
            let text = row
                .get_ref(2)?
                .as_str()
                .map_err(|e| StoreError::corrupt(format!("messages.text: {e}")))?;
            if !unsupported && text.chars().any(is_cjk) {
                trigrams.push(rid);
            }
            last = rid;
            taken += 1;
        }
    }
    if taken == 0 {
        return Ok(0);
    }
    tx.prepare_cached(
        "INSERT INTO messages_fts(rowid, text)
         SELECT rid, text FROM messages WHERE rid > ?1 AND rid <= ?2 AND unsupported = 0",
    )?
    .execute(params![upto, last])?;
    if !trigrams.is_empty() {
        tx.prepare_cached(
            "INSERT INTO messages_tri(rowid, text)
             SELECT rid, text FROM messages WHERE rid IN (SELECT value FROM json_each(?1))",
        )?
        .execute(params![json_rowids(&trigrams)])?;
    }
    tx.prepare_cached("UPDATE search_state SET indexed_upto = ?1")?
        .execute(params![last])?;
    Ok(taken)
}
