//! Last known presence per user (from retained `P/p/{user}` messages).

use rusqlite::params;

use super::rows::user_from_str;
use super::{PresenceRecord, Store, StoreError};
use crate::protocol::PresenceState;

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
    /// Records a presence update unless we already hold a newer one: retained
    /// messages and live updates can arrive in either order after a reconnect.
    /// An equal `ts` overwrites, so the latest arrival wins a tie.
    pub fn set_presence(&mut self, rec: &PresenceRecord) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO presence(user, state, ts) VALUES (?1, ?2, ?3)
                 ON CONFLICT(user) DO UPDATE SET state = excluded.state, ts = excluded.ts
                  WHERE excluded.ts >= presence.ts",
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
