//! Accounts: which broker, as whom, and how to reach it.
//!
//! An [`Account`] never holds the password: that lives in the OS keyring
//! (see [`crate::secrets`]) and is handed to [`Account::mqtt_options`] only
//! when a connection is made.

mod book;
mod broker;
pub mod sms;
mod tls;

use std::time::Duration;

use rand::Rng;
use rumqttc::{
    AsyncClient, EventLoop, LastWill, MqttOptions, NetworkOptions, QoS, TlsConfiguration, Transport,
};
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use book::{AccountBook, BookError, Paths};
pub use broker::{BrokerUrl, BrokerUrlError, Scheme};
pub use sms::SmsAccount;
pub use tls::{TlsError, TlsSettings};

use crate::protocol::{Prefix, UserId};

/// Keep-alive used when an account does not choose one.
pub const DEFAULT_KEEP_ALIVE_SECS: u16 = 30;

/// Largest MQTT packet we accept from the broker: the protocol maximum.
/// A smaller limit would make rumqttc drop the connection on an oversized
/// message that the broker then redelivers forever (we ack only after
/// storing); the codec rejects anything over 256 KiB right after reading.
const MAX_INCOMING_PACKET: usize = 268_435_455;
/// Requests already queued that rumqttc writes together, one flush for all
/// (vendor/rumqttc's patch): a write per packet was most of each engine's
/// kernel time in P1 (docs/BENCHMARKS.md).
const MAX_REQUEST_BATCH: usize = 64;

/// One chat identity on one broker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Local label used to pick the account (`--account work`).
    pub name: String,
    pub broker: BrokerUrl,
    /// Chat identity; also the MQTT user name unless `username` is set.
    pub user: UserId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Stable per (account, device): the broker keeps our session under it.
    pub client_id: String,
    #[serde(default = "default_keep_alive")]
    pub keep_alive_secs: u16,
    #[serde(default)]
    pub prefix: Prefix,
    #[serde(default)]
    pub tls: TlsSettings,
    /// The server is "This computer": the desktop app hosts Tether's
    /// embedded broker at `broker` (loopback) unless another program
    /// already serves it there. No password.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub this_computer: bool,
    /// The team's SMS gateway user (`tether sms-gateway`): texts to phone
    /// numbers go through it (docs/protocol.md, extension 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms_gateway: Option<UserId>,
    /// This account is the SMS gateway user: it reads what others ask it to
    /// text. Set by `tether sms-gateway`, not saved.
    #[serde(skip)]
    pub serves_sms: bool,
}

/// Account names name a directory and a keyring entry: letters, digits,
/// '.', '_' and '-', at most 64.
fn validate_name(name: &str) -> Result<(), AccountError> {
    let name_ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !name_ok {
        return Err(AccountError::Name(name.to_owned()));
    }
    Ok(())
}

fn default_keep_alive() -> u16 {
    DEFAULT_KEEP_ALIVE_SECS
}

#[derive(Debug, Error)]
pub enum AccountError {
    #[error("keep-alive must be between 5 and 3600 seconds (got {0})")]
    KeepAlive(u16),
    #[error("account names may only use letters, digits, '.', '_' and '-' (got '{0}')")]
    Name(String),
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// An SMS account setting the gateway would refuse (the sentence says
    /// which and what it must be).
    #[error("{0}")]
    Sms(String),
}

impl Account {
    /// A new account with a fresh client id for this device.
    pub fn new(name: impl Into<String>, broker: BrokerUrl, user: UserId) -> Account {
        Account {
            name: name.into(),
            broker,
            user,
            username: None,
            client_id: new_client_id(),
            keep_alive_secs: DEFAULT_KEEP_ALIVE_SECS,
            prefix: Prefix::default(),
            tls: TlsSettings::default(),
            this_computer: false,
            sms_gateway: None,
            serves_sms: false,
        }
    }

