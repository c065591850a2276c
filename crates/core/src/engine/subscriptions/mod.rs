//! What the engine subscribes to: our inbox, presence, and each joined
//! room's messages and member list, all at QoS 1.
//!
//! The broker's subscriptions converge on what the store says: at every
//! connection (whether or not the broker kept our session) and after every
//! join or leave, the engine subscribes to what is wanted and not held, and
//! unsubscribes from what is held and no longer wanted. "Held" is what the
//! broker confirmed (the store's `subscriptions` table) plus requests still
//! on their way. A join while the link is down, or in the moment before the
//! CONNACK, is therefore subscribed as soon as a link is up; earlier
//! versions subscribed only on a fresh session and left such a room deaf.
//!
//! `tracker` is the I/O-free part: what to request, and which filters a
//! SUBACK or UNSUBACK confirms. A filter whose SUBSCRIBE was written but not
//! answered, and a left room's filters, count as perhaps held, so that they
//! are unsubscribed when not wanted.
//!
//! Another process of the account (a guest: `tether rooms join` while the
//! app runs) changes the store, not this session: the owner looks for
//! commits of other processes every [`FOREIGN_CHANGES_EVERY`] and syncs.
//!
//! A guest (a second process of the account, see `store::claim_session`)
//! has a clean session of its own: what its broker session holds is kept
//! in memory, never in the store, where the owner's is.

mod tracker;

use std::collections::BTreeSet;
use std::time::Duration;

use rumqttc::{QoS, SubscribeReasonCode};

use super::Engine;
use crate::protocol::{
    RoomId, Topic, inbox_filter, presence_filter, room_filter, room_meta_filter, sms_out_filter,
};
use crate::store::StoreError;
pub(super) use tracker::Tracker;
use tracker::{Held, Request};

/// How often the owner looks for another process's changes to the rooms.
pub(super) const FOREIGN_CHANGES_EVERY: Duration = Duration::from_secs(2);

/// Whose broker session the engine speaks for.
#[derive(Debug)]
pub(super) enum Session {
    /// The account's own, persistent session; the store records what it
    /// holds. The lock is held until the engine shuts down.
    Owner {
        lock: Option<crate::store::SessionLock>,
    },
    /// A clean session of this process alone, and what it holds.
    Guest(Held),
}

impl Session {
    pub fn new(lock: Option<crate::store::SessionLock>) -> Session {
        match lock {
            Some(lock) => Session::Owner { lock: Some(lock) },
            None => Session::Guest(Held::default()),
        }
    }

    pub fn is_guest(&self) -> bool {
        matches!(self, Session::Guest(_))
    }

    /// Lets the next process (or client) own the session: called when the
    /// engine shuts down, before it says it has.
    pub fn release(&mut self) {
        if let Session::Owner { lock } = self {
            lock.take();
        }
    }
}

impl Engine {
    /// What the broker session holds, or may hold.
    fn held_subscriptions(&self) -> Result<Held, StoreError> {
        match &self.session {
            Session::Owner { .. } => {
                let (confirmed, maybe) = self.store.held_subscriptions()?;
                Ok(Held { confirmed, maybe })
            }
            Session::Guest(held) => Ok(held.clone()),
        }
    }

    /// Records what the session now holds (`confirmed`), may hold
    /// (`maybe`) and no longer holds (`removed`).
    fn record_held(&mut self, confirmed: &[String], maybe: &[String], removed: &[String]) {
        match &mut self.session {
            Session::Owner { .. } => {
                if let Err(e) = self.store.subscriptions_changed(confirmed, maybe, removed) {
                    // Not fatal: the next connection subscribes again.
                    tracing::error!("cannot record the broker's subscriptions: {e}");
                }
            }
            Session::Guest(held) => {
                for filter in maybe {
                    if !held.confirmed.contains(filter) {
                        held.maybe.insert(filter.clone());
                    }
                }
                for filter in confirmed {
                    held.maybe.remove(filter);
                    held.confirmed.insert(filter.clone());
                }
                for filter in removed {
                    held.confirmed.remove(filter);
                    held.maybe.remove(filter);
                }
            }
        }
    }

