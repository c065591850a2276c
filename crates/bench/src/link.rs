//! P3: how long a silently dead link (black-holed TCP, as when Wi-Fi
//! sleeps) takes to show as offline, next to the keep-alive it is judged
//! by and to rumqttc on its own. P4: how soon after a restarted broker is
//! back the client is connected again.

use std::path::Path;
use std::time::Duration;

use rand::Rng;
use tether_testbed::{BlackHoleProxy, Mosquitto};
use tokio::time::Instant;

use crate::error::BenchError;
use crate::peer::{Peer, is_connected};

/// Seconds from the black hole opening until Tether reports the link
/// gone, once per run, each at a random point of the ping cycle.
pub async fn dead_link_tether(
    broker: &Mosquitto,
    keep_alive: u16,
    runs: usize,
    dir: &Path,
) -> Result<Vec<f64>, BenchError> {
    let proxy =
        BlackHoleProxy::start(broker.port()).map_err(BenchError::io("starting the proxy"))?;
    let alice = Peer::start("alice", &proxy.url(), keep_alive, dir).await?;
    let limit = Duration::from_secs(u64::from(keep_alive) * 3);
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        alice.connected(Duration::from_secs(30)).await?;
        random_phase(keep_alive).await;
        proxy.set_black_hole(true);
        let start = Instant::now();
        let gone = alice
            .wait_state("noticing the dead link", limit, |s| !is_connected(s))
            .await?;
        samples.push((gone - start).as_secs_f64());
        proxy.set_black_hole(false);
        alice.client.retry_now().await?;
    }
    alice.client.shutdown().await;
    Ok(samples)
}

/// The same with a bare rumqttc event loop: seconds until `poll` fails.
pub async fn dead_link_rumqttc(
    broker: &Mosquitto,
    keep_alive: u16,
    runs: usize,
) -> Result<Vec<f64>, BenchError> {
    let proxy =
        BlackHoleProxy::start(broker.port()).map_err(BenchError::io("starting the proxy"))?;
    let limit = Duration::from_secs(u64::from(keep_alive) * 4);
    let mut samples = Vec::with_capacity(runs);
    for run in 0..runs {
        let mut options =
            rumqttc::MqttOptions::new(format!("bench-rumqttc-{run}"), "127.0.0.1", proxy.port());
        options.set_keep_alive(Duration::from_secs(u64::from(keep_alive)));
        let (_client, mut eventloop) = rumqttc::AsyncClient::new(options, 10);
        let (up_tx, up) = tokio::sync::oneshot::channel();
        // The event loop runs on its own; it reports when it fails.
        let failed = tokio::spawn(async move {
            let mut up_tx = Some(up_tx);
            loop {
                match eventloop.poll().await {
                    Ok(rumqttc::Event::Incoming(rumqttc::Packet::ConnAck(_))) => {
                        if let Some(tx) = up_tx.take() {
                            let _ = tx.send(());
                        }
                    }
                    Ok(_) => {}
                    Err(_) => return Instant::now(),
                }
            }
        });
        tokio::time::timeout(Duration::from_secs(10), up)
            .await
            .map_err(|_| BenchError::Timeout("rumqttc connecting".into(), Duration::from_secs(10)))?
            .map_err(|_| BenchError::Setup("rumqttc failed to connect".into()))?;
        random_phase(keep_alive).await;
        proxy.set_black_hole(true);
        let start = Instant::now();
        let failed_at = tokio::time::timeout(limit, failed)
            .await
            .map_err(|_| BenchError::Timeout("rumqttc noticing the dead link".into(), limit))?
            .map_err(|_| BenchError::Setup("the rumqttc task panicked".into()))?;
        samples.push((failed_at - start).as_secs_f64());
        proxy.set_black_hole(false);
        proxy.cut_all();
    }
    Ok(samples)
}

/// A uniformly random point within one keep-alive period.
fn random_delay(keep_alive: u16) -> Duration {
    let ms = u64::from(keep_alive) * 1000;
    Duration::from_millis(rand::rng().random_range(0..ms))
}

async fn random_phase(keep_alive: u16) {
    tokio::time::sleep(random_delay(keep_alive)).await;
}

/// Seconds from the broker accepting connections again after an outage of
/// `outage` until Tether is connected, once per run.
pub async fn broker_back(
    broker: &mut Mosquitto,
    outage: Duration,
    runs: usize,
    dir: &Path,
) -> Result<Vec<f64>, BenchError> {
    let alice = Peer::start("alice", &broker.url(), 30, dir).await?;
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        alice.connected(Duration::from_secs(30)).await?;
        tokio::task::block_in_place(|| broker.stop())
            .map_err(BenchError::io("stopping the broker"))?;
        alice
            .wait_state("noticing the broker left", Duration::from_secs(30), |s| {
                !is_connected(s)
            })
            .await?;
        tokio::time::sleep(outage).await;
        tokio::task::block_in_place(|| broker.restart())
            .map_err(BenchError::io("restarting the broker"))?;
        let back = Instant::now();
        let connected = alice.connected(Duration::from_secs(120)).await?;
        samples.push(connected.saturating_duration_since(back).as_secs_f64());
    }
    alice.client.shutdown().await;
    Ok(samples)
}
