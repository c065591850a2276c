//! A publish the broker keeps refusing must not block every later one.
//!
//! Some brokers refuse a publish by closing the link (the embedded broker's
//! packet limit, a broker-side ACL or size rule): the message stays at the
//! head of the outbox, is published again on the next link, and the link
//! closes again, forever. So when the broker closes a link right after the
//! oldest publish it had not acknowledged was written, that row gets a
//! strike (kept in the store, since a CLI run may end right after). A row
//! with a strike is published again only onto an idle link, alone, with no
//! other request of ours on its way (see `Publisher::may_hand`): if the
//! broker acknowledges it, it was innocent and leaves the outbox as usual.
//! Only a link closed while the row travelled alone counts after the first
//! strike, so a broker restart, which closes links whatever is on them,
//! would have to hit the same lone row within [`CLOSED_WITHIN`] of its
//! write again and again. After [`MAX_STRIKES`] it is set aside: its
//! message shows as failed, with "retry" and "delete" for the user, and
//! the rest of the outbox goes on.
//!
//! A dead link, a timeout, a protocol error on our side or a guest's link
//! (see `store::claim_session`) strikes nothing.

use std::time::Duration;

use tokio::time::Instant;

use super::Engine;
use crate::event::Event;
use crate::model::MessageStatus;

use crate::supervisor::Failure;

/// Links the broker may close on a publish before it is set aside.
pub(super) const MAX_STRIKES: u32 = 3;

/// A close this soon after the row was written may be its doing; a broker
/// refusing a packet closes the link as soon as it has read it.
pub(super) const CLOSED_WITHIN: Duration = Duration::from_secs(2);

/// What is known of a link that just ended.
#[derive(Debug, Clone, Copy)]
pub(super) struct LostLink<'a> {
    pub failure: &'a Failure,
    /// This process owns the account's broker session (not a guest).
    pub owner: bool,
    /// The link had come up (CONNACK).
    pub was_up: bool,
    /// The oldest outbox row written on it and not acknowledged, and when.
    pub oldest_unacked: Option<(i64, Instant)>,
    /// That row travelled alone (it has strikes already).
    pub alone: bool,
    /// Another request of ours (presence, a subscription) was unanswered.
    pub others_pending: bool,
    pub now: Instant,
}

/// Which outbox row, if any, a lost link counts against (see the module docs).
pub(super) fn suspect(link: LostLink<'_>) -> Option<i64> {
    if !matches!(link.failure, Failure::Closed(_)) || !link.owner || !link.was_up {
        return None;
    }
    let (row, written) = link.oldest_unacked?;
    if link.now.duration_since(written) > CLOSED_WITHIN {
        return None;
    }
    // A row not travelling alone has no strike yet: the first is cheap
    // (it only sends the row alone next time), the next ones need a lone row.
    if link.alone && link.others_pending {
        return None;
    }
    Some(row)
}

/// Whether a row with `strikes` is to be set aside.
pub(super) fn convicted(strikes: u32) -> bool {
    strikes >= MAX_STRIKES
}

impl Engine {
    /// The link broke (see the module docs); called before the publisher
    /// forgets what was in flight.
    pub(super) fn strike_suspect(&mut self, failure: &Failure) {
        let oldest_unacked = self.link.publisher.oldest_unacked();
        let lost = LostLink {
            failure,
            owner: !self.session.is_guest(),
            was_up: self.link.is_up(),
            oldest_unacked,
            alone: oldest_unacked.is_some_and(|(row, _)| self.link.publisher.is_alone(row)),
            others_pending: self.link.publisher.other_in_flight()
                || !self.link.subscriptions.is_idle(),
            now: Instant::now(),
        };
        let Some(row) = suspect(lost) else {
            return;
        };
        let strikes = match self.store.outbox_strike(row) {
            Ok(strikes) => strikes,
            Err(e) => {
                tracing::error!("cannot count a refused publish: {e}");
                return;
            }
        };
        tracing::debug!(
            row,
            strikes,
            "the broker closed the link on an unacknowledged publish"
        );
        if !convicted(strikes) {
            return;
        }
        match self.store.set_aside(row) {
            Ok(Some(id)) => {
                tracing::warn!(
                    %id,
                    "the broker closed the connection each of the {strikes} times this message \
                     was sent; it is set aside as failed (retry or delete it)"
                );
                self.emit(Event::Status {
                    id,
                    status: MessageStatus::Failed,
                });
            }
            Ok(None) => tracing::warn!(row, "a publish the broker kept refusing was dropped"),
            Err(e) => tracing::error!("cannot set a refused publish aside: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed() -> Failure {
        Failure::Closed("the broker closed the connection".into())
    }

    fn lost(failure: &Failure, written: Instant, now: Instant) -> LostLink<'_> {
        LostLink {
            failure,
            owner: true,
            was_up: true,
            oldest_unacked: Some((7, written)),
            alone: false,
            others_pending: false,
            now,
        }
    }

    #[test]
    fn a_link_the_broker_closed_right_after_a_write_strikes_that_row() {
        let now = Instant::now();
        let closed = closed();
        assert_eq!(suspect(lost(&closed, now, now)), Some(7));
        // Even with presence or more rows on the link: the first strike
        // only sends the row alone next time.
        let busy = LostLink {
            others_pending: true,
            ..lost(&closed, now, now)
        };
        assert_eq!(suspect(busy), Some(7));
    }

    #[test]
    fn other_endings_strike_nothing() {
        let now = Instant::now();
        let closed = closed();
        for failure in [
            Failure::DeadLink,
            Failure::Auth("no".into()),
            Failure::Link("the broker did not answer in time".into()),
            Failure::Link("MQTT protocol error".into()),
        ] {
            assert_eq!(suspect(lost(&failure, now, now)), None, "{failure}");
        }
        let never_up = LostLink {
            was_up: false,
            ..lost(&closed, now, now)
        };
        assert_eq!(suspect(never_up), None);
        let guest = LostLink {
            owner: false,
            ..lost(&closed, now, now)
        };
        assert_eq!(
            suspect(guest),
            None,
            "a guest's link is not the owner's evidence"
        );
        let nothing = LostLink {
            oldest_unacked: None,
            ..lost(&closed, now, now)
        };
        assert_eq!(suspect(nothing), None);
    }

    #[test]
    fn a_close_long_after_the_write_is_not_the_rows_doing() {
        let written = Instant::now();
        let closed = closed();
        let late = written + CLOSED_WITHIN + Duration::from_millis(1);
        assert_eq!(suspect(lost(&closed, written, late)), None);
        assert_eq!(
            suspect(lost(&closed, written, written + CLOSED_WITHIN)),
            Some(7)
        );
    }

    #[test]
    fn a_lone_row_counts_only_when_nothing_else_was_on_its_way() {
        let now = Instant::now();
        let closed = closed();
        let alone = LostLink {
            alone: true,
            ..lost(&closed, now, now)
        };
        assert_eq!(suspect(alone), Some(7));
        let with_presence = LostLink {
            others_pending: true,
            ..alone
        };
        assert_eq!(suspect(with_presence), None);
    }

    #[test]
    fn a_row_is_set_aside_at_the_third_strike() {
        assert!(!convicted(0));
        assert!(!convicted(MAX_STRIKES - 1));
        assert!(convicted(MAX_STRIKES));
    }
}
