//! The task that owns an account's second MQTT session, the one that
//! carries files (extension 12), on a thread of its own like the chat
//! engine: its own link, supervisor and liveness, its own connection to
//! the account's store, and the files on disk.
//!
//! It learns from the engine and the [`crate::Client`] through
//! [`Notice`]s (a file of ours to push, a file announced to us, the rooms
//! we are in), tells the engine when a file arrived whole (so the
//! `delivered` receipt goes), and broadcasts [`Event::Transfer`] progress.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::time::Duration;

use rumqttc::{AsyncClient, QoS};
use tokio::sync::{broadcast, mpsc};
use tokio::time::Instant;
use uuid::Uuid;

use super::disk::Disk;
use super::download::Download;
use super::upload::{Asked, Push};
use crate::account::Account;
use crate::clock::now_ms;
use crate::engine::Command;
use crate::engine::driver::{self, Control, DriverEvent, Tagged};
use crate::engine::drops::{self, Drops};
use crate::error::ClientError;
use crate::event::Event;
use crate::protocol::{MessageId, Prefix, RoomId, UserId};
use crate::store::Store;
use crate::store::files::FileRecord;
use crate::supervisor::{Backoff, Failure, Liveness, Supervisor};

/// Chunks in flight at once (8 MiB of 256 KiB chunks): enough to fill a
/// fast link, small enough that memory stays flat.
pub(crate) const WINDOW: u16 = 32;
/// Progress is saved (and incoming chunks acknowledged) this often.
const SAVE_EVERY: Duration = Duration::from_millis(200);
/// How often the store is looked at for transfers this session does not
/// follow yet (a file sent by a guest process of the same account, such as
/// `tether send --file` while the app runs; a notice that was missed).
const RESCAN_EVERY: Duration = Duration::from_secs(3);
/// Progress events, per file, at most this often.
pub(super) const EVENT_EVERY: Duration = Duration::from_millis(250);

/// What the rest of the client tells the file session.
#[derive(Debug)]
pub(crate) enum Notice {
    /// A message of ours announcing a file was stored: push it if queued.
    Sent { message: MessageId },
    /// Someone's message announced a file: fetch what is missing.
    Announced { sender: UserId, id: Uuid },
    /// The rooms we are in now (their file topics are subscribed).
    Rooms(BTreeSet<RoomId>),
    /// New credentials, from the next link on.
    Credentials { user: String, password: String },
    /// The user stops a transfer, either way.
    Cancel { message: MessageId },
    /// The user starts a cancelled transfer again.
    Retry { message: MessageId },
}

/// A file of ours receivers fetch: where it is, and which chunks went out
/// (for the progress the sender sees).
#[derive(Debug)]
pub(super) struct Served {
    pub record: FileRecord,
    pub path: std::path::PathBuf,
    pub sent: super::chunks::Chunks,
}

/// What one publish of ours was, to know what its PUBACK means.
#[derive(Debug, Clone, Copy)]
pub(super) enum Tag {
    /// Chunk `index` of the file pushed under store row `rid`.
    Pushed { rid: i64, index: u32 },
    /// Chunk `index` of a file of ours someone asked for.
    Served { file: Uuid, index: u32 },
    /// Anything else (a chunk asked for, a want, a gone).
    Other,
}

pub(crate) struct FileSession {
    pub(super) me: UserId,
    pub(super) prefix: Prefix,
    pub(super) store: Store,
    pub(super) disk: Disk,
    pub(super) mqtt: AsyncClient,
    control: mpsc::Sender<Control>,
    link_events: mpsc::Receiver<Tagged>,
    notices: mpsc::Receiver<Notice>,
    pub(super) engine: mpsc::Sender<Command>,
    pub(super) events: broadcast::Sender<Event>,
    supervisor: Supervisor,
    liveness: Liveness,
    generation: u64,
    pub(super) drops: Drops,
    rooms: BTreeSet<RoomId>,
    /// Files of ours being pushed, by store row.
    pub(super) pushes: HashMap<i64, (FileRecord, Push)>,
    /// Files coming to us, by (sender, transfer).
    pub(super) downloads: HashMap<(UserId, Uuid), (FileRecord, Download)>,
    /// Chunks receivers asked us for, and where those files are.
    pub(super) asked: Asked,
    pub(super) serving: HashMap<Uuid, Served>,
    /// Handed to rumqttc, waiting for its packet id.
    handed: VecDeque<Tag>,
    /// Written, waiting for the broker's PUBACK.
    inflight: HashMap<u16, Tag>,
    /// Incoming chunks written, acknowledged once their progress is saved.
    pub(super) unacked: Vec<rumqttc::Publish>,
    /// Rows whose progress changed since the last save.
    pub(super) dirty: HashSet<(UserId, Uuid)>,
    pub(super) pushes_dirty: HashSet<i64>,
    save_at: Option<Instant>,
    /// When each file last got a progress event.
    pub(super) evented: HashMap<Uuid, Instant>,
}

