//! `tether-bench`: runs the engine's benchmark suite against a Mosquitto
//! of its own (needs mosquitto and mosquitto-clients), prints its table,
//! and with `--out` writes it into a Markdown file.
//!
//! A binary of its own, so the `tether` command and the app ship without
//! the benchmarks and the test bed they run on.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use tether_bench::{BenchError, ENGINE_SECTION, Id, Machine, Plan, SMS_SECTION, Verdict};

#[derive(Debug, Parser)]
#[command(name = "tether-bench", version, about = "Tether's engine benchmarks.")]
struct BenchArgs {
    /// Tiny sizes: checks that every benchmark works, in well under a minute.
    #[arg(long)]
    quick: bool,
    /// Runs per figure (the median is reported).
    #[arg(long)]
    runs: Option<usize>,
    /// Only these benchmarks (P1 … P6, S1 … S3); all by default.
    #[arg(long, value_delimiter = ',')]
    only: Vec<Id>,
    /// Also write the table into this Markdown file, between its markers
    /// (the rest of the file is kept), e.g. docs/BENCHMARKS.md.
    #[arg(long)]
    out: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = BenchArgs::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TETHER_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tether-bench: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tether-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: BenchArgs) -> Result<(), BenchError> {
    let plan = Plan {
        quick: args.quick,
        runs: args.runs,
        only: args.only.clone(),
    };
    let machine = Machine::read();
    eprintln!("tether-bench on {}", machine.describe());
    let report = tether_bench::run(&plan, &|step| eprintln!("… {step}")).await?;
    print!("{}", report.table());
    if let Some(path) = &args.out {
        // Each section is written only when this run has rows for it, so
        // `--only S1,S2,S3` leaves the chat engine's table as it was.
        for section in [ENGINE_SECTION, SMS_SECTION] {
            let part = report.section(section);
            if !part.rows.is_empty() {
                part.write_into(path, section, &machine, &command_line(&args))?;
            }
        }
        eprintln!("written into {}", path.display());
    }
    let missed = report
        .rows
        .iter()
        .filter(|r| r.verdict == Verdict::Missed)
        .count();
    if missed > 0 {
        // A missed target is a finding, not a failure of the command.
        eprintln!("{missed} target(s) missed");
    }
    Ok(())
}

/// How to reproduce this run, as the document states it.
fn command_line(args: &BenchArgs) -> String {
    let mut line = String::from("make bench");
    if args.quick || args.runs.is_some() || !args.only.is_empty() {
        line = String::from("tether-bench");
        if args.quick {
            line.push_str(" --quick");
        }
        if let Some(runs) = args.runs {
            line.push_str(&format!(" --runs {runs}"));
        }
        if !args.only.is_empty() {
            let ids: Vec<String> = args.only.iter().map(|id| format!("{id:?}")).collect();
            line.push_str(&format!(" --only {}", ids.join(",")));
        }
    }
    line
}
