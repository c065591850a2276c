//! Rooms: joining and leaving (our retained `room_meta`), a room's name
//! and topic (the newest any member announced wins), and the members
//! others announce.

use super::Engine;
use crate::clock::now_ms;
use crate::error::ClientError;
use crate::event::Event;
use crate::protocol::{Body, Envelope, RoomId, RoomMetaBody, Topic, UserId};
use crate::store::OutboxEntry;

impl Engine {
    pub(super) fn ensure_joined(&mut self, room: &RoomId) -> Result<(), ClientError> {
        let joined = self.store.joined_rooms()?.iter().any(|r| &r.id == room);
        if joined {
            Ok(())
        } else {
            self.join(room, None)
        }
    }

    pub(super) fn join(&mut self, room: &RoomId, name: Option<&str>) -> Result<(), ClientError> {
        let ts = now_ms();
        self.store.set_room_joined(room, true, None)?;
        if name.is_some() {
            self.store.set_room_info(room, name, None, ts)?;
        }
        self.store.set_member(room, &self.me.clone(), true, name)?;
        let body = RoomMetaBody {
            joined: true,
            name: name.map(str::to_owned),
            topic: None,
        };
        self.publish_meta(room, body, ts)?;
        self.sync_subscriptions();
        self.rooms_to_files();
        Ok(())
    }

    pub(super) fn leave(&mut self, room: &RoomId) -> Result<(), ClientError> {
        self.store.set_room_joined(room, false, None)?;
        self.room_left(room);
        self.store.set_member(room, &self.me.clone(), false, None)?;
        // Clearing our retained meta tells later joiners we are gone.
        let topic = Topic::RoomMeta {
            room: room.clone(),
            from: self.me.clone(),
        };
        self.store.enqueue(&OutboxEntry {
            topic: topic.render(&self.prefix),
            payload: Vec::new(),
            qos: 1,
            retain: true,
        })?;
        self.sync_subscriptions();
        self.rooms_to_files();
        Ok(())
    }

    /// Names a room and sets its topic for every member: our retained
    /// meta carries them, and the newest announcement wins everywhere.
    pub(super) fn set_room_info(
        &mut self,
        room: &RoomId,
        name: Option<String>,
        topic: Option<String>,
    ) -> Result<(), ClientError> {
        let body = RoomMetaBody {
            joined: true,
            name: name.filter(|n| !n.trim().is_empty()),
            topic: topic.filter(|t| !t.trim().is_empty()),
        };
        // The same limits receivers apply, in words, before anything is kept.
        let envelope = Envelope::new(Body::RoomMeta(body.clone()), &self.me, now_ms());
        if let Err(e) = crate::protocol::Envelope::decode(&envelope.encode()) {
            return Err(ClientError::Unsendable(e));
        }
        self.ensure_joined(room)?;
        let ts = envelope.ts;
        if self
            .store
            .set_room_info(room, body.name.as_deref(), body.topic.as_deref(), ts)?
        {
            self.emit(Event::RoomInfo {
                room: room.clone(),
                name: body.name.clone(),
                topic: body.topic.clone(),
            });
        }
        self.publish_meta(room, body, ts)
    }

    fn publish_meta(
        &mut self,
        room: &RoomId,
        body: RoomMetaBody,
        ts: i64,
    ) -> Result<(), ClientError> {
        let envelope = Envelope::new(Body::RoomMeta(body), &self.me, ts);
        let topic = Topic::RoomMeta {
            room: room.clone(),
            from: self.me.clone(),
        };
        self.enqueue(&topic, &envelope, true)?;
        Ok(())
    }

    /// A member's retained meta: they joined or left, and perhaps named
    /// the room or set its topic at `ts`.
    pub(super) fn member_announced(
        &mut self,
        room: RoomId,
        user: UserId,
        body: RoomMetaBody,
        ts: i64,
    ) -> Result<(), crate::store::StoreError> {
        self.store
            .set_member(&room, &user, body.joined, body.name.as_deref())?;
        if (body.name.is_some() || body.topic.is_some())
            && self
                .store
                .set_room_info(&room, body.name.as_deref(), body.topic.as_deref(), ts)?
        {
            self.emit(Event::RoomInfo {
                room: room.clone(),
                name: body.name.clone(),
                topic: body.topic.clone(),
            });
        }
        self.emit(Event::Member {
            room,
            user,
            joined: body.joined,
        });
        Ok(())
    }
}
