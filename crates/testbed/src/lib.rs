//! Real parts for tests and benchmarks: a `mosquitto` process on a free
//! port in its own tempdir ([`Mosquitto`]), a TCP proxy that can turn a
//! live link into a black hole ([`BlackHoleProxy`]), and an SMS gateway
//! speaking CMPP ([`ismg::Ismg`]).
//!
//! Nothing here uses a fixed port, so tests may run in parallel. Errors are
//! `io::Result`s that say what failed (the broker log is included), rather
//! than panics pointing inside the harness.
//!
//! # Layout
//! - [`ismg`]: the SMS gateway simulator (CMPP 2.0 and 3.0).
//! - `cpu`: CPU time per process, per thread and for the machine, from
//!   `/proc` (benchmarks report where the time went).
//! - `mosquitto`: configuring, starting, stopping and restarting a broker.
//! - `process`: stopping a child gracefully; finding a process by its
//!   executable and environment.
//! - `proxy`: the black-hole proxy.
//! - this file: free ports and `mosquitto_passwd`.

pub mod cpu;
pub mod ismg;
mod mosquitto;
pub mod process;
mod proxy;

use std::io;
use std::net::{Ipv4Addr, TcpListener};
use std::path::Path;
use std::process::Command;

pub use mosquitto::{MOSQUITTO_LOG_FILE, Mosquitto, MosquittoOptions};
pub use proxy::BlackHoleProxy;

/// A TCP port on 127.0.0.1 that was free a moment ago.
///
/// The port is released before returning, so another process could take it
/// in between; [`Mosquitto::start`] copes with that by retrying on a new
/// port. Returns 0 only if the OS refuses to hand out an ephemeral port,
/// which later binds will then report loudly.
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap_or(0)
}

/// Adds (or replaces) `user` with `password` in a Mosquitto password file,
/// creating the file if needed, by running `mosquitto_passwd -b`.
pub fn mosquitto_passwd(file: &Path, user: &str, password: &str) -> io::Result<()> {
    // `-b` refuses to open a missing file and `-c` would truncate an
    // existing one, so make sure the file exists and always use `-b`.
    if !file.exists() {
        std::fs::File::create(file)?;
    }
    let output = Command::new("mosquitto_passwd")
        .arg("-b")
        .arg(file)
        .arg(user)
        .arg(password)
        .output()
        .map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("running mosquitto_passwd (install mosquitto, see `make deps`): {e}"),
            )
        })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "mosquitto_passwd -b {} {user} failed ({}): {}",
            file.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )))
    }
}
