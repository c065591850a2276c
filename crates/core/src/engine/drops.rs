//! Counting and reporting dropped bad input without flooding the log.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

/// At most one warning per this period, summarising what was dropped.
const REPORT_EVERY: Duration = Duration::from_secs(10);

#[derive(Debug)]
pub(crate) struct Drops {
    total: Arc<AtomicU64>,
    since_report: BTreeMap<&'static str, u64>,
    last_report: Option<Instant>,
}

impl Drops {
    pub(crate) fn new(total: Arc<AtomicU64>) -> Drops {
        Drops {
            total,
            since_report: BTreeMap::new(),
            last_report: None,
        }
    }

    /// Counts one dropped message; logs a summary when the period is over.
    pub(crate) fn record(&mut self, reason: &'static str, topic: &str, now: Instant) {
        self.total.fetch_add(1, Ordering::Relaxed);
        *self.since_report.entry(reason).or_default() += 1;
        let due = self
            .last_report
            .is_none_or(|last| now.duration_since(last) >= REPORT_EVERY);
        if due {
            let summary: Vec<String> = self
                .since_report
                .iter()
                .map(|(r, n)| format!("{r}={n}"))
                .collect();
            // The topic is attacker-chosen; Debug formatting escapes it.
            tracing::warn!(
                latest_topic = ?topic,
                "dropped malformed messages ({}); further drops are summarised every {}s",
                summary.join(", "),
                REPORT_EVERY.as_secs()
            );
            self.since_report.clear();
            self.last_report = Some(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn counts_every_drop_and_reports_per_period() {
        let total = Arc::new(AtomicU64::new(0));
        let mut d = Drops::new(total.clone());
        d.record("not_json", "t", Instant::now());
        assert!(d.since_report.is_empty(), "first drop is reported at once");
        for _ in 0..100 {
            d.record("too_large", "t", Instant::now());
        }
        assert_eq!(d.since_report.get("too_large"), Some(&100));
        tokio::time::advance(REPORT_EVERY).await;
        d.record("not_json", "t", Instant::now());
        assert!(d.since_report.is_empty());
        assert_eq!(total.load(Ordering::Relaxed), 102);
    }
}
