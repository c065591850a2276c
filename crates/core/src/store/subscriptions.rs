//! The topic filters the broker's session holds for us, as far as we know:
//! confirmed when the broker answered a SUBSCRIBE, perhaps held when one
//! was written and not answered (or a room was left), removed when it
//! confirmed an UNSUBSCRIBE, all forgotten when it reports a new session.

use std::collections::BTreeSet;

use rusqlite::params;

use super::{Store, StoreError};

impl Store {
    /// Filters the session holds (confirmed) and may hold (not confirmed).
    pub fn held_subscriptions(&self) -> Result<(BTreeSet<String>, BTreeSet<String>), StoreError> {
        let mut confirmed = BTreeSet::new();
        let mut maybe = BTreeSet::new();
        let rows = self
            .conn
            .prepare_cached("SELECT filter, confirmed FROM subscriptions")?
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        for (filter, sure) in rows {
            if sure {
                confirmed.insert(filter);
            } else {
                maybe.insert(filter);
            }
        }
        Ok((confirmed, maybe))
    }

    /// Records what the broker confirmed (`confirmed`, SUBACK), what it may
    /// hold (`maybe`: kept as confirmed if it was), and what it removed
    /// (`removed`, UNSUBACK).
    pub fn subscriptions_changed(
        &mut self,
        confirmed: &[String],
        maybe: &[String],
        removed: &[String],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        for filter in confirmed {
            tx.prepare_cached(
                "INSERT INTO subscriptions(filter, confirmed) VALUES (?1, 1)
                 ON CONFLICT(filter) DO UPDATE SET confirmed = 1",
            )?
            .execute(params![filter])?;
        }
        for filter in maybe {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO subscriptions(filter, confirmed) VALUES (?1, 0)",
            )?
            .execute(params![filter])?;
        }
        for filter in removed {
            tx.prepare_cached("DELETE FROM subscriptions WHERE filter = ?1")?
                .execute(params![filter])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The broker has no session for us (CONNACK without one): it holds no
    /// subscriptions.
    pub fn forget_subscriptions(&mut self) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("DELETE FROM subscriptions")?
            .execute([])?;
        Ok(())
    }

    /// A number that changes whenever another connection (a second process
    /// of the account, see `owner`) commits to the database.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn names(set: &BTreeSet<String>) -> Vec<&str> {
        set.iter().map(String::as_str).collect()
    }

    #[test]
    fn filters_are_confirmed_perhaps_held_removed_or_forgotten() {
        let mut store = Store::open_in_memory().unwrap();
        let (confirmed, maybe) = store.held_subscriptions().unwrap();
        assert!(confirmed.is_empty() && maybe.is_empty());
        store
            .subscriptions_changed(&[], &["a/#".into(), "b/+".into()], &[])
            .unwrap();
        store
            .subscriptions_changed(&["a/#".into()], &[], &[])
            .unwrap();
        // Perhaps held again (a resubscribe written): stays confirmed.
        store
            .subscriptions_changed(&[], &["a/#".into()], &[])
            .unwrap();
        let (confirmed, maybe) = store.held_subscriptions().unwrap();
        assert_eq!(
            (names(&confirmed), names(&maybe)),
            (vec!["a/#"], vec!["b/+"])
        );
        store
            .subscriptions_changed(&[], &[], &["b/+".into()])
            .unwrap();
        let (_, maybe) = store.held_subscriptions().unwrap();
        assert!(maybe.is_empty());
        store.forget_subscriptions().unwrap();
        let (confirmed, _) = store.held_subscriptions().unwrap();
        assert!(confirmed.is_empty());
    }

    #[test]
    fn another_connections_commit_changes_the_data_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut mine = Store::open(&path).unwrap();
        let mut other = Store::open(&path).unwrap();
        let before = mine.data_version().unwrap();
        mine.subscriptions_changed(&["a".into()], &[], &[]).unwrap();
        assert_eq!(
            mine.data_version().unwrap(),
            before,
            "our own commits do not count"
        );
        other
            .subscriptions_changed(&["b".into()], &[], &[])
            .unwrap();
        assert_ne!(mine.data_version().unwrap(), before);
    }
}
