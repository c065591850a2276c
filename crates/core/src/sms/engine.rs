//! The task behind an [`super::SmsClient`]: connects (again and again,
//! with jittered back-off), runs each link (`link`), and applies commands
//! between links. Stops trying on a refused login until told otherwise.
//!
//! A process that does not own the account (another one holds its lock,
//! see `store::claim_session`) never connects: it queues into the store,
//! where the owner's link picks the parts up, and reports what the owner
//! makes of them.

use std::collections::BTreeSet;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::time::{Instant, sleep_until};

use super::committer::Committer;
use super::link::LinkEnd;
use super::{SmsCommand, wire};
use crate::account::SmsAccount;
use crate::account::sms::ConnectionMode;
use crate::clock::now_ms;
use crate::engine::drops::Drops;
use crate::error::{ClientError, ErrorCode};
use crate::event::Event;
use crate::model::{ConnectionState, MessageStatus};
use crate::protocol::{MessageId, UserId};
use crate::store::{CheckpointThread, SessionLock, Store};
use crate::supervisor::Backoff;

/// How often a process looks for what other processes wrote (an owner:
/// parts a guest queued; a guest: what became of its messages).
const FOREIGN_CHANGES_EVERY: Duration = Duration::from_secs(1);
/// Sends queued in one transaction at most.
pub(super) const MAX_BURST: usize = 256;
/// A long incoming SMS missing parts this long is shown as it is.
pub(super) const INCOMPLETE_AFTER: Duration = Duration::from_secs(10 * 60);

/// What [`spawn`] needs.
pub(super) struct Parts {
    pub account: SmsAccount,
    pub secret: String,
    pub store: Store,
    pub checkpoints: CheckpointThread,
    pub session: Option<SessionLock>,
    /// Shared with the handles: whether this process holds the link.
    pub owner: Arc<AtomicBool>,
    /// The store's file, to claim the account when its owner goes.
    pub store_path: std::path::PathBuf,
    pub commands: mpsc::Receiver<SmsCommand>,
    pub events: broadcast::Sender<Event>,
    pub state: watch::Sender<ConnectionState>,
    pub dropped: Arc<AtomicU64>,
}

pub(super) struct Engine {
    pub account: SmsAccount,
    pub me: UserId,
    pub secret: String,
    pub store: Store,
    /// Commits what links hear, on a thread of its own.
    pub(super) committer: Committer,
    _checkpoints: CheckpointThread,
    _session: Option<SessionLock>,
    store_path: std::path::PathBuf,
    pub(super) owner: bool,
    owner_flag: Arc<AtomicBool>,
    pub commands: mpsc::Receiver<SmsCommand>,
    pub events: broadcast::Sender<Event>,
    state: watch::Sender<ConnectionState>,
    pub drops: Drops,
    backoff: Backoff,
    /// The UDH reference of the next long message.
    pub(super) reference: u8,
    /// Messages this process queued or announced and not yet settled (a
    /// guest reports on them; an owner announces the others' when it
    /// picks them up).
    pub(super) mine: BTreeSet<MessageId>,
    data_version: i64,
    /// Set by a Shutdown command; answered when the task ends.
    pub stopping: Option<oneshot::Sender<()>>,
    /// A retry (or a new secret) was asked for while no link was up.
    retry_asked: bool,
}

/// Starts the engine on a thread of its own (as the MQTT engine does).
pub(super) fn spawn(parts: Parts) -> Result<(), ClientError> {
    let me = parts.account.me()?;
    let committer = Committer::start(&parts.store_path, &parts.account.name)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ClientError::Thread)?;
    let engine = Engine {
        me,
        owner: parts.session.is_some(),
        owner_flag: parts.owner,
        account: parts.account,
        secret: parts.secret,
        store: parts.store,
        committer,
        _checkpoints: parts.checkpoints,
        _session: parts.session,
        store_path: parts.store_path,
        commands: parts.commands,
        events: parts.events,
        state: parts.state,
        drops: Drops::new(parts.dropped),
        backoff: Backoff::default(),
        reference: rand::random(),
        mine: BTreeSet::new(),
        data_version: 0,
        stopping: None,
        retry_asked: false,
    };
    std::thread::Builder::new()
        .name(format!("sms-{}", engine.account.name))
        .spawn(move || runtime.block_on(engine.run()))
        .map_err(ClientError::Thread)?;
    Ok(())
}

