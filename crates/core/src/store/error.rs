//! The store's error type.
//!
//! Every fallible store call returns [`StoreError`]; callers decide whether a
//! failure is fatal (the writer cannot persist, so it must not publish) or
//! merely logged (a read for the UI).

use std::path::PathBuf;

/// Anything that can go wrong while opening, migrating, reading or writing the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite reported an error (I/O, constraint, busy beyond the timeout, …).
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The schema could not be brought to the current version.
    ///
    /// Boxed because the migration error is large and would bloat every `Result`.
    #[error("schema migration: {0}")]
    Migration(Box<rusqlite_migration::Error>),
    /// The file that says which process owns the account's session could
    /// not be opened or locked.
    #[error("cannot lock {path}: {source}")]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The directory that should hold the database could not be created.
    #[error("cannot create store directory {path}: {source}")]
    CreateDir {
        /// The directory we tried to create.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The thread that checkpoints the WAL could not be started.
    #[error("cannot start the store's checkpoint thread: {source}")]
    Thread {
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A value read back from the database does not decode (bad uuid, bad id,
    /// unknown status code). Means the file was edited or written by a newer build.
    #[error("corrupt store data: {what}")]
    Corrupt {
        /// What failed to decode, for the log.
        what: String,
    },
    /// A caller passed a value the store cannot represent (e.g. a seq above `i64::MAX`).
    #[error("invalid value for the store: {what}")]
    Invalid {
        /// What was rejected, for the log.
        what: String,
    },
}

impl From<rusqlite_migration::Error> for StoreError {
    fn from(e: rusqlite_migration::Error) -> Self {
        StoreError::Migration(Box::new(e))
    }
}

impl StoreError {
    /// Shorthand for a [`StoreError::Corrupt`] with a formatted description.
    pub(crate) fn corrupt(what: impl Into<String>) -> Self {
        StoreError::Corrupt { what: what.into() }
    }
}

/// A conversation key read back from the database that is none.
impl From<crate::model::KeyError> for StoreError {
    fn from(e: crate::model::KeyError) -> Self {
        StoreError::corrupt(format!("conversation key {:?}", e.0))
    }
}
