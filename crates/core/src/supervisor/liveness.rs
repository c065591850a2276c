//! Dead-link detection faster than rumqttc's own.
//!
//! rumqttc sends PINGREQ every keep-alive period and notices a missing
//! PINGRESP only when the *next* ping is due: 2× keep-alive after the link
//! died. We watch the same pings and give the broker half a keep-alive to
//! answer, so a silent link is declared dead within 1.5× keep-alive:
//! it dies at worst just after a ping was answered, the next ping goes out
//! one keep-alive later, and its answer is overdue half a keep-alive after.
//! Any packet from the broker proves the link is alive.

use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug, Clone)]
pub struct Liveness {
    grace: Duration,
    ping_sent_at: Option<Instant>,
}

impl Liveness {
    pub fn new(keep_alive: Duration) -> Liveness {
        Liveness {
            grace: keep_alive / 2,
            ping_sent_at: None,
        }
    }

    /// A PINGREQ went out. A ping already awaiting its answer keeps the
    /// earlier deadline.
    pub fn ping_sent(&mut self, now: Instant) {
        self.ping_sent_at.get_or_insert(now);
    }

    /// Anything arrived from the broker.
    pub fn heard_from_broker(&mut self) {
        self.ping_sent_at = None;
    }

    /// A new connection starts with nothing outstanding.
    pub fn reset(&mut self) {
        self.ping_sent_at = None;
    }

    /// When the link counts as dead if nothing arrives before then.
    pub fn deadline(&self) -> Option<Instant> {
        self.ping_sent_at.map(|t| t + self.grace)
    }

    pub fn is_dead(&self, now: Instant) -> bool {
        self.deadline().is_some_and(|d| now >= d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn silence_after_a_ping_is_fatal_after_half_a_keep_alive() {
        let mut l = Liveness::new(Duration::from_secs(30));
        let t0 = Instant::now();
        assert_eq!(l.deadline(), None);
        l.ping_sent(t0);
        assert_eq!(l.deadline(), Some(t0 + Duration::from_secs(15)));
        tokio::time::advance(Duration::from_secs(14)).await;
        assert!(!l.is_dead(Instant::now()));
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(l.is_dead(Instant::now()));
    }

    #[tokio::test(start_paused = true)]
    async fn an_answer_clears_the_deadline() {
        let mut l = Liveness::new(Duration::from_secs(10));
        l.ping_sent(Instant::now());
        tokio::time::advance(Duration::from_secs(4)).await;
        l.heard_from_broker();
        tokio::time::advance(Duration::from_secs(60)).await;
        assert!(!l.is_dead(Instant::now()));
    }

    #[tokio::test(start_paused = true)]
    async fn a_second_ping_does_not_extend_the_deadline() {
        let mut l = Liveness::new(Duration::from_secs(10));
        let t0 = Instant::now();
        l.ping_sent(t0);
        tokio::time::advance(Duration::from_secs(3)).await;
        l.ping_sent(Instant::now());
        assert_eq!(l.deadline(), Some(t0 + Duration::from_secs(5)));
    }

    #[tokio::test(start_paused = true)]
    async fn worst_case_detection_is_within_one_and_a_half_keep_alives() {
        // The link dies right after a ping was answered at t0; the next
        // ping is sent one keep-alive later; detection is its deadline.
        let k = Duration::from_secs(30);
        let mut l = Liveness::new(k);
        let died = Instant::now();
        tokio::time::advance(k).await;
        l.ping_sent(Instant::now());
        let detected = l.deadline().unwrap();
        assert!(detected - died <= k + k / 2);
    }
}
