//! Tether's embedded MQTT broker: rumqttd in a thread of its own,
//! configured in code (no file), listening on loopback by default. It is
//! what "This computer" means: chat on one machine (several app profiles,
//! the CLI) with no server to install. `tether serve` runs it.
//!
//! What it keeps: sessions, subscriptions and messages waiting for an
//! offline client live in memory, for as long as the process runs (a
//! restart loses messages accepted for someone away); history lives in each
//! client's own store, unsent messages in the sender's outbox. It has no
//! accounts or access rules yet: loopback, one machine. For a team, run a
//! standalone broker (docs/deploy).
//!
//! # Layout
//! Everything is in this file: [`EmbeddedBroker::start`] and its options.

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use rumqttd::{Broker, Config, ConnectionSettings, RouterConfig, ServerSettings};

/// Loopback, MQTT's usual port: what the app's sign-in form suggests.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:1883";

/// Largest message payload accepted (Tether's envelopes are far smaller;
/// rumqttd's default of 20 KiB would refuse long messages).
const MAX_PAYLOAD: usize = 256 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum BrokerError {
    #[error("cannot listen on {addr}: {source} (is another broker running there?)")]
    Listen {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the embedded broker did not start listening on {0} within {1:?}")]
    NotListening(SocketAddr, Duration),
}

/// A running embedded broker. rumqttd has no way to stop one: it runs
/// until the process ends.
#[derive(Debug)]
pub struct EmbeddedBroker {
    addr: SocketAddr,
}

impl EmbeddedBroker {
    /// Starts listening on `listen` (port 0: a free port is picked) and
    /// returns once clients can connect.
    pub fn start(listen: SocketAddr) -> Result<EmbeddedBroker, BrokerError> {
        let addr = claim(listen)?;
        let mut broker = Broker::new(config(addr));
        std::thread::Builder::new()
            .name("embedded-broker".into())
            .spawn(move || {
                if let Err(e) = broker.start() {
                    tracing::error!("the embedded broker stopped: {e}");
                }
            })
            .map_err(|source| BrokerError::Listen { addr, source })?;
        wait_listening(addr, Duration::from_secs(10))?;
        tracing::info!("embedded broker listening on {addr}");
        Ok(EmbeddedBroker { addr })
    }

    /// The URL to give Tether clients, e.g. `mqtt://127.0.0.1:1883`.
    pub fn url(&self) -> String {
        format!("mqtt://{}", self.addr)
    }
}

/// Checks that `listen` is free and, for port 0, picks a port. rumqttd
/// binds by itself and cannot report the port it got, so the check binds
/// and lets go; another process could take the port in between (it then
/// fails in [`wait_listening`] with a clear error, not silently).
fn claim(listen: SocketAddr) -> Result<SocketAddr, BrokerError> {
    let probe = TcpListener::bind(listen).map_err(|source| BrokerError::Listen {
        addr: listen,
        source,
    })?;
    probe.local_addr().map_err(|source| BrokerError::Listen {
        addr: listen,
        source,
    })
}

fn wait_listening(addr: SocketAddr, within: Duration) -> Result<(), BrokerError> {
    let deadline = Instant::now() + within;
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        if Instant::now() > deadline {
            return Err(BrokerError::NotListening(addr, within));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

fn config(addr: SocketAddr) -> Config {
    let server = ServerSettings {
        name: "tether".into(),
        listen: addr,
        tls: None,
        next_connection_delay_ms: 1,
        connections: ConnectionSettings {
            connection_timeout_ms: 60_000,
            max_payload_size: MAX_PAYLOAD,
            max_inflight_count: 100,
            auth: None,
            external_auth: None,
            dynamic_filters: true,
        },
    };
    Config {
        id: 0,
        router: RouterConfig {
            max_connections: 1_000,
            max_outgoing_packet_count: 200,
            // Messages waiting for offline clients are kept in segments:
            // 10 × 10 MiB per topic filter, in memory.
            max_segment_size: 10 * 1024 * 1024,
            max_segment_count: 10,
            custom_segment: None,
            initialized_filters: None,
            shared_subscriptions_strategy: Default::default(),
        },
        v4: Some(HashMap::from([("tether".to_owned(), server)])),
        v5: None,
        ws: None,
        cluster: None,
        console: None,
        bridge: None,
        prometheus: None,
        metrics: None,
    }
}
