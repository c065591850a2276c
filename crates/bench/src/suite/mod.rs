//! Runs the planned benchmarks and turns their samples into table rows.
//!
//! # Layout
//! - this file: the plan's order, the chat engine's rows (P1–P6) and the
//!   helpers every row uses.
//! - `sms`: the SMS channel's rows (S1–S3).
//! - `files`: files through the broker (F1–F3).

mod files;
mod sms;

use std::path::Path;
use std::time::Duration;

use tether_testbed::{Mosquitto, MosquittoOptions};

use crate::cpu_use::{CpuUse, Part};
use crate::error::BenchError;
use crate::history::Changes;
use crate::plan::{Id, Plan, Sizes};
use crate::report::{Report, Row, Verdict};
use crate::stats::{median, percentile};
use crate::throughput::{Pair, c_rate, offline_flush, wire_len};
use crate::{history, latency, link};

/// Mosquitto with docs/deploy's `set_tcp_nodelay true` (or its default,
/// `false`), no per-packet log lines, and no cap on a client's queue (the
/// default 1000 drops QoS 1 messages to a subscriber that falls behind,
/// which the C clients' burst in P1 does).
fn options_with(tcp_nodelay: bool) -> MosquittoOptions {
    MosquittoOptions {
        log_packets: false,
        tcp_nodelay,
        max_queued_messages: Some(0),
        ..MosquittoOptions::default()
    }
}

fn broker_with(tcp_nodelay: bool) -> Result<Mosquitto, BenchError> {
    Mosquitto::start_with(options_with(tcp_nodelay)).map_err(BenchError::io("starting mosquitto"))
}

/// The broker as docs/deploy configures it.
fn broker() -> Result<Mosquitto, BenchError> {
    broker_with(true)
}

/// The same, keeping sessions across a restart as docs/deploy does
/// (persistence, saved every 60 s and on a clean stop).
fn persistent_broker() -> Result<Mosquitto, BenchError> {
    Mosquitto::start_with(MosquittoOptions {
        persistence: true,
        autosave_interval_secs: 60,
        ..options_with(true)
    })
    .map_err(BenchError::io("starting mosquitto"))
}

fn row(
    id: &str,
    measure: String,
    tether: String,
    baseline: String,
    target: &str,
    verdict: Verdict,
) -> Row {
    Row {
        id: id.to_owned(),
        measure,
        tether,
        baseline,
        target: target.to_owned(),
        verdict,
    }
}

/// A rate with thousands separators: 12,345 msg/s.
fn rate(r: f64) -> String {
    let n = r.round() as u64;
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out + " msg/s"
}

fn med(samples: &[f64]) -> f64 {
    median(samples).unwrap_or(f64::NAN)
}

