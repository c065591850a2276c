//! Which process owns an account's broker session.
//!
//! Several processes may use one account at once (the app and `tether
//! send`, or `tether listen` and `tether send`). They share the store, but
//! only one may use the account's client id: the broker disconnects the
//! older connection when a newer one takes the same id, and contacts see
//! the user go offline and back. So the first process takes an exclusive
//! lock on a file beside the store and owns the session; any other runs as
//! a guest (see `engine`): a client id of its own, a clean session, no
//! presence and no Last Will. The kernel releases the lock when the owner
//! exits, however it exits.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use super::StoreError;

/// Held by the process that owns the account's session, for its lifetime.
#[derive(Debug)]
pub struct SessionLock {
    /// `None` where the file system cannot lock (see [`SessionLock::unlocked`]).
    _file: Option<File>,
}

impl SessionLock {
    /// Ownership without a lock, where the file system has none (some
    /// network shares): the process owns the session, as every process
    /// did before locks.
    pub fn unlocked() -> SessionLock {
        SessionLock { _file: None }
    }
}

/// The lock file of the store at `store_path`.
fn lock_path(store_path: &Path) -> PathBuf {
    let mut name = store_path.as_os_str().to_owned();
    name.push(".session-lock");
    PathBuf::from(name)
}

/// Takes the session of the store at `store_path` if no other process (or
/// other client in this process) holds it: `Some` for the owner, `None`
/// for a guest.
pub fn claim_session(store_path: &Path) -> Result<Option<SessionLock>, StoreError> {
    let path = lock_path(store_path);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| StoreError::Lock {
            path: path.clone(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(Some(SessionLock { _file: Some(file) })),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(source)) => Err(StoreError::Lock { path, source }),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn one_owner_at_a_time_and_the_next_after_it_ends() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("alice.db");
        let owner = claim_session(&store).unwrap();
        assert!(owner.is_some());
        assert!(claim_session(&store).unwrap().is_none(), "a guest");
        drop(owner);
        assert!(claim_session(&store).unwrap().is_some(), "free again");
    }
}
