//! `tether bench`: runs the benchmark suite, prints its table, and with
//! `--out` writes it into a Markdown file.

use tether_bench::{ENGINE_SECTION, Machine, Plan, Verdict};

use crate::args::BenchArgs;
use crate::failure::CliError;

pub async fn run(args: BenchArgs) -> Result<(), CliError> {
    let plan = Plan {
        quick: args.quick,
        runs: args.runs,
        only: args.only.clone(),
    };
    let machine = Machine::read();
    eprintln!("tether bench on {}", machine.describe());
    let report = tether_bench::run(&plan, &|step| eprintln!("… {step}")).await?;
    print!("{}", report.table());
    if let Some(path) = &args.out {
        report.write_into(path, ENGINE_SECTION, &machine, &command_line(&args))?;
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
        line = String::from("tether bench");
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