impl Engine {
    async fn run(mut self) {
        if !self.owner && self.as_guest().await.is_break() {
            if let Some(done) = self.stopping.take() {
                let _ = done.send(());
            }
            return;
        }
        // Parts written before a crash: their answers never came.
        if let Err(e) = self.store.sms_unanswered(None) {
            tracing::error!("cannot read the SMS outbox: {e}");
        }
        self.connect_forever().await;
        if let Some(done) = self.stopping.take() {
            let _ = done.send(());
        }
    }

    async fn connect_forever(&mut self) {
        loop {
            if self.account.mode == ConnectionMode::Short && !self.has_work() {
                self.set_state(ConnectionState::Offline);
                if self.wait_for_work().await.is_break() {
                    return;
                }
                continue;
            }
            let attempt = self.backoff.attempt() + 1;
            self.set_state(ConnectionState::Connecting { attempt });
            self.retry_asked = false;
            let address = (self.account.host.clone(), self.account.port);
            let timeout = Duration::from_secs(u64::from(self.account.timers.response_secs));
            let started = Instant::now();
            let end = match tokio::time::timeout(timeout, TcpStream::connect(address)).await {
                Ok(Ok(stream)) => self.run_link(stream).await,
                Ok(Err(e)) => LinkEnd::Io(e.to_string()),
                Err(_) => LinkEnd::Io(format!("no answer within {}s", timeout.as_secs())),
            };
            if started.elapsed() > Duration::from_secs(10) {
                self.backoff.reset();
            }
            let flow = match end {
                LinkEnd::Shutdown => return,
                LinkEnd::Done => {
                    self.backoff.reset();
                    continue;
                }
                LinkEnd::Refused(message) => self.refused(message).await,
                LinkEnd::Io(error) | LinkEnd::Lost(error) => self.wait_to_retry(error).await,
            };
            if flow.is_break() {
                return;
            }
        }
    }

    /// A login the gateway refused for a reason retrying cannot fix: wait
    /// for a new secret, a retry or the end.
    async fn refused(&mut self, message: String) -> ControlFlow<()> {
        tracing::warn!(account = %self.account.name, "{message}");
        self.set_state(ConnectionState::AuthFailed { message });
        loop {
            let Some(command) = self.commands.recv().await else {
                return ControlFlow::Break(());
            };
            self.offline_command(command)?;
            if std::mem::take(&mut self.retry_asked) {
                return ControlFlow::Continue(());
            }
        }
    }

    async fn wait_to_retry(&mut self, error: String) -> ControlFlow<()> {
        let delay = self.backoff.next_delay();
        let error = format!(
            "the SMS gateway {}:{}: {error}",
            self.account.host, self.account.port
        );
        tracing::info!(account = %self.account.name, "{error}; again in {delay:?}");
        self.set_state(ConnectionState::Waiting {
            attempt: self.backoff.attempt(),
            retry_at_ms: now_ms() + i64::try_from(delay.as_millis()).unwrap_or(i64::MAX),
            error,
            code: ErrorCode::Unreachable,
        });
        let until = Instant::now() + delay;
        loop {
            tokio::select! {
                () = sleep_until(until) => return ControlFlow::Continue(()),
                command = self.commands.recv() => match command {
                    None => return ControlFlow::Break(()),
                    Some(command) => {
                        self.offline_command(command)?;
                        if std::mem::take(&mut self.retry_asked) {
                            return ControlFlow::Continue(());
                        }
                    }
                },
            }
        }
    }

