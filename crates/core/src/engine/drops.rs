//! Counting and reporting dropped bad input without flooding the log.
//!
//! The first drop is reported at once; what follows within [`REPORT_EVERY`]
//! is counted by reason and summarised when that window ends (the engine
//! waits for [`Drops::due`]), so a burst is never hidden behind a summary
//! that waits for a next drop which may never come.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

/// At most one warning per this period, summarising what was dropped.
pub(crate) const REPORT_EVERY: Duration = Duration::from_secs(10);

#[derive(Debug)]
pub(crate) struct Drops {
    total: Arc<AtomicU64>,
    since_report: BTreeMap<&'static str, u64>,
    latest_topic: String,
    last_report: Option<Instant>,
}

/// One warning's worth: counts by reason and the last topic seen.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Report {
    pub counts: BTreeMap<&'static str, u64>,
    pub latest_topic: String,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let counts: Vec<String> = self
            .counts
            .iter()
            .map(|(r, n)| format!("{r}={n}"))
            .collect();
        write!(f, "{}", counts.join(", "))
    }
}

impl Drops {
    pub(crate) fn new(total: Arc<AtomicU64>) -> Drops {
        Drops {
            total,
            since_report: BTreeMap::new(),
            latest_topic: String::new(),
            last_report: None,
        }
    }

    /// Counts one dropped message; returns a report when one is due now
    /// (the first drop after a quiet window).
    pub(crate) fn record(
        &mut self,
        reason: &'static str,
        topic: &str,
        now: Instant,
    ) -> Option<Report> {
        self.total.fetch_add(1, Ordering::Relaxed);
        *self.since_report.entry(reason).or_default() += 1;
        topic.clone_into(&mut self.latest_topic);
        let quiet = self
            .last_report
            .is_none_or(|last| now.duration_since(last) >= REPORT_EVERY);
        quiet.then(|| self.take(now))
    }

    /// When the summary of what was counted since the last report is due.
    pub(crate) fn due(&self) -> Option<Instant> {
        if self.since_report.is_empty() {
            return None;
        }
        self.last_report.map(|last| last + REPORT_EVERY)
    }

    /// The summary, if anything was counted since the last report.
    pub(crate) fn flush(&mut self, now: Instant) -> Option<Report> {
        (!self.since_report.is_empty()).then(|| self.take(now))
    }

    fn take(&mut self, now: Instant) -> Report {
        self.last_report = Some(now);
        Report {
            counts: std::mem::take(&mut self.since_report),
            latest_topic: std::mem::take(&mut self.latest_topic),
        }
    }
}

/// Logs a report (the topic is attacker-chosen; Debug formatting escapes it).
pub(crate) fn log(report: &Report) {
    tracing::warn!(
        latest_topic = ?report.latest_topic,
        "dropped malformed messages ({report}); further drops are summarised every {}s",
        REPORT_EVERY.as_secs()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drops() -> (Arc<AtomicU64>, Drops) {
        let total = Arc::new(AtomicU64::new(0));
        (total.clone(), Drops::new(total))
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_drop_is_reported_at_once() {
        let (total, mut d) = drops();
        let report = d.record("not_json", "t/1", Instant::now()).unwrap();
        assert_eq!(report.counts.get("not_json"), Some(&1));
        assert_eq!(report.latest_topic, "t/1");
        assert_eq!(d.due(), None, "nothing left to summarise");
        assert_eq!(total.load(Ordering::Relaxed), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_is_summarised_when_the_window_ends_without_another_drop() {
        let (total, mut d) = drops();
        let start = Instant::now();
        assert!(d.record("not_json", "t", start).is_some());
        for i in 0..8 {
            let reason = if i % 2 == 0 { "too_large" } else { "bad_topic" };
            assert_eq!(d.record(reason, "t/last", Instant::now()), None);
        }
        // The engine sleeps until `due` and flushes then: no further drop needed.
        assert_eq!(d.due(), Some(start + REPORT_EVERY));
        tokio::time::advance(REPORT_EVERY).await;
        let report = d.flush(Instant::now()).unwrap();
        assert_eq!(report.counts.get("too_large"), Some(&4));
        assert_eq!(report.counts.get("bad_topic"), Some(&4));
        assert_eq!(report.to_string(), "bad_topic=4, too_large=4");
        assert_eq!(report.latest_topic, "t/last");
        assert_eq!(d.due(), None);
        assert_eq!(d.flush(Instant::now()), None);
        assert_eq!(total.load(Ordering::Relaxed), 9);
    }

    #[tokio::test(start_paused = true)]
    async fn after_a_summary_the_next_window_is_counted_again() {
        let (_, mut d) = drops();
        d.record("not_json", "t", Instant::now());
        d.record("not_json", "t", Instant::now());
        tokio::time::advance(REPORT_EVERY).await;
        assert!(d.flush(Instant::now()).is_some());
        // Within the window the summary opened: counted, not reported.
        assert_eq!(d.record("not_json", "t", Instant::now()), None);
        tokio::time::advance(REPORT_EVERY).await;
        // A drop after a quiet window is reported at once, with the one before.
        let report = d.record("too_large", "t", Instant::now()).unwrap();
        assert_eq!(report.to_string(), "not_json=1, too_large=1");
    }
}
