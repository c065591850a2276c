//! F1–F3: files through the broker (extension 12). Tether's figure runs
//! from `send_file` (which copies the file in and hashes it) to the
//! receiver's event that the file is there whole, its SHA-256 checked:
//! durable on both sides. The baseline publishes the same number of bytes
//! as same-size QoS 1 messages with `mosquitto_pub -f --repeat` to a
//! `mosquitto_sub`.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use rand::RngCore;
use tether_core::Event;
use tether_core::model::TransferState;
use tokio::time::Instant;

use crate::c_clients::Subscriber;
use crate::error::BenchError;
use crate::throughput::Pair;

/// Writes `len` random bytes to `path`, a buffer at a time.
pub fn write_file(path: &Path, len: u64) -> Result<(), BenchError> {
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(path).map_err(BenchError::io("creating a file to send"))?,
    );
    let mut buffer = vec![0u8; 1 << 20];
    let mut rng = rand::rng();
    let mut left = len;
    while left > 0 {
        let n = left.min(buffer.len() as u64) as usize;
        rng.fill_bytes(&mut buffer[..n]);
        file.write_all(&buffer[..n])
            .map_err(BenchError::io("writing a file to send"))?;
        left -= n as u64;
    }
    file.flush()
        .map_err(BenchError::io("writing a file to send"))
}

/// This process's resident memory, in KiB.
pub fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// One transfer from alice to bob: how long it took and how far the
/// process's RSS grew above where it was at the start.
pub struct Transfer {
    pub took: Duration,
    pub rss_growth_kib: u64,
}

/// Sends `path` from alice to bob and waits until bob has it whole.
pub async fn tether(pair: &Pair, path: &Path, timeout: Duration) -> Result<Transfer, BenchError> {
    let Pair { alice, bob } = pair;
    let mut events = bob.client.subscribe();
    let base = rss_kib();
    let peak = Arc::new(AtomicU64::new(base));
    let running = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak, running) = (Arc::clone(&peak), Arc::clone(&running));
        tokio::spawn(async move {
            while running.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let start = Instant::now();
    let message = alice
        .client
        .send_file(alice.chat_with(bob), path.to_owned(), "", None)
        .await?;
    let deadline = start + timeout;
    loop {
        let event = tokio::time::timeout_at(deadline, events.recv())
            .await
            .map_err(|_| BenchError::Timeout("bob receiving the file".into(), timeout))?
            .map_err(|e| BenchError::Wrong(format!("bob's events: {e}")))?;
        if let Event::Transfer {
            message: id, file, ..
        } = event
            && id == message.id
            && file.state == TransferState::Downloaded
        {
            break;
        }
    }
    let took = start.elapsed();
    running.store(false, Ordering::Relaxed);
    let _ = sampler.await;
    Ok(Transfer {
        took,
        rss_growth_kib: peak.load(Ordering::Relaxed).saturating_sub(base),
    })
}

/// The baseline: `count` messages of `chunk` bytes from `mosquitto_pub -f
/// --repeat` to `mosquitto_sub`, both at QoS 1; how long until the last
/// arrived. Blocking.
pub fn c_clients(
    port: u16,
    chunk: usize,
    count: usize,
    dir: &Path,
    run: usize,
) -> Result<Duration, BenchError> {
    // Printable bytes: mosquitto_sub prints one line per message.
    let mut payload = vec![0u8; chunk];
    rand::rng().fill_bytes(&mut payload);
    for b in &mut payload {
        *b = b' ' + *b % 94;
    }
    let file = dir.join(format!("chunk-{run}"));
    std::fs::write(&file, &payload).map_err(BenchError::io("writing the baseline's chunk"))?;
    let topic = format!("bench/f1/{run}");
    let sub = Subscriber::ready(port, &topic)?;
    let start = std::time::Instant::now();
    let mut publisher = std::process::Command::new("mosquitto_pub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-q",
            "1",
            "-t",
            &topic,
        ])
        .arg("-f")
        .arg(&file)
        .args(["--repeat", &count.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(BenchError::io("starting mosquitto_pub"))?;
    for _ in 0..count {
        sub.next(Duration::from_secs(60))?;
    }
    let took = start.elapsed();
    let _ = publisher.wait();
    Ok(took)
}
