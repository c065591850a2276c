//! Memory of the app as the system sees it: the `tether-app` process and
//! everything it started (WebKit's web and network processes), read from
//! `/proc/<pid>/smaps_rollup`.

use std::io;
use std::path::Path;

/// Summed over the process tree, in kibibytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Memory {
    /// Proportional set size: shared pages split among their users, so
    /// the sum over processes is what the app costs the machine.
    pub pss_kib: u64,
    pub rss_kib: u64,
    pub processes: usize,
}

impl Memory {
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
    for pid in pids()? {
        let proc = Path::new("/proc").join(pid.to_string());
        let Ok(exe) = std::fs::read_link(proc.join("exe")) else {
            continue;
        };
        if exe != binary {
            continue;
        }
        let environ = std::fs::read(proc.join("environ")).unwrap_or_default();
        if environ
            .split(|&b| b == 0)
            .any(|var| var == wanted.as_bytes())
        {
            return Ok(Some(pid));
        }
    }
    Ok(None)
}

/// `root` and all its descendants, summed.
pub fn tree_memory(root: u32) -> io::Result<Memory> {
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
    let mut total = Memory::default();
    for pid in tree {
        // A process may end between listing and reading: skip it.
        let Ok(rollup) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) else {
            continue;
        };
        total.pss_kib += field_kib(&rollup, "Pss:");
        total.rss_kib += field_kib(&rollup, "Rss:");
        total.processes += 1;
    }
    Ok(total)
}

fn pids() -> io::Result<Vec<u32>> {
    Ok(std::fs::read_dir("/proc")?
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect())
}

/// The parent pid from `/proc/<pid>/stat` (the field after the command
/// name, which may itself contain spaces and parentheses).
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(1)?.parse().ok()
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