/// Runs `plan`, reporting progress through `progress`.
pub async fn run(plan: &Plan, progress: &dyn Fn(&str)) -> Result<Report, BenchError> {
    let sizes = plan.sizes();
    let scratch = tempfile::Builder::new()
        .prefix("tether-bench-")
        .tempdir()
        .map_err(BenchError::io("making a scratch directory"))?;
    let dir = scratch.path();
    let mut report = Report::default();
    let mut p1_rate = None;
    if plan.includes(Id::P1) || plan.includes(Id::P2) {
        let broker = broker()?;
        let pair = Pair::connected(&broker.url(), &dir.join("p1")).await?;
        if plan.includes(Id::P1) {
            progress("P1: throughput");
            let (rows, t) = p1(&broker, &pair, &sizes).await?;
            p1_rate = Some(t);
            report.rows.extend(rows);
        }
        if plan.includes(Id::P2) {
            progress("P2: latency at a steady rate");
            report.rows.push(p2(&broker, &pair, &sizes, "").await?);
        }
        pair.alice.client.shutdown().await;
        pair.bob.client.shutdown().await;
    }
    if plan.includes(Id::P2) {
        // The same on Mosquitto's defaults, to show what the setting is for.
        progress("P2: latency on a Mosquitto with Nagle's algorithm on");
        let broker = broker_with(false)?;
        let pair = Pair::connected(&broker.url(), &dir.join("p2-nagle")).await?;
        let mut row = p2(
            &broker,
            &pair,
            &sizes,
            ", broker with set_tcp_nodelay false",
        )
        .await?;
        row.verdict = Verdict::Info;
        row.target = "— (docs/deploy sets it true)".into();
        report.rows.push(row);
        pair.alice.client.shutdown().await;
        pair.bob.client.shutdown().await;
    }
    if plan.includes(Id::P3) {
        progress("P3: dead link");
        report.rows.push(p3(&sizes, &dir.join("p3")).await?);
    }
    if plan.includes(Id::P4) {
        progress("P4: broker restart");
        report.rows.extend(p4(&sizes, &dir.join("p4")).await?);
    }
    if plan.includes(Id::P5) {
        progress("P5: offline backlog");
        report.rows.push(p5(&sizes, p1_rate, dir).await?);
    }
    if plan.includes(Id::P6) {
        let mut start_ups = Vec::new();
        for &size in &sizes.p6_sizes {
            progress(&format!("P6: history of {size} messages"));
            let (rows, start_up) = p6(&sizes, size, Changes::None, &dir.join("p6")).await?;
            start_ups.push((report.rows.len() + rows.len() - 1, start_up));
            report.rows.extend(rows);
        }
        judge_start_ups(&mut report, &start_ups);
        for &size in &sizes.p6_sizes {
            progress(&format!(
                "P6: history of {size} messages, edited and reacted to"
            ));
            let changes = Changes::EditedAndReacted;
            let (rows, _) = p6(&sizes, size, changes, &dir.join("p6")).await?;
            // Start-up reads no message: its row says nothing new here.
            report.rows.extend(rows.into_iter().take(2));
        }
    }
    if plan.includes(Id::S1) {
        for delay in [Duration::ZERO, Duration::from_millis(5)] {
            progress(&format!(
                "S1: SMS throughput, gateway answering after {delay:?}"
            ));
            report
                .rows
                .extend(sms::s1(&sizes, delay, &dir.join("s1")).await?);
        }
    }
    if plan.includes(Id::S2) {
        progress("S2: SMS while the gateway is killed");
        report.rows.push(sms::s2(&sizes, &dir.join("s2")).await?);
    }
    if plan.includes(Id::S3) {
        progress("S3: a dead SMS link");
        report.rows.push(sms::s3(&sizes, &dir.join("s3")).await?);
    }
    if plan.includes(Id::F1) {
        progress("F1: a large file");
        report.rows.push(files::f1(&sizes, dir).await?);
    }
    if plan.includes(Id::F2) {
        progress("F2: memory while a file goes");
        report.rows.push(files::f2(&sizes, dir).await?);
    }
    if plan.includes(Id::F3) {
        progress("F3: chat latency while files go");
        report.rows.push(files::f3(&sizes, dir).await?);
    }
    Ok(report)
}

/// P1's rate, and where its CPU time went (an information row: on one
/// machine, the two clients and the broker share its cores).
async fn p1(broker: &Mosquitto, pair: &Pair, sizes: &Sizes) -> Result<(Vec<Row>, f64), BenchError> {
    let n = sizes.p1_messages;
    let len = wire_len(&pair.alice);
    let (port, broker_pid) = (broker.port(), broker.pid());
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let (mut our_cpu, mut their_cpu) = (CpuUse::default(), CpuUse::default());
    for run in 0..sizes.runs {
        let (rate, cpu) = pair.tether_rate(n, broker_pid).await?;
        ours.push(rate);
        our_cpu.absorb(cpu);
        let (rate, cpu) =
            tokio::task::spawn_blocking(move || c_rate(port, broker_pid, n, len, run))
                .await
                .map_err(|_| BenchError::Setup("the baseline panicked".into()))??;
        theirs.push(rate);
        their_cpu.absorb(cpu);
    }
    let (t, b) = (med(&ours), med(&theirs));
    let speed = row(
        "P1",
        format!("msgs/s A → broker → B, QoS 1, {n} msgs of {len} B, outbox + history both sides"),
        format!("{} ({:.2}×)", rate(t), t / b),
        format!("mosquitto_pub -l → mosquitto_sub: {}", rate(b)),
        "≥ 1.0× baseline",
        Verdict::from_bool(t >= b),
    );
    let (alice, bob) = (
        format!("engine-{}", pair.alice.user),
        format!("engine-{}", pair.bob.user),
    );
    let engines = [
        Part {
            thread_name: &alice,
            label: "alice's engine",
        },
        Part {
            thread_name: &bob,
            label: "bob's engine",
        },
        Part {
            thread_name: "store-checkpoint",
            label: "WAL checkpoints",
        },
    ];
    let cpu = row(
        "P1",
        "CPU time per message over those runs (whole machine)".to_owned(),
        our_cpu.per_message(&engines),
        format!("C clients: {}", their_cpu.per_message(&[])),
        "—",
        Verdict::Info,
    );
    Ok((vec![speed, cpu], t))
}

