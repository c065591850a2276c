//! Tether's benchmarks. Each starts its own Mosquitto on a free port and
//! measures the real engine (SQLite store on disk, durable outbox, the
//! same `Client` the app and the CLI use) side by side with a baseline
//! taken in the same run: Mosquitto's C clients, the keep-alive, or
//! rumqttc on its own. Every figure is the median of several runs (but
//! P1's CPU time, summed over its runs).
//!
//! `tether-bench` (src/main.rs) runs them and prints the table; `make bench` also writes
//! it into docs/BENCHMARKS.md. `--quick` runs each on a tiny size, which
//! is what `make test` checks: they work, not how fast.
//!
//! # Layout
//! - `plan`: which benchmarks, at which sizes (full or quick).
//! - `suite`: runs them and turns samples into table rows and verdicts.
//! - `throughput` (P1, P5), `latency` (P2), `link` (P3, P4),
//!   `history` (P6), `files` (F1–F3): the measurements.
//! - `peer`: a Tether client as a benchmark drives it.
//! - `c_clients`: the `mosquitto_pub` / `mosquitto_sub` baseline.
//! - `cpu_use`: where P1's CPU time went, per message.
//! - `stats`, `report`, `machine`: medians, the table, the machine.

mod c_clients;
mod cpu_use;
mod error;
mod files;
mod history;
mod latency;
mod link;
mod machine;
pub mod peer;
mod plan;
mod report;
mod sms;
pub mod stats;
mod suite;
mod throughput;

pub use error::BenchError;
pub use machine::Machine;
pub use plan::{Id, Plan, UnknownBenchmark};
pub use report::{ENGINE_SECTION, Report, Row, SMS_SECTION, Verdict};
pub use suite::run;