/// How the file session talks to the rest of its client.
pub(crate) struct Wiring {
    pub notices: mpsc::Receiver<Notice>,
    pub engine: mpsc::Sender<Command>,
    pub events: broadcast::Sender<Event>,
    /// The client's count of dropped incoming publishes.
    pub dropped: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// Starts the file session of `account` on a thread of its own.
pub(crate) fn spawn(
    account: &Account,
    password: Option<&str>,
    store: Store,
    disk: Disk,
    wiring: Wiring,
) -> Result<(), ClientError> {
    let Wiring {
        notices,
        engine,
        events,
        dropped,
    } = wiring;
    let (mqtt, eventloop) = account.files_link(password, WINDOW)?;
    let (me, prefix, keep_alive) = (
        account.user.clone(),
        account.prefix.clone(),
        account.keep_alive(),
    );
    let name = format!("files-{}", account.user);
    driver::spawn_thread(name, eventloop, move |control, link_events| {
        FileSession {
            me,
            prefix,
            store,
            disk,
            mqtt,
            control,
            link_events,
            notices,
            engine,
            events,
            supervisor: Supervisor::new(Backoff::default(), Duration::from_secs(10)),
            liveness: Liveness::new(keep_alive),
            generation: 0,
            drops: Drops::new(dropped),
            rooms: BTreeSet::new(),
            pushes: HashMap::new(),
            downloads: HashMap::new(),
            asked: Asked::default(),
            serving: HashMap::new(),
            handed: VecDeque::new(),
            inflight: HashMap::new(),
            unacked: Vec::new(),
            dirty: HashSet::new(),
            pushes_dirty: HashSet::new(),
            save_at: None,
            evented: HashMap::new(),
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

impl FileSession {
    async fn run(mut self) {
        self.resume();
        self.supervisor.connect();
        self.open_link().await;
        let mut rescan = tokio::time::interval(RESCAN_EVERY);
        rescan.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut heartbeat = tokio::time::interval(Duration::from_secs(1));
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let retry_at = self.supervisor.retry_at();
            let up = self.supervisor.is_up();
            let dead_at = up.then(|| self.liveness.deadline()).flatten();
            let check_at = up.then(|| self.next_check()).flatten();
            tokio::select! {
                notice = self.notices.recv() => {
                    let Some(notice) = notice else {
                        self.stop().await;
                        return;
                    };
                    self.notice(notice).await;
                }
                tagged = self.link_events.recv() => {
                    let Some((generation, event)) = tagged else { return };
                    if generation == self.generation {
                        self.link_event(event).await;
                    }
                }
                _ = sleep_until(retry_at), if retry_at.is_some() => {
                    if self.supervisor.retry().is_some() {
                        self.open_link().await;
                    }
                }
                _ = sleep_until(dead_at), if dead_at.is_some() => {
                    tracing::info!("files: no answer to a ping, reconnecting");
                    let _ = self.control.send(Control::Drop).await;
                    self.link_lost(&Failure::DeadLink);
                }
                _ = sleep_until(self.save_at), if self.save_at.is_some() => self.save(),
                _ = rescan.tick() => self.resume(),
                _ = heartbeat.tick() => self.progress_all(),
                _ = sleep_until(check_at), if check_at.is_some() => self.ask_for_missing(),
                _ = sleep_until(self.drops.due()), if self.drops.due().is_some() => {
                    if let Some(report) = self.drops.flush(Instant::now()) {
                        drops::log(&report);
                    }
                }
            }
            self.pump();
        }
    }

    /// The client stopped: progress saved, then an MQTT DISCONNECT, so the
    /// broker ends the session's link at once instead of waiting out its
    /// keep-alive (a later run of the account takes the session over
    /// cleanly).
    async fn stop(&mut self) {
        self.save();
        if self.supervisor.is_up() && self.mqtt.try_disconnect().is_ok() {
            let written = async {
                while let Some((generation, event)) = self.link_events.recv().await {
                    let done = matches!(
                        event,
                        DriverEvent::Mqtt(rumqttc::Event::Outgoing(rumqttc::Outgoing::Disconnect))
                            | DriverEvent::Failed(_)
                    );
                    if done && generation == self.generation {
                        return;
                    }
                }
            };
            let _ = tokio::time::timeout(Duration::from_millis(500), written).await;
        }
        let _ = self.control.send(Control::Stop).await;
    }

    /// Picks up the transfers in the store this session does not follow:
    /// at start, those a previous run left unfinished.
    fn resume(&mut self) {
        let records = match self.store.active_files() {
            Ok(records) => records,
            Err(e) => {
                tracing::error!("files: cannot read unfinished transfers: {e}");
                return;
            }
        };
        let now = Instant::now();
        for record in records {
            if record.outgoing {
                if record.sender == self.me
                    && record.queued
                    && !self.pushes.contains_key(&record.rid)
                {
                    self.start_push(record);
                }
            } else if let std::collections::hash_map::Entry::Vacant(entry) =
                self.downloads.entry((record.sender.clone(), record.id))
            {
                let mut download = Download::new(record.layout, record.have.clone(), now);
                if record.message.is_some() {
                    download.announced(record.queued, now);
                }
                entry.insert((record, download));
            }
        }
    }

    pub(super) fn start_push(&mut self, record: FileRecord) {
        let push = Push::new(record.layout, record.have.clone());
        self.pushes.insert(record.rid, (record, push));
    }

    async fn notice(&mut self, notice: Notice) {
        match notice {
            Notice::Sent { message } => match self.store.file_of_message(message) {
                Ok(Some(record)) if record.queued => self.start_push(record),
                Ok(_) => {}
                Err(e) => tracing::error!("files: cannot read a file we send: {e}"),
            },
            Notice::Announced { sender, id } => self.announced(&sender, id),
            Notice::Rooms(rooms) => {
                let (added, removed) = (
                    rooms.difference(&self.rooms).cloned().collect::<Vec<_>>(),
                    self.rooms.difference(&rooms).cloned().collect::<Vec<_>>(),
                );
                self.rooms = rooms;
                if self.supervisor.is_up() {
                    self.subscribe_rooms(&added, &removed);
                }
            }
            Notice::Cancel { message } => self.cancel(message),
            Notice::Retry { message } => self.retry(message),
            Notice::Credentials { user, password } => {
                let _ = self
                    .control
                    .send(Control::Credentials { user, password })
                    .await;
            }
        }
    }

    async fn open_link(&mut self) {
        self.generation += 1;
        if self
            .control
            .send(Control::Connect(self.generation))
            .await
            .is_err()
        {
            tracing::error!("files: the MQTT driver task is gone");
        }
    }

    fn link_lost(&mut self, failure: &Failure) {
        self.generation += 1;
        self.handed.clear();
        self.inflight.clear();
        // Not acknowledged: the broker delivers them again.
        self.unacked.clear();
        for (_, push) in self.pushes.values_mut() {
            push.link_lost();
        }
        for (_, download) in self.downloads.values_mut() {
            download.link_lost();
        }
        self.liveness.reset();
        self.supervisor.failed(failure, Instant::now(), now_ms());
        tracing::info!("files: link lost: {failure}");
    }

    async fn link_event(&mut self, event: DriverEvent) {
        use rumqttc::{Event as E, Outgoing, Packet};
        match event {
            DriverEvent::Failed(failure) => self.link_lost(&failure),
            DriverEvent::Mqtt(E::Incoming(packet)) => {
                self.liveness.heard_from_broker();
                match packet {
                    Packet::ConnAck(_) => self.link_up(),
                    Packet::Publish(publish) => self.received(publish),
                    Packet::PubAck(ack) => {
                        if let Some(tag) = self.inflight.remove(&ack.pkid) {
                            self.acked(tag);
                        }
                    }
                    _ => {}
                }
            }
            DriverEvent::Mqtt(E::Outgoing(Outgoing::Publish(pkid))) => {
                if let Some(tag) = self.handed.pop_front() {
                    self.inflight.insert(pkid, tag);
                }
            }
            DriverEvent::Mqtt(E::Outgoing(Outgoing::PingReq)) => {
                self.liveness.ping_sent(Instant::now());
            }
            DriverEvent::Mqtt(E::Outgoing(_)) => {}
        }
    }

    fn link_up(&mut self) {
        self.supervisor.connected(Instant::now(), now_ms());
        self.liveness.reset();
        // Subscribed on every link: a broker that lost the session lost
        // them, and subscribing again is harmless.
        let inbox = crate::protocol::file_inbox_filter(&self.prefix, &self.me);
        if let Err(e) = self.mqtt.try_subscribe(inbox, QoS::AtLeastOnce) {
            tracing::warn!("files: cannot subscribe: {e}");
        }
        let rooms: Vec<RoomId> = self.rooms.iter().cloned().collect();
        self.subscribe_rooms(&rooms, &[]);
        tracing::info!("files: connected");
    }

    fn subscribe_rooms(&mut self, added: &[RoomId], removed: &[RoomId]) {
        for room in added {
            let filter = crate::protocol::file_room_filter(&self.prefix, room);
            if let Err(e) = self.mqtt.try_subscribe(filter, QoS::AtLeastOnce) {
                tracing::warn!("files: cannot subscribe to a room: {e}");
            }
        }
        for room in removed {
            let filter = crate::protocol::file_room_filter(&self.prefix, room);
            if let Err(e) = self.mqtt.try_unsubscribe(filter) {
                tracing::warn!("files: cannot unsubscribe from a room: {e}");
            }
        }
    }

    /// How many more publishes fit in the window.
    pub(super) fn room(&self) -> usize {
        usize::from(WINDOW).saturating_sub(self.handed.len() + self.inflight.len())
    }

    /// Hands a publish to rumqttc; false if it would not take it.
    pub(super) fn publish(&mut self, topic: String, payload: Vec<u8>, tag: Tag) -> bool {
        match self
            .mqtt
            .try_publish(topic, QoS::AtLeastOnce, false, payload)
        {
            Ok(()) => {
                self.handed.push_back(tag);
                true
            }
            Err(e) => {
                tracing::debug!("files: rumqttc's queue is full: {e}");
                false
            }
        }
    }

    /// Progress to save soon (and incoming chunks to acknowledge then).
    pub(super) fn save_soon(&mut self) {
        if self.save_at.is_none() {
            self.save_at = Some(Instant::now() + SAVE_EVERY);
        }
    }

    /// Saves progress, then acknowledges the chunks it covers.
    pub(super) fn save(&mut self) {
        self.save_at = None;
        let downloads: Vec<(UserId, Uuid)> = self.dirty.drain().collect();
        let pushes: Vec<i64> = self.pushes_dirty.drain().collect();
        let mut progress = Vec::new();
        for key in &downloads {
            if let Some((record, download)) = self.downloads.get(key) {
                progress.push((record.rid, &download.have));
            }
        }
        for rid in &pushes {
            if let Some((_, push)) = self.pushes.get(rid) {
                progress.push((*rid, &push.acked));
            }
        }
        if let Err(e) = self.store.save_progress(&progress) {
            // Not acknowledged: the broker delivers them again.
            tracing::error!("files: cannot save progress: {e}");
            self.unacked.clear();
            return;
        }
        for publish in std::mem::take(&mut self.unacked) {
            if self.mqtt.try_ack(&publish).is_err() {
                tracing::debug!("files: an ack waits for the next link");
            }
        }
    }

    /// The earliest time a download may want to ask for something.
    fn next_check(&self) -> Option<Instant> {
        self.downloads
            .values()
            .filter_map(|(_, d)| d.next_check())
            .min()
    }
}