async fn p2(broker: &Mosquitto, pair: &Pair, sizes: &Sizes, note: &str) -> Result<Row, BenchError> {
    let count = (sizes.p2_rate * sizes.p2_seconds) as usize;
    let (rate_hz, len, port) = (sizes.p2_rate, wire_len(&pair.alice), broker.port());
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for run in 0..sizes.runs {
        ours.push(latency::tether(pair, rate_hz, count).await?);
        theirs.push(
            tokio::task::spawn_blocking(move || latency::c_clients(port, rate_hz, count, len, run))
                .await
                .map_err(|_| BenchError::Setup("the baseline panicked".into()))??,
        );
    }
    // Per run p50 and p99, then the median over runs.
    let summary = |runs: &[Vec<f64>]| {
        let p = |q: f64| {
            med(&runs
                .iter()
                .filter_map(|r| percentile(r, q))
                .collect::<Vec<_>>())
        };
        (p(50.0), p(99.0))
    };
    let ((t50, t99), (b50, b99)) = (summary(&ours), summary(&theirs));
    Ok(row(
        "P2",
        format!("one-way latency p50 / p99 at {rate_hz} msg/s ({count} msgs per run{note})"),
        format!("{t50:.2} / {t99:.2} ms"),
        format!("C clients: {b50:.2} / {b99:.2} ms"),
        "p99 ≤ baseline + 2 ms",
        Verdict::from_bool(t99 <= b99 + 2.0),
    ))
}

async fn p3(sizes: &Sizes, dir: &Path) -> Result<Row, BenchError> {
    let broker = broker()?;
    let k = sizes.keep_alive;
    let ours = link::dead_link_tether(&broker, k, sizes.runs, dir).await?;
    let theirs = link::dead_link_rumqttc(&broker, k, sizes.runs).await?;
    let worst_of = |xs: &[f64]| xs.iter().copied().fold(0.0_f64, f64::max);
    let worst = worst_of(&ours);
    let limit = 1.5 * f64::from(k);
    Ok(row(
        "P3",
        format!("dead link (black-holed TCP) → offline, keep-alive {k} s"),
        format!("{:.2} s (worst {worst:.2} s)", med(&ours)),
        format!(
            "keep-alive {k} s; rumqttc alone {:.2} s (worst {:.2} s)",
            med(&theirs),
            worst_of(&theirs)
        ),
        "≤ 1.5× keep-alive (worst case)",
        Verdict::from_bool(worst <= limit),
    ))
}

async fn p4(sizes: &Sizes, dir: &Path) -> Result<Vec<Row>, BenchError> {
    let mut broker = broker()?;
    let mut rows = Vec::new();
    for &outage in &sizes.outages {
        let samples = link::broker_back(&mut broker, outage, sizes.outage_runs, dir).await?;
        let p50 = med(&samples);
        rows.push(row(
            "P4",
            format!(
                "broker back after a {} s outage → connected ({} runs)",
                outage.as_secs(),
                samples.len()
            ),
            format!("p50 {p50:.2} s"),
            "—".into(),
            "≤ 1 s p50 after the broker is back",
            Verdict::from_bool(p50 <= 1.0),
        ));
    }
    Ok(rows)
}

