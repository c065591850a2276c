//! P2: one-way latency at a steady 200 messages per second, from the call
//! that sends to the moment the receiving side reports the message (Tether:
//! the engine's event after the store commit; the C clients: the line read
//! from mosquitto_sub). Both ends live in this process, so one monotonic
//! clock times both.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};

use crate::c_clients::{Publisher, Subscriber, numbered_line, seq_of};
use crate::error::BenchError;
use crate::peer::{arrivals, by_id, collect_arrivals};
use crate::stats::ms;
use crate::throughput::{Pair, text};

/// Latencies in ms of `count` messages sent at `rate` per second.
pub async fn tether(pair: &Pair, rate: u32, count: usize) -> Result<Vec<f64>, BenchError> {
    let Pair { alice, bob } = pair;
    let pending = collect_arrivals(bob, &alice.user, count);
    let to = alice.chat_with(bob);
    let mut tick = tokio::time::interval(Duration::from_secs(1) / rate);
    // A late tick is sent at once: the rate holds on average.
    tick.set_missed_tick_behavior(MissedTickBehavior::Burst);
    let mut sent = HashMap::with_capacity(count);
    for i in 0..count {
        tick.tick().await;
        let at = Instant::now();
        let message = alice.client.send(to.clone(), text(i)).await?;
        sent.insert(message.id, at);
    }
    let timeout = Duration::from_secs(30);
    let got = arrivals(pending, "bob receiving the paced messages", timeout).await?;
    alice.client.flush(timeout).await?;
    let arrived = by_id(&got);
    sent.iter()
        .map(|(id, at)| {
            arrived
                .get(id)
                .map(|got| ms(*got - *at))
                .ok_or_else(|| BenchError::Wrong(format!("message {id} never arrived")))
        })
        .collect()
}

/// The same through mosquitto_pub -l → mosquitto_sub, payloads `len` bytes.
pub fn c_clients(
    port: u16,
    rate: u32,
    count: usize,
    len: usize,
    run: usize,
) -> Result<Vec<f64>, BenchError> {
    let topic = format!("bench/p2/{run}");
    let sub = Subscriber::ready(port, &topic)?;
    let mut publisher = Publisher::connected(port, &topic)?;
    let period = Duration::from_secs(1) / rate;
    let start = std::time::Instant::now();
    let mut sent = Vec::with_capacity(count);
    for i in 0..count {
        let due = start + period * u32::try_from(i).unwrap_or(u32::MAX);
        if let Some(wait) = due.checked_duration_since(std::time::Instant::now()) {
            std::thread::sleep(wait);
        }
        sent.push(std::time::Instant::now());
        publisher.line(&numbered_line(i, len))?;
    }
    let mut latencies = vec![f64::NAN; count];
    for _ in 0..count {
        let (line, at) = sub.next(Duration::from_secs(30))?;
        let i = seq_of(&line)
            .filter(|&i| i < count)
            .ok_or_else(|| BenchError::Wrong(format!("unexpected line {line:.12}…")))?;
        latencies[i] = ms(at - sent[i]);
    }
    Ok(latencies)
}
