//! Memory of the app as the system sees it: the `tether-app` process and
//! everything it started (WebKit's web and network processes), read from
//! `/proc/<pid>/smaps_rollup`; the CPU time each of them used; and when a
//! process started.

use std::io;
use std::path::Path;
use std::time::{Duration, SystemTime};

use tether_testbed::cpu::{self, MachineTicks};
use tether_testbed::process::pids;

/// Summed over the process tree, in kibibytes, with each process's part.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Memory {
    /// Proportional set size: shared pages split among their users, so
    /// the sum over processes is what the app costs the machine.
    pub pss_kib: u64,
    pub rss_kib: u64,
    pub processes: usize,
    pub parts: Vec<Part>,
}

/// One process of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Its command name (`tether-app`, `WebKitWebProces`…, as the kernel
    /// truncates it).
    pub name: String,
    pub pss_kib: u64,
    pub rss_kib: u64,
}

impl Memory {
    /// Each process's PSS, e.g. `tether-app 90 + WebKitWebProces 150 MB`.
    pub fn pss_parts(&self) -> String {
        let parts: Vec<String> = self
            .parts
            .iter()
            .map(|p| format!("{} {:.0}", p.name, p.pss_kib as f64 / 1024.0))
            .collect();
        format!("{} MB", parts.join(" + "))
    }

    /// How each process's RSS changed from `before` (matched by name).
    pub fn rss_growth_parts(&self, before: &Memory) -> String {
        let parts: Vec<String> = self
            .parts
            .iter()
            .map(|p| {
                let was = before
                    .parts
                    .iter()
                    .find(|b| b.name == p.name)
                    .map_or(0, |b| b.rss_kib);
                format!(
                    "{} {:+.0}",
                    p.name,
                    (p.rss_kib as f64 - was as f64) / 1024.0
                )
            })
            .collect();
        format!("{} MB", parts.join(", "))
    }

    pub fn pss_mib(&self) -> f64 {
        self.pss_kib as f64 / 1024.0
    }

    pub fn rss_mib(&self) -> f64 {
        self.rss_kib as f64 / 1024.0
    }
}

/// The running app started with `TETHER_HOME=home`, if there is one.
pub fn find_app(binary: &Path, home: &Path) -> io::Result<Option<u32>> {
    let binary = binary.canonicalize()?;
    let wanted = format!("TETHER_HOME={}", home.display());
    tether_testbed::process::find_process(|exe| exe == binary, &wanted)
}

/// `root` and all its descendants, summed.
pub fn tree_memory(root: u32) -> io::Result<Memory> {
    let mut total = Memory::default();
    for pid in tree(root)? {
        // A process may end between listing and reading: skip it.
        let Ok(rollup) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) else {
            continue;
        };
        let part = Part {
            name: name_of(pid),
            pss_kib: field_kib(&rollup, "Pss:"),
            rss_kib: field_kib(&rollup, "Rss:"),
        };
        total.pss_kib += part.pss_kib;
        total.rss_kib += part.rss_kib;
        total.processes += 1;
        total.parts.push(part);
    }
    Ok(total)
}

/// CPU time used so far by `root`, each of its descendants, and this
/// process, by command name; and the whole machine's busy and total time.
/// All in clock ticks (`/proc`'s unit).
#[derive(Debug, Clone, Default)]
pub struct CpuTimes {
    pub processes: Vec<(String, u64)>,
    pub machine: MachineTicks,
}

impl CpuTimes {
    pub fn read(root: u32) -> io::Result<CpuTimes> {
        let mut processes: Vec<(String, u64)> = tree(root)?
            .into_iter()
            .filter_map(|pid| Some((name_of(pid), cpu::process_ticks(pid)?)))
            .collect();
        let me = std::process::id();
        if let Some(ticks) = cpu::process_ticks(me) {
            processes.push(("benchmark (bob)".to_owned(), ticks));
        }
        Ok(CpuTimes {
            processes,
            machine: MachineTicks::read()?,
        })
    }

