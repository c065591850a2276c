//! Handing publishes to rumqttc: outbox rows in order within the in-flight
//! window (a suspect alone, see `suspects`), presence and typing outside
//! the outbox, and where our messages to a conversation go.

use rumqttc::QoS;

use super::Engine;
use crate::clock::now_ms;
use crate::model::{ConversationId, PresenceState};
use crate::protocol::{Body, Envelope, PresenceBody, Topic};
use crate::store::{OutboxEntry, StoreError};

impl Engine {
    /// Hands queued outbox rows to rumqttc, in order, while the window has room.
    pub(super) fn pump(&mut self) {
        if !self.supervisor.is_up() {
            return;
        }
        let room = self.link.publisher.room();
        if room == 0 {
            return;
        }
        let rows = match self.store.outbox_after(self.link.publisher.cursor(), room) {
            Ok(rows) => rows,
            Err(e) => {
                tracing::error!("cannot read the outbox: {e}");
                return;
            }
        };
        for row in rows {
            if !self.link.publisher.may_hand(row.strikes) {
                // A suspect waits until everything before it is acknowledged.
                return;
            }
            let qos = qos(row.entry.qos);
            let sent =
                self.mqtt
                    .try_publish(row.entry.topic, qos, row.entry.retain, row.entry.payload);
            if sent.is_err() {
                // rumqttc's request queue is full: the next event from the
                // link (it polled, so there is room) pumps again from here.
                tracing::debug!("request queue full; publishing resumes with the next event");
                return;
            }
            if row.strikes > 0 {
                self.link.publisher.handed_alone(row.id);
                return;
            }
            self.link.publisher.handed(Some(row.id));
        }
    }

    /// Publishes outside the outbox (presence, typing): only worth sending
    /// on a live link, and superseded by the next one anyway.
    pub(super) fn publish_now(
        &mut self,
        topic: Topic,
        envelope: &Envelope,
        qos: QoS,
        retain: bool,
    ) {
        if !self.supervisor.is_up() {
            return;
        }
        let topic = topic.render(&self.prefix);
        if self
            .mqtt
            .try_publish(topic, qos, retain, envelope.encode())
            .is_ok()
        {
            self.link.publisher.handed(None);
        }
    }

    pub(super) fn publish_presence(&mut self, state: PresenceState) {
        if self.session.is_guest() {
            // The owner's presence and Last Will speak for the account.
            return;
        }
        let ts = now_ms();
        let envelope = Envelope::new(
            Body::Presence(PresenceBody {
                state,
                ts: Some(ts),
            }),
            &self.me,
            ts,
        );
        let topic = Topic::Presence {
            user: self.me.clone(),
        };
        self.publish_now(topic, &envelope, QoS::AtLeastOnce, true);
    }

    /// Writes an envelope to the outbox (durable) for publishing in order.
    pub(super) fn enqueue(
        &mut self,
        topic: &Topic,
        envelope: &Envelope,
        retain: bool,
    ) -> Result<i64, StoreError> {
        self.store.enqueue(&OutboxEntry {
            topic: topic.render(&self.prefix),
            payload: envelope.encode(),
            qos: 1,
            retain,
        })
    }

    /// Where our messages to a conversation go; `None` for a telephone
    /// number, which no MQTT topic reaches (an SMS channel's engine does).
    pub(super) fn message_topic(&self, conversation: &ConversationId) -> Option<Topic> {
        match conversation {
            ConversationId::Direct(user) => Some(Topic::Inbox {
                to: user.clone(),
                from: self.me.clone(),
            }),
            ConversationId::Room(room) => Some(Topic::Room {
                room: room.clone(),
                from: self.me.clone(),
            }),
            // Texts to phones go through the team's SMS gateway user.
            ConversationId::Phone(_) => self.sms.gateway.as_ref().map(|gateway| Topic::SmsOut {
                gateway: gateway.clone(),
                from: self.me.clone(),
            }),
        }
    }
}

fn qos(level: u8) -> QoS {
    match level {
        0 => QoS::AtMostOnce,
        2 => QoS::ExactlyOnce,
        _ => QoS::AtLeastOnce,
    }
}
