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
//! [`Tracker`] is the I/O-free part: what to request, and which filters a
//! SUBACK or UNSUBACK confirms.
//!
//! A guest (a second process of the account, see `store::claim_session`)
//! has a clean session of its own: what its broker session holds is kept
//! in memory, never in the store, where the owner's is.

use std::collections::{BTreeSet, HashMap, VecDeque};

use rumqttc::{QoS, SubscribeReasonCode};

use super::Engine;
use crate::protocol::{inbox_filter, presence_filter, room_filter, room_meta_filter};
use crate::store::StoreError;

/// One SUBSCRIBE or UNSUBSCRIBE handed to rumqttc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Request {
    Subscribe(Vec<String>),
    /// One filter: rumqttc's client unsubscribes one at a time.
    Unsubscribe(String),
}

/// What a confirmation from the broker changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Confirmed {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Filters the broker refused (its ACL, usually).
    pub refused: Vec<String>,
}

/// Requests on their way to the broker, by state.
#[derive(Debug, Default)]
pub(super) struct Tracker {
    /// Handed to rumqttc, not written yet (no packet id), in order.
    queued: VecDeque<Request>,
    /// Written, waiting for the broker's answer, by packet id.
    written: HashMap<u16, Request>,
}

impl Tracker {
    /// The requests that make `confirmed` plus what is on its way equal
    /// `wanted`; they are recorded as queued.
    pub fn plan(
        &mut self,
        wanted: &BTreeSet<String>,
        confirmed: &BTreeSet<String>,
    ) -> Vec<Request> {
        let mut expected = confirmed.clone();
        for request in self.queued.iter().chain(self.written.values()) {
            match request {
                Request::Subscribe(filters) => expected.extend(filters.iter().cloned()),
                Request::Unsubscribe(filter) => {
                    expected.remove(filter);
                }
            }
        }
        let subscribe: Vec<String> = wanted.difference(&expected).cloned().collect();
        let mut requests = Vec::new();
        if !subscribe.is_empty() {
            requests.push(Request::Subscribe(subscribe));
        }
        requests.extend(
            expected
                .difference(wanted)
                .map(|f| Request::Unsubscribe(f.clone())),
        );
        self.queued.extend(requests.iter().cloned());
        requests
    }

    /// rumqttc would not take `request` (its queue was full): forget it, so
    /// the next plan asks again.
    pub fn not_queued(&mut self, request: &Request) {
        if let Some(i) = self.queued.iter().rposition(|r| r == request) {
            self.queued.remove(i);
        }
    }

    /// rumqttc wrote the next queued SUBSCRIBE (`subscribe`) or UNSUBSCRIBE
    /// with packet id `pkid`. Requests are written in the order queued.
    pub fn written(&mut self, pkid: u16, subscribe: bool) {
        let Some(request) = self.queued.pop_front() else {
            return;
        };
        if matches!(request, Request::Subscribe(_)) != subscribe {
            // Not ours to match (cannot happen while the engine is the only
            // one subscribing); forget it rather than pair it wrongly.
            tracing::warn!(pkid, "a subscription request was written out of order");
            return;
        }
        self.written.insert(pkid, request);
    }

    /// The broker answered packet `pkid`: with one code per filter for a
    /// SUBACK (`Some`), or an UNSUBACK (`None`).
    pub fn answered(&mut self, pkid: u16, codes: Option<&[SubscribeReasonCode]>) -> Confirmed {
        let mut confirmed = Confirmed::default();
        match (self.written.remove(&pkid), codes) {
            (Some(Request::Subscribe(filters)), Some(codes)) => {
                for (i, filter) in filters.into_iter().enumerate() {
                    match codes.get(i) {
                        Some(SubscribeReasonCode::Success(_)) => confirmed.added.push(filter),
                        _ => confirmed.refused.push(filter),
                    }
                }
            }
            (Some(Request::Unsubscribe(filter)), None) => confirmed.removed.push(filter),
            (Some(request), _) => {
                tracing::warn!(
                    pkid,
                    ?request,
                    "the broker answered with the wrong kind of ack"
                );
            }
            (None, _) => {}
        }
        confirmed
    }

    /// The link is gone: nothing on its way will be answered.
    pub fn link_lost(&mut self) {
        self.queued.clear();
        self.written.clear();
    }
}

/// Whose broker session the engine speaks for.
#[derive(Debug)]
pub(super) enum Session {
    /// The account's own, persistent session; the store records what it
    /// holds. The lock is held for as long as the engine runs.
    Owner { _lock: crate::store::SessionLock },
    /// A clean session of this process alone, and what it holds.
    Guest(BTreeSet<String>),
}

impl Session {
    pub fn new(lock: Option<crate::store::SessionLock>) -> Session {
        lock.map_or_else(
            || Session::Guest(BTreeSet::new()),
            |lock| Session::Owner { _lock: lock },
        )
    }

    pub fn is_guest(&self) -> bool {
        matches!(self, Session::Guest(_))
    }
}

