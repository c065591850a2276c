//! Other processes: stopping a child gracefully, listing running ones, and
//! finding one by its executable and one variable of its environment (how
//! tests and benchmarks tell their app, and its WebKit processes, from
//! others).

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Stops `child` with SIGTERM, so it can clean up (a broker saves its
/// database, Xvfb removes its lock file); SIGKILL if it is still running
/// after `grace`. Already exited is fine: the goal is "not running".
pub fn terminate(child: &mut Child, grace: Duration) -> io::Result<()> {
    // std cannot send SIGTERM and this crate avoids libc, so use kill(1).
    let termed = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if termed {
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    let _ = child.kill();
    child.wait()?;
    Ok(())
}

/// The first running process whose executable `exe_matches` and whose
/// environment has `variable` (`NAME=value`, exactly).
pub fn find_process(
    exe_matches: impl Fn(&Path) -> bool,
    variable: &str,
) -> io::Result<Option<u32>> {
    for pid in pids()? {
        // A process may end, or belong to another user, between listing
        // and reading: skip it.
        if exe(pid).is_some_and(|exe| exe_matches(&exe))
            && environment(pid).iter().any(|v| v == variable)
        {
            return Ok(Some(pid));
        }
    }
    Ok(None)
}

/// Every running process's id, as `/proc` lists them.
pub fn pids() -> io::Result<Vec<u32>> {
    Ok(std::fs::read_dir("/proc")?
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect())
}

/// What `/proc/<pid>/exe` points at.
pub fn exe(pid: u32) -> Option<PathBuf> {
    std::fs::read_link(format!("/proc/{pid}/exe")).ok()
}

/// `pid`'s environment, one `NAME=value` each; empty if it cannot be read.
pub fn environment(pid: u32) -> Vec<String> {
    std::fs::read(format!("/proc/{pid}/environ"))
        .unwrap_or_default()
        .split(|&b| b == 0)
        .filter(|v| !v.is_empty())
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_child_by_its_environment_then_stops_it() {
        let marker = format!("TESTBED_MARKER={}", std::process::id());
        let (name, value) = marker.split_once('=').unwrap();
        let mut child = Command::new("sleep")
            .arg("30")
            .env(name, value)
            .spawn()
            .unwrap();
        // Until the child has exec'd, /proc shows the forked test binary,
        // and for a moment after, an empty environment.
        let deadline = Instant::now() + Duration::from_secs(5);
        let sleep = loop {
            match exe(child.id()) {
                Some(e) if e.ends_with("sleep") && !environment(child.id()).is_empty() => break e,
                _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
                other => panic!("sleep never started: {other:?}"),
            }
        };
        let found = find_process(|e| e == sleep, &marker).unwrap();
        assert_eq!(found, Some(child.id()));
        assert!(environment(child.id()).contains(&marker));
        assert_eq!(
            find_process(|e| e.ends_with("no-such-binary"), &marker).unwrap(),
            None
        );

        let started = Instant::now();
        terminate(&mut child, Duration::from_secs(5)).unwrap();
        // `sleep` ends on SIGTERM at once: no wait for the SIGKILL.
        assert!(started.elapsed() < Duration::from_secs(4));
        assert!(child.try_wait().unwrap().is_some());
        assert_eq!(find_process(|e| e == sleep, &marker).unwrap(), None);
    }
}
