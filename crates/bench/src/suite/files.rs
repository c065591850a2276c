//! The file rows: F1 (how fast a large file goes, beside Mosquitto's C
//! clients sending the same bytes), F2 (memory while 1 GB goes), F3 (chat
//! latency while files go).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tether_core::Event;
use tether_core::model::TransferState;

use super::{broker, med, row};
use crate::error::BenchError;
use crate::files;
use crate::latency;
use crate::plan::Sizes;
use crate::report::{Row, Verdict};
use crate::stats::percentile;
use crate::throughput::Pair;

const MB: f64 = 1_000_000.0;

/// Generous: a slow disk writes each byte three times.
fn timeout_for(bytes: u64) -> Duration {
    Duration::from_secs(60 + bytes / 5_000_000)
}

pub(super) async fn f1(sizes: &Sizes, dir: &Path) -> Result<Row, BenchError> {
    let bytes = sizes.f1_bytes;
    let chunk = tether_core::transfer::CHUNK as usize;
    let count = (bytes as usize).div_ceil(chunk);
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for run in 0..sizes.runs {
        // A fresh pair and store per run, removed after: a run writes each
        // byte three times (the source, the sender's copy, the receiver's).
        let run_dir = dir.join(format!("f1-{run}"));
        std::fs::create_dir_all(&run_dir).map_err(BenchError::io("making a scratch directory"))?;
        let broker = broker()?;
        let source = run_dir.join("file.bin");
        files::write_file(&source, bytes)?;
        let pair = Pair::connected(&broker.url(), &run_dir).await?;
        let sent = files::tether(&pair, &source, timeout_for(bytes)).await?;
        ours.push(bytes as f64 / MB / sent.took.as_secs_f64());
        pair.alice.client.shutdown().await;
        pair.bob.client.shutdown().await;
        let (port, scratch) = (broker.port(), run_dir.clone());
        let took = tokio::task::spawn_blocking(move || {
            files::c_clients(port, chunk, count, &scratch, run)
        })
        .await
        .map_err(|_| BenchError::Setup("the baseline panicked".into()))??;
        theirs.push((count * chunk) as f64 / MB / took.as_secs_f64());
        let _ = std::fs::remove_dir_all(&run_dir);
    }
    let (t, b) = (med(&ours), med(&theirs));
    Ok(row(
        "F1",
        format!(
            "MB/s for a {:.0} MB file A → broker → B, durable on both sides (copied in and hashed, \
             chunks stored, SHA-256 checked)",
            bytes as f64 / MB
        ),
        format!("{t:.0} MB/s ({:.2}×)", t / b),
        format!(
            "mosquitto_pub -f --repeat → mosquitto_sub, {count} QoS 1 messages of {chunk} B: {b:.0} MB/s"
        ),
        "≥ 0.8× baseline",
        Verdict::from_bool(t >= 0.8 * b),
    ))
}

pub(super) async fn f2(sizes: &Sizes, dir: &Path) -> Result<Row, BenchError> {
    let bytes = sizes.f2_bytes;
    let run_dir = dir.join("f2");
    std::fs::create_dir_all(&run_dir).map_err(BenchError::io("making a scratch directory"))?;
    let broker = broker()?;
    let source = run_dir.join("file.bin");
    files::write_file(&source, bytes)?;
    let pair = Pair::connected(&broker.url(), &run_dir).await?;
    let sent = files::tether(&pair, &source, timeout_for(bytes)).await?;
    pair.alice.client.shutdown().await;
    pair.bob.client.shutdown().await;
    let _ = std::fs::remove_dir_all(&run_dir);
    let growth = sent.rss_growth_kib as f64 / 1024.0;
    Ok(row(
        "F2",
        format!(
            "RSS growth while a {:.0} MB file goes A → B (sender and receiver in this one process)",
            bytes as f64 / MB
        ),
        format!(
            "+{growth:.0} MB for both ({:.0} MB/s)",
            bytes as f64 / MB / sent.took.as_secs_f64()
        ),
        "—".into(),
        "≤ 64 MB each",
        Verdict::from_bool(growth <= 64.0),
    ))
}

pub(super) async fn f3(sizes: &Sizes, dir: &Path) -> Result<Row, BenchError> {
    let bytes = sizes.f3_bytes;
    let count = (sizes.p2_rate * sizes.p2_seconds) as usize;
    let run_dir = dir.join("f3");
    std::fs::create_dir_all(&run_dir).map_err(BenchError::io("making a scratch directory"))?;
    let broker = broker()?;
    let source = run_dir.join("file.bin");
    files::write_file(&source, bytes)?;
    let pair = Pair::connected(&broker.url(), &run_dir).await?;
    let (mut without, mut with) = (Vec::new(), Vec::new());
    let mut files_sent = 0;
    for _ in 0..sizes.runs {
        without.push(latency::tether(&pair, sizes.p2_rate, count).await?);
        let busy = Arc::new(AtomicBool::new(true));
        let sender = tokio::spawn(files_back_to_back(
            pair.alice.client.clone(),
            pair.bob.client.clone(),
            source.clone(),
            Arc::clone(&busy),
        ));
        with.push(latency::tether(&pair, sizes.p2_rate, count).await?);
        busy.store(false, Ordering::Relaxed);
        files_sent += sender
            .await
            .map_err(|_| BenchError::Setup("the file sender panicked".into()))??;
    }
    pair.alice.client.shutdown().await;
    pair.bob.client.shutdown().await;
    let _ = std::fs::remove_dir_all(&run_dir);
    let p = |runs: &[Vec<f64>], q: f64| {
        med(&runs
            .iter()
            .filter_map(|r| percentile(r, q))
            .collect::<Vec<_>>())
    };
    let (t50, t99, b50, b99) = (
        p(&with, 50.0),
        p(&with, 99.0),
        p(&without, 50.0),
        p(&without, 99.0),
    );
    Ok(row(
        "F3",
        format!(
            "chat latency p50 / p99 at {} msg/s while {:.0} MB files go A → B back to back \
             ({files_sent} files in all)",
            sizes.p2_rate,
            bytes as f64 / MB
        ),
        format!("{t50:.2} / {t99:.2} ms"),
        format!("P2 without files, same run: {b50:.2} / {b99:.2} ms"),
        "p99 ≤ 2× baseline",
        Verdict::from_bool(t99 <= 2.0 * b99),
    ))
}

/// Sends `source` from alice to bob again and again (each copy waits until
/// bob has it) until `busy` goes false; how many went.
async fn files_back_to_back(
    alice: tether_core::Client,
    bob: tether_core::Client,
    source: std::path::PathBuf,
    busy: Arc<AtomicBool>,
) -> Result<usize, BenchError> {
    let mut events = bob.subscribe();
    let to = tether_core::model::ConversationId::Direct(bob.me().clone());
    let mut sent = 0;
    while busy.load(Ordering::Relaxed) {
        let message = alice
            .send_file(to.clone(), source.clone(), "", None)
            .await?;
        loop {
            match tokio::time::timeout(Duration::from_secs(120), events.recv()).await {
                Ok(Ok(Event::Transfer {
                    message: id, file, ..
                })) if id == message.id && file.state == TransferState::Downloaded => {
                    break;
                }
                Ok(Ok(_)) | Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => {}
                Ok(Err(e)) => return Err(BenchError::Wrong(format!("bob's events: {e}"))),
                Err(_) => {
                    return Err(BenchError::Timeout(
                        "a file during F3".into(),
                        Duration::from_secs(120),
                    ));
                }
            }
        }
        sent += 1;
    }
    Ok(sent)
}
