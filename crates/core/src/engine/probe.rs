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

use crate::model::ConnectionState;
/// Time between probes, and the most a probe waits for its connection.
const PROBE_EVERY: Duration = Duration::from_millis(500);
/// Upper bound of the random delay between "reachable" and connecting.
const SPREAD: Duration = Duration::from_millis(250);

/// Resolves once a TCP connection to `host:port` succeeds after one that
/// did not: the port was closed (or unreachable) and is open again. A port
/// that answers from the first probe on, a broker that accepts TCP but
/// fails MQTT, never resolves it: that broker gets the backoff, not a new
/// attempt every half second.
async fn until_back(host: String, port: u16) {
    let mut seen_down = false;
    loop {
        let attempt = tokio::time::timeout(PROBE_EVERY, TcpStream::connect((host.as_str(), port)));
        match attempt.await {
            Ok(Ok(stream)) => {
                drop(stream);
                if seen_down {
                    return;
                }
            }
            _ => seen_down = true,
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
            self.probe = Some(tokio::spawn(until_back(host, port)));
        }
    }

    pub(super) fn stop_probe(&mut self) {
        if let Some(probe) = self.probe.take() {
            probe.abort();
        }
    }

    /// The broker answered a probe: retry after a short random delay, and
    /// say so (the UI's "retry in N s" would otherwise count down from the
    /// old backoff until the attempt starts).
    pub(super) fn broker_reachable(&mut self) {
        self.probe = None;
        let spread_ms = rand::rng().random_range(0..=SPREAD.as_millis() as u64);
        let spread = Duration::from_millis(spread_ms);
        if !self
            .supervisor
            .reachable(tokio::time::Instant::now(), spread)
        {
            return;
        }
        tracing::info!("the broker is reachable again; reconnecting");
        let current = self.state.borrow().clone();
        if let ConnectionState::Waiting {
            attempt,
            error,
            code,
            ..
        } = current
        {
            let retry_at_ms = crate::clock::now_ms().saturating_add(spread_ms as i64);
            self.set_state(ConnectionState::Waiting {
                attempt,
                retry_at_ms,
                error,
                code,
            });
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

#[cfg(test)]
mod tests {
    //! Real sockets on loopback: the probe is the engine's I/O edge.

    use std::net::{Ipv4Addr, TcpListener};
    use std::time::Duration;

    use super::until_back;

    fn closed_port() -> u16 {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a free port");
        listener.local_addr().expect("its address").port()
    }

    #[tokio::test]
    async fn a_port_that_opens_again_is_reported() {
        let port = closed_port();
        let probe = tokio::spawn(until_back("127.0.0.1".into(), port));
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert!(!probe.is_finished(), "reported while the port was closed");
        let _listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).expect("the port again");
        tokio::time::timeout(Duration::from_secs(3), probe)
            .await
            .expect("reported once open")
            .expect("the probe task");
    }

    #[tokio::test]
    async fn a_port_open_all_along_is_not_news() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a free port");
        let port = listener.local_addr().expect("its address").port();
        let probe = tokio::spawn(until_back("127.0.0.1".into(), port));
        tokio::time::sleep(Duration::from_millis(1600)).await;
        assert!(
            !probe.is_finished(),
            "an open port was taken for a broker coming back"
        );
        probe.abort();
    }
}
