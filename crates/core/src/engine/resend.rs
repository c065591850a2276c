//! Publishing again what a crashed broker may have lost (see
//! `store/resend.rs` for the why). Receivers de-duplicate by id.

use std::time::Duration;

use tokio::time::Instant;

use super::Engine;
use crate::clock::now_ms;
use crate::protocol::{Body, Envelope, MsgBody, PROTOCOL_VERSION};
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
        let settling = self
            .link
            .up_at
            .is_some_and(|up| up.elapsed() < Duration::from_millis(SETTLING_MS));
        settling.then(|| now_ms() + FIRST_RESEND_AFTER_MS)
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
            Ok(due) => due.map(|due| {
                let wait = u64::try_from(due - now_ms()).unwrap_or(0);
                Instant::now() + Duration::from_millis(wait)
            }),
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
            let envelope = Envelope {
                v: PROTOCOL_VERSION,
                id: message.id,
                ts: message.ts,
                from: Some(self.me.clone()),
                seq: message.seq,
                reply_to: message.reply_to,
                body: Body::Msg(MsgBody {
                    text: message.text.clone(),
                }),
            };
            let entry = OutboxEntry {
                topic: self
                    .message_topic(&message.conversation)
                    .render(&self.prefix),
                payload: envelope.encode(),
                qos: 1,
                retain: false,
            };
            self.store.queue_resend(&message, &entry, now, PLAN)?;
        }
        Ok(())
    }
}
