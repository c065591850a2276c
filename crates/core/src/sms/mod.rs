//! The SMS channel: an SP's connection to an operator's gateway over CMPP
//! (crate `tether-cmpp`), a sibling of the MQTT `engine` over the same
//! `model` and `store`.
//!
//! Like [`crate::Client`], the cloneable [`SmsClient`] sends commands to a
//! task that owns the link, the writer store and the SMS outbox, and
//! broadcasts [`Event`]s (`Message`, `Status`, `SmsDelivery`,
//! `Connection`). The protocol rules (window, T/N, ACTIVE_TEST, Result 8)
//! are `tether_cmpp::session`'s, I/O-free; this module does the I/O and
//! the durability: a part is stored before it is written and its answer,
//! report or incoming DELIVER is committed before anything is answered.
//!
//! # Layout
//! - this file: [`SmsClient`], the handle.
//! - `engine`: the task: connecting with back-off, stopping on a refused
//!   login, the commands, a process that is not the account's owner.
//! - `queue`: queuing sends (bursts in one commit), retries, telling
//!   listeners what became of a message.
//! - `link`: one link's loop around a `Session`.
//! - `turn`: what a link heard, committed with the next parts in one
//!   transaction; DELIVERs answered after it; reserved parts SUBMITted.
//! - `committer`: the store's thread those commits run on, and a link's
//!   pipeline to it (one commit in flight, parts reserved ahead).
//! - `requests`: commands on a live link, the answers they wait for.
//! - `wire`: store rows into PDUs and back, the local clock.

mod committer;
mod engine;
mod link;
mod queue;
mod requests;
mod turn;
mod wire;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64};

use chrono::{DateTime, TimeZone};
use tether_cmpp::pdu::QueryResp;
use tokio::sync::{broadcast, mpsc, oneshot, watch};

use crate::account::SmsAccount;
use crate::error::ClientError;
use crate::event::Event;
use crate::model::{
    ConnectionState, ConversationId, ConversationSummary, PhoneNumber, SmsDelivery, StoredMessage,
};
use crate::protocol::MessageId;
use crate::reader::StoreReader;
use crate::store::{Store, StoreError};

pub use tether_cmpp::text::{Cost, TooLong};

/// What [`SmsClient::start`] needs.
#[derive(Debug, Clone)]
pub struct SmsOptions {
    pub account: SmsAccount,
    /// The shared secret (from the keyring).
    pub secret: String,
    /// The SQLite file of this account.
    pub store_path: PathBuf,
}

/// The gateway's counters for a day (CMPP QUERY).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GatewayCounters {
    /// `YYYYMMDD`.
    pub day: String,
    /// The Service_Id asked about, or empty for all.
    pub service: String,
    /// Messages the gateway took from us.
    pub mt_messages: u32,
    /// Destination numbers those went to.
    pub mt_users: u32,
    pub mt_delivered: u32,
    pub mt_waiting: u32,
    pub mt_failed: u32,
    /// Messages from phones handed to us.
    pub mo_delivered: u32,
    pub mo_waiting: u32,
    pub mo_failed: u32,
}

impl GatewayCounters {
    fn from_resp(resp: &QueryResp) -> GatewayCounters {
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let [
            mt_messages,
            mt_users,
            mt_delivered,
            mt_waiting,
            mt_failed,
            mo_delivered,
            mo_waiting,
            mo_failed,
        ] = resp.counters;
        GatewayCounters {
            day: text(&resp.time),
            service: text(&resp.query_code),
            mt_messages,
            mt_users,
            mt_delivered,
            mt_waiting,
            mt_failed,
            mo_delivered,
            mo_waiting,
            mo_failed,
        }
    }
}

type Reply<T> = oneshot::Sender<Result<T, ClientError>>;

/// One text to queue, and where its answer goes.
#[derive(Debug)]
pub(crate) struct SendRequest {
    /// The message's id; `None`: a new one. Sending an id already stored
    /// answers with that message and sends nothing (the gateway bridge
    /// relies on it: a request it sees twice goes once).
    pub id: Option<MessageId>,
    pub to: PhoneNumber,
    pub text: String,
    /// At_Time, already formatted (empty: now).
    pub at_time: String,
    pub reply: Reply<StoredMessage>,
}

#[derive(Debug)]
pub(crate) enum SmsCommand {
    Send(SendRequest),
    Retry {
        id: MessageId,
        reply: Reply<()>,
    },
    Cancel {
        id: MessageId,
        reply: Reply<bool>,
    },
    Query {
        day: String,
        service: String,
        reply: Reply<GatewayCounters>,
    },
    RetryNow,
    SetSecret(String),
    Shutdown {
        done: oneshot::Sender<()>,
    },
}

