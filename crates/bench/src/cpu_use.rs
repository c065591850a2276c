//! Where P1's CPU time went, per message: each engine (a thread of this
//! process), the broker, and the rest of the machine, summed over the runs.
//! P1 runs both clients and the broker on one machine, so what a message
//! costs in CPU, not only how fast it travels, says what bounds the rate.

use std::collections::BTreeMap;

use tether_testbed::cpu::{self, MachineTicks};

/// The CPU counters at one moment.
#[derive(Debug, Clone)]
pub struct Snapshot {
    machine: MachineTicks,
    broker: u64,
    threads: BTreeMap<String, u64>,
}

impl Snapshot {
    /// Reads the machine, the broker process (`broker_pid`) and this
    /// process's threads. What cannot be read counts as no time (the report
    /// then shows it under "the rest").
    pub fn take(broker_pid: Option<u32>) -> Snapshot {
        Snapshot {
            machine: MachineTicks::read().unwrap_or_default(),
            broker: broker_pid.and_then(cpu::process_ticks).unwrap_or(0),
            threads: cpu::thread_ticks().unwrap_or_default(),
        }
    }
}

/// A part of the machine's time named in the report: the threads of this
/// process with `thread` as their name, under `label`.
pub struct Part<'a> {
    pub thread: &'a str,
    pub label: &'a str,
}

/// CPU used over some spans of time, summed, and the messages moved in them.
#[derive(Debug, Clone, Default)]
pub struct CpuUse {
    messages: usize,
    machine: MachineTicks,
    broker: u64,
    threads: BTreeMap<String, u64>,
}

impl CpuUse {
    /// The span from `before` to `after`, in which `messages` moved.
    pub fn over(before: &Snapshot, after: &Snapshot, messages: usize) -> CpuUse {
        let mut used = CpuUse::default();
        used.add(before, after, messages);
        used
    }

    /// Counts `other`'s spans in too.
    pub fn absorb(&mut self, other: CpuUse) {
        self.messages += other.messages;
        self.machine.busy += other.machine.busy;
        self.machine.total += other.machine.total;
        self.broker += other.broker;
        for (name, ticks) in other.threads {
            *self.threads.entry(name).or_insert(0) += ticks;
        }
    }

    fn add(&mut self, before: &Snapshot, after: &Snapshot, messages: usize) {
        self.messages += messages;
        let machine = after.machine.since(before.machine);
        self.machine.busy += machine.busy;
        self.machine.total += machine.total;
        self.broker += after.broker.saturating_sub(before.broker);
        for (name, ticks) in &after.threads {
            let was = before.threads.get(name).copied().unwrap_or(0);
            *self.threads.entry(name.clone()).or_insert(0) += ticks.saturating_sub(was);
        }
    }

    /// The machine's busy time per message with `parts` and the broker
    /// named, e.g. `52 µs: alice's engine 20, Mosquitto 9, the rest 23; 2
    /// cores 96% busy`.
    pub fn per_message(&self, parts: &[Part<'_>]) -> String {
        self.describe(parts, cpu::ticks_per_second())
    }

    fn describe(&self, parts: &[Part<'_>], ticks_per_second: u64) -> String {
        if self.messages == 0 || self.machine.total == 0 {
            return "not measured".to_owned();
        }
        let us =
            |ticks: u64| ticks as f64 * 1e6 / ticks_per_second.max(1) as f64 / self.messages as f64;
        let mut named: Vec<(&str, u64)> = parts
            .iter()
            .map(|p| (p.label, self.threads.get(p.thread).copied().unwrap_or(0)))
            .collect();
        named.push(("Mosquitto", self.broker));
        let rest = self
            .machine
            .busy
            .saturating_sub(named.iter().map(|(_, t)| t).sum());
        named.push(("the rest", rest));
        let listed: Vec<String> = named
            .iter()
            .map(|(label, ticks)| format!("{label} {:.0}", us(*ticks)))
            .collect();
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        format!(
            "{:.0} µs: {}; {cores} cores {:.0}% busy",
            us(self.machine.busy),
            listed.join(", "),
            self.machine.busy as f64 / self.machine.total as f64 * 100.0
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(busy: u64, total: u64, broker: u64, engine: u64) -> Snapshot {
        Snapshot {
            machine: MachineTicks { busy, total },
            broker,
            threads: BTreeMap::from([("engine-alice".to_owned(), engine)]),
        }
    }

    #[test]
    fn spans_add_up_and_are_told_per_message() {
        let mut used = CpuUse::over(&snapshot(0, 0, 0, 0), &snapshot(30, 40, 10, 12), 1000);
        used.absorb(CpuUse::over(
            &snapshot(100, 100, 20, 20),
            &snapshot(130, 140, 30, 28),
            1000,
        ));
        let parts = [Part {
            thread: "engine-alice",
            label: "alice's engine",
        }];
        // 60 busy ticks of 10 ms over 2000 messages: 300 µs each, of which
        // alice 20 ticks (100 µs), the broker 20 (100 µs), the rest 100 µs.
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(
            used.describe(&parts, 100),
            format!(
                "300 µs: alice's engine 100, Mosquitto 100, the rest 100; {cores} cores 75% busy"
            )
        );
    }

    #[test]
    fn nothing_measured_says_so() {
        assert_eq!(CpuUse::default().per_message(&[]), "not measured");
    }
}