    /// Checks the fields that cannot be checked by their types.
    pub fn validate(&self) -> Result<(), AccountError> {
        if !(5..=3600).contains(&self.keep_alive_secs) {
            return Err(AccountError::KeepAlive(self.keep_alive_secs));
        }
        validate_name(&self.name)
    }

    pub fn keep_alive(&self) -> Duration {
        Duration::from_secs(u64::from(self.keep_alive_secs))
    }

    /// The MQTT user name sent to the broker.
    pub fn mqtt_username(&self) -> &str {
        self.username.as_deref().unwrap_or(self.user.as_str())
    }

    /// The key under which the password is kept in the OS keyring.
    pub fn secret_key(&self) -> String {
        format!("{}@{}", self.mqtt_username(), self.broker)
    }

    /// rumqttc options for this account: manual acks (we ack only after a
    /// message is durably stored) and, for the session's owner
    /// (`will` given), the account's client id, a persistent session and
    /// the Last Will; a guest (`None`, see `store::claim_session`) gets a
    /// client id of its own and a clean session, and leaves presence alone.
    pub fn mqtt_options(
        &self,
        password: Option<&str>,
        will: Option<LastWill>,
        inflight: u16,
    ) -> Result<MqttOptions, AccountError> {
        self.validate()?;
        let client_id = match will {
            Some(_) => self.client_id.clone(),
            None => new_client_id(),
        };
        let mut o = MqttOptions::new(
            client_id,
            self.broker.transport_address(),
            self.broker.port(),
        );
        o.set_keep_alive(self.keep_alive())
            .set_clean_session(will.is_none())
            .set_manual_acks(true)
            .set_max_packet_size(MAX_INCOMING_PACKET, MAX_INCOMING_PACKET)
            .set_inflight(inflight)
            .set_request_channel_capacity(request_capacity(inflight))
            .set_max_request_batch(MAX_REQUEST_BATCH);
        if let Some(will) = will {
            o.set_last_will(will);
        }
        if let Some(password) = password {
            o.set_credentials(self.mqtt_username(), password);
        }
        match self.broker.scheme() {
            Scheme::Mqtt => {}
            Scheme::Ws => {
                o.set_transport(Transport::Ws);
            }
            Scheme::Mqtts => {
                let config = TlsConfiguration::Rustls(self.tls.client_config()?);
                o.set_transport(Transport::tls_with_config(config));
            }
            Scheme::Wss => {
                let config = TlsConfiguration::Rustls(self.tls.client_config()?);
                o.set_transport(Transport::wss_with_config(config));
            }
        }
        Ok(o)
    }

    /// The MQTT client and event loop of a link to this account's broker:
    /// [`Account::mqtt_options`], plus the network options. The one place
    /// MQTT is set up (a new connection option goes here).
    pub fn mqtt_link(
        &self,
        password: Option<&str>,
        will: Option<LastWill>,
        inflight: u16,
    ) -> Result<(AsyncClient, EventLoop), AccountError> {
        let options = self.mqtt_options(password, will, inflight)?;
        let (client, mut eventloop) = AsyncClient::new(options, request_capacity(inflight));
        let mut network = NetworkOptions::new();
        network.set_connection_timeout(u64::from(self.keep_alive_secs.clamp(5, 10)));
        // Chat packets are small and each one matters now: Nagle's algorithm
        // would hold one back behind an unacknowledged segment, and with the
        // peer's delayed ACK that adds up to ~40 ms (measured in P2).
        network.set_tcp_nodelay(true);
        eventloop.set_network_options(network);
        Ok((client, eventloop))
    }

