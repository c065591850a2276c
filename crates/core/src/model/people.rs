//! People and rooms: presence as last seen, and rooms with their members.

use serde::{Deserialize, Serialize};

use crate::protocol::{RoomId, UserId};

/// Someone's state as they announce it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "lowercase")]
pub enum PresenceState {
    Online,
    Away,
    Offline,
}

impl PresenceState {
    pub fn as_str(self) -> &'static str {
        match self {
            PresenceState::Online => "online",
            PresenceState::Away => "away",
            PresenceState::Offline => "offline",
        }
    }
}

/// A room we know about, with its currently announced members.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Room {
    /// Room id.
    pub id: RoomId,
    /// Display name, if one was ever announced or chosen.
    pub name: Option<String>,
    /// What the room is about, as a member last set it.
    pub topic: Option<String>,
    /// Members present according to retained room metadata, sorted.
    pub members: Vec<UserId>,
}

/// The newest presence we saw for a user.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PresenceRecord {
    /// Whose presence.
    pub user: UserId,
    /// Their state.
    pub state: PresenceState,
    /// When they reported it (ms since the epoch).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub ts: i64,
}
