//! The one task that owns the connection, the writer store and the outbox.
//!
//! mini-redis style: the cloneable [`crate::Client`] sends [`Command`]s over
//! a channel; this task applies them, drives the link through the
//! [`driver`] task, and broadcasts [`Event`]s. All MQTT and store writes
//! happen here, so ordering questions have one answer.
//!
//! # Layout
//! Each part owns its state; the decisions that carry the product's promise
//! are I/O-free and unit-tested without a broker:
//! - `link`: what belongs to one link, forgotten when it is lost;
//! - `acks`: when an incoming PUBLISH gets its PUBACK (after commit, in order);
//! - `publisher` and `publishing`: our publishes within the in-flight window;
//! - `suspects`: a publish the broker keeps refusing is set aside;
//! - `subscriptions` (`tracker`): the broker's subscriptions follow the store;
//! - `settling`: acks and receipts committed together;
//! - `resend`: publishing again what a crashed broker may have lost;
//! - `receiving`: validating and storing what arrives; `sending`: what we send;
//! - `indexing`, `drops`, `probe`, `commands`, `driver` (rumqttc's event loop).

mod acks;
mod changing;
mod commands;
pub(crate) mod driver;
pub(crate) mod drops;
mod files;
mod indexing;
mod link;
mod probe;
mod publisher;
mod publishing;
mod receiving;
mod resend;
mod rooms;
mod sending;
mod settling;
mod subscriptions;
mod suspects;

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use rumqttc::AsyncClient;
use tokio::sync::{broadcast, mpsc, watch};
use tokio::time::Instant;

pub(crate) use changing::refuse_if_queued;
pub(crate) use commands::Command;
pub(crate) use commands::{OutgoingFile, SendRequest};
use driver::{Control, DriverEvent, Tagged};
use drops::Drops;
use publisher::Publisher;
pub(crate) use sending::checked_envelope;

use crate::account::Account;
use crate::clock::now_ms;
use crate::error::ClientError;
use crate::event::Event;
use crate::model::{ConnectionState, PresenceState};
use crate::protocol::{Body, Envelope, PresenceBody};
use crate::protocol::{Prefix, UserId};
use crate::store::Store;
use crate::supervisor::{Backoff, Failure, Liveness, Supervisor};

/// Publishes in flight at once; also rumqttc's inflight limit. With
/// rumqttc writing queued requests together (vendor/rumqttc), 200 let
/// more go out per write than 100 did; 400 gained nothing more (P1).
pub(crate) const WINDOW: u16 = 200;
/// A link up this long counts as stable: backoff starts over after it.
const STABLE_AFTER: Duration = Duration::from_secs(10);

pub(crate) struct Engine {
    me: UserId,
    prefix: Prefix,
    store: Store,
    _checkpoints: crate::store::CheckpointThread,
    mqtt: AsyncClient,
    control: mpsc::Sender<Control>,
    link_events: mpsc::Receiver<Tagged>,
    commands: mpsc::Receiver<Command>,
    events: broadcast::Sender<Event>,
    state: watch::Sender<ConnectionState>,
    supervisor: Supervisor,
    /// What belongs to the current link (see `link`).
    link: link::Link,
    generation: u64,
    drops: Drops,
    presence: PresenceState,
    /// When the next planned resend is due (see `resend`).
    resend_at: Option<Instant>,
    /// The broker's host and port, for reachability probes.
    broker: (String, u16),
    /// The probe running while we wait to retry (see `probe`).
    probe: Option<tokio::task::JoinHandle<()>>,
    /// Acks and receipts not yet settled in the store (see `settling`).
    settling: settling::Settling,
    /// A command taken off the queue while gathering a burst of sends; it
    /// runs next, so commands still apply in the order they were sent.
    deferred: Option<Command>,
    /// When stored messages get indexed for search (see `indexing`).
    index_timer: indexing::IndexTimer,
    /// Whose broker session this is (see `subscriptions::Session`).
    session: subscriptions::Session,
    /// The store's `data_version` when the owner last looked for other
    /// processes' changes, and when it looks next.
    data_version: i64,
    foreign_at: Instant,
    /// Texting phones through the team's SMS gateway user (extension 10).
    sms: SmsRole,
    /// The account's file session (extension 12); none for a guest.
    files: Option<mpsc::Sender<crate::transfer::session::Notice>>,
}