/// The handle to one SMS account's connection.
#[derive(Clone)]
pub struct SmsClient {
    account: SmsAccount,
    commands: mpsc::Sender<SmsCommand>,
    events: broadcast::Sender<Event>,
    state: watch::Receiver<ConnectionState>,
    reader: StoreReader,
    dropped: Arc<AtomicU64>,
    /// Whether this process holds the account's link (set by the engine
    /// when it takes the link over).
    owner: Arc<AtomicBool>,
}

impl std::fmt::Debug for SmsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsClient")
            .field("account", &self.account.name)
            .finish()
    }
}

impl SmsClient {
    /// Opens the store and starts the connection (long mode: at once;
    /// short mode: when there is something to send). Must run inside a
    /// Tokio runtime.
    pub async fn start(options: SmsOptions) -> Result<SmsClient, ClientError> {
        options.account.validate()?;
        let path = options.store_path.clone();
        let (writer, reader, checkpoints, session) = tokio::task::spawn_blocking(move || {
            let writer = Store::open(&path)?;
            writer.sync_every_commit()?;
            let checkpoints = writer.checkpoint_in_background(&path)?;
            let session = crate::store::claim_session(&path)?;
            Ok::<_, StoreError>((writer, Store::open(&path)?, checkpoints, session))
        })
        .await
        .map_err(|_| ClientError::Stopped)??;
        let owner = Arc::new(AtomicBool::new(session.is_some()));
        let (commands_tx, commands) = mpsc::channel(256);
        let (events, _) = broadcast::channel(4096);
        let (state, state_rx) = watch::channel(ConnectionState::Offline);
        let dropped = Arc::new(AtomicU64::new(0));
        engine::spawn(engine::Parts {
            account: options.account.clone(),
            secret: options.secret,
            store: writer,
            checkpoints,
            session,
            owner: Arc::clone(&owner),
            store_path: options.store_path.clone(),
            commands,
            events: events.clone(),
            state,
            dropped: dropped.clone(),
        })?;
        Ok(SmsClient {
            account: options.account,
            commands: commands_tx,
            events,
            state: state_rx,
            reader: StoreReader::new(reader),
            dropped,
            owner,
        })
    }

    pub fn account(&self) -> &SmsAccount {
        &self.account
    }