    /// Each process's share of one core between `earlier` and now, and
    /// the machine's busy share, e.g. `tether-app 40%, … ; machine 95% busy`.
    pub fn since(&self, earlier: &CpuTimes) -> String {
        let machine = self.machine.since(earlier.machine);
        let total = machine.total.max(1) as f64;
        let cores = cpu::machine_cores() as f64;
        let parts: Vec<String> = self
            .processes
            .iter()
            .map(|(name, ticks)| {
                let was = earlier
                    .processes
                    .iter()
                    .find(|(n, _)| n == name)
                    .map_or(0, |(_, t)| *t);
                // Machine ticks count every core: a process's share of one.
                let share = ticks.saturating_sub(was) as f64 / total * cores * 100.0;
                format!("{name} {share:.0}%")
            })
            .collect();
        let busy = machine.busy as f64 / total * 100.0;
        format!(
            "{} of a core; all {cores:.0} cores {busy:.0}% busy",
            parts.join(", ")
        )
    }
}

/// When process `pid` started, on the wall clock. Linux keeps it in clock
/// ticks since boot (`/proc/<pid>/stat`, field 22), rounded down, so this
/// is up to a tick (10 ms) early: a start-up timed from it comes out that
/// much too long, never too short.
pub fn started_at(pid: u32) -> io::Result<SystemTime> {
    let [ticks] = stat_fields(pid, [22])
        .ok_or_else(|| io::Error::other(format!("no start time in /proc/{pid}/stat")))?;
    let since_boot = Duration::from_secs_f64(ticks as f64 / cpu::ticks_per_second() as f64);
    let uptime = rustix::time::clock_gettime(rustix::time::ClockId::Boottime);
    let uptime = Duration::new(
        u64::try_from(uptime.tv_sec).map_err(io::Error::other)?,
        u32::try_from(uptime.tv_nsec).map_err(io::Error::other)?,
    );
    Ok(SystemTime::now() - uptime + since_boot)
}

fn stat_fields<const N: usize>(pid: u32, numbers: [usize; N]) -> Option<[u64; N]> {
    cpu::stat_fields(format!("/proc/{pid}/stat"), numbers)
}

fn name_of(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|n| n.trim().to_owned())
        .unwrap_or_default()
}

/// `root` and all its descendants.
fn tree(root: u32) -> io::Result<Vec<u32>> {
    let parents: Vec<(u32, u32)> = pids()?
        .into_iter()
        .filter_map(|pid| Some((pid, parent_of(pid)?)))
        .collect();
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(
            parents
                .iter()
                .filter(|&&(_, p)| p == parent)
                .map(|&(c, _)| c),
        );
        i += 1;
    }
    Ok(tree)
}

/// The parent pid (field 4 of `/proc/<pid>/stat`).
fn parent_of(pid: u32) -> Option<u32> {
    let [parent] = stat_fields(pid, [4])?;
    u32::try_from(parent).ok()
}

fn field_kib(rollup: &str, key: &str) -> u64 {
    rollup
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn this_process_has_memory_and_a_parent() {
        let me = std::process::id();
        let memory = tree_memory(me).unwrap();
        assert!(memory.processes >= 1);
        assert!(memory.pss_kib > 0 && memory.rss_kib >= memory.pss_kib);
        assert!(parent_of(me).is_some());
    }

    #[test]
    fn this_process_started_a_moment_ago() {
        let started = started_at(std::process::id()).unwrap();
        let age = SystemTime::now().duration_since(started).unwrap();
        // At least the tick it is rounded down to; a test run is short.
        assert!(age < Duration::from_secs(600), "{age:?}");
        let child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let child_started = started_at(child.id()).unwrap();
        let mut child = child;
        let _ = child.kill();
        let _ = child.wait();
        // Both are rounded down to a tick, and the boot time is worked out
        // anew each call (to the microsecond): equal ticks may differ a hair.
        let tick = Duration::from_millis(10);
        assert!(
            child_started + tick >= started,
            "the child started after us"
        );
        let child_age = SystemTime::now().duration_since(child_started).unwrap();
        assert!(child_age < Duration::from_secs(5), "{child_age:?}");
    }

    #[test]
    fn a_child_is_counted_with_its_parent() {
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let memory = tree_memory(std::process::id()).unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(memory.processes >= 2, "{memory:?}");
    }

    #[test]
    fn fields_are_read_in_kib() {
        let rollup = "Rss:               12345 kB\nPss:                6789 kB\n";
        assert_eq!(field_kib(rollup, "Pss:"), 6789);
        assert_eq!(field_kib(rollup, "Rss:"), 12345);
        assert_eq!(field_kib(rollup, "Swap:"), 0);
    }
}
