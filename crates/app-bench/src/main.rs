//! `tether-app-bench`: benchmarks of the desktop app itself, the ones
//! `tether-bench` cannot reach because they need the window: P7 (receiving
//! a steady stream in the open chat: UI stalls and memory growth) and P8
//! (start to interactive, idle memory of the app with its WebKit
//! processes). The real release app runs under Xvfb with a session bus and
//! keyring (the e2e tests' desktop), driven over WebDriver, against its own
//! Mosquitto; bob is a Tether client in this process.
//!
//! Prints a table and with `--out` writes it into docs/BENCHMARKS.md
//! between its own markers (the engine's section is left as it is).
//! `--quick` runs each once on a tiny size: `make test` checks that they
//! work, not how fast.
//!
//! # Layout
//! - `scene`: broker, desktop, alice's remembered profile, bob.
//! - `start` (P8), `load` (P7): the measurements.
//! - `procs`: memory of the app's process tree from /proc.
//! - `error`: what can stop a benchmark.

mod error;
mod load;
mod procs;
mod scene;
mod start;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use tether_bench::stats::{median, ms};
use tether_bench::{Machine, Report, Row, Verdict};

use crate::error::AppBenchError;
use crate::load::{Stream, Traffic};
use crate::procs::Memory;
use crate::scene::Scene;

/// The section of docs/BENCHMARKS.md this binary writes.
const SECTION: &str = "desktop app";

#[derive(Debug, Parser)]
#[command(about = "Benchmarks of the Tether desktop app (P7, P8)")]
struct Args {
    /// One run of each on a tiny size (shows they work, not how fast).
    #[arg(long)]
    quick: bool,
    /// Starts to measure for P8 (the median is reported).
    #[arg(long, conflicts_with = "stream_only")]
    runs: Option<usize>,
    /// Write the table into this Markdown file, between its markers.
    #[arg(long)]
    out: Option<PathBuf>,
    /// P8 only (start and idle memory), skipping the minute-long P7: for
    /// working on start-up. Never written into the document.
    #[arg(long, conflicts_with = "out")]
    start_only: bool,
    /// P7 only (the stream), skipping P8's starts: for working on the app
    /// under load. Never written into the document.
    #[arg(long, conflicts_with_all = ["out", "start_only"])]
    stream_only: bool,
}

/// What one invocation measures.
struct Plan {
    starts: usize,
    idle: Duration,
    history: usize,
    stream: Stream,
}

