//! The SMS channel's rows: S1 (throughput on one link, durable, beside a
//! bare sender and the window bound), S2 (a gateway killed while texts
//! flow), S3 (a dead link found).

use std::path::Path;
use std::time::Duration;

use super::{med, rate, row};
use crate::cpu_use::{CpuUse, Part};
use crate::error::BenchError;
use crate::plan::Sizes;
use crate::report::{Row, Verdict};
use crate::sms::{self, Queued};

pub(super) async fn s1(sizes: &Sizes, delay: Duration, dir: &Path) -> Result<Vec<Row>, BenchError> {
    // At once, a run is short: more messages for its CPU figure to hold.
    let n = if delay.is_zero() {
        sizes.s1_fast_messages
    } else {
        sizes.s1_messages
    };
    let (mut ours, mut theirs, mut with_api) = (Vec::new(), Vec::new(), Vec::new());
    let (mut our_cpu, mut their_cpu) = (CpuUse::default(), CpuUse::default());
    for run in 0..sizes.runs {
        let dir = dir.join(format!("{run}-{}", delay.as_millis()));
        let (rate, cpu) =
            sms::durable_rate(n, delay, &dir.join("link"), Queued::BeforeTheLink).await?;
        ours.push(rate);
        our_cpu.absorb(cpu);
        let (rate, cpu) = sms::bare_rate(n, delay).await?;
        theirs.push(rate);
        their_cpu.absorb(cpu);
        if delay.is_zero() {
            let (rate, _) =
                sms::durable_rate(n, delay, &dir.join("api"), Queued::WhileLinked).await?;
            with_api.push(rate);
        }
    }
    let (t, b) = (med(&ours), med(&theirs));
    let mut baseline = format!("bare sender, same codec, no store: {}", rate(b));
    let mut met = t >= 0.9 * b;
    let mut target = "≥ 0.9× the bare sender".to_owned();
    if !delay.is_zero() {
        let bound = 16.0 / delay.as_secs_f64();
        baseline.push_str(&format!("; window bound 16/RTT: {}", rate(bound)));
        met &= t >= 0.9 * bound;
        target.push_str("; ≥ 0.9× the window bound");
    }
    let speed = row(
        "S1",
        format!(
            "SUBMITs/s on one long link, {n} SMS queued before it, durable, reports on, gateway \
             answering after {} ms",
            delay.as_millis()
        ),
        format!("{} ({:.2}×)", rate(t), t / b),
        baseline,
        &target,
        Verdict::from_bool(met),
    );
    if !delay.is_zero() {
        return Ok(vec![speed]);
    }
    // At once, the machine is the limit: where each SMS's CPU time goes.
    let simulator = Part {
        thread_name: "ismg-simulator",
        label: "gateway simulator",
    };
    let durable = [
        Part {
            thread_name: "sms-bench",
            label: "link",
        },
        Part {
            thread_name: "sms-store-bench",
            label: "store thread",
        },
        Part {
            thread_name: "store-checkpoint",
            label: "WAL checkpoints",
        },
        simulator,
    ];
    let cpu = row(
        "S1",
        "CPU time per SMS over those runs (whole machine; the rest: the benchmark's listener)"
            .to_owned(),
        our_cpu.per_message(&durable),
        format!("bare sender: {}", their_cpu.per_message(&[simulator])),
        "—",
        Verdict::Info,
    );
    let api = med(&with_api);
    let through_api = row(
        "S1",
        format!(
            "the same {n} SMS sent all at once on the live link (each `send` queued and answered \
             through the API, its events listened to, all timed)"
        ),
        format!("{} ({:.2}×)", rate(api), api / b),
        format!("bare sender, same run: {}", rate(b)),
        "—",
        Verdict::Info,
    );
    Ok(vec![speed, cpu, through_api])
}

pub(super) async fn s2(sizes: &Sizes, dir: &Path) -> Result<Row, BenchError> {
    let r = sms::survival(sizes.s2_messages, sizes.s2_kills, dir).await?;
    Ok(row(
        "S2",
        format!(
            "{} SMS with reports, the gateway killed {} times while they flow",
            r.sent, sizes.s2_kills
        ),
        format!(
            "{} lost; {} went twice, {} of them unflagged; {} of {} reports matched",
            r.lost, r.duplicated, r.unflagged, r.reports_matched, r.sent
        ),
        "—".into(),
        "0 lost; every duplicate flagged; all reports matched",
        Verdict::from_bool(r.lost == 0 && r.unflagged == 0 && r.reports_matched == r.sent),
    ))
}

pub(super) async fn s3(sizes: &Sizes, dir: &Path) -> Result<Row, BenchError> {
    let mut worst: f64 = 0.0;
    let mut bound = 0.0;
    for run in 0..sizes.runs.min(3) {
        let (took, b) = sms::dead_link(sizes, &dir.join(run.to_string())).await?;
        worst = worst.max(took);
        bound = b;
    }
    Ok(row(
        "S3",
        format!(
            "black-holed SMS link to \"reconnecting\" (C = {} s, T = 1 s, N = {}), worst of runs",
            sizes.s3_idle_secs, sizes.s3_attempts
        ),
        format!("{worst:.2} s"),
        format!("C + T × N = {bound:.0} s"),
        "≤ the bound (+ 0.25 s for timers)",
        Verdict::from_bool(worst <= bound + 0.25),
    ))
}
