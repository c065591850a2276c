//! "This computer": the embedded broker the app hosts for accounts whose
//! server is this machine. The first Tether on the machine to need it
//! starts it; later ones (another profile, a `tether serve` already
//! running) find the address taken and connect to whoever serves it. If
//! that one quits, the app hosts it itself: [`keep_hosting`] tries again
//! whenever the link is down.
//!
//! The app that hosts it may also open it to the local network
//! ([`LocalBroker::open_lan`]); see tether-broker's LAN gateway.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use tether_broker::{BrokerError, EmbeddedBroker, LanListener, LanOptions};
use tether_core::account::{BrokerUrl, BrokerUrlError};
use tether_core::error::ErrorCode;
use tether_core::model::ConnectionState;
use tether_core::protocol::Prefix;

use tokio::sync::watch;

use crate::error::AppError;

/// Where "This computer" listens instead of tether-broker's default
/// (loopback, MQTT's usual port); tests use a free port.
const ADDR_ENV: &str = "TETHER_LOCAL_BROKER";
/// Where the LAN listener opens instead of tether-broker's default.
const LAN_ENV: &str = "TETHER_LAN_LISTEN";

#[derive(Debug, thiserror::Error)]
pub enum LanError {
    #[error(
        "another program hosts This computer's broker; open the network from there (tether serve --lan)"
    )]
    NotHosting,
    #[error(transparent)]
    Listen(#[from] BrokerError),
}

impl From<LanError> for AppError {
    fn from(e: LanError) -> AppError {
        AppError::new(ErrorCode::LanUnavailable, e.to_string())
    }
}

#[derive(Debug)]
pub struct LocalBroker {
    addr: SocketAddr,
    url: BrokerUrl,
    /// Set once this app hosts the broker (rumqttd runs until the app quits).
    hosted: Mutex<Option<EmbeddedBroker>>,
    lan_listen: SocketAddr,
    /// Open while the host lets the local network in.
    lan: Mutex<Option<LanListener>>,
}

impl LocalBroker {
    pub fn from_env() -> Result<LocalBroker, BrokerUrlError> {
        let addr = env_addr(ADDR_ENV, tether_broker::DEFAULT_LISTEN)?;
        let lan_listen = env_addr(LAN_ENV, tether_broker::DEFAULT_LAN_LISTEN)?;
        Ok(LocalBroker {
            addr,
            url: format!("mqtt://{addr}").parse()?,
            hosted: Mutex::new(None),
            lan_listen,
            lan: Mutex::new(None),
        })
    }

    /// Whether this app hosts the broker (not another program).
    pub fn is_hosted(&self) -> bool {
        lock(&self.hosted).is_some()
    }

    /// Lets the local network in: LAN users (from `users_file`) sign in on
    /// the LAN listener. Only the app that hosts the broker can.
    pub fn open_lan(&self, users_file: PathBuf) -> Result<(), LanError> {
        let hosted = lock(&self.hosted);
        let broker = hosted.as_ref().ok_or(LanError::NotHosting)?;
        let mut lan = lock(&self.lan);
        if lan.is_none() {
            *lan = Some(broker.open_lan(LanOptions {
                listen: self.lan_listen,
                users_file,
                prefix: Prefix::default(),
            })?);
        }
        Ok(())
    }

    /// Closes the LAN listener; LAN clients are disconnected.
    pub fn close_lan(&self) {
        lock(&self.lan).take();
    }

    /// The addresses to give people on the network, while it is open.
    pub fn lan_urls(&self) -> Option<Vec<String>> {
        lock(&self.lan).as_ref().map(LanListener::urls)
    }

    /// The address accounts on "This computer" connect to.
    pub fn url(&self) -> &BrokerUrl {
        &self.url
    }

    /// Starts the broker here unless this app already hosts it or the
    /// address is taken (by another Tether serving it, which is then used).
    /// Blocks while rumqttd starts listening (milliseconds).
    pub fn ensure(&self) {
        let mut hosted = lock(&self.hosted);
        if hosted.is_some() {
            return;
        }
        match EmbeddedBroker::start(self.addr) {
            Ok(broker) => {
                tracing::info!("hosting the broker for This computer on {}", broker.url());
                *hosted = Some(broker);
            }
            Err(BrokerError::Listen { source, .. })
                if source.kind() == std::io::ErrorKind::AddrInUse =>
            {
                tracing::debug!("{} is served by another program; using it", self.addr);
            }
            Err(e) => tracing::warn!("cannot host the broker for This computer: {e}"),
        }
    }
}

/// `$var`, else `default`, as a socket address.
fn env_addr(var: &str, default: &str) -> Result<SocketAddr, BrokerUrlError> {
    let s = std::env::var(var).unwrap_or_else(|_| default.to_owned());
    s.parse()
        .map_err(|_| BrokerUrlError::NotUrl(format!("{var}={s}")))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// [`LocalBroker::ensure`] off the async runtime's threads.
pub async fn ensure(broker: Arc<LocalBroker>) {
    let started = tauri::async_runtime::spawn_blocking(move || broker.ensure()).await;
    if let Err(e) = started {
        tracing::warn!("hosting the broker for This computer failed: {e}");
    }
}

/// While a client on This computer runs (until its connection state
/// channel closes): whenever its link is down and waiting to retry, host
/// the broker here if nobody does, so the retry finds one.
pub fn keep_hosting(broker: Arc<LocalBroker>, mut connection: watch::Receiver<ConnectionState>) {
    tauri::async_runtime::spawn(async move {
        while connection.changed().await.is_ok() {
            let down = matches!(
                *connection.borrow_and_update(),
                ConnectionState::Waiting { .. }
            );
            if down {
                ensure(broker.clone()).await;
            }
        }
    });
}
