//! P1: messages per second from one user to another through the broker,
//! with everything Tether does for durability on both sides (outbox commit
//! before sending, history and dedupe on receipt), against the C clients
//! on the same broker, and the CPU each used meanwhile (`cpu_use`). P5:
//! the same flow for a backlog queued while the broker was down.

use std::path::Path;
use std::time::Duration;

use tether_core::protocol::{Body, Envelope, MsgBody};
use tether_testbed::Mosquitto;
use tokio::time::Instant;

use crate::c_clients::{Publisher, Subscriber, numbered_line, seq_of};
use crate::cpu_use::{CpuUse, Snapshot};
use crate::error::BenchError;
use crate::peer::{Arrival, Peer, arrivals, collect_arrivals, is_connected};

/// Chat text of message `i`: its number, then filler to a typical length.
pub fn text(i: usize) -> String {
    format!("{i:08} the quick brown fox jumps over the lazy dog, again and again")
}

/// Bytes Tether puts on the wire for [`text`]: the C clients send payloads
/// of this size, so both move the same bytes.
pub fn wire_len(peer: &Peer) -> usize {
    let envelope = Envelope::new(Body::Msg(MsgBody::text(text(0))), &peer.user, 0);
    envelope.encode().len()
}

/// Time for the whole batch to arrive; generous, a stall is a failure.
fn batch_timeout(n: usize) -> Duration {
    Duration::from_secs(30) + Duration::from_millis(n as u64 * 2)
}

/// Checks that `got` holds messages 0..n in order.
fn in_order(got: &[Arrival]) -> bool {
    got.iter()
        .enumerate()
        .all(|(i, a)| a.text.split(' ').next() == Some(format!("{i:08}").as_str()))
}

/// The P1 pair: alice and bob, connected directly to the broker.
pub struct Pair {
    pub alice: Peer,
    pub bob: Peer,
}

impl Pair {
    pub async fn connected(broker: &str, dir: &Path) -> Result<Pair, BenchError> {
        let alice = Peer::start("alice", broker, 30, dir).await?;
        let bob = Peer::start("bob", broker, 30, dir).await?;
        alice.connected(Duration::from_secs(10)).await?;
        bob.connected(Duration::from_secs(10)).await?;
        Ok(Pair { alice, bob })
    }

    /// One P1 sample: `n` messages sent back to back; messages per second
    /// from the first send to the last arrival, and the CPU used meanwhile
    /// (with the broker, process `broker_pid`).
    pub async fn tether_rate(
        &self,
        n: usize,
        broker_pid: Option<u32>,
    ) -> Result<(f64, CpuUse), BenchError> {
        let Pair { alice, bob } = self;
        let pending = collect_arrivals(bob, &alice.user, n);
        let to = alice.chat_with(bob);
        let cpu_before = Snapshot::take(broker_pid);
        let start = Instant::now();
        // Handed over back to back, as mosquitto_pub -l reads its lines.
        alice.client.send_many(to, (0..n).map(text)).await?;
        let got = arrivals(pending, "bob receiving the batch", batch_timeout(n)).await?;
        let cpu = CpuUse::over(&cpu_before, &Snapshot::take(broker_pid), n);
        if !in_order(&got) {
            return Err(BenchError::Wrong("messages arrived out of order".into()));
        }
        let last = got.last().map_or(start, |a| a.at);
        // Receipts and acks settle before the next sample starts.
        alice.client.flush(batch_timeout(n)).await?;
        Ok((n as f64 / (last - start).as_secs_f64(), cpu))
    }
}