impl Plan {
    fn new(args: &Args) -> Plan {
        let (starts, idle, history, stream) = if args.quick {
            (
                1,
                1,
                20,
                Stream {
                    rate: 100,
                    seconds: 2,
                },
            )
        } else {
            (
                5,
                10,
                1_000,
                Stream {
                    rate: 1_000,
                    seconds: 60,
                },
            )
        };
        Plan {
            starts: args.runs.unwrap_or(starts).max(1),
            idle: Duration::from_secs(idle),
            history,
            stream,
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("tether-app-bench: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tether-app-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// P8: the starts, then WebKit's floor; prints their rows and returns them.
async fn measure_start(scene: &Scene, plan: &Plan) -> Result<Vec<Row>, AppBenchError> {
    let mut starts = Vec::new();
    for run in 1..=plan.starts {
        eprintln!("… P8 start {run}/{}", plan.starts);
        let sample = start::cold_start(scene, plan.idle).await?;
        eprintln!(
            "  interactive {:.0} ms after the process started; WebDriver saw it after {:.0} ms (its session after {:.0} ms)",
            ms(sample.from_process),
            ms(sample.to_interactive),
            ms(sample.to_session)
        );
        starts.push(sample);
    }
    eprintln!("… P8 baseline: WebKit's MiniBrowser on an empty page");
    let empty = start::webkit_floor(scene, plan.idle, start::EMPTY_PAGE).await?;
    eprintln!("… P8 baseline: WebKit's MiniBrowser on a page of one line of script");
    let scripted = start::webkit_floor(scene, plan.idle, start::ONE_LINE_OF_SCRIPT).await?;
    let p8 = start_rows(&starts, [empty, scripted], plan.idle);
    // Shown now: P7 is long, and a reader should not wait for P8.
    eprint!("{}", Report { rows: p8.clone() }.table());
    Ok(p8)
}

async fn run(args: &Args) -> Result<(), AppBenchError> {
    let plan = Plan::new(args);
    let machine = Machine::read();
    eprintln!("tether-app-bench on {}", machine.describe());
    eprintln!(
        "… setting up (broker, desktop, {} messages of history)",
        plan.history
    );
    let scene = Scene::start(plan.history).await?;
    let p8 = if args.stream_only {
        Vec::new()
    } else {
        measure_start(&scene, &plan).await?
    };
    if args.start_only {
        return Ok(());
    }
    let mut rows = p8;
    for traffic in [
        Traffic::Messages,
        Traffic::EditedAndReacted,
        Traffic::Reactions,
    ] {
        eprintln!(
            "… P7 receiving {} {} for {} s",
            plan.stream.rate,
            traffic.unit(),
            plan.stream.seconds
        );
        let load = load::receive_stream(&scene, plan.stream, traffic).await?;
        let trace: Vec<String> = load.rss_trace.iter().map(|m| format!("{m:.0}")).collect();
        eprintln!("… RSS every 5 s of the stream (MB): {}", trace.join(" "));
        rows.extend(load_rows(&load, plan.stream, traffic));
    }
    let report = Report { rows };
    print!("{}", report.table());
    if let Some(path) = &args.out {
        report.write_into(path, SECTION, &machine, &command_line(args))?;
        eprintln!("written into {}", path.display());
    }
    Ok(())
}

/// P8's rows; `floors` are MiniBrowser's memory on an empty page and on a
/// page of one line of script.
fn start_rows(
    starts: &[start::StartSample],
    floors: [Option<Memory>; 2],
    idle: Duration,
) -> Vec<Row> {
    let times: Vec<f64> = starts.iter().map(|s| ms(s.from_process)).collect();
    let seen: Vec<f64> = starts.iter().map(|s| ms(s.to_interactive)).collect();
    let pss_samples: Vec<f64> = starts.iter().map(|s| s.idle.pss_mib()).collect();
    let parts = starts
        .first()
        .map(|s| s.idle.pss_parts())
        .unwrap_or_default();
    let (Some(time), Some(seen_time), Some(pss)) =
        (median(&times), median(&seen), median(&pss_samples))
    else {
        return Vec::new();
    };
    let spread = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(0.0, f64::max);
        format!("{lo:.0}–{hi:.0}")
    };
    vec![
        Row {
            id: "P8".into(),
            measure: format!(
                "start to interactive (process start → chat list drawn, signed in), median of {}",
                starts.len()
            ),
            tether: format!(
                "{time:.0} ms ({} ms); as WebDriver saw it: {seen_time:.0} ms ({} ms)",
                spread(&times),
                spread(&seen)
            ),
            baseline: "—".into(),
            target: "≤ 500 ms".into(),
            verdict: Verdict::from_bool(time <= 500.0),
        },
        Row {
            id: "P8".into(),
            measure: format!(
                "idle memory after {} s: PSS of app + WebKit processes",
                idle.as_secs()
            ),
            tether: format!(
                "{pss:.0} MB ({} MB; first run: {parts})",
                spread(&pss_samples)
            ),
            baseline: match floors {
                [Some(empty), Some(scripted)] => format!(
                    "WebKit's MiniBrowser, empty page: {:.0} MB ({}); a page of one line of script: {:.0} MB ({})",
                    empty.pss_mib(),
                    empty.pss_parts(),
                    scripted.pss_mib(),
                    scripted.pss_parts()
                ),
                _ => "— (no MiniBrowser here)".into(),
            },
            target: "≤ 200 MB".into(),
            verdict: Verdict::from_bool(pss <= 200.0),
        },
    ]
}

fn load_rows(load: &load::LoadSample, stream: Stream, traffic: Traffic) -> Vec<Row> {
    let planned = Duration::from_secs(u64::from(stream.seconds));
    // Without frames there is nothing to judge (the probe did not run).
    let measured = load.streaming.frames > u64::from(stream.seconds) * 5;
    let growth = load.after.rss_mib() - load.before.rss_mib();
    vec![
        Row {
            id: "P7".into(),
            measure: format!(
                "longest frame gap, {} {} for {} s into the open chat",
                stream.rate,
                traffic.unit(),
                stream.seconds
            ),
            tether: frames(&load.streaming),
            baseline: format!("at rest: {}", frames(&load.idle)),
            target: "no stall > 100 ms".into(),
            verdict: if measured {
                Verdict::from_bool(load.streaming.longest_gap_ms <= 100.0)
            } else {
                Verdict::Info
            },
        },
        Row {
            id: "P7".into(),
            measure: format!(
                "RSS growth of app + WebKit over that stream ({})",
                traffic.unit()
            ),
            tether: format!(
                "{growth:+.0} MB ({:.0} → {:.0} MB; {})",
                load.before.rss_mib(),
                load.after.rss_mib(),
                load.after.rss_growth_parts(&load.before)
            ),
            baseline: "—".into(),
            target: "≤ 50 MB".into(),
            verdict: Verdict::from_bool(growth <= 50.0),
        },
        Row {
            id: "P7".into(),
            measure: format!(
                "last {} on screen after it was sent (sending took)",
                match traffic {
                    Traffic::Reactions => "reaction",
                    _ => "message",
                }
            ),
            tether: format!(
                "{} ({:.1} s for {:.0} s planned)",
                match load.last_shown_after {
                    Some(after) => format!("{:.0} ms", ms(after)),
                    None => format!("not within {} s", load::SHOWN_WITHIN.as_secs()),
                },
                load.sending.as_secs_f64(),
                planned.as_secs_f64()
            ),
            baseline: "—".into(),
            target: "—".into(),
            // Falling behind the stream is a stall, whatever the frames say.
            verdict: match load.last_shown_after {
                Some(_) => Verdict::Info,
                None => Verdict::Missed,
            },
        },
        Row {
            id: "P7".into(),
            measure: format!(
                "CPU while sending {} (everything shares the machine)",
                traffic.unit()
            ),
            tether: load.cpu.clone(),
            baseline: "—".into(),
            target: "—".into(),
            verdict: Verdict::Info,
        },
    ]
}

fn frames(f: &load::Frames) -> String {
    format!(
        "{:.0} ms ({} gaps > 100 ms; {:.0} frames/s)",
        f.longest_gap_ms,
        f.stalls,
        f.per_second()
    )
}

/// How to reproduce this run, as the document states it.
fn command_line(args: &Args) -> String {
    if args.quick {
        return "tether-app-bench --quick".into();
    }
    match args.runs {
        Some(runs) => format!("tether-app-bench --runs {runs}"),
        None => "make bench".into(),
    }
}
