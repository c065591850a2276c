//! Where P1's CPU time went, per message: each engine (a thread of this
//! process), the broker, and the rest of the machine, summed over the runs.
//! P1 runs both clients and the broker on one machine, so what a message
//! costs in CPU, not only how fast it travels, says what bounds the rate.
//!
//! Only the timed window counts (first send to last arrival): work an
//! engine defers past it (search indexing in the pause after a burst,
//! settling the last acks and receipts) is not in the figure, as it is not
//! in the rate. `/proc` counts in clock ticks (10 ms): over P1's full runs
//! a part is known to about ±1 µs per message; runs too short for that
//! say so instead of showing a figure.

use std::collections::{BTreeMap, HashMap};

use tether_testbed::cpu::{self, MachineTicks, ThreadTicks};

/// Less than this (over all cores, all spans) is too short to tell.
const MIN_TICKS: u64 = 50;

/// The CPU counters at one moment; `None` where one could not be read.
#[derive(Debug, Clone)]
pub struct Snapshot {
    machine: Option<MachineTicks>,
    broker: Option<u64>,
    /// A broker process was asked about (`broker` None: not read).
    broker_asked: bool,
    threads: Vec<ThreadTicks>,
}

impl Snapshot {
    /// Reads the machine, the broker process (`broker_pid`) and this
    /// process's threads.
    pub fn take(broker_pid: Option<u32>) -> Snapshot {
        Snapshot {
            machine: MachineTicks::read().ok(),
            broker: broker_pid.and_then(cpu::process_ticks),
            broker_asked: broker_pid.is_some(),
            threads: cpu::thread_ticks().unwrap_or_default(),
        }
    }

    /// Reads the machine and this process's threads, where no broker
    /// process takes part (the SMS benchmarks' gateway is a thread here).
    pub fn in_process() -> Snapshot {
        Snapshot::take(None)
    }
}

#[derive(Clone, Copy)]
/// A part of the machine's time named in the report: the threads of this
/// process named `thread_name` (compared as `/proc` cuts names, to 15
/// bytes), under `label`.
pub struct Part<'a> {
    pub thread_name: &'a str,
    pub label: &'a str,
}

/// CPU used over some spans of time, summed, and the messages moved in them.
#[derive(Debug, Clone, Default)]
pub struct CpuUse {
    messages: usize,
    machine: MachineTicks,
    broker: u64,
    /// A span could not read the broker's time: its figure is unknown.
    broker_unread: bool,
    /// A broker process took part (its figure is shown).
    has_broker: bool,
    /// By thread name.
    threads: BTreeMap<String, u64>,
    /// Spans left out: the machine's time could not be read.
    unread: usize,
}

impl CpuUse {
    /// The span from `before` to `after`, in which `messages` moved.
    pub fn over(before: &Snapshot, after: &Snapshot, messages: usize) -> CpuUse {
        let (Some(was), Some(now)) = (before.machine, after.machine) else {
            return CpuUse {
                unread: 1,
                ..CpuUse::default()
            };
        };
        let broker = before
            .broker
            .zip(after.broker)
            .map(|(was, now)| now.saturating_sub(was));
        // Per thread id: a thread that started within the span counts from
        // zero; one that ended within it is missing its last stretch.
        let earlier: HashMap<u32, u64> = before.threads.iter().map(|t| (t.tid, t.ticks)).collect();
        let mut threads = BTreeMap::new();
        for t in &after.threads {
            let used = t
                .ticks
                .saturating_sub(earlier.get(&t.tid).copied().unwrap_or(0));
            *threads.entry(t.name.clone()).or_insert(0) += used;
        }
        CpuUse {
            messages,
            machine: now.since(was),
            broker: broker.unwrap_or(0),
            broker_unread: broker.is_none(),
            has_broker: before.broker_asked,
            threads,
            unread: 0,
        }
    }

    /// Counts `other`'s spans in too.
    pub fn absorb(&mut self, other: CpuUse) {
        self.messages += other.messages;
        self.machine.busy += other.machine.busy;
        self.machine.total += other.machine.total;
        self.broker += other.broker;
        self.broker_unread |= other.broker_unread;
        self.has_broker |= other.has_broker;
        for (name, ticks) in other.threads {
            *self.threads.entry(name).or_insert(0) += ticks;
        }
        self.unread += other.unread;
    }