    /// The broker has no session for us: it holds nothing.
    pub(super) fn forget_subscriptions(&mut self) {
        match &mut self.session {
            Session::Owner { .. } => {
                if let Err(e) = self.store.forget_subscriptions() {
                    tracing::error!("cannot reset the recorded subscriptions: {e}");
                }
            }
            Session::Guest(held) => *held = Held::default(),
        }
    }

    /// A room was left: its filters may be held (by this version or an
    /// older one) and are to be unsubscribed.
    pub(super) fn room_left(&mut self, room: &RoomId) {
        let filters = [
            room_filter(&self.prefix, room),
            room_meta_filter(&self.prefix, room),
        ];
        self.record_held(&[], &filters, &[]);
    }

    /// rumqttc wrote a SUBSCRIBE or UNSUBSCRIBE with packet id `pkid`.
    pub(super) fn subscription_written(&mut self, pkid: u16, subscribe: bool) {
        let asked = self.link.subscriptions.written(pkid, subscribe);
        if !asked.is_empty() {
            self.record_held(&[], &asked, &[]);
        }
    }

    /// The owner's periodic look for changes another process of the
    /// account committed (a room it joined or left).
    pub(super) fn foreign_changes(&mut self) {
        if self.session.is_guest() {
            return;
        }
        match self.store.data_version() {
            Ok(version) if version != self.data_version => {
                self.data_version = version;
                self.sync_subscriptions();
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("cannot look for other processes' changes: {e}"),
        }
    }

    /// The filters the store says we want: our inbox, presence, and the
    /// messages and member list of each joined room.
    fn wanted_filters(&self) -> Result<BTreeSet<String>, StoreError> {
        let mut wanted = BTreeSet::from([
            inbox_filter(&self.prefix, &self.me),
            presence_filter(&self.prefix),
        ]);
        for room in self.store.joined_rooms()? {
            wanted.insert(room_filter(&self.prefix, &room.id));
            wanted.insert(room_meta_filter(&self.prefix, &room.id));
        }
        if let Some(gateway) = &self.sms.gateway {
            let replies = Topic::SmsIn {
                gateway: gateway.clone(),
                to: self.me.clone(),
            };
            wanted.insert(replies.render(&self.prefix));
        }
        if self.sms.serves {
            wanted.insert(sms_out_filter(&self.prefix, &self.me));
        }
        Ok(wanted)
    }

    /// Brings the broker's subscriptions in line with the store (see the
    /// module docs); a no-op while the link is down, since every link
    /// coming up calls it. Returns whether it asked for a subscription.
    pub(super) fn sync_subscriptions(&mut self) -> bool {
        if !self.supervisor.is_up() {
            return false;
        }
        let (wanted, held) = match (self.wanted_filters(), self.held_subscriptions()) {
            (Ok(w), Ok(h)) => (w, h),
            (Err(e), _) | (_, Err(e)) => {
                tracing::error!("cannot read the rooms to subscribe to: {e}");
                // Tried again at the next event from the link.
                self.link.subscriptions_pending = true;
                return false;
            }
        };
        let mut subscribing = false;
        for request in self.link.subscriptions.plan(&wanted, &held) {
            let queued = match &request {
                Request::Subscribe(filters) => self.mqtt.try_subscribe_many(
                    filters
                        .iter()
                        .map(|f| rumqttc::SubscribeFilter::new(f.clone(), QoS::AtLeastOnce)),
                ),
                Request::Unsubscribe(filter) => self.mqtt.try_unsubscribe(filter.clone()),
            };
            if let Err(e) = queued {
                tracing::warn!("subscription request not queued, retried at the next event: {e}");
                self.link.subscriptions.not_queued(&request);
                self.link.subscriptions_pending = true;
            } else if matches!(request, Request::Subscribe(_)) {
                subscribing = true;
            }
        }
        subscribing
    }

    /// The broker answered a SUBSCRIBE or UNSUBSCRIBE: record what it holds.
    pub(super) fn subscription_answered(
        &mut self,
        pkid: u16,
        codes: Option<&[SubscribeReasonCode]>,
    ) {
        let confirmed = self.link.subscriptions.answered(pkid, codes);
        if !confirmed.refused.is_empty() {
            tracing::warn!(
                filters = ?confirmed.refused,
                "the broker refused a subscription; check its ACL for user {}",
                self.me
            );
        }
        self.record_held(&confirmed.added, &[], &confirmed.removed);
    }
}