/// One baseline sample: `n` lines of `len` bytes through mosquitto_pub -l
/// to mosquitto_sub; messages per second from the first write to the last
/// arrival, and the CPU used meanwhile (the broker is process `broker_pid`).
pub fn c_rate(
    port: u16,
    broker_pid: Option<u32>,
    n: usize,
    len: usize,
    run: usize,
) -> Result<(f64, CpuUse), BenchError> {
    let topic = format!("bench/p1/{run}");
    let sub = Subscriber::ready(port, &topic)?;
    let mut publisher = Publisher::connected(port, &topic)?;
    let lines: String = (0..n).map(|i| numbered_line(i, len) + "\n").collect();
    let cpu_before = Snapshot::take(broker_pid);
    let start = std::time::Instant::now();
    let writer = publisher.write_all_then_close(lines);
    let mut last = start;
    for i in 0..n {
        let (line, at) = sub.next(batch_timeout(n))?;
        if seq_of(&line) != Some(i) {
            return Err(BenchError::Wrong(format!(
                "mosquitto_sub got {line:.12}… as message {i}"
            )));
        }
        last = at;
    }
    let cpu = CpuUse::over(&cpu_before, &Snapshot::take(broker_pid), n);
    let _ = writer.join();
    Ok((n as f64 / (last - start).as_secs_f64(), cpu))
}

/// One P5 sample. The broker goes down (stopped, as for maintenance,
/// with the persistent sessions docs/deploy configures); alice queues `n`
/// messages meanwhile; the broker comes back, bob reconnects first, then
/// alice. Returns messages per second from alice being connected until
/// bob has them all, and whether they came in the order sent.
///
/// The outage is the broker's, not alice's link alone (P3's black-holed
/// proxy): a proxy stays in the path after the outage, and on 2 cores its
/// copying cost P1 15–20% of its rate (docs/BENCHMARKS.md), while P5 is
/// judged against P1 on a direct path.
pub async fn offline_flush(
    broker: &mut Mosquitto,
    n: usize,
    dir: &Path,
) -> Result<(f64, bool), BenchError> {
    let alice = Peer::start("alice", &broker.url(), 30, dir).await?;
    let bob = Peer::start("bob", &broker.url(), 30, dir).await?;
    alice.connected(Duration::from_secs(10)).await?;
    bob.connected(Duration::from_secs(10)).await?;

    tokio::task::block_in_place(|| broker.stop()).map_err(BenchError::io("stopping the broker"))?;
    for peer in [&alice, &bob] {
        peer.wait_state("noticing the broker left", Duration::from_secs(30), |s| {
            !is_connected(s)
        })
        .await?;
    }
    alice
        .client
        .send_many(alice.chat_with(&bob), (0..n).map(text))
        .await?;
    // Queued over a while, as a user writes offline: by the time the link
    // is back the engine has long indexed them for search. A search does
    // that now; the engine would start it 300 ms after the last send, in
    // the middle of the flush.
    alice.client.search("fox".into(), 1).await?;
    let pending = collect_arrivals(&bob, &alice.user, n);
    // When alice is connected, seen as it happens: her engine probes the
    // broker on its own and may be back before she is asked to retry.
    let mut alice_state = alice.client.connection();
    let alice_back = tokio::spawn(async move {
        let back = alice_state.wait_for(is_connected).await.is_ok();
        back.then(Instant::now)
    });

    tokio::task::block_in_place(|| broker.restart())
        .map_err(BenchError::io("restarting the broker"))?;
    // bob's session kept his subscription, so the broker would hold the
    // backlog for him; bob first keeps his reconnection out of the time.
    bob.client.retry_now().await?;
    bob.connected(Duration::from_secs(30)).await?;
    alice.client.retry_now().await?;
    let start = tokio::time::timeout(Duration::from_secs(60), alice_back)
        .await
        .map_err(|_| BenchError::Timeout("alice reconnecting".into(), Duration::from_secs(60)))?
        .ok()
        .flatten()
        .ok_or_else(|| BenchError::Setup("the client stopped".into()))?;
    let got = arrivals(pending, "bob receiving the backlog", batch_timeout(n)).await?;
    let last = got.last().map_or(start, |a| a.at);
    let rate = n as f64 / (last - start).as_secs_f64();
    alice.client.shutdown().await;
    bob.client.shutdown().await;
    Ok((rate, in_order(&got)))
}
