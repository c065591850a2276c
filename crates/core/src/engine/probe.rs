//! While waiting out a backoff delay, a cheap TCP connect to the broker
//! every half second tells when it is back, so the next attempt can start
//! at once instead of up to 30 s later. Backoff still spaces out attempts
//! at a broker that accepts TCP but fails MQTT, and a short random delay
//! after the port opens keeps a crowd of clients from arriving together.

use std::time::Duration;

use rand::Rng;
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

use super::Engine;

/// Time between probes, and the most a probe waits for its connection.
const PROBE_EVERY: Duration = Duration::from_millis(500);
/// Upper bound of the random delay between "reachable" and connecting.
const SPREAD: Duration = Duration::from_millis(250);

/// Resolves once a TCP connection to `host:port` succeeds.
async fn until_reachable(host: String, port: u16) {
    loop {
        let attempt = tokio::time::timeout(PROBE_EVERY, TcpStream::connect((host.as_str(), port)));
        if let Ok(Ok(stream)) = attempt.await {
            drop(stream);
            return;
        }
        tokio::time::sleep(PROBE_EVERY).await;
    }
}

impl Engine {
    /// Starts probing (while waiting to retry).
    pub(super) fn start_probe(&mut self) {
        self.stop_probe();
        if self.supervisor.retry_at().is_some() {
            let (host, port) = self.broker.clone();
            self.probe = Some(tokio::spawn(until_reachable(host, port)));
        }
    }

    pub(super) fn stop_probe(&mut self) {
        if let Some(probe) = self.probe.take() {
            probe.abort();
        }
    }

    /// The broker answered a probe: retry after a short random delay.
    pub(super) fn broker_reachable(&mut self) {
        self.probe = None;
        let spread = Duration::from_millis(rand::rng().random_range(0..=SPREAD.as_millis() as u64));
        if self
            .supervisor
            .reachable(tokio::time::Instant::now(), spread)
        {
            tracing::info!("the broker is reachable again; reconnecting");
        }
    }
}

/// Waits for the probe, if any (never resolves without one).
pub(super) async fn finished(probe: &mut Option<JoinHandle<()>>) {
    match probe {
        Some(handle) => {
            let _ = handle.await;
        }
        None => std::future::pending().await,
    }
}