async fn p5(sizes: &Sizes, p1_rate: Option<f64>, dir: &Path) -> Result<Row, BenchError> {
    let mut broker = persistent_broker()?;
    let n = sizes.p5_messages;
    let (mut rates, mut ordered) = (Vec::new(), true);
    for run in 0..sizes.runs {
        let (r, in_order) = offline_flush(&mut broker, n, &dir.join(format!("p5-{run}"))).await?;
        rates.push(r);
        ordered &= in_order;
    }
    let r = med(&rates);
    let (baseline, verdict) = match p1_rate {
        Some(p1) => (
            format!("P1 rate {}", rate(p1)),
            Verdict::from_bool(ordered && r >= 0.9 * p1),
        ),
        None => (
            "P1 not run".to_owned(),
            // Without the P1 rate a pass is only informative.
            if ordered {
                Verdict::Info
            } else {
                Verdict::Missed
            },
        ),
    };
    Ok(row(
        "P5",
        format!("{n} messages queued offline, flushed after reconnect"),
        format!(
            "{}, order {}",
            rate(r),
            if ordered { "kept" } else { "BROKEN" }
        ),
        baseline,
        "same rate (≥ 0.9× P1), order kept",
        verdict,
    ))
}

/// Start-up is flat if at every size it is within 1.5× (+5 ms of noise) of
/// the smallest history's; with one size there is nothing to compare.
fn judge_start_ups(report: &mut Report, start_ups: &[(usize, f64)]) {
    let Some(&(_, smallest)) = start_ups.first() else {
        return;
    };
    if start_ups.len() < 2 {
        return;
    }
    for &(index, ms) in start_ups {
        if let Some(row) = report.rows.get_mut(index) {
            row.verdict = Verdict::from_bool(ms <= smallest * 1.5 + 5.0);
        }
    }
}

async fn p6(
    sizes: &Sizes,
    size: usize,
    changes: Changes,
    dir: &Path,
) -> Result<(Vec<Row>, f64), BenchError> {
    std::fs::create_dir_all(dir).map_err(BenchError::io("making the P6 directory"))?;
    let times = history::measure(dir, size, sizes.p6_queries, sizes.p6_start_ups, changes).await?;
    let p95 = |xs: &[f64]| percentile(xs, 95.0).unwrap_or(f64::NAN);
    let label = match size {
        s if s >= 1_000_000 && s.is_multiple_of(1_000_000) => format!("{}M", s / 1_000_000),
        s if s >= 1_000 && s.is_multiple_of(1_000) => format!("{}k", s / 1_000),
        s => s.to_string(),
    };
    let label = match changes {
        Changes::None => label,
        Changes::EditedAndReacted => format!("{label}, 10% edited, 30% reacted to"),
    };
    let context = format!("filled in {:.1} s", times.fill_secs);
    let start_up = med(&times.start_up);
    let rows = vec![
        row(
            "P6",
            format!(
                "history {label}: open a chat (latest 50), p95 of {}",
                times.open_chat.len()
            ),
            format!(
                "{:.2} ms (p50 {:.2})",
                p95(&times.open_chat),
                med(&times.open_chat)
            ),
            context.clone(),
            "≤ 10 ms",
            Verdict::from_bool(p95(&times.open_chat) <= 10.0),
        ),
        row(
            "P6",
            format!(
                "history {label}: full-text search, p95 of {}",
                times.search.len()
            ),
            format!(
                "{:.2} ms (p50 {:.2})",
                p95(&times.search),
                med(&times.search)
            ),
            context.clone(),
            "≤ 50 ms",
            Verdict::from_bool(p95(&times.search) <= 50.0),
        ),
        row(
            "P6",
            format!(
                "history {label}: client start-up to conversation list, median of {}",
                times.start_up.len()
            ),
            format!("{start_up:.1} ms"),
            context,
            "flat in history size",
            Verdict::Info,
        ),
    ];
    Ok((rows, start_up))
}