    /// The machine's busy time per message with `parts` and the broker
    /// named, e.g. `52 µs: alice's engine 20, Mosquitto 9, the rest 23; 2
    /// cores 96% busy`; `?` for a part that was not seen or not read.
    pub fn per_message(&self, parts: &[Part<'_>]) -> String {
        self.describe(parts, cpu::ticks_per_second(), cpu::machine_cores())
    }

    fn describe(&self, parts: &[Part<'_>], ticks_per_second: u64, cores: usize) -> String {
        if self.unread > 0 {
            return "not measured: /proc/stat could not be read".to_owned();
        }
        if self.messages == 0 || self.machine.total < MIN_TICKS {
            return format!(
                "too short to measure ({} clock ticks over all cores)",
                self.machine.total
            );
        }
        let us =
            |ticks: i64| ticks as f64 * 1e6 / ticks_per_second.max(1) as f64 / self.messages as f64;
        let mut named: Vec<(&str, Option<u64>)> = parts
            .iter()
            .map(|p| {
                let name = cpu::thread_name(p.thread_name);
                (p.label, self.threads.get(name).copied())
            })
            .collect();
        if self.has_broker {
            named.push(("Mosquitto", (!self.broker_unread).then_some(self.broker)));
        }
        // What the named parts leave; per-thread and machine-wide counts
        // are rounded apart, so on short spans it can come out below zero
        // (shown as it is rather than hidden).
        let rest = self.machine.busy as i64
            - named
                .iter()
                .map(|(_, t)| t.unwrap_or(0) as i64)
                .sum::<i64>();
        let mut listed: Vec<String> = named
            .iter()
            .map(|(label, ticks)| match ticks {
                Some(t) => format!("{label} {:.0}", us(*t as i64)),
                None => format!("{label} ?"),
            })
            .collect();
        listed.push(format!("the rest {:.0}", us(rest)));
        format!(
            "{:.0} µs: {}; {cores} cores {:.0}% busy",
            us(self.machine.busy as i64),
            listed.join(", "),
            self.machine.busy as f64 / self.machine.total as f64 * 100.0
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(busy: u64, total: u64, broker: Option<u64>, threads: &[(u32, u64)]) -> Snapshot {
        Snapshot {
            machine: Some(MachineTicks { busy, total }),
            broker,
            broker_asked: true,
            threads: threads
                .iter()
                .map(|&(tid, ticks)| ThreadTicks {
                    tid,
                    name: "engine-alice".to_owned(),
                    ticks,
                })
                .collect(),
        }
    }

    const ALICE: [Part<'static>; 1] = [Part {
        thread_name: "engine-alice",
        label: "alice's engine",
    }];

    #[test]
    fn spans_add_up_and_are_told_per_message() {
        let mut used = CpuUse::over(
            &snapshot(0, 0, Some(0), &[(1, 0)]),
            &snapshot(30, 40, Some(10), &[(1, 12)]),
            1000,
        );
        used.absorb(CpuUse::over(
            &snapshot(100, 100, Some(20), &[(1, 20)]),
            // Another thread of the same name appeared within the span.
            &snapshot(130, 140, Some(30), &[(1, 25), (2, 3)]),
            1000,
        ));
        // 60 busy ticks of 10 ms over 2000 messages: 300 µs each, of which
        // alice 20 ticks (100 µs), the broker 20 (100 µs), the rest 100 µs.
        assert_eq!(
            used.describe(&ALICE, 100, 2),
            "300 µs: alice's engine 100, Mosquitto 100, the rest 100; 2 cores 75% busy"
        );
    }

    #[test]
    fn what_was_not_read_or_seen_is_a_question_mark() {
        let used = CpuUse::over(
            &snapshot(0, 0, None, &[]),
            &snapshot(60, 100, Some(10), &[]),
            100,
        );
        assert_eq!(
            used.describe(&ALICE, 100, 2),
            "6000 µs: alice's engine ?, Mosquitto ?, the rest 6000; 2 cores 60% busy"
        );
    }

    #[test]
    fn a_rest_below_zero_is_shown() {
        let used = CpuUse::over(
            &snapshot(0, 0, Some(0), &[(1, 0)]),
            &snapshot(50, 100, Some(0), &[(1, 51)]),
            100,
        );
        assert!(
            used.describe(&ALICE, 100, 2).contains("the rest -100;"),
            "{}",
            used.describe(&ALICE, 100, 2)
        );
    }

    #[test]
    fn too_little_time_or_none_is_not_a_figure() {
        let short = CpuUse::over(
            &snapshot(0, 0, Some(0), &[]),
            &snapshot(2, 4, Some(0), &[]),
            200,
        );
        assert_eq!(
            short.per_message(&[]),
            "too short to measure (4 clock ticks over all cores)"
        );
        assert_eq!(
            CpuUse::default().per_message(&[]),
            "too short to measure (0 clock ticks over all cores)"
        );
        let unread = Snapshot {
            machine: None,
            broker: None,
            broker_asked: true,
            threads: Vec::new(),
        };
        let mut used = CpuUse::over(&unread, &snapshot(50, 100, None, &[]), 10);
        used.absorb(CpuUse::default());
        assert_eq!(
            used.per_message(&[]),
            "not measured: /proc/stat could not be read"
        );
    }
}