    /// The link of the account's second session, which carries files
    /// (extension 12 of docs/protocol.md): the account's client id with
    /// `-f` as its last two characters, persistent (the broker queues
    /// chunks for us while we are away, apart from chat), no Last Will.
    pub fn files_link(
        &self,
        password: Option<&str>,
        inflight: u16,
    ) -> Result<(AsyncClient, EventLoop), AccountError> {
        let mut options = self.mqtt_options(password, None, inflight)?;
        options
            .set_client_id(self.files_client_id())
            .set_clean_session(false);
        let (client, mut eventloop) = AsyncClient::new(options, request_capacity(inflight));
        let mut network = NetworkOptions::new();
        network.set_connection_timeout(u64::from(self.keep_alive_secs.clamp(5, 10)));
        eventloop.set_network_options(network);
        Ok((client, eventloop))
    }

    /// See [`Account::files_link`]; at most 23 characters like the chat's.
    pub fn files_client_id(&self) -> String {
        let base: String = self.client_id.chars().take(21).collect();
        format!("{base}-f")
    }

    /// A retained presence envelope; also the Last Will.
    pub fn will(&self, payload: Vec<u8>) -> LastWill {
        let topic = crate::protocol::Topic::Presence {
            user: self.user.clone(),
        }
        .render(&self.prefix);
        LastWill::new(topic, payload, QoS::AtLeastOnce, true)
    }
}

/// Requests rumqttc's channel holds: a window of publishes, their PUBACKs
/// and the receipts they bring, with room to spare.
fn request_capacity(inflight: u16) -> usize {
    usize::from(inflight) * 4 + 64
}

/// `tether-` and 16 hex digits: 23 characters, the longest client id every
/// MQTT 3.1.1 broker must accept.
fn new_client_id() -> String {
    let n: u64 = rand::rng().random();
    format!("tether-{n:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account() -> Account {
        Account::new(
            "work",
            "mqtt://127.0.0.1:1883".parse().unwrap(),
            UserId::new("alice").unwrap(),
        )
    }

    #[test]
    fn client_ids_are_short_and_distinct() {
        let (a, b) = (account(), account());
        assert_eq!(a.client_id.len(), 23);
        assert_ne!(a.client_id, b.client_id);
    }

    #[test]
    fn serialized_account_never_has_a_password_field() {
        let json = serde_json::to_string(&account()).unwrap();
        assert!(!json.to_lowercase().contains("password"), "{json}");
    }

    #[test]
    fn options_use_a_persistent_session_and_manual_acks() {
        let a = account();
        let o = a
            .mqtt_options(Some("pw"), Some(a.will(b"{}".to_vec())), 10)
            .unwrap();
        assert!(!o.clean_session());
        assert_eq!(o.client_id(), a.client_id);
        assert_eq!(o.keep_alive(), Duration::from_secs(30));
        let login = o.credentials().unwrap();
        assert_eq!(
            (login.username.as_str(), login.password.as_str()),
            ("alice", "pw")
        );
        assert_eq!(o.last_will().unwrap().topic, "tether/v1/p/alice");
    }

    #[test]
    fn options_write_queued_requests_together() {
        let a = account();
        let o = a
            .mqtt_options(None, Some(a.will(b"{}".to_vec())), 10)
            .unwrap();
        assert_eq!(o.max_request_batch(), MAX_REQUEST_BATCH);
    }

    #[test]
    fn a_guest_leaves_the_owners_session_and_presence_alone() {
        let a = account();
        let o = a.mqtt_options(Some("pw"), None, 10).unwrap();
        assert_ne!(o.client_id(), a.client_id, "its own client id");
        assert!(
            o.client_id().len() <= 23,
            "any MQTT 3.1.1 broker accepts it"
        );
        assert!(o.clean_session(), "nothing left behind on the broker");
        assert!(o.last_will().is_none(), "its end says nothing of presence");
        assert_eq!(o.credentials().unwrap().username, "alice");
    }

    #[test]
    fn bad_keep_alive_and_names_are_refused() {
        let mut a = account();
        a.keep_alive_secs = 1;
        assert!(matches!(a.validate(), Err(AccountError::KeepAlive(1))));
        let mut a = account();
        a.name = "my work".into();
        assert!(matches!(a.validate(), Err(AccountError::Name(_))));
    }
}
