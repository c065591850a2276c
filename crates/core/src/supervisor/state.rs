//! The connection's life cycle as the user sees it, and the I/O-free state
//! machine that decides when to connect again.

use std::time::Duration;

use tokio::time::Instant;

use super::backoff::Backoff;
use crate::error::ErrorCode;
use crate::model::ConnectionState;

/// Why a connection ended or could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// CONNACK refused for bad user name/password or not authorized.
    Auth(String),
    /// Anything else: refused for another reason, I/O, timeouts.
    Link(String),
    /// A link that was up ended: reset or closed from the other side (a
    /// broker restarting, or refusing what we sent by closing the link).
    Closed(String),
    /// The TLS handshake failed: retrying will not help until the
    /// certificate, the CA or the address changes, but the broker may be
    /// fixed meanwhile, so it is retried like any link failure.
    Tls(String),
    /// No answer to a ping within the grace period (see `liveness`).
    DeadLink,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Auth(m) | Failure::Link(m) | Failure::Closed(m) | Failure::Tls(m) => {
                f.write_str(m)
            }
            Failure::DeadLink => f.write_str("the broker stopped answering (dead link)"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Stopped,
    Connecting,
    Up { since: Instant },
    Waiting { until: Instant },
    AuthFailed,
}

/// Decides, from what happened, what the connection does next.
#[derive(Debug)]
pub struct Supervisor {
    backoff: Backoff,
    phase: Phase,
    /// A link must have stayed up this long before backoff starts over.
    stable_after: Duration,
}

impl Supervisor {
    pub fn new(backoff: Backoff, stable_after: Duration) -> Supervisor {
        Supervisor {
            backoff,
            phase: Phase::Stopped,
            stable_after,
        }
    }

    /// Starts connecting (from any state but a live link).
    pub fn connect(&mut self) -> ConnectionState {
        if !matches!(self.phase, Phase::Up { .. }) {
            self.phase = Phase::Connecting;
        }
        self.current(0)
    }

    pub fn connected(&mut self, now: Instant, now_ms: i64) -> ConnectionState {
        self.phase = Phase::Up { since: now };
        self.current(now_ms)
    }

    /// The attempt or the link failed.
    pub fn failed(&mut self, failure: &Failure, now: Instant, now_ms: i64) -> ConnectionState {
        if matches!(self.phase, Phase::Stopped) {
            return ConnectionState::Offline;
        }
        if let Phase::Up { since } = self.phase
            && now.duration_since(since) >= self.stable_after
        {
            self.backoff.reset();
        }
        if let Failure::Auth(message) = failure {
            self.phase = Phase::AuthFailed;
            return ConnectionState::AuthFailed {
                message: message.clone(),
            };
        }
        let delay = self.backoff.next_delay();
        self.phase = Phase::Waiting { until: now + delay };
        let delay_ms = i64::try_from(delay.as_millis()).unwrap_or(i64::MAX);
        ConnectionState::Waiting {
            attempt: self.backoff.attempt(),
            retry_at_ms: now_ms.saturating_add(delay_ms),
            error: failure.to_string(),
            code: match failure {
                Failure::Tls(_) => ErrorCode::Tls,
                _ => ErrorCode::Unreachable,
            },
        }
    }

    /// When the next attempt is due, if one is scheduled.
    pub fn retry_at(&self) -> Option<Instant> {
        match self.phase {
            Phase::Waiting { until } => Some(until),
            _ => None,
        }
    }

    /// The broker is reachable again (a probe connected): while waiting,
    /// bring the next attempt forward to `now + spread` at the latest.
    /// Returns whether it moved.
    pub fn reachable(&mut self, now: Instant, spread: Duration) -> bool {
        match self.phase {
            Phase::Waiting { until } if until > now + spread => {
                self.phase = Phase::Waiting {
                    until: now + spread,
                };
                true
            }
            _ => false,
        }
    }

    /// Connect again now: the backoff timer fired, or the user pressed
    /// "Retry now". Only acts while waiting or after an auth failure.
    pub fn retry(&mut self) -> Option<ConnectionState> {
        match self.phase {
            Phase::Waiting { .. } | Phase::AuthFailed => Some(self.connect_now()),
            _ => None,
        }
    }

    fn connect_now(&mut self) -> ConnectionState {
        self.phase = Phase::Connecting;
        self.current(0)
    }

    pub fn stop(&mut self) -> ConnectionState {
        self.phase = Phase::Stopped;
        ConnectionState::Offline
    }

    /// Whether the MQTT event loop should be driven (connecting or up).
    pub fn wants_link(&self) -> bool {
        matches!(self.phase, Phase::Connecting | Phase::Up { .. })
    }

    pub fn is_up(&self) -> bool {
        matches!(self.phase, Phase::Up { .. })
    }

