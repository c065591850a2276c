//! The I/O-free half of subscription convergence: which SUBSCRIBE and
//! UNSUBSCRIBE requests make the broker's session hold what is wanted, and
//! which filters the broker's answers confirm.

use std::collections::{BTreeSet, HashMap, VecDeque};

use rumqttc::SubscribeReasonCode;

/// What the broker's session holds, as far as we know.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Held {
    /// Confirmed by a SUBACK.
    pub confirmed: BTreeSet<String>,
    /// Perhaps held: a SUBSCRIBE written and not answered before its link
    /// went, or a room's filters when it is left (an older version may have
    /// subscribed it). Unsubscribed when not wanted; subscribed again when
    /// wanted (harmless if held).
    pub maybe: BTreeSet<String>,
}

/// One SUBSCRIBE or UNSUBSCRIBE handed to rumqttc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Subscribe(Vec<String>),
    /// One filter: rumqttc's client unsubscribes one at a time.
    Unsubscribe(String),
}

/// What a confirmation from the broker changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Confirmed {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Filters the broker refused (its ACL, usually).
    pub refused: Vec<String>,
}

/// Requests on their way to the broker, by state.
#[derive(Debug, Default)]
pub struct Tracker {
    /// Handed to rumqttc, not written yet (no packet id), in order.
    queued: VecDeque<Request>,
    /// Written, waiting for the broker's answer, by packet id.
    written: HashMap<u16, Request>,
}

impl Tracker {
    /// The requests that make what the session holds (`held`, plus what
    /// is on its way) equal `wanted`; they are recorded as queued.
    pub fn plan(&mut self, wanted: &BTreeSet<String>, held: &Held) -> Vec<Request> {
        // What the session will hold for sure once the requests on their
        // way are answered, and what it may hold.
        let mut sure = held.confirmed.clone();
        let mut may: BTreeSet<String> = held.confirmed.union(&held.maybe).cloned().collect();
        for request in self.queued.iter().chain(self.written.values()) {
            match request {
                Request::Subscribe(filters) => {
                    sure.extend(filters.iter().cloned());
                    may.extend(filters.iter().cloned());
                }
                Request::Unsubscribe(filter) => {
                    sure.remove(filter);
                    may.remove(filter);
                }
            }
        }
        let subscribe: Vec<String> = wanted.difference(&sure).cloned().collect();
        let mut requests = Vec::new();
        if !subscribe.is_empty() {
            requests.push(Request::Subscribe(subscribe));
        }
        requests.extend(
            may.difference(wanted)
                .map(|f| Request::Unsubscribe(f.clone())),
        );
        self.queued.extend(requests.iter().cloned());
        requests
    }

