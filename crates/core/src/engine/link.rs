//! What belongs to one link (see "Words" in the crate docs): the publishes
//! in flight, the liveness watch, the PUBACKs to send and the subscription
//! requests on their way. All of it is forgotten when the link is lost; the
//! store keeps what must outlive it.

use rumqttc::Publish;
use tokio::time::Instant;

use super::acks::AckQueue;
use super::publisher::Publisher;
use super::subscriptions::Tracker;
use crate::model::ConnectionState;
use crate::supervisor::Liveness;

#[derive(Debug)]
pub(super) struct Link {
    /// Our publishes and their PUBACKs (see `publisher`).
    pub publisher: Publisher,
    /// When silence means the link is dead (see `supervisor::liveness`).
    pub liveness: Liveness,
    /// PUBACKs for received messages: when and in which order they go
    /// (see `acks`; sent by `receiving::flush_acks`).
    pub acks: AckQueue<Publish>,
    /// Subscription requests on their way (see `subscriptions`).
    pub subscriptions: Tracker,
    /// A subscription request did not fit rumqttc's queue: sync again at
    /// the next event from the link.
    pub subscriptions_pending: bool,
    /// "Connected", held back until the broker confirmed our new
    /// subscriptions: before that, messages to us would be dropped.
    pub ready: Option<ConnectionState>,
    /// When the link came up (see `resend::early_ack_resend_due`).
    pub up_at: Option<Instant>,
}

impl Link {
    pub fn new(publisher: Publisher, liveness: Liveness) -> Link {
        Link {
            publisher,
            liveness,
            acks: AckQueue::default(),
            subscriptions: Tracker::default(),
            subscriptions_pending: false,
            ready: None,
            up_at: None,
        }
    }

    /// The link came up at `now`: the outbox is replayed from its start.
    pub fn up(&mut self, now: Instant) {
        self.up_at = Some(now);
        self.publisher.reset();
        self.liveness.reset();
    }

    /// The link is gone: nothing on its way will be answered, and the
    /// broker delivers again what we had not acknowledged.
    pub fn lost(&mut self) {
        self.publisher.reset();
        self.liveness.reset();
        self.acks.link_lost();
        self.subscriptions.link_lost();
        self.subscriptions_pending = false;
        self.ready = None;
        self.up_at = None;
    }

    /// Whether the link came up (and was not lost since).
    pub fn is_up(&self) -> bool {
        self.up_at.is_some()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_lost_link_forgets_everything_that_was_on_it() {
        let mut link = Link::new(Publisher::new(4), Liveness::new(Duration::from_secs(30)));
        link.up(Instant::now());
        link.publisher.handed(Some(1));
        link.acks
            .hold([Publish::new("t", rumqttc::QoS::AtLeastOnce, vec![])]);
        link.subscriptions_pending = true;
        link.ready = Some(ConnectionState::Offline);
        assert!(link.is_up());
        link.lost();
        assert!(!link.is_up());
        assert!(link.publisher.is_idle());
        assert_eq!(link.acks.held(), 0);
        assert!(link.subscriptions.is_idle());
        assert!(!link.subscriptions_pending && link.ready.is_none());
    }
}