    fn current(&self, now_ms: i64) -> ConnectionState {
        match self.phase {
            Phase::Stopped => ConnectionState::Offline,
            Phase::Connecting => ConnectionState::Connecting {
                attempt: self.backoff.attempt() + 1,
            },
            Phase::Up { .. } => ConnectionState::Connected { since_ms: now_ms },
            // Not reached: these states are built where they arise.
            Phase::Waiting { .. } | Phase::AuthFailed => ConnectionState::Offline,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sup() -> Supervisor {
        Supervisor::new(Backoff::default(), Duration::from_secs(10))
    }

    #[tokio::test(start_paused = true)]
    async fn failures_schedule_a_retry_within_the_backoff_ceiling() {
        let mut s = sup();
        s.connect();
        let now = Instant::now();
        let state = s.failed(&Failure::Link("refused".into()), now, 1_000);
        let ConnectionState::Waiting {
            attempt,
            retry_at_ms,
            error,
            code,
        } = state
        else {
            panic!("{state:?}")
        };
        assert_eq!(
            (attempt, error.as_str(), code),
            (1, "refused", ErrorCode::Unreachable)
        );
        assert!((1_000..=1_500).contains(&retry_at_ms));
        assert!(s.retry_at().unwrap() <= now + Duration::from_millis(500));
        assert!(!s.wants_link());
    }

    #[tokio::test(start_paused = true)]
    async fn a_tls_failure_is_said_to_be_one_by_its_code() {
        let mut s = sup();
        s.connect();
        let state = s.failed(
            &Failure::Tls("TLS failed: bad certificate".into()),
            Instant::now(),
            0,
        );
        assert!(
            matches!(
                &state,
                ConnectionState::Waiting {
                    code: ErrorCode::Tls,
                    ..
                }
            ),
            "{state:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn keeps_retrying_forever_with_growing_ceilings() {
        let mut s = sup();
        s.connect();
        for _ in 0..1000 {
            let st = s.failed(&Failure::Link("down".into()), Instant::now(), 0);
            assert!(matches!(st, ConnectionState::Waiting { .. }));
            tokio::time::advance(Duration::from_secs(30)).await;
            assert!(matches!(
                s.retry(),
                Some(ConnectionState::Connecting { .. })
            ));
        }
        assert!(s.backoff.ceiling() == Duration::from_secs(30));
    }

    #[tokio::test(start_paused = true)]
    async fn backoff_resets_only_after_a_stable_link() {
        let mut s = sup();
        s.connect();
        for _ in 0..5 {
            s.failed(&Failure::Link("x".into()), Instant::now(), 0);
            s.retry();
        }
        // Up for 2 s, then dropped: not stable, keep growing.
        s.connected(Instant::now(), 0);
        tokio::time::advance(Duration::from_secs(2)).await;
        s.failed(&Failure::DeadLink, Instant::now(), 0);
        assert_eq!(s.backoff.attempt(), 6);
        s.retry();
        // Up for 10 s: stable, start over.
        s.connected(Instant::now(), 0);
        tokio::time::advance(Duration::from_secs(10)).await;
        s.failed(&Failure::DeadLink, Instant::now(), 0);
        assert_eq!(s.backoff.attempt(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn bad_credentials_stop_retrying_until_asked() {
        let mut s = sup();
        s.connect();
        let st = s.failed(
            &Failure::Auth("bad user name or password".into()),
            Instant::now(),
            0,
        );
        assert!(matches!(st, ConnectionState::AuthFailed { .. }));
        assert_eq!(s.retry_at(), None);
        assert!(!s.wants_link());
        assert!(matches!(
            s.retry(),
            Some(ConnectionState::Connecting { .. })
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn retry_now_skips_the_wait_but_not_a_live_link() {
        let mut s = sup();
        s.connect();
        s.failed(&Failure::Link("x".into()), Instant::now(), 0);
        assert!(s.retry().is_some());
        s.connected(Instant::now(), 0);
        assert_eq!(s.retry(), None);
        assert!(s.is_up());
    }

    #[tokio::test(start_paused = true)]
    async fn a_reachable_broker_brings_the_retry_forward_but_never_back() {
        let mut s = sup();
        s.connect();
        let now = Instant::now();
        for _ in 0..8 {
            // Fail until the backoff ceiling is well past a second.
            s.failed(&Failure::Link("x".into()), now, 0);
            s.retry();
        }
        s.failed(&Failure::Link("x".into()), now, 0);
        let spread = Duration::from_millis(200);
        if s.retry_at().is_some_and(|at| at > now + spread) {
            assert!(s.reachable(now, spread));
        }
        assert!(s.retry_at().is_some_and(|at| at <= now + spread));
        // Already sooner: left alone. Not waiting: nothing to move.
        assert!(!s.reachable(now, Duration::from_secs(5)));
        s.retry();
        assert!(!s.reachable(now, spread));
        assert_eq!(s.retry_at(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_stopped_supervisor_stays_offline() {
        let mut s = sup();
        s.connect();
        assert_eq!(s.stop(), ConnectionState::Offline);
        let st = s.failed(&Failure::Link("x".into()), Instant::now(), 0);
        assert_eq!(st, ConnectionState::Offline);
        assert_eq!(s.retry(), None);
    }
}
