//! Publishing again what a crashed broker may have lost (see
//! `store/resend.rs` for the why). Receivers de-duplicate by id.
//!
//! The decisions are I/O-free functions ([`early_ack_check`],
//! [`timer_at`], [`resend_envelope`]); the store keeps the plan (which
//! message, when, how many times) and drops it when a receipt arrives.

use std::time::Duration;

use tokio::time::Instant;

use super::Engine;
use crate::clock::now_ms;
use crate::model::StoredMessage;
use crate::protocol::{Body, Envelope, MsgBody, PROTOCOL_VERSION, UserId};
use crate::store::{OutboxEntry, ResendPlan, StoreError};

/// How far back an unconfirmed message counts as at risk when the link
/// drops: Mosquitto's default autosave interval is 30 minutes.
const AT_RISK_MS: i64 = 30 * 60 * 1000;
/// Resends start this long after a link is up, so that recipients of a
/// restarted broker have had time to subscribe again.
const FIRST_RESEND_AFTER_MS: i64 = 2_000;
/// How long after connecting an acked message still counts as at risk.
const SETTLING_MS: u64 = 10_000;
const PLAN: ResendPlan = ResendPlan {
    max_resends: 4,
    base_ms: 2_000,
};

impl Engine {
    /// On link loss: unconfirmed recent messages become suspects.
    pub(super) fn suspect_unconfirmed(&mut self) {
        if let Err(e) = self.store.suspect_unconfirmed(now_ms() - AT_RISK_MS) {
            tracing::error!("cannot plan resends: {e}");
        }
    }

    /// On link up: plan the suspects' resends.
    pub(super) fn schedule_resends(&mut self) {
        if let Err(e) = self
            .store
            .schedule_suspects(now_ms() + FIRST_RESEND_AFTER_MS)
        {
            tracing::error!("cannot plan resends: {e}");
        }
        self.refresh_resend_timer();
    }

    /// A message the broker acks soon after (re)connecting is at risk too:
    /// a restarted broker may not have its subscribers back yet, and drops
    /// what it cannot route. While the link is that young, acked messages
    /// get one check planned at the time returned here.
    pub(super) fn early_ack_resend_due(&self) -> Option<i64> {
        early_ack_check(self.link.up_at.map(|up| up.elapsed()), now_ms())
    }

    /// Checks were planned for early acks: make sure the timer fires.
    pub(super) fn early_acks_planned(&mut self) {
        let at = Instant::now() + Duration::from_millis(FIRST_RESEND_AFTER_MS as u64);
        if self.resend_at.is_none_or(|t| t > at) {
            self.resend_at = Some(at);
        }
    }

    pub(super) fn refresh_resend_timer(&mut self) {
        self.resend_at = match self.store.next_resend_due() {
            Ok(due) => due.map(|due| timer_at(due, now_ms(), Instant::now())),
            Err(e) => {
                tracing::error!("cannot read planned resends: {e}");
                None
            }
        };
    }

    /// The resend timer fired: queue what is due (the pump publishes it).
    pub(super) fn resend_due(&mut self) {
        if let Err(e) = self.queue_due_resends() {
            tracing::error!("cannot queue resends: {e}");
        }
        self.refresh_resend_timer();
    }

    fn queue_due_resends(&mut self) -> Result<(), StoreError> {
        let now = now_ms();
        let due = self.store.due_resends(now, 500)?;
        if !due.is_empty() {
            tracing::info!(count = due.len(), "publishing unconfirmed messages again");
        }
        for message in due {
            // Only what this channel sent is planned; anything else is not
            // this engine's to publish.
            let Some(topic) = self.message_topic(&message.conversation) else {
                continue;
            };
            let file = self.store.announcement(message.id)?;
            let envelope = resend_envelope(&self.me, &message, file);
            let entry = OutboxEntry {
                topic: topic.render(&self.prefix),
                payload: envelope.encode(),
                qos: 1,
                retain: false,
            };
            self.store.queue_resend(&message, &entry, now, PLAN)?;
        }
        Ok(())
    }
}

/// While a link is young (`link_age` under [`SETTLING_MS`]), a message the
/// broker acknowledges gets one check at the returned time: a restarted
/// broker may not have its subscribers back yet and drops what it cannot
/// route. `None` on an older link, or with no link.
pub(super) fn early_ack_check(link_age: Option<Duration>, now_ms: i64) -> Option<i64> {
    link_age
        .is_some_and(|age| age < Duration::from_millis(SETTLING_MS))
        .then(|| now_ms + FIRST_RESEND_AFTER_MS)
}

/// When the resend timer fires for a plan due at `due_ms` (wall clock),
/// at `now_ms` / `now`: at once if it is overdue.
pub(super) fn timer_at(due_ms: i64, now_ms: i64, now: Instant) -> Instant {
    let wait = u64::try_from(due_ms - now_ms).unwrap_or(0);
    now + Duration::from_millis(wait)
}

/// The envelope of our stored message, published again: the same id, ts
/// and seq as the first time, so that receivers de-duplicate it and a gap
/// it closes is closed once.
pub(super) fn resend_envelope(
    me: &UserId,
    message: &StoredMessage,
    file: Option<crate::protocol::FileBody>,
) -> Envelope {
    Envelope {
        v: PROTOCOL_VERSION,
        id: message.id,
        ts: message.ts,
        from: Some(me.clone()),
        seq: message.seq,
        reply_to: message.reply_to,
        body: Body::Msg(MsgBody {
            text: message.text.clone(),
            file: file.map(Box::new),
        }),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::{ConversationId, MessageStatus};

    #[test]
    fn acks_on_a_young_link_get_a_check_and_on_an_old_one_none() {
        let now = 1_000_000;
        assert_eq!(
            early_ack_check(Some(Duration::from_millis(500)), now),
            Some(now + FIRST_RESEND_AFTER_MS)
        );
        assert_eq!(
            early_ack_check(Some(Duration::from_millis(SETTLING_MS)), now),
            None
        );
        assert_eq!(early_ack_check(None, now), None, "no link");
    }

    #[tokio::test(start_paused = true)]
    async fn the_timer_fires_when_due_and_at_once_when_overdue() {
        let now = Instant::now();
        assert_eq!(timer_at(5_000, 3_000, now), now + Duration::from_secs(2));
        assert_eq!(timer_at(1_000, 3_000, now), now, "overdue");
    }

    #[test]
    fn a_resend_is_the_same_message_for_the_receiver() {
        let me: UserId = "alice".parse().unwrap();
        let first =
            Envelope::new(Body::Msg(MsgBody::text("hi")), &me, 1_700_000_000_000).with_seq(7);
        let stored = StoredMessage {
            id: first.id,
            conversation: ConversationId::Direct("bob".parse().unwrap()),
            sender: me.clone(),
            ts: first.ts,
            seq: first.seq,
            text: "hi".into(),
            reply_to: None,
            outgoing: true,
            status: MessageStatus::Sent,
            unsupported: false,
            changes: Default::default(),
            file: None,
        };
        let again = resend_envelope(&me, &stored, None);
        assert_eq!(again.encode(), first.encode(), "byte for byte");
    }
}