    /// No request is on its way.
    pub fn is_idle(&self) -> bool {
        self.queued.is_empty() && self.written.is_empty()
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
    /// Returns the filters a written SUBSCRIBE asks for: from now on the
    /// session may hold them, answered or not.
    pub fn written(&mut self, pkid: u16, subscribe: bool) -> Vec<String> {
        let Some(request) = self.queued.pop_front() else {
            return Vec::new();
        };
        if matches!(request, Request::Subscribe(_)) != subscribe {
            // Not ours to match (cannot happen while the engine is the only
            // one subscribing); forget it rather than pair it wrongly.
            tracing::warn!(pkid, "a subscription request was written out of order");
            return Vec::new();
        }
        let asked = match &request {
            Request::Subscribe(filters) => filters.clone(),
            Request::Unsubscribe(_) => Vec::new(),
        };
        self.written.insert(pkid, request);
        asked
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

#[cfg(test)]
mod tests {
    use rumqttc::QoS;

    use super::*;

    fn held(confirmed: &[&str]) -> Held {
        Held {
            confirmed: set(confirmed),
            maybe: BTreeSet::new(),
        }
    }

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
        assert!(
            t.plan(&all, &held(&["inbox", "presence", "room/r1"]))
                .is_empty()
        );
    }

    #[test]
    fn a_room_joined_while_offline_is_subscribed_on_a_kept_session() {
        // The broker kept the session (inbox, presence); the store says r1
        // was joined meanwhile: exactly r1 is asked for.
        let mut t = Tracker::default();
        let requests = t.plan(
            &set(&["inbox", "presence", "room/r1"]),
            &held(&["inbox", "presence"]),
        );
        assert_eq!(requests, [sub(&["room/r1"])]);
    }

    #[test]
    fn a_room_left_while_offline_is_unsubscribed() {
        let mut t = Tracker::default();
        let requests = t.plan(&set(&["inbox"]), &held(&["inbox", "room/r1"]));
        assert_eq!(requests, [unsub("room/r1")]);
    }

    #[test]
    fn requests_on_their_way_are_not_asked_for_twice() {
        let mut t = Tracker::default();
        let wanted = set(&["inbox", "room/r1"]);
        assert_eq!(t.plan(&wanted, &held(&[])).len(), 1);
        // Queued, not yet written: a second sync asks for nothing.
        assert!(t.plan(&wanted, &held(&[])).is_empty());
        t.written(7, true);
        // Written, not yet answered: still nothing.
        assert!(t.plan(&wanted, &held(&[])).is_empty());
        // Leaving r1 before the SUBACK came: it is unsubscribed.
        assert_eq!(t.plan(&set(&["inbox"]), &held(&[])), [unsub("room/r1")]);
    }

    #[test]
    fn a_suback_confirms_each_filter_it_granted() {
        let mut t = Tracker::default();
        t.plan(&set(&["a", "b"]), &held(&[]));
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
        t.plan(&set(&[]), &held(&["room/r1"]));
        t.written(9, false);
        let confirmed = t.answered(9, None);
        assert_eq!(confirmed.removed, ["room/r1"]);
    }

    #[test]
    fn requests_are_matched_to_packet_ids_in_the_order_written() {
        let mut t = Tracker::default();
        let requests = t.plan(&set(&["a"]), &held(&["b", "c"]));
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
        t.plan(&wanted, &held(&[]));
        t.written(1, true);
        t.link_lost();
        // Never confirmed: asked for again on the next link.
        assert_eq!(t.plan(&wanted, &held(&[])), [sub(&["a"])]);
        // And a late SUBACK of the old link confirms nothing.
        t.link_lost();
        assert_eq!(t.answered(1, Some(&[OK])), Confirmed::default());
    }

    #[test]
    fn a_request_rumqttc_would_not_take_is_asked_for_again() {
        let mut t = Tracker::default();
        let wanted = set(&["a"]);
        let requests = t.plan(&wanted, &held(&[]));
        t.not_queued(&requests[0]);
        assert_eq!(t.plan(&wanted, &held(&[])), [sub(&["a"])]);
    }

    #[test]
    fn a_filter_perhaps_held_is_unsubscribed_when_not_wanted() {
        // Its SUBSCRIBE went out, the link went before the SUBACK; the room
        // was then left: the session may hold it, so it is unsubscribed.
        let mut t = Tracker::default();
        let requests = t.plan(
            &set(&["inbox"]),
            &Held {
                confirmed: set(&["inbox"]),
                maybe: set(&["room/r1"]),
            },
        );
        assert_eq!(requests, [unsub("room/r1")]);
    }

    #[test]
    fn a_filter_perhaps_held_and_wanted_is_asked_for_again() {
        let mut t = Tracker::default();
        let requests = t.plan(
            &set(&["room/r1"]),
            &Held {
                confirmed: BTreeSet::new(),
                maybe: set(&["room/r1"]),
            },
        );
        assert_eq!(requests, [sub(&["room/r1"])]);
    }

    #[test]
    fn a_written_subscribe_names_its_filters_and_the_tracker_is_busy_until_answered() {
        let mut t = Tracker::default();
        assert!(t.is_idle());
        t.plan(&set(&["a", "b"]), &held(&[]));
        assert!(!t.is_idle());
        assert_eq!(t.written(4, true), ["a", "b"]);
        assert!(!t.is_idle());
        t.answered(4, Some(&[OK, OK]));
        assert!(t.is_idle());
    }
}
