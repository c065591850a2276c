//! The topic filters the broker's session holds for us, as far as we know:
//! added when the broker confirmed a SUBSCRIBE, removed when it confirmed
//! an UNSUBSCRIBE, all forgotten when it reports a new session.

use std::collections::BTreeSet;

use rusqlite::params;

use super::{Store, StoreError};

impl Store {
    /// Filters the broker confirmed and we have not unsubscribed from.
    pub fn confirmed_subscriptions(&self) -> Result<BTreeSet<String>, StoreError> {
        let filters = self
            .conn
            .prepare_cached("SELECT filter FROM subscriptions")?
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<BTreeSet<_>, _>>()?;
        Ok(filters)
    }

    /// The broker confirmed `added` (SUBACK) or removed `removed` (UNSUBACK).
    pub fn subscriptions_changed(
        &mut self,
        added: &[String],
        removed: &[String],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        for filter in added {
            tx.prepare_cached("INSERT OR IGNORE INTO subscriptions(filter) VALUES (?1)")?
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
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn confirmed_filters_are_kept_until_removed_or_forgotten() {
        let mut store = Store::open_in_memory().unwrap();
        assert!(store.confirmed_subscriptions().unwrap().is_empty());
        store
            .subscriptions_changed(&["a/#".into(), "b/+".into()], &[])
            .unwrap();
        // Confirming twice is harmless (a resubscribe after a lost SUBACK).
        store.subscriptions_changed(&["a/#".into()], &[]).unwrap();
        store.subscriptions_changed(&[], &["b/+".into()]).unwrap();
        let kept: Vec<_> = store
            .confirmed_subscriptions()
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(kept, ["a/#"]);
        store.forget_subscriptions().unwrap();
        assert!(store.confirmed_subscriptions().unwrap().is_empty());
    }
}