    /// Short mode between links: wait for something to send.
    async fn wait_for_work(&mut self) -> ControlFlow<()> {
        let mut tick = tokio::time::interval(FOREIGN_CHANGES_EVERY);
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    if self.foreign_changes() && self.has_work() {
                        return ControlFlow::Continue(());
                    }
                }
                command = self.commands.recv() => {
                    let Some(command) = command else {
                        return ControlFlow::Break(());
                    };
                    self.offline_command(command)?;
                    if self.has_work() {
                        return ControlFlow::Continue(());
                    }
                }
            }
        }
    }

    /// A guest: queue, and tell what the owner's link made of it, until
    /// the owner goes; then this process takes the account over
    /// (`Continue`), or it is told to stop (`Break`).
    async fn as_guest(&mut self) -> ControlFlow<()> {
        self.set_state(ConnectionState::Offline);
        let mut tick = tokio::time::interval(FOREIGN_CHANGES_EVERY);
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    if self.foreign_changes() {
                        self.report_mine();
                    }
                    if let Ok(Some(lock)) = crate::store::claim_session(&self.store_path) {
                        tracing::info!(account = %self.account.name, "the account's link was let go: this process holds it now");
                        self._session = Some(lock);
                        self.owner = true;
                        self.owner_flag.store(true, std::sync::atomic::Ordering::Relaxed);
                        return ControlFlow::Continue(());
                    }
                }
                command = self.commands.recv() => {
                    let Some(command) = command else { return ControlFlow::Break(()) };
                    self.offline_command(command)?;
                }
            }
        }
    }

    /// What became of the messages this guest queued.
    fn report_mine(&mut self) {
        let mut settled = Vec::new();
        for id in &self.mine {
            match self.store.sms_delivery(*id) {
                Ok(Some(delivery)) => {
                    let status = delivery.status();
                    let _ = self.events.send(Event::Status { id: *id, status });
                    let _ = self.events.send(Event::SmsDelivery {
                        id: *id,
                        delivery: delivery.clone(),
                    });
                    if matches!(status, MessageStatus::Delivered | MessageStatus::Failed) {
                        settled.push(*id);
                    }
                }
                Ok(None) => settled.push(*id),
                Err(e) => tracing::warn!("cannot read an SMS's delivery: {e}"),
            }
        }
        for id in settled {
            self.mine.remove(&id);
        }
    }

    /// Whether another process committed since the last look.
    pub fn foreign_changes(&mut self) -> bool {
        match self.store.data_version() {
            Ok(version) if version != self.data_version => {
                self.data_version = version;
                true
            }
            Ok(_) => false,
            Err(e) => {
                tracing::warn!("cannot look for other processes' changes: {e}");
                false
            }
        }
    }

    fn has_work(&self) -> bool {
        self.store.sms_outbox_len().is_ok_and(|n| n > 0)
    }

    /// A command between links. A query fails; a cancel stops what is
    /// still here, and fails only for what the gateway holds.
    pub fn offline_command(&mut self, command: SmsCommand) -> ControlFlow<()> {
        match command {
            SmsCommand::Send(first) => {
                let (burst, next) = self.gather_burst(first);
                self.queue_now(burst);
                if let Some(next) = next {
                    return self.offline_command(next);
                }
            }
            SmsCommand::Retry { id, reply } => {
                let _ = reply.send(self.retry(id));
            }
            SmsCommand::Cancel { id, reply } => {
                // What is still here stops here; the gateway must be asked
                // for what it holds.
                let _ = reply.send(match self.cancel_here(id, &[]) {
                    Err(e) => Err(e.into()),
                    Ok(here) if here.held.is_empty() => Ok(here.stopped && !here.on_its_way),
                    Ok(_) => Err(ClientError::GatewayUnavailable(
                        "the gateway holds it and no link to it is up; cancel again once connected"
                            .into(),
                    )),
                });
            }
            SmsCommand::Query { reply, .. } => {
                let _ = reply.send(Err(ClientError::GatewayUnavailable(
                    "no link to the gateway is up; ask again once connected".into(),
                )));
            }
            // Asked between links (also when taken off the queue behind a
            // burst of sends): the waiting loops connect at once.
            SmsCommand::RetryNow => self.retry_asked = true,
            SmsCommand::SetSecret(secret) => {
                self.secret = secret;
                self.retry_asked = true;
            }
            SmsCommand::Shutdown { done } => {
                self.stopping = Some(done);
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    }

    pub fn set_state(&self, state: ConnectionState) {
        if *self.state.borrow() != state {
            self.state.send_replace(state.clone());
            let _ = self.events.send(Event::Connection { state });
        }
    }

    /// The CONNECT timestamp for a new link.
    pub fn timestamp(&self) -> tether_cmpp::auth::Timestamp {
        wire::timestamp_now()
    }
}
