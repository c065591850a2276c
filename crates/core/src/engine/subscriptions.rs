//! What the engine subscribes to: our inbox, presence, and each joined
//! room's messages and member list, all at QoS 1.

use rumqttc::QoS;

use super::Engine;
use crate::protocol::{RoomId, inbox_filter, presence_filter, room_filter, room_meta_filter};
use crate::store::StoreError;

impl Engine {
    pub(super) fn subscribe_all(&mut self) -> Result<(), StoreError> {
        let mut filters = vec![
            inbox_filter(&self.prefix, &self.me),
            presence_filter(&self.prefix),
        ];
        for room in self.store.joined_rooms()? {
            filters.push(room_filter(&self.prefix, &room.id));
            filters.push(room_meta_filter(&self.prefix, &room.id));
        }
        self.subscribe(filters);
        Ok(())
    }

    pub(super) fn subscribe(&self, filters: Vec<String>) {
        let subs = filters
            .into_iter()
            .map(|f| rumqttc::SubscribeFilter::new(f, QoS::AtLeastOnce));
        if let Err(e) = self.mqtt.try_subscribe_many(subs) {
            tracing::warn!("subscribe request not queued: {e}");
        }
    }

    pub(super) fn room_filters(&self, room: &RoomId) -> Vec<String> {
        vec![
            room_filter(&self.prefix, room),
            room_meta_filter(&self.prefix, room),
        ]
    }
}
