//! CPU time as Linux accounts it in `/proc`, for benchmarks that say where
//! the time went: per process, per thread of this process, and the whole
//! machine. Everything is in clock ticks (`/proc`'s unit); see
//! [`ticks_per_second`].

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

/// One thread of this process and the user and system time it used so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadTicks {
    pub tid: u32,
    /// As `/proc` keeps it: at most 15 bytes (see [`thread_name`]).
    pub name: String,
    pub ticks: u64,
}

/// This process's threads and the time each used so far; a thread that
/// ends while they are read is left out.
pub fn thread_ticks() -> io::Result<Vec<ThreadTicks>> {
    let mut threads = Vec::new();
    for task in std::fs::read_dir("/proc/self/task")?.flatten() {
        let Some(tid) = task.file_name().to_str().and_then(|t| t.parse().ok()) else {
            continue;
        };
        // Name and times from one read, so they belong to the same thread.
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        let (Some(name), Some([utime, stime])) =
            (stat_name(&stat), parse_stat_fields(&stat, [14, 15]))
        else {
            continue;
        };
        threads.push(ThreadTicks {
            tid,
            name: name.to_owned(),
            ticks: utime + stime,
        });
    }
    Ok(threads)
}

/// The name between the first `(` and the last `)` of a `stat` line.
fn stat_name(stat: &str) -> Option<&str> {
    Some(&stat[stat.find('(')? + 1..stat.rfind(')')?])
}

/// `name` as `/proc` shows a thread named so: cut to 15 bytes (on a
/// character boundary).
pub fn thread_name(name: &str) -> &str {
    let mut end = name.len().min(15);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// The whole machine's time so far, over all cores: busy (user, nice,
/// system, interrupts) and total (busy, idle and waiting for I/O). Time
/// the hypervisor took for others (steal) is in neither; guest time is
/// already in user and nice.
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
    let field = |i: usize| all.get(i).copied().unwrap_or(0);
    // user nice system idle iowait irq softirq steal guest guest_nice
    let busy = field(0) + field(1) + field(2) + field(5) + field(6);
    MachineTicks {
        busy,
        total: busy + field(3) + field(4),
    }
}

/// The cores `/proc/stat` counts (its `cpuN` lines): the cores its
/// machine-wide figures are summed over, whatever this process may use.
pub fn machine_cores() -> usize {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let cores = count_cores(&stat);
    if cores > 0 {
        cores
    } else {
        std::thread::available_parallelism().map_or(1, usize::from)
    }
}

fn count_cores(stat: &str) -> usize {
    stat.lines()
        .filter(|l| {
            l.strip_prefix("cpu")
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        })
        .count()
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
    fn the_machine_is_busy_but_for_idle_iowait_and_steal() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        let stat = "cpu  100 5 50 800 40 3 2 70 30 0\ncpu0 1 2 3 4 5 6 7 8 9 10\ncpu1 1\n";
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
        assert_eq!(count_cores(stat), 2);
        assert!(machine_cores() >= 1);
    }

    #[test]
    fn thread_names_are_cut_as_proc_cuts_them() {
        assert_eq!(thread_name("store-checkpoint"), "store-checkpoin");
        assert_eq!(thread_name("engine-bob"), "engine-bob");
        // 14 ASCII bytes and a two-byte character: cut before it.
        assert_eq!(thread_name("engine-abcdefgé"), "engine-abcdefg");
        assert_eq!(stat_name("7 (a (b) c) S 1"), Some("a (b) c"));
    }

    #[test]
    fn this_process_and_its_threads_have_used_some_time() {
        // Busy until the kernel has counted two ticks for this process (a
        // loaded machine may give it little CPU: the wall clock only
        // bounds the wait).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let mut x = 0u64;
        while process_ticks(std::process::id()).unwrap() < 2 {
            assert!(std::time::Instant::now() < deadline, "no CPU time counted");
            for _ in 0..100_000 {
                x = x.wrapping_mul(31).wrapping_add(1);
            }
        }
        assert_ne!(x, 1);
        // Threads first: the process's count (which also keeps the time of
        // threads that ended) can only have grown since, but for a tick of
        // rounding (user and system time are rounded per thread).
        let threads: u64 = thread_ticks().unwrap().iter().map(|t| t.ticks).sum();
        let process = process_ticks(std::process::id()).unwrap();
        assert!(
            threads > 0 && threads <= process + 1,
            "{threads} of {process}"
        );
        assert!(MachineTicks::read().unwrap().busy > 0);
        assert!(ticks_per_second() > 0);
    }
}
