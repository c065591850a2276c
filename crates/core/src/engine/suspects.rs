//! A publish the broker keeps refusing must not block every later one.
//!
//! Some brokers refuse a publish by closing the link (the embedded broker's
//! packet limit, a broker-side ACL or size rule): the message stays at the
//! head of the outbox, is published again on the next link, and the link
//! closes again, forever. So when the broker closes a link, the oldest
//! publish it had not acknowledged gets a strike (kept in the store, since a
//! CLI run may end right after). A row with a strike is published again
//! only onto an idle link, alone (see `Publisher::may_hand`): if the broker
//! acknowledges it, it was innocent and leaves the outbox as usual; if the
//! link closes again, the evidence is clear. After [`MAX_STRIKES`] it is
//! set aside: its message shows as failed, with "retry" and "delete" for
//! the user, and the rest of the outbox goes on.
//!
//! A dead link (no answer to pings) strikes nothing: that is the network,
//! not the message.

use super::Engine;
use crate::event::Event;
use crate::store::MessageStatus;
use crate::supervisor::Failure;

/// Links the broker may close on a publish before it is set aside.
pub(super) const MAX_STRIKES: u32 = 3;

/// Which outbox row, if any, a lost link counts against: the oldest one
/// written on it and not acknowledged, when the link had come up and the
/// broker (not silence) ended it.
pub(super) fn suspect(failure: &Failure, was_up: bool, oldest_unacked: Option<i64>) -> Option<i64> {
    match failure {
        Failure::DeadLink | Failure::Auth(_) => None,
        Failure::Link(_) if was_up => oldest_unacked,
        Failure::Link(_) => None,
    }
}

/// Whether a row with `strikes` is to be set aside.
pub(super) fn convicted(strikes: u32) -> bool {
    strikes >= MAX_STRIKES
}

impl Engine {
    /// The link broke (see the module docs); called before the publisher
    /// forgets what was in flight.
    pub(super) fn strike_suspect(&mut self, failure: &Failure) {
        let was_up = self.link_up_at.is_some();
        let Some(row) = suspect(failure, was_up, self.publisher.oldest_unacked()) else {
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

    #[test]
    fn only_a_link_the_broker_closed_after_coming_up_counts() {
        let closed = Failure::Link("the broker closed the connection".into());
        assert_eq!(suspect(&closed, true, Some(7)), Some(7));
        assert_eq!(suspect(&closed, false, Some(7)), None, "never came up");
        assert_eq!(suspect(&closed, true, None), None, "nothing in flight");
        assert_eq!(suspect(&Failure::DeadLink, true, Some(7)), None);
        assert_eq!(suspect(&Failure::Auth("no".into()), true, Some(7)), None);
    }

    #[test]
    fn a_row_is_set_aside_at_the_third_strike() {
        assert!(!convicted(0));
        assert!(!convicted(MAX_STRIKES - 1));
        assert!(convicted(MAX_STRIKES));
    }
}
