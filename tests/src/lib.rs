//! Test harness for Tether's cross-component tests.
//!
//! Every test gets its own real `mosquitto` process on a free port
//! ([`Mosquitto`]), can put a misbehaving network in front of it
//! ([`BlackHoleProxy`]), can talk to the broker directly ([`RawClient`])
//! and can drive the real `tether` binary ([`tether_bin`]). Nothing here
//! uses a fixed port, so tests may run in parallel.
//!
//! The harness returns `io::Result` instead of panicking so that a failing
//! set-up says *what* failed (the broker log is included in errors) rather
//! than pointing at a line inside the harness.

pub mod desktop;
pub mod raw_mqtt;
pub mod tray_host;

use std::io;
use std::path::{Path, PathBuf};

pub use raw_mqtt::{LinkEvent, RawClient, raw_options};
/// The broker and network parts are shared with the benchmarks.
pub use tether_testbed::{
    BlackHoleProxy, MOSQUITTO_LOG_FILE, Mosquitto, MosquittoOptions, free_port, mosquitto_passwd,
    process,
};

/// Path of the built `tether` CLI binary, for tests that run it as a process.
///
/// Cargo only provides `CARGO_BIN_EXE_<name>` to tests of the crate that
/// owns the binary, and this crate cannot depend on a binary crate, so the
/// binary is found next to the test executable instead:
/// `…/target/debug/deps/<test>-<hash>` → `…/target/debug/tether`.
/// The binary must be built first; `make test` runs
/// `cargo build -p tether-cli` before `cargo test` for exactly this reason.
///
/// `TETHER_BIN` overrides the lookup (e.g. to test an installed binary).
/// The path is not checked; use [`require_tether_bin`] for a clear error.
pub fn tether_bin() -> PathBuf {
    if let Some(explicit) = std::env::var_os("TETHER_BIN") {
        return PathBuf::from(explicit);
    }
    let name = format!("tether{}", std::env::consts::EXE_SUFFIX);
    // The profile directory (debug/release, maybe under a target triple) is
    // the parent of `deps`, where cargo puts test executables.
    if let Ok(exe) = std::env::current_exe()
        && let Some(deps) = exe.parent()
    {
        let profile_dir = if deps.file_name().is_some_and(|n| n == "deps") {
            deps.parent()
        } else {
            Some(deps)
        };
        if let Some(dir) = profile_dir {
            return dir.join(&name);
        }
    }
    // Fallback for unusual runners: trust CARGO_TARGET_DIR, else the
    // workspace's default target dir.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    target.join("debug").join(name)
}

/// Like [`tether_bin`], but fails with instructions if it was not built.
pub fn require_tether_bin() -> io::Result<PathBuf> {
    let bin = tether_bin();
    if bin.is_file() {
        Ok(bin)
    } else {
        Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!(
                "tether binary not found at {}; run `cargo build -p tether-cli` \
                 first (`make test` does this)",
                bin.display()
            ),
        ))
    }
}

/// Root of the Cargo workspace (the parent of this `tests` crate), for
/// reaching files such as `docs/deploy/acl`.
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}
