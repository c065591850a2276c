//! Durable local store on SQLite: messages, outbox, receipts, rooms, presence.
//!
//! The engine task owns the one writing [`Store`]; the UI/CLI opens a second
//! `Store` on the same file for reads. WAL lets those readers run alongside
//! the writer without blocking it.
//!
//! Durability contract: every mutating method is one transaction and has
//! committed when it returns. With `synchronous=NORMAL` in WAL mode a commit
//! survives a process crash or `kill -9` (it is in the WAL file, which the OS
//! keeps); only an OS crash or power loss may drop the last few commits, which
//! the at-least-once protocol tolerates (the broker still holds unacked data).
//! The SMS engine has two writers: its task's (queuing, retries, cancels)
//! and its links' (`sms::committer`, a thread committing what a link hears
//! while the link goes on); both commit with `synchronous=FULL`
//! ([`Store::sync_every_commit`]): a DELIVER it answered is gone from the
//! gateway, so its commit must survive a power loss too.
//!
//! Layout: [`schema`] (migrations), `messages` (incoming/history/summary),
//! `inserts` (the row writers they share), `seq` (gap tracking), `outbox` (sending), `set_aside` (publishes the
//! broker refuses), `receipts`, `settle` (acks and
//! receipts together), `rooms`, `subscriptions` (what the broker's session
//! holds), `presence`, `search` (FTS5), `batch` (what a
//! transaction writes once at its end), `indexing` (catching the search
//! index up), `checkpoint` (the WAL checkpoint thread), `rows` (decoding
//! helpers), `owner` (which process owns the account's broker session),
//! [`sms`] (SMS parts, reports and incoming SMS), `drafts` (what the user
//! was writing, per conversation), `changes` (edits, deletes and
//! reactions, in any order), `notify` (notification settings per
//! conversation).

mod attachments;
mod batch;
mod changes;
mod checkpoint;
mod drafts;
mod error;
pub mod files;
mod indexing;
mod inserts;
mod messages;
mod notify;
mod outbox;
mod owner;
mod presence;
mod receipts;
mod resend;
mod rooms;
mod rows;
pub(crate) mod schema;
mod search;
mod seq;
mod set_aside;
mod settle;
pub mod sms;
mod subscriptions;
mod types;

#[cfg(test)]
mod tests;

use std::path::Path;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, TransactionBehavior};

pub use changes::{
    Change, ChangeKind, ChangeOutcome, MAX_REACTIONS_PER_USER, Settled as SettledChanges,
};
pub use checkpoint::CheckpointThread;
pub use error::StoreError;
pub use indexing::INDEX_CHUNK;
pub use owner::{SessionLock, claim_session};
pub use resend::ResendPlan;
pub use settle::Settled;
pub use types::{OutboxEntry, OutboxRow, Stored};

// The nouns the store keeps, for its submodules (`super::ConversationId`).
use crate::model::{
    ConversationId, ConversationSummary, Gap, MessageStatus, PresenceRecord, Room, StoredMessage,
};

/// How long a statement waits for another connection's lock before failing.
///
/// Writers hold locks only for one short transaction, so 5 s means something
/// is really stuck rather than just busy.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Prepared-statement cache size; the hot paths use about 20 distinct statements
/// and search adds a few shapes, so the default of 16 would thrash.
const STATEMENT_CACHE: usize = 64;

/// A connection to the store database. See the module docs for the threading model.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed, including the parent directory) and migrates
    /// the database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        Self::init(Connection::open(path)?)
    }

    /// A private in-memory database, for tests.
    /// (Tests only.)
    #[cfg(test)]
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Self::init(Connection::open_in_memory()?)
    }

    /// Every commit reaches the disk before it returns (`synchronous=FULL`),
    /// not only the WAL file: for a writer whose commits are promises to
    /// someone who will not ask again (the SMS link answers a DELIVER only
    /// after storing it; the gateway then forgets it), so that even a power
    /// loss keeps them.
    pub fn sync_every_commit(&self) -> Result<(), StoreError> {
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(())
    }

    fn init(mut conn: Connection) -> Result<Store, StoreError> {
        // The busy timeout comes first: switching to WAL itself needs a lock
        // another process may hold.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // IMMEDIATE takes the write lock at BEGIN, where the busy timeout
        // applies. A deferred transaction that reads first and then writes can
        // fail with SQLITE_BUSY at once when another writer (e.g. the UI side
        // calling mark_read) got in between; that applies to migrations too.
        conn.set_transaction_behavior(TransactionBehavior::Immediate);
        // An in-memory database answers "memory"; only files can do WAL, so
        // the answer is not checked.
        let _mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // Since SQLite 3.45 a `LIMIT ?` reads the bound value at prepare
        // time, and binding another value makes the next step prepare the
        // statement again: `outbox_after` asks for whatever room the
        // in-flight window has, and was parsed anew on nearly every call
        // (P1 profile). The stability guarantee turns that off; our plans
        // never depended on bound values.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        schema::MIGRATIONS.to_latest(&mut conn)?;
        Ok(Store { conn })
    }
}
