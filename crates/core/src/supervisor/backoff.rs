//! Reconnect delays: exponential backoff with full jitter.
//!
//! rumqttc reconnects in a tight loop on its own; after a broker restart
//! every client would hammer it at once. Full jitter (a uniform draw in
//! `0..=min(cap, base * 2^attempt)`) spreads a crowd of clients out best
//! (see the AWS Architecture Blog's "Exponential Backoff and Jitter").

use std::time::Duration;

use rand::Rng;

/// Backoff state for one connection. Attempts only grow until [`reset`]
/// is called after a stable link, so a broker that accepts and then drops
/// us at once cannot pull us into a tight loop.
///
/// [`reset`]: Backoff::reset
#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    attempt: u32,
}

impl Default for Backoff {
    /// About 0.5 s first, never more than 30 s.
    fn default() -> Self {
        Backoff::new(Duration::from_millis(500), Duration::from_secs(30))
    }
}

impl Backoff {
    pub fn new(base: Duration, cap: Duration) -> Backoff {
        Backoff {
            base,
            cap,
            attempt: 0,
        }
    }

    /// Failed attempts since the last reset.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The upper bound of the next draw: `min(cap, base * 2^attempt)`.
    pub fn ceiling(&self) -> Duration {
        let factor = 1u32.checked_shl(self.attempt.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// The delay before the next attempt, drawn with `rng`.
    pub fn next_delay_with(&mut self, rng: &mut impl Rng) -> Duration {
        let ceiling = self.ceiling();
        self.attempt = self.attempt.saturating_add(1);
        let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rng.random_range(0..=millis))
    }

    /// The delay before the next attempt.
    pub fn next_delay(&mut self) -> Duration {
        self.next_delay_with(&mut rand::rng())
    }

    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn ceiling_doubles_from_base_up_to_the_cap() {
        let mut b = Backoff::default();
        let mut rng = StdRng::seed_from_u64(7);
        let mut ceilings = Vec::new();
        for _ in 0..10 {
            ceilings.push(b.ceiling().as_millis());
            b.next_delay_with(&mut rng);
        }
        assert_eq!(
            ceilings,
            [
                500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000
            ]
        );
    }

    #[test]
    fn every_delay_lies_within_zero_and_the_ceiling() {
        let mut rng = StdRng::seed_from_u64(1);
        let mut b = Backoff::default();
        for _ in 0..1000 {
            let ceiling = b.ceiling();
            let d = b.next_delay_with(&mut rng);
            assert!(d <= ceiling, "{d:?} > {ceiling:?}");
        }
    }

    #[test]
    fn delays_are_spread_not_constant() {
        // Full jitter: with the ceiling at the cap, draws must cover the range.
        let mut rng = StdRng::seed_from_u64(3);
        let mut b = Backoff::default();
        for _ in 0..20 {
            b.next_delay_with(&mut rng);
        }
        let draws: Vec<_> = (0..200).map(|_| b.next_delay_with(&mut rng)).collect();
        let low = draws
            .iter()
            .filter(|d| **d < Duration::from_secs(10))
            .count();
        let high = draws
            .iter()
            .filter(|d| **d > Duration::from_secs(20))
            .count();
        assert!(low > 30 && high > 30, "low={low} high={high}");
    }

    #[test]
    fn never_gives_up_and_never_overflows() {
        let mut b = Backoff::default();
        for _ in 0..100_000 {
            assert!(b.next_delay() <= Duration::from_secs(30));
        }
        assert_eq!(b.attempt(), 100_000);
    }

    #[test]
    fn reset_starts_over() {
        let mut b = Backoff::default();
        for _ in 0..5 {
            b.next_delay();
        }
        b.reset();
        assert_eq!(b.ceiling(), Duration::from_millis(500));
    }
}
