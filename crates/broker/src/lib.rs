//! Tether's embedded MQTT broker: rumqttd in a thread of its own,
//! configured in code (no file), listening on loopback by default. It is
//! what "This computer" means: chat on one machine (several app profiles,
//! the CLI) with no server to install. `tether serve` runs it.
//!
//! What it keeps: sessions, subscriptions and messages waiting for an
//! offline client live in memory, for as long as the process runs (a
//! restart loses messages accepted for someone away); history lives in each
//! client's own store, unsent messages in the sender's outbox.
//!
//! Who may connect: on loopback, anyone who can run programs on this
//! computer (no passwords). On the LAN, only if the host opens a LAN
//! listener ([`EmbeddedBroker::open_lan`]): every LAN client must sign in
//! as one of the LAN users ([`LanUsers`], hashes in a file the host
//! manages) and may write only as itself, the rules of docs/deploy/acl.
//! For a team that outgrows one computer, run a standalone broker
//! (docs/deploy).
//!
//! # Layout
//! - this file: [`EmbeddedBroker`] (rumqttd, configured in code) and
//!   [`LanListener`], the LAN side's lifetime;
//! - `access`: [`AccessRules`], who may write and read which topics;
//! - `users`: [`LanUsers`], the LAN users file;
//! - `gateway`: the authenticating, topic-checking relay between a LAN
//!   client and rumqttd;
//! - [`logging`]: the logger of a process that hosts the broker, with
//!   rumqttd's levels corrected.

mod access;
mod gateway;
pub mod logging;
mod users;

pub use access::AccessRules;
pub use users::{LanUsers, MIN_PASSWORD_LEN, UsersError};

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rumqttd::{Broker, Config, ConnectionSettings, RouterConfig, ServerSettings};
use tether_core::protocol::Prefix;
use tokio::sync::oneshot;

/// Loopback, MQTT's usual port: what the app's sign-in form suggests.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:1883";

/// Every interface, the next port: where LAN hosting listens by default
/// (1883 on loopback stays the embedded broker itself).
pub const DEFAULT_LAN_LISTEN: &str = "0.0.0.0:1884";

/// Largest packet accepted after its fixed header (rumqttd's
/// `max_payload_size` bounds the remaining length, topic and packet id
/// included, not the message alone): every envelope docs/protocol.md
/// allows, and every file chunk (extension 12, a little larger), on any
/// topic MQTT allows (2 + 65,535 bytes), with its packet id. rumqttd's
/// default of 20 KiB would refuse long messages; a limit of just the
/// envelope's reset the link for envelopes in the last bytes below it.
pub(crate) const MAX_PAYLOAD: usize = largest_publish() + 2 + 65_535 + 2;

const fn largest_publish() -> usize {
    let envelope = tether_core::protocol::MAX_ENVELOPE_BYTES;
    let chunk = tether_core::protocol::frame::MAX_FRAME_BYTES;
    if chunk > envelope { chunk } else { envelope }
}

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
    #[error("cannot start the LAN listener: {0}")]
    Runtime(#[source] std::io::Error),
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

    /// Starts listening on the LAN as well (see [`LanOptions`]); stops when
    /// the returned [`LanListener`] is dropped. Loopback is unaffected.
    pub fn open_lan(&self, options: LanOptions) -> Result<LanListener, BrokerError> {
        let listen = options.listen;
        let listen_err = |source| BrokerError::Listen {
            addr: listen,
            source,
        };
        let listener = TcpListener::bind(listen).map_err(listen_err)?;
        let addr = listener.local_addr().map_err(listen_err)?;
        listener.set_nonblocking(true).map_err(listen_err)?;
        let gate = Arc::new(gateway::Gate {
            users_file: options.users_file,
            rules: AccessRules::new(options.prefix),
            upstream: self.addr,
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(BrokerError::Runtime)?;
        let (stop, stopped) = oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("lan-listener".into())
            .spawn(move || {
                runtime.block_on(async move {
                    match tokio::net::TcpListener::from_std(listener) {
                        Ok(listener) => {
                            tokio::select! {
                                () = gateway::serve(listener, gate) => {}
                                _ = stopped => {}
                            }
                        }
                        Err(e) => tracing::error!("the LAN listener cannot start: {e}"),
                    }
                });
                // Dropping the runtime ends every LAN client's connection.
            })
            .map_err(BrokerError::Runtime)?;
        tracing::info!("LAN listener on {addr}");
        Ok(LanListener { addr, _stop: stop })
    }
}

/// Where and for whom the LAN listener opens.
#[derive(Debug, Clone)]
pub struct LanOptions {
    pub listen: SocketAddr,
    /// The LAN users file ([`LanUsers`]); read at every sign-in, so users
    /// added or removed take effect at once.
    pub users_file: PathBuf,
    /// The topic prefix the access rules apply to.
    pub prefix: Prefix,
}

/// The open LAN listener. Dropping it closes the listener and every LAN
/// client's connection.
#[derive(Debug)]
pub struct LanListener {
    addr: SocketAddr,
    _stop: oneshot::Sender<()>,
}

impl LanListener {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URLs people on the network should enter: one per network
    /// address of this computer when listening on all of them.
    pub fn urls(&self) -> Vec<String> {
        let port = self.addr.port();
        let ips: Vec<IpAddr> = if self.addr.ip().is_unspecified() {
            if_addrs::get_if_addrs()
                .unwrap_or_default()
                .into_iter()
                .map(|i| i.ip())
                .filter(|ip| !ip.is_loopback() && ip.is_ipv4() == self.addr.is_ipv4())
                .collect()
        } else {
            vec![self.addr.ip()]
        };
        ips.into_iter()
            .map(|ip| format!("mqtt://{}", SocketAddr::new(ip, port)))
            .collect()
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

/// Where the LAN users file lives in Tether's config directory (the app and
/// `tether lan-user` share it).
pub fn users_file(config_dir: &std::path::Path) -> PathBuf {
    config_dir.join("lan-users.json")
}
