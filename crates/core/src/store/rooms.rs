//! Rooms we joined and their members as announced by retained room metadata.

use std::str::FromStr;

use rusqlite::{Connection, params};

use super::rows::{ensure_conversation, user_from_str};
use super::{ConversationId, Room, Store, StoreError};
use crate::protocol::{RoomId, UserId};

/// Makes sure a `rooms` row exists without touching its joined flag or name.
fn ensure_room(conn: &Connection, room: &RoomId) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT OR IGNORE INTO rooms(id) VALUES (?1)")?
        .execute(params![room.as_str()])?;
    Ok(())
}

impl Store {
    /// Records that we joined or left `room`, optionally renaming it.
    ///
    /// The room's conversation is created if needed and kept after leaving,
    /// so its history stays browsable. A `None` name keeps the old one.
    pub fn set_room_joined(
        &mut self,
        room: &RoomId,
        joined: bool,
        name: Option<&str>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.prepare_cached(
            "INSERT INTO rooms(id, name, joined) VALUES (?1, ?2, ?3)
             ON CONFLICT(id) DO UPDATE
                SET joined = excluded.joined, name = COALESCE(excluded.name, rooms.name)",
        )?
        .execute(params![room.as_str(), name, joined])?;
        let conv_id = ensure_conversation(&tx, &ConversationId::Room(room.clone()))?;
        if let Some(name) = name {
            tx.prepare_cached("UPDATE conversations SET title = ?2 WHERE id = ?1")?
                .execute(params![conv_id, name])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Rooms we are currently in, by id, each with its members sorted.
    pub fn joined_rooms(&self) -> Result<Vec<Room>, StoreError> {
        let rooms = self
            .conn
            .prepare_cached("SELECT id, name, topic FROM rooms WHERE joined = 1 ORDER BY id")?
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut members_stmt = self
            .conn
            .prepare_cached("SELECT user FROM room_members WHERE room = ?1 ORDER BY user")?;
        let mut out = Vec::with_capacity(rooms.len());
        for (id, name, topic) in rooms {
            let members = members_stmt
                .query_map(params![id], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?
                .iter()
                .map(|u| user_from_str(u))
                .collect::<Result<Vec<UserId>, _>>()?;
            let id = RoomId::from_str(&id)
                .map_err(|_| StoreError::corrupt(format!("room id {id:?}")))?;
            out.push(Room {
                id,
                name,
                topic,
                members,
            });
        }
        Ok(out)
    }

    /// A room's name and topic as announced at `ts` (a `None` keeps what
    /// was there): applied only if newer than the last announcement, so
    /// every member ends with the newest whatever order the retained
    /// metas arrive in. Names the room's conversation too. Whether it
    /// changed anything.
    pub fn set_room_info(
        &mut self,
        room: &RoomId,
        name: Option<&str>,
        topic: Option<&str>,
        ts: i64,
    ) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        ensure_room(&tx, room)?;
        let changed = tx
            .prepare_cached(
                "UPDATE rooms SET name = COALESCE(?2, name), topic = COALESCE(?3, topic), info_ts = ?4
                  WHERE id = ?1 AND (info_ts IS NULL OR info_ts < ?4)",
            )?
            .execute(params![room.as_str(), name, topic, ts])?
            > 0;
        if changed && let Some(name) = name {
            let conv_id = ensure_conversation(&tx, &ConversationId::Room(room.clone()))?;
            tx.prepare_cached("UPDATE conversations SET title = ?2 WHERE id = ?1")?
                .execute(params![conv_id, name])?;
        }
        tx.commit()?;
        Ok(changed)
    }

    /// Whether `user` is a member of `room` as far as we know.
    pub fn is_member(&self, room: &RoomId, user: &UserId) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM room_members WHERE room = ?1 AND user = ?2)",
            )?
            .query_row(params![room.as_str(), user.as_str()], |r| r.get(0))?)
    }

    /// Adds (`present`) or removes a member of `room`, e.g. from a retained
    /// `room_meta` message. A `None` name keeps any name seen before.
    pub fn set_member(
        &mut self,
        room: &RoomId,
        user: &UserId,
        present: bool,
        name: Option<&str>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        ensure_room(&tx, room)?;
        if present {
            tx.prepare_cached(
                "INSERT INTO room_members(room, user, name) VALUES (?1, ?2, ?3)
                 ON CONFLICT(room, user) DO UPDATE
                    SET name = COALESCE(excluded.name, room_members.name)",
            )?
            .execute(params![room.as_str(), user.as_str(), name])?;
        } else {
            tx.prepare_cached("DELETE FROM room_members WHERE room = ?1 AND user = ?2")?
                .execute(params![room.as_str(), user.as_str()])?;
        }
        tx.commit()?;
        Ok(())
    }
}
