//! Tether's engine: everything that is not UI.
//!
//! One persistent MQTT connection per account, a durable SQLite store with
//! an outbox (nothing the user sends is lost, whatever happens to the
//! process, the link or the broker), and the chat protocol of
//! `docs/protocol.md`. No Tauri dependency: the desktop app and the
//! `tether` CLI are both thin layers over [`Client`].
//!
//! # Layout
//! - [`model`]: the nouns, whatever the channel: conversations, messages
//!   and their delivery states, gaps, rooms, presence, connection state.
//! - [`protocol`]: ids, topics, the envelope codec and the receiver's
//!   validation rules. Pure functions, no I/O.
//! - [`store`]: SQLite (WAL) with migrations: conversations, messages,
//!   outbox, receipts, seq counters and gaps, full-text search; WAL
//!   checkpoints on a thread of their own.
//! - [`supervisor`]: I/O-free connection policy: backoff with full jitter,
//!   dead-link detection within 1.5× keep-alive, the state machine.
//! - `engine` (private): the task that owns the rumqttc event loop (through
//!   its driver task), the writer store and the outbox; one thread per
//!   client runs both.
//! - [`client`]: the cloneable [`Client`] handle and its event stream.
//! - [`reader`]: the store's reading connection behind either client's
//!   handle (history, search, unread counts, SMS deliveries).
//! - [`sms`]: the SMS channel over CMPP, a sibling of `engine`: the
//!   [`sms::SmsClient`] handle and the task that owns the gateway link.
//! - [`channel`]: [`channel::AccountClient`], either client behind the
//!   calls both channels share (what the desktop app holds per account).
//! - [`account`]: broker URL, identity, TLS, the on-disk account book.
//! - [`secrets`]: passwords in the OS keyring (or memory, for tests).
//! - [`signin`]: signing in with the same rules for the app and the CLI
//!   (where the password comes from, what a failed first link means).
//! - [`error`]: [`ClientError`] and [`error::ErrorCode`], the kinds of
//!   error users are shown (a new error maps to one of them).
//!
//! Where a change goes: a new message kind in `model` (what it is),
//! `protocol` (its wire form) and `store` (its table); a new connection
//! option in `account` (`Account::mqtt_options` is the one place MQTT is
//! set up); a new error as a variant mapped to an [`error::ErrorCode`]; a
//! new channel (SMS over CMPP) as a sibling of `engine` over the same
//! `model` and `store`, with its own account kind.
//!
//! # Words
//! - *connection*: an account's connection as the user sees it, kept up
//!   across outages ([`model::ConnectionState`]);
//! - *link*: one network connection to the broker, from its CONNACK to its
//!   loss; a connection goes through many links;
//! - *receiving* (`engine`) stores what arrived; *inbound* (`protocol`) is
//!   the validation every incoming publish passes first.
//!
//! # Example
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use tether_core::{Client, ClientOptions, account::Account, model::ConversationId};
//! let account = Account::new("work", "mqtt://localhost:1883".parse()?, "alice".parse()?);
//! let client = Client::start(ClientOptions {
//!     account,
//!     password: None,
//!     store_path: "/tmp/alice.db".into(),
//! })
//! .await?;
//! client.send(ConversationId::Direct("bob".parse()?), "hi").await?;
//! # Ok(()) }
//! ```

pub mod account;
pub mod channel;
pub mod client;
pub mod clock;
mod engine;
pub mod error;
pub mod event;
pub mod model;
pub mod protocol;
pub mod reader;
pub mod secrets;
pub mod signin;
pub mod sms;
pub mod store;
pub mod supervisor;
pub mod transfer;

pub use client::{Client, ClientOptions};
pub use error::ClientError;
pub use event::Event;