    /// False while another process holds this account's link: messages
    /// sent here go into the store and that process's link sends them
    /// (this one takes the link over when that process goes).
    pub fn owns_link(&self) -> bool {
        self.owner.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    pub fn connection(&self) -> watch::Receiver<ConnectionState> {
        self.state.clone()
    }

    /// Malformed PDUs and undecodable DELIVERs dropped since start.
    pub fn dropped_count(&self) -> u64 {
        self.dropped.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many SMS `text` takes and how many characters are left.
    pub fn cost(&self, text: &str) -> Cost {
        tether_cmpp::text::cost(text, self.account.chinese())
    }

    /// Queues a text durably; it goes as soon as a link is up.
    pub async fn send(&self, to: PhoneNumber, text: &str) -> Result<StoredMessage, ClientError> {
        self.send_at_time(None, to, text, String::new()).await
    }

    /// Like [`SmsClient::send`] under a given id: a second call with the
    /// same id sends nothing and answers with the message stored.
    pub async fn send_as(
        &self,
        id: MessageId,
        to: PhoneNumber,
        text: &str,
    ) -> Result<StoredMessage, ClientError> {
        self.send_at_time(Some(id), to, text, String::new()).await
    }

    /// Like [`SmsClient::send`], delivered by the gateway at `when`.
    pub async fn send_at<Tz: TimeZone>(
        &self,
        to: PhoneNumber,
        text: &str,
        when: &DateTime<Tz>,
    ) -> Result<StoredMessage, ClientError> {
        self.send_at_time(None, to, text, wire::at_time(when)).await
    }

    async fn send_at_time(
        &self,
        id: Option<MessageId>,
        to: PhoneNumber,
        text: &str,
        at_time: String,
    ) -> Result<StoredMessage, ClientError> {
        self.ask(|reply| {
            SmsCommand::Send(SendRequest {
                id,
                to,
                text: text.to_owned(),
                at_time,
                reply,
            })
        })
        .await
    }

    /// Queues a failed message's failed parts again.
    pub async fn retry(&self, id: MessageId) -> Result<(), ClientError> {
        self.ask(|reply| SmsCommand::Retry { id, reply }).await
    }

    /// Stops a message: parts still here are cancelled, and the gateway
    /// is asked not to deliver the parts it holds (scheduled). True when
    /// nothing of it will go: no part was on its way unanswered and the
    /// gateway agreed for every part it held.
    pub async fn cancel(&self, id: MessageId) -> Result<bool, ClientError> {
        self.ask(|reply| SmsCommand::Cancel { id, reply }).await
    }

    /// The gateway's counters for `day` (`YYYYMMDD`), for one Service_Id
    /// or (empty) all.
    pub async fn query(&self, day: &str, service: &str) -> Result<GatewayCounters, ClientError> {
        self.ask(|reply| SmsCommand::Query {
            day: day.to_owned(),
            service: service.to_owned(),
            reply,
        })
        .await
    }

    /// Tries to connect now instead of waiting out the back-off (and after
    /// a refused login, once the secret is fixed).
    pub async fn retry_now(&self) {
        let _ = self.commands.send(SmsCommand::RetryNow).await;
    }

    /// A new secret (after Status 3); connects again with it.
    pub async fn set_secret(&self, secret: String) {
        let _ = self.commands.send(SmsCommand::SetSecret(secret)).await;
    }

    /// TERMINATEs the link and stops the task.
    pub async fn shutdown(&self) {
        let (done, wait) = oneshot::channel();
        if self
            .commands
            .send(SmsCommand::Shutdown { done })
            .await
            .is_ok()
        {
            let _ = wait.await;
        }
    }

    /// Parts queued or written and not yet taken by the gateway.
    pub async fn outbox_len(&self) -> Result<u64, ClientError> {
        self.read(Store::sms_outbox_len).await
    }

    /// Texts with parts queued or written and not yet taken (the
    /// connection banner's "N messages queued").
    pub async fn outbox_messages(&self) -> Result<u64, ClientError> {
        self.read(Store::sms_outbox_messages).await
    }

    /// Parts not delivered or failed yet (waiting for the gateway or for
    /// their report).
    pub async fn unsettled_len(&self) -> Result<u64, ClientError> {
        self.read(Store::sms_unsettled_len).await
    }

    /// What became of one of our SMS.
    pub async fn delivery(&self, id: MessageId) -> Result<Option<SmsDelivery>, ClientError> {
        self.read(move |store| store.sms_delivery(id)).await
    }

    /// Up to `limit` messages of a conversation before `(ts, id)` (or the
    /// newest), oldest first.
    pub async fn history(
        &self,
        conversation: ConversationId,
        before: Option<(i64, MessageId)>,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, ClientError> {
        self.reader.history(conversation, before, limit).await
    }

    pub async fn conversations(&self) -> Result<Vec<ConversationSummary>, ClientError> {
        self.reader.conversations().await
    }

    /// The store's reading connection (the reads both channels share).
    pub fn reader(&self) -> &StoreReader {
        &self.reader
    }

    /// Marks a conversation read; returns how many messages became read.
    /// (Phones get no read receipts, so this is the store's alone: it
    /// goes through the reading connection, not the link's task.)
    pub async fn mark_read(&self, conversation: ConversationId) -> Result<usize, ClientError> {
        self.write(move |store| {
            let unread = store.mark_read(&conversation)?;
            Ok(unread.iter().map(|(_, ids)| ids.len()).sum())
        })
        .await
    }

    /// Deletes a failed SMS for good, with any of its parts still queued.
    pub async fn delete_failed(&self, id: MessageId) -> Result<(), ClientError> {
        let conversation = self
            .write(move |store| store.delete_failed(id))
            .await?
            .ok_or(ClientError::NotFailed(id))?;
        let _ = self.events.send(Event::Removed { conversation, id });
        Ok(())
    }

    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, ClientError> {
        self.reader.run(move |store| f(store)).await
    }

    /// Runs `f` on the reading connection. It may write what needs nothing
    /// of the link (read marks, deleting a failed message): SQLite orders
    /// those with the task's own transactions.
    async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, ClientError> {
        self.reader.run(f).await
    }

    async fn ask<T>(&self, command: impl FnOnce(Reply<T>) -> SmsCommand) -> Result<T, ClientError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(command(reply))
            .await
            .map_err(|_| ClientError::Stopped)?;
        answer.await.map_err(|_| ClientError::Stopped)?
    }
}