/// This account's part in SMS through a gateway user.
#[derive(Debug, Clone, Default)]
pub(crate) struct SmsRole {
    /// The gateway user texts to phones go through, if any.
    pub gateway: Option<UserId>,
    /// This account is the gateway user.
    pub serves: bool,
}

/// The store side of an engine: the writing connection, its checkpoint
/// thread, and whether this process owns the account's broker session.
pub(crate) struct Storage {
    pub store: Store,
    /// Runs while the engine does (see `store::checkpoint`).
    pub checkpoints: crate::store::CheckpointThread,
    /// `None` runs the engine as a guest (see `store::claim_session`).
    pub session: Option<crate::store::SessionLock>,
}

/// How the engine talks to its [`crate::Client`] handles.
pub(crate) struct Channels {
    pub commands: mpsc::Receiver<Command>,
    pub events: broadcast::Sender<Event>,
    pub state: watch::Sender<ConnectionState>,
    pub dropped: Arc<AtomicU64>,
    /// To the account's file session, if this process runs one.
    pub files: Option<mpsc::Sender<crate::transfer::session::Notice>>,
}

/// Starts the engine for `account` and its driver on a thread of their
/// own; connects at once.
///
/// The engine's SQLite calls block whatever thread runs it, for a few ms per
/// burst. On a shared runtime that held up other tasks (its own driver
/// among them, parked in the worker's LIFO slot), and every hand-off
/// between the engine and its driver crossed threads. On one thread with a
/// current-thread runtime the two alternate without waking anybody, and two
/// clients in one process (the benchmarks) run side by side.
pub(crate) fn spawn(
    account: &Account,
    password: Option<&str>,
    storage: Storage,
    channels: Channels,
) -> Result<(), ClientError> {
    // The owner's link leaves a Last Will; a guest's says nothing of
    // presence (see `store::claim_session`).
    let will = storage.session.as_ref().map(|_| {
        let will = Envelope::new(
            Body::Presence(PresenceBody {
                state: PresenceState::Offline,
                ts: None,
            }),
            &account.user,
            now_ms(),
        );
        account.will(will.encode())
    });
    let (mqtt, eventloop) = account.mqtt_link(password, will, WINDOW)?;
    let (me, prefix, keep_alive) = (
        account.user.clone(),
        account.prefix.clone(),
        account.keep_alive(),
    );
    let broker = (account.broker.host().to_owned(), account.broker.port());
    let sms = SmsRole {
        gateway: account.sms_gateway.clone(),
        serves: account.serves_sms,
    };
    let name = format!("engine-{}", account.user);
    driver::spawn_thread(name, eventloop, move |control, link_events| {
        Engine {
            me,
            prefix,
            store: storage.store,
            _checkpoints: storage.checkpoints,
            mqtt,
            control,
            link_events,
            commands: channels.commands,
            events: channels.events,
            state: channels.state,
            supervisor: Supervisor::new(Backoff::default(), STABLE_AFTER),
            link: link::Link::new(
                Publisher::new(usize::from(WINDOW)),
                Liveness::new(keep_alive),
            ),
            generation: 0,
            drops: Drops::new(channels.dropped),
            presence: PresenceState::Online,
            resend_at: None,
            broker,
            probe: None,
            settling: settling::Settling::default(),
            deferred: None,
            index_timer: indexing::IndexTimer::default(),
            session: subscriptions::Session::new(storage.session),
            data_version: 0,
            foreign_at: Instant::now() + subscriptions::FOREIGN_CHANGES_EVERY,
            sms,
            files: channels.files,
        }
        .run()
    })
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

impl Engine {
    async fn run(mut self) {
        let state = self.supervisor.connect();
        self.open_link(state).await;
        // Whatever the last run stored and did not index.
        self.messages_stored();
        loop {
            if let Some(command) = self.deferred.take() {
                if self.handle_command(command).await.is_break() {
                    return;
                }
                continue;
            }
            let retry_at = self.supervisor.retry_at();
            let dead_at = self
                .supervisor
                .is_up()
                .then(|| self.link.liveness.deadline())
                .flatten();
            let resend_at = self.resend_at.filter(|_| self.supervisor.is_up());
            tokio::select! {
                command = self.commands.recv() => {
                    let Some(command) = command else {
                        self.shutdown().await;
                        return;
                    };
                    if self.handle_command(command).await.is_break() {
                        return;
                    }
                    // Whatever the link delivered meanwhile goes next, before
                    // the next command: with a queue of sends always ready,
                    // PUBACKs would otherwise wait behind burst after burst
                    // while the in-flight window stays full (found by P1).
                    // Yielding first lets the driver run: it shares this
                    // thread and cannot write our publishes until we yield.
                    tokio::task::yield_now().await;
                    if let Ok(first) = self.link_events.try_recv() {
                        self.handle_link_events(first).await;
                    }
                }
                tagged = self.link_events.recv() => {
                    let Some(first) = tagged else {
                        tracing::error!("the MQTT driver task ended unexpectedly");
                        self.set_state(ConnectionState::Offline);
                        return;
                    };
                    self.handle_link_events(first).await;
                }
                () = probe::finished(&mut self.probe), if self.probe.is_some() => {
                    self.broker_reachable();
                }
                _ = sleep_until(retry_at), if retry_at.is_some() => {
                    if let Some(state) = self.supervisor.retry() {
                        self.open_link(state).await;
                    }
                }
                _ = sleep_until(self.settling.due()), if self.settling.due().is_some() => {
                    self.settle();
                    self.flush_acks();
                }
                _ = sleep_until(self.drops.due()), if self.drops.due().is_some() => {
                    if let Some(report) = self.drops.flush(Instant::now()) {
                        drops::log(&report);
                    }
                }
                () = tokio::time::sleep_until(self.foreign_at) => {
                    self.foreign_at = Instant::now() + subscriptions::FOREIGN_CHANGES_EVERY;
                    self.foreign_changes();
                }
                _ = sleep_until(self.index_timer.due()), if self.index_timer.due().is_some() => {
                    self.index_pending();
                }
                _ = sleep_until(resend_at), if resend_at.is_some() => {
                    self.resend_due();
                    self.pump();
                }
                _ = sleep_until(dead_at), if dead_at.is_some() => {
                    tracing::info!("no answer to a ping: the link is dead, reconnecting");
                    let _ = self.control.send(Control::Drop).await;
                    self.link_lost(&Failure::DeadLink);
                }
            }
        }
    }

    async fn open_link(&mut self, state: ConnectionState) {
        self.stop_probe();
        self.generation += 1;
        self.set_state(state);
        if self
            .control
            .send(Control::Connect(self.generation))
            .await
            .is_err()
        {
            tracing::error!("the MQTT driver task is gone");
        }
    }

    /// The link is gone (reported by the driver or found dead by us).
    fn link_lost(&mut self, failure: &Failure) {
        // Before the outbox is replayed from the start on the next link.
        self.settle();
        self.strike_suspect(failure);
        // Stragglers from the old link must not be mistaken for the new one's.
        self.generation += 1;
        // Acks, publishes in flight, subscription requests: all belonged
        // to that link; the broker delivers unacked ones again on the next.
        self.link.lost();
        self.suspect_unconfirmed();
        let state = self.supervisor.failed(failure, Instant::now(), now_ms());
        match &state {
            ConnectionState::AuthFailed { message } => tracing::warn!("{message}"),
            _ => tracing::info!("link lost: {failure}"),
        }
        self.set_state(state);
        self.start_probe();
    }

    fn set_state(&mut self, state: ConnectionState) {
        self.state.send_replace(state.clone());
        self.emit(Event::Connection { state });
    }

    fn emit(&self, event: Event) {
        // No receiver is fine: the store is the record, events are hints.
        let _ = self.events.send(event);
    }

    /// Handles one event from the link, then everything else already
    /// waiting, so a burst of messages is stored in one transaction and a
    /// burst of PUBACKs settles in another.
    async fn handle_link_events(&mut self, first: Tagged) {
        // The driver polled the event loop: its request queue has room again.
        self.flush_acks();
        let mut batch = Vec::new();
        let mut acked = Vec::new();
        let mut next = Some(first);
        while let Some((generation, event)) = next.take() {
            if generation == self.generation {
                match event {
                    DriverEvent::Mqtt(rumqttc::Event::Incoming(rumqttc::Packet::Publish(p))) => {
                        self.link.liveness.heard_from_broker();
                        batch.push(p);
                    }
                    DriverEvent::Mqtt(rumqttc::Event::Incoming(rumqttc::Packet::PubAck(ack))) => {
                        self.link.liveness.heard_from_broker();
                        // The window is freed at once (rumqttc may reuse the
                        // packet id right away); the store catches up below.
                        acked.extend(self.link.publisher.acked(ack.pkid));
                    }
                    DriverEvent::Mqtt(event) => {
                        self.receive_batch(std::mem::take(&mut batch));
                        self.publishes_acked(std::mem::take(&mut acked));
                        self.handle_mqtt(event);
                    }
                    DriverEvent::Failed(failure) => {
                        self.receive_batch(std::mem::take(&mut batch));
                        self.publishes_acked(std::mem::take(&mut acked));
                        self.link_lost(&failure);
                    }
                }
            }
            if batch.len() + acked.len() < 512 {
                next = self.link_events.try_recv().ok();
            }
        }
        self.receive_batch(batch);
        self.publishes_acked(acked);
        if std::mem::take(&mut self.link.subscriptions_pending) {
            self.sync_subscriptions();
        }
        self.pump();
    }

    /// Everything from the link but PUBLISH and PUBACK (those are batched
    /// in `handle_link_events`).
    fn handle_mqtt(&mut self, event: rumqttc::Event) {
        use rumqttc::{Event as E, Outgoing, Packet};
        match event {
            E::Incoming(packet) => {
                self.link.liveness.heard_from_broker();
                match packet {
                    Packet::ConnAck(ack) => self.link_up(ack.session_present),
                    Packet::SubAck(ack) => {
                        if let Some(state) = self.link.ready.take() {
                            self.set_state(state);
                        }
                        self.subscription_answered(ack.pkid, Some(&ack.return_codes));
                    }
                    Packet::UnsubAck(ack) => self.subscription_answered(ack.pkid, None),
                    _ => {}
                }
            }
            E::Outgoing(Outgoing::Publish(pkid)) => {
                self.link.publisher.written(pkid, Instant::now())
            }
            E::Outgoing(Outgoing::Subscribe(pkid)) => self.subscription_written(pkid, true),
            E::Outgoing(Outgoing::Unsubscribe(pkid)) => self.subscription_written(pkid, false),
            E::Outgoing(Outgoing::PingReq) => self.link.liveness.ping_sent(Instant::now()),
            E::Outgoing(_) => {}
        }
    }

    fn link_up(&mut self, session_present: bool) {
        self.settle();
        self.link.up(Instant::now());
        let state = self.supervisor.connected(Instant::now(), now_ms());
        tracing::info!(session_present, "connected");
        if !session_present {
            // A new or lost session holds no subscriptions.
            self.forget_subscriptions();
        }
        // Whatever the session: rooms joined or left while the link was
        // down are subscribed or unsubscribed now. "Connected" waits for
        // the broker to confirm new subscriptions: before that, messages
        // to us would be dropped.
        if self.sync_subscriptions() {
            self.link.ready = Some(state);
        } else {
            self.set_state(state);
        }
        self.publish_presence(self.presence);
        self.schedule_resends();
        self.rooms_to_files();
    }
}
