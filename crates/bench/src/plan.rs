//! Which benchmarks run, and how big.

use std::str::FromStr;
use std::time::Duration;

/// A benchmark of the table (ids as in the project's issue).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Id {
    P1,
    P2,
    P3,
    P4,
    P5,
    P6,
    /// SMS: SUBMITs per second on one long link.
    S1,
    /// SMS: a gateway killed while messages flow.
    S2,
    /// SMS: a dead link found.
    S3,
    /// Files: MB/s of a large file.
    F1,
    /// Files: memory while 1 GB goes.
    F2,
    /// Files: chat latency while files go.
    F3,
}

impl Id {
    pub const ALL: [Id; 12] = [
        Id::P1,
        Id::P2,
        Id::P3,
        Id::P4,
        Id::P5,
        Id::P6,
        Id::S1,
        Id::S2,
        Id::S3,
        Id::F1,
        Id::F2,
        Id::F3,
    ];
}

/// A benchmark id that is not in the table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no benchmark {0:?} (P1 … P6, S1 … S3, F1 … F3)")]
pub struct UnknownBenchmark(pub String);

impl FromStr for Id {
    type Err = UnknownBenchmark;

    fn from_str(s: &str) -> Result<Id, UnknownBenchmark> {
        Id::ALL
            .into_iter()
            .find(|id| format!("{id:?}").eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownBenchmark(s.to_owned()))
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Tiny sizes: proves each benchmark works, in well under a minute.
    pub quick: bool,
    /// Runs per figure (the median is reported); `None`: the size's default.
    pub runs: Option<usize>,
    /// Only these; empty means all.
    pub only: Vec<Id>,
}

impl Plan {
    pub fn includes(&self, id: Id) -> bool {
        self.only.is_empty() || self.only.contains(&id)
    }

    pub fn sizes(&self) -> Sizes {
        let mut sizes = if self.quick {
            Sizes::quick()
        } else {
            Sizes::full()
        };
        if let Some(runs) = self.runs.filter(|&r| r > 0) {
            sizes.runs = runs;
            sizes.outage_runs = runs;
        }
        sizes
    }
}

/// The sizes of one suite run.
#[derive(Debug, Clone)]
pub struct Sizes {
    /// Runs per figure for P1, P2, P3, P5.
    pub runs: usize,
    pub p1_messages: usize,
    pub p2_rate: u32,
    pub p2_seconds: u32,
    pub keep_alive: u16,
    pub outages: Vec<Duration>,
    /// Runs per outage length in P4 (the 60 s one dominates the suite).
    pub outage_runs: usize,
    pub p5_messages: usize,
    pub p6_sizes: Vec<usize>,
    pub p6_queries: usize,
    pub p6_start_ups: usize,
    /// SMS per S1 run with the gateway answering after 5 ms.
    pub s1_messages: usize,
    /// SMS per S1 run with the gateway answering at once (quick runs: more
    /// of them, so that their CPU time can be told).
    pub s1_fast_messages: usize,
    pub s2_messages: usize,
    /// Times the gateway is killed during S2.
    pub s2_kills: usize,
    /// S3's C (seconds) and N; T is 1 s.
    pub s3_idle_secs: u32,
    pub s3_attempts: u8,
    /// Bytes of F1's file, F2's and F3's.
    pub f1_bytes: u64,
    pub f2_bytes: u64,
    pub f3_bytes: u64,
}

impl Sizes {
    pub fn full() -> Sizes {
        Sizes {
            runs: 5,
            p1_messages: 10_000,
            p2_rate: 200,
            p2_seconds: 10,
            keep_alive: 5,
            outages: vec![Duration::from_secs(10), Duration::from_secs(60)],
            outage_runs: 3,
            p5_messages: 10_000,
            p6_sizes: vec![10_000, 100_000, 1_000_000],
            p6_queries: 200,
            p6_start_ups: 5,
            s1_messages: 5_000,
            s1_fast_messages: 50_000,
            s2_messages: 10_000,
            s2_kills: 5,
            s3_idle_secs: 3,
            s3_attempts: 3,
            f1_bytes: 200_000_000,
            f2_bytes: 1_000_000_000,
            f3_bytes: 200_000_000,
        }
    }

    pub fn quick() -> Sizes {
        Sizes {
            runs: 2,
            p1_messages: 200,
            p2_rate: 200,
            p2_seconds: 1,
            keep_alive: 5,
            outages: vec![Duration::from_secs(1)],
            outage_runs: 1,
            p5_messages: 200,
            p6_sizes: vec![2_000],
            p6_queries: 20,
            p6_start_ups: 2,
            s1_messages: 200,
            s1_fast_messages: 800,
            s2_messages: 200,
            s2_kills: 2,
            s3_idle_secs: 1,
            s3_attempts: 2,
            f1_bytes: 4_000_000,
            f2_bytes: 8_000_000,
            f3_bytes: 2_000_000,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_either_case() {
        assert_eq!("p3".parse::<Id>(), Ok(Id::P3));
        assert_eq!("P6".parse::<Id>(), Ok(Id::P6));
        assert!("P9".parse::<Id>().is_err());
    }

    #[test]
    fn runs_override_the_size() {
        let plan = Plan {
            quick: true,
            runs: Some(4),
            only: vec![],
        };
        assert_eq!(plan.sizes().runs, 4);
        assert!(plan.includes(Id::P5));
        let only = Plan {
            quick: false,
            runs: None,
            only: vec![Id::P1],
        };
        assert_eq!(only.sizes().runs, 5);
        assert!(!only.includes(Id::P2));
    }
}