impl Engine {
    /// What the broker session is known to hold.
    fn confirmed_subscriptions(&self) -> Result<BTreeSet<String>, StoreError> {
        match &self.session {
            Session::Owner { .. } => self.store.confirmed_subscriptions(),
            Session::Guest(held) => Ok(held.clone()),
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
            Session::Guest(held) => held.clear(),
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
        Ok(wanted)
    }

    /// Brings the broker's subscriptions in line with the store (see the
    /// module docs); a no-op while the link is down, since every link
    /// coming up calls it. Returns whether it asked for a subscription.
    pub(super) fn sync_subscriptions(&mut self) -> bool {
        if !self.supervisor.is_up() {
            return false;
        }
        let (wanted, confirmed) = match (self.wanted_filters(), self.confirmed_subscriptions()) {
            (Ok(w), Ok(c)) => (w, c),
            (Err(e), _) | (_, Err(e)) => {
                tracing::error!("cannot read the rooms to subscribe to: {e}");
                return false;
            }
        };
        let mut subscribing = false;
        for request in self.subscriptions.plan(&wanted, &confirmed) {
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
                self.subscriptions.not_queued(&request);
                self.subscriptions_pending = true;
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
        let confirmed = self.subscriptions.answered(pkid, codes);
        if !confirmed.refused.is_empty() {
            tracing::warn!(
                filters = ?confirmed.refused,
                "the broker refused a subscription; check its ACL for user {}",
                self.me
            );
        }
        match &mut self.session {
            Session::Owner { .. } => {
                if let Err(e) = self
                    .store
                    .subscriptions_changed(&confirmed.added, &confirmed.removed)
                {
                    // Not fatal: the next connection subscribes again.
                    tracing::error!("cannot record the broker's subscriptions: {e}");
                }
            }
            Session::Guest(held) => {
                held.extend(confirmed.added);
                for filter in &confirmed.removed {
                    held.remove(filter);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(filters: &[&str]) -> BTreeSet<String> {
        filters.iter().map(|f| (*f).to_owned()).collect()
    }

    fn sub(filters: &[&str]) -> Request {
        Request::Subscribe(filters.iter().map(|f| (*f).to_owned()).collect())
    }

    fn unsub(filter: &str) -> Request {
        Request::Unsubscribe(filter.to_owned())
    }

    const OK: SubscribeReasonCode = SubscribeReasonCode::Success(QoS::AtLeastOnce);

    #[test]
    fn a_session_that_holds_everything_needs_no_request() {
        let mut t = Tracker::default();
        let all = set(&["inbox", "presence", "room/r1"]);
        assert!(t.plan(&all, &all).is_empty());
    }

    #[test]
    fn a_room_joined_while_offline_is_subscribed_on_a_kept_session() {
        // The broker kept the session (inbox, presence); the store says r1
        // was joined meanwhile: exactly r1 is asked for.
        let mut t = Tracker::default();
        let requests = t.plan(
            &set(&["inbox", "presence", "room/r1"]),
            &set(&["inbox", "presence"]),
        );
        assert_eq!(requests, [sub(&["room/r1"])]);
    }

    #[test]
    fn a_room_left_while_offline_is_unsubscribed() {
        let mut t = Tracker::default();
        let requests = t.plan(&set(&["inbox"]), &set(&["inbox", "room/r1"]));
        assert_eq!(requests, [unsub("room/r1")]);
    }

    #[test]
    fn requests_on_their_way_are_not_asked_for_twice() {
        let mut t = Tracker::default();
        let wanted = set(&["inbox", "room/r1"]);
        assert_eq!(t.plan(&wanted, &set(&[])).len(), 1);
        // Queued, not yet written: a second sync asks for nothing.
        assert!(t.plan(&wanted, &set(&[])).is_empty());
        t.written(7, true);
        // Written, not yet answered: still nothing.
        assert!(t.plan(&wanted, &set(&[])).is_empty());
        // Leaving r1 before the SUBACK came: it is unsubscribed.
        assert_eq!(t.plan(&set(&["inbox"]), &set(&[])), [unsub("room/r1")]);
    }

    #[test]
    fn a_suback_confirms_each_filter_it_granted() {
        let mut t = Tracker::default();
        t.plan(&set(&["a", "b"]), &set(&[]));
        t.written(3, true);
        let confirmed = t.answered(3, Some(&[OK, SubscribeReasonCode::Failure]));
        assert_eq!(confirmed.added, ["a"]);
        assert_eq!(confirmed.refused, ["b"]);
        // Answered once: a second SUBACK for the same id changes nothing.
        assert_eq!(t.answered(3, Some(&[OK, OK])), Confirmed::default());
    }

    #[test]
    fn an_unsuback_confirms_the_removal() {
        let mut t = Tracker::default();
        t.plan(&set(&[]), &set(&["room/r1"]));
        t.written(9, false);
        let confirmed = t.answered(9, None);
        assert_eq!(confirmed.removed, ["room/r1"]);
    }

    #[test]
    fn requests_are_matched_to_packet_ids_in_the_order_written() {
        let mut t = Tracker::default();
        let requests = t.plan(&set(&["a"]), &set(&["b", "c"]));
        assert_eq!(requests, [sub(&["a"]), unsub("b"), unsub("c")]);
        t.written(1, true);
        t.written(2, false);
        t.written(3, false);
        assert_eq!(t.answered(3, None).removed, ["c"]);
        assert_eq!(t.answered(2, None).removed, ["b"]);
        assert_eq!(t.answered(1, Some(&[OK])).added, ["a"]);
    }

    #[test]
    fn a_lost_link_forgets_what_was_on_its_way() {
        let mut t = Tracker::default();
        let wanted = set(&["a"]);
        t.plan(&wanted, &set(&[]));
        t.written(1, true);
        t.link_lost();
        // Never confirmed: asked for again on the next link.
        assert_eq!(t.plan(&wanted, &set(&[])), [sub(&["a"])]);
        // And a late SUBACK of the old link confirms nothing.
        t.link_lost();
        assert_eq!(t.answered(1, Some(&[OK])), Confirmed::default());
    }

    #[test]
    fn a_request_rumqttc_would_not_take_is_asked_for_again() {
        let mut t = Tracker::default();
        let wanted = set(&["a"]);
        let requests = t.plan(&wanted, &set(&[]));
        t.not_queued(&requests[0]);
        assert_eq!(t.plan(&wanted, &set(&[])), [sub(&["a"])]);
    }
}
