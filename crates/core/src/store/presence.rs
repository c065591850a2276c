//! Last known presence per user (from retained `P/p/{user}` messages).

use rusqlite::params;

use super::rows::user_from_str;
use super::{PresenceRecord, Store, StoreError};

use crate::model::PresenceState;
/// Stored as text so the table stays readable in a plain `sqlite3` shell.
fn state_str(state: &PresenceState) -> &'static str {
    match state {
        PresenceState::Online => "online",
        PresenceState::Away => "away",
        PresenceState::Offline => "offline",
    }
}

fn state_from_str(s: &str) -> Result<PresenceState, StoreError> {
    match s {
        "online" => Ok(PresenceState::Online),
        "away" => Ok(PresenceState::Away),
        "offline" => Ok(PresenceState::Offline),
        other => Err(StoreError::corrupt(format!("presence state {other:?}"))),
    }
}

impl Store {
    /// Records a presence update. The latest to arrive wins, whatever its
    /// `ts` (docs/protocol.md, "Presence order"): one topic per user keeps
    /// the broker's order, and a Last Will, made when its connection
    /// opened, is older than the "online" published right after it, yet
    /// overrides it.
    pub fn set_presence(&mut self, rec: &PresenceRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO presence(user, state, ts) VALUES (?1, ?2, ?3)
                 ON CONFLICT(user) DO UPDATE SET state = excluded.state, ts = excluded.ts",
            )?
            .execute(params![rec.user.as_str(), state_str(&rec.state), rec.ts])?;
        Ok(())
    }

    /// All known presence records, by user.
    pub fn presence(&self) -> Result<Vec<PresenceRecord>, StoreError> {
        let raw = self
            .conn
            .prepare_cached("SELECT user, state, ts FROM presence ORDER BY user")?
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        raw.into_iter()
            .map(|(user, state, ts)| {
                Ok(PresenceRecord {
                    user: user_from_str(&user)?,
                    state: state_from_str(&state)?,
                    ts,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_latest_arrival_wins_even_with_an_older_ts() {
        let mut store = Store::open_in_memory().unwrap();
        let carol = "carol".parse().unwrap();
        let record = |state, ts| PresenceRecord {
            user: crate::protocol::UserId::clone(&carol),
            state,
            ts,
        };
        store
            .set_presence(&record(PresenceState::Online, 2_000))
            .unwrap();
        // Her Last Will, built when she connected (before "online").
        store
            .set_presence(&record(PresenceState::Offline, 1_000))
            .unwrap();
        let stored = store.presence().unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].state, PresenceState::Offline);
        assert_eq!(stored[0].ts, 1_000);
    }
}
