//! CPU time as Linux accounts it in `/proc`, for benchmarks that say where
//! the time went: per process, per thread of this process, and the whole
//! machine. Everything is in clock ticks (`/proc`'s unit); see
//! [`ticks_per_second`].

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// Fields `numbers` (numbered as in proc(5), from 1) of a `stat` file
/// (`/proc/<pid>/stat` or a thread's), read at once: the numeric fields
/// after the command name, which may itself contain spaces and parentheses.
pub fn stat_fields<const N: usize>(
    stat_file: impl AsRef<Path>,
    numbers: [usize; N],
) -> Option<[u64; N]> {
    let stat = std::fs::read_to_string(stat_file).ok()?;
    parse_stat_fields(&stat, numbers)
}

fn parse_stat_fields<const N: usize>(stat: &str, numbers: [usize; N]) -> Option<[u64; N]> {
    // The fields after the name start at field 3.
    let after_name: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
    let mut values = [0; N];
    for (value, n) in values.iter_mut().zip(numbers) {
        *value = after_name.get(n.checked_sub(3)?)?.parse().ok()?;
    }
    Some(values)
}

/// User and system time of process `pid` so far (all its threads).
pub fn process_ticks(pid: u32) -> Option<u64> {
    let [utime, stime] = stat_fields(format!("/proc/{pid}/stat"), [14, 15])?;
    Some(utime + stime)
}

/// User and system time of this process's threads so far, summed per
/// thread name (as `/proc` keeps it: at most 15 bytes).
pub fn thread_ticks() -> io::Result<BTreeMap<String, u64>> {
    let mut by_name = BTreeMap::new();
    for task in std::fs::read_dir("/proc/self/task")?.flatten() {
        let dir = task.path();
        let Some([utime, stime]) = stat_fields(dir.join("stat"), [14, 15]) else {
            continue; // the thread ended meanwhile
        };
        let name = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
        *by_name.entry(name.trim().to_owned()).or_insert(0) += utime + stime;
    }
    Ok(by_name)
}

/// The whole machine's time so far, over all cores: busy (anything but
/// idle and waiting for I/O) and total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MachineTicks {
    pub busy: u64,
    pub total: u64,
}

impl MachineTicks {
    pub fn read() -> io::Result<MachineTicks> {
        Ok(parse_machine(&std::fs::read_to_string("/proc/stat")?))
    }

    /// The time from `earlier` to `self`.
    pub fn since(self, earlier: MachineTicks) -> MachineTicks {
        MachineTicks {
            busy: self.busy.saturating_sub(earlier.busy),
            total: self.total.saturating_sub(earlier.total),
        }
    }
}

fn parse_machine(stat: &str) -> MachineTicks {
    let all: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    let total: u64 = all.iter().sum();
    // idle and iowait are the 4th and 5th numbers.
    let idle = all.get(3).copied().unwrap_or(0) + all.get(4).copied().unwrap_or(0);
    MachineTicks {
        busy: total - idle,
        total,
    }
}

/// How many clock ticks make a second (`USER_HZ`, usually 100).
pub fn ticks_per_second() -> u64 {
    rustix::param::clock_ticks_per_second()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_counted_past_a_name_with_spaces_and_parentheses() {
        let stat = "42 (a (b) c) S 1 42 42 0 -1 4194560 10 0 0 0 7 3 0 0 20 0 1 0 99";
        assert_eq!(
            parse_stat_fields(stat, [4, 14, 15, 22]),
            Some([1, 7, 3, 99])
        );
        assert_eq!(parse_stat_fields(stat, [60]), None);
        assert_eq!(parse_stat_fields("no name here", [4]), None);
    }

    #[test]
    fn the_machine_is_busy_but_for_idle_and_iowait() {
        let stat = "cpu  100 5 50 800 40 3 2 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n";
        assert_eq!(
            parse_machine(stat),
            MachineTicks {
                busy: 160,
                total: 1000
            }
        );
        let later = MachineTicks {
            busy: 200,
            total: 1100,
        };
        assert_eq!(
            later.since(parse_machine(stat)),
            MachineTicks {
                busy: 40,
                total: 100
            }
        );
    }

    #[test]
    fn this_process_and_its_threads_have_used_some_time() {
        // Burn a little CPU so a tick is sure to have been counted.
        let start = std::time::Instant::now();
        let mut x = 0u64;
        while start.elapsed() < std::time::Duration::from_millis(50) {
            x = x.wrapping_mul(31).wrapping_add(1);
        }
        assert_ne!(x, 1);
        // Threads first: the process's count (which also keeps the time of
        // threads that ended) can only have grown since.
        let threads: u64 = thread_ticks().unwrap().values().sum();
        let process = process_ticks(std::process::id()).unwrap();
        assert!(process > 0);
        assert!(threads > 0 && threads <= process, "{threads} of {process}");
        assert!(MachineTicks::read().unwrap().busy > 0);
        assert!(ticks_per_second() > 0);
    }
}
