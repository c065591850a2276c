//! The file session's incoming side: chunks written where they belong,
//! requests for our files queued, files checked whole and handed over.

use rumqttc::Publish;
use tokio::time::Instant;
use uuid::Uuid;

use super::download::Download;
use super::preview::sniff;
use super::session::{FileSession, Tag};
use crate::engine::Command;
use crate::engine::drops;
use crate::model::{ConversationId, TransferState};
use crate::protocol::frame::{self, Frame, Layout, Span};
use crate::protocol::{FileTopic, UserId};

/// Chunks written before their progress is saved and they are
/// acknowledged, at most.
const SAVE_AFTER_CHUNKS: usize = 8;

impl FileSession {
    /// One publish from the broker. Acknowledged at once unless it is a
    /// chunk we wrote: that one once its progress is saved.
    pub(super) fn received(&mut self, publish: Publish) {
        let topic = match FileTopic::parse(&self.prefix, &publish.topic) {
            Ok(topic) => topic,
            Err(_) => return self.drop_frame("bad_topic", publish),
        };
        let for_me = match &topic {
            FileTopic::Direct { to, .. } => to == &self.me,
            // Rooms we subscribed to; membership is the broker's ACL's.
            FileTopic::Room { .. } => true,
        };
        if !for_me {
            return self.drop_frame("not_for_me", publish);
        }
        let sender = topic.sender().clone();
        if sender == self.me {
            // Our own push to a room, back to us.
            return self.ack(&publish);
        }
        let payload = publish.payload.clone();
        match Frame::decode(&payload) {
            Err(e) => self.drop_frame(e.reason(), publish),
            Ok(Frame::Chunk {
                file,
                layout,
                index,
                data,
            }) => self.chunk(sender, file, layout, index, data, publish),
            Ok(Frame::Want { file, spans }) => {
                if matches!(topic, FileTopic::Direct { .. }) {
                    self.wanted(&sender, file, &spans);
                }
                self.ack(&publish);
            }
            Ok(Frame::Gone { file }) => {
                self.gone(&sender, file);
                self.ack(&publish);
            }
        }
    }

    fn ack(&self, publish: &Publish) {
        if self.mqtt.try_ack(publish).is_err() {
            tracing::debug!("files: an ack waits for the next link");
        }
    }

    fn drop_frame(&mut self, reason: &'static str, publish: Publish) {
        if let Some(report) = self.drops.record(reason, &publish.topic, Instant::now()) {
            drops::log(&report);
        }
        self.ack(&publish);
    }

    /// Makes sure `(sender, file)` is a download we follow, from the store
    /// or as a new unannounced one; false if it is not one to write to.
    fn follow(
        &mut self,
        sender: &UserId,
        file: Uuid,
        layout: Layout,
    ) -> Result<bool, &'static str> {
        let key = (sender.clone(), file);
        if self.downloads.contains_key(&key) {
            return Ok(true);
        }
        let record = match self.store.file(sender, file) {
            Ok(Some(record)) if record.state == TransferState::Downloading && !record.outgoing => {
                record
            }
            // Finished, cancelled or unreadable: nothing to write.
            Ok(Some(_)) => return Ok(false),
            Ok(None) => match self.store.unannounced_file(sender, file, layout) {
                Ok(Some(record)) => record,
                Ok(None) => return Err("too_many_unannounced"),
                Err(e) => {
                    tracing::error!("files: cannot record a transfer: {e}");
                    return Ok(false);
                }
            },
            Err(e) => {
                tracing::error!("files: cannot read a transfer: {e}");
                return Ok(false);
            }
        };
        let now = Instant::now();
        let mut download = Download::new(record.layout, record.have.clone(), now);
        if record.message.is_some() {
            download.announced(record.queued, now);
        }
        self.downloads.insert(key, (record, download));
        Ok(true)
    }

    fn chunk(
        &mut self,
        sender: UserId,
        file: Uuid,
        layout: Layout,
        index: u32,
        data: &[u8],
        publish: Publish,
    ) {
        match self.follow(&sender, file, layout) {
            Ok(true) => {}
            Ok(false) => return self.ack(&publish),
            Err(reason) => return self.drop_frame(reason, publish),
        }
        let key = (sender, file);
        let Some((record, download)) = self.downloads.get_mut(&key) else {
            return;
        };
        if record.layout != layout {
            return self.drop_frame("bad_frame", publish);
        }
        if download.have.has(index) {
            return self.ack(&publish);
        }
        let path = self.disk.partial(&key.0, file);
        if let Err(e) = self.disk.write_chunk(&path, layout, index, data) {
            // Not acknowledged: the broker delivers it again on the next link.
            tracing::error!("files: cannot write a chunk: {e}");
            return;
        }
        download.arrived(index, Instant::now());
        let (record, done, complete) = (
            record.clone(),
            download.have.count(),
            download.is_complete(),
        );
        self.dirty.insert(key.clone());
        self.unacked.push(publish);
        // The broker sends a few unacknowledged messages at most (Mosquitto:
        // 20): acknowledging only every 200 ms capped a transfer at that
        // many chunks per 200 ms (F1). Saved every few chunks instead.
        if self.unacked.len() >= SAVE_AFTER_CHUNKS {
            self.save();
        } else {
            self.save_soon();
        }
        self.progress_event(&record, done, false);
        if complete && record.message.is_some() {
            self.finish(&key);
        } else if !record.queued {
            // Fetched: the window moves on as chunks come.
            self.ask(Some(&key));
        }
    }

    /// A message announced a file of `sender`'s.
    pub(super) fn announced(&mut self, sender: &UserId, file: Uuid) {
        let record = match self.store.file(sender, file) {
            Ok(Some(record)) if record.state == TransferState::Downloading => record,
            Ok(_) => return,
            Err(e) => return tracing::error!("files: cannot read an announced file: {e}"),
        };
        let key = (sender.clone(), file);
        let now = Instant::now();
        let entry = self.downloads.remove(&key);
        let mut download = match entry {
            // Chunks that came first are kept if they fit what was announced.
            Some((old, download)) if old.layout == record.layout => download,
            _ => Download::new(record.layout, record.have.clone(), now),
        };
        download.announced(record.queued, now);
        let complete = download.is_complete();
        self.downloads.insert(key.clone(), (record, download));
        if complete {
            self.finish(&key);
        } else {
            // A fetched file is asked for at once.
            self.ask(Some(&key));
        }
    }

    /// All chunks are here: check the whole file, then show it.
    fn finish(&mut self, key: &(UserId, Uuid)) {
        self.save();
        let Some((record, download)) = self.downloads.get_mut(key) else {
            return;
        };
        let Some(sha256) = record.sha256 else { return };
        let partial = self.disk.partial(&key.0, key.1);
        match self.disk.finish(&partial, &sha256) {
            Ok(Some(path)) => {
                let mime = std::fs::File::open(&path)
                    .and_then(|mut f| {
                        let mut head = Vec::new();
                        std::io::Read::read_to_end(
                            &mut std::io::Read::take(&mut f, super::disk::HEAD_BYTES as u64),
                            &mut head,
                        )?;
                        Ok(sniff(&head))
                    })
                    .ok();
                let record = record.clone();
                self.downloads.remove(key);
                if let Err(e) = self.store.set_file_state(
                    record.rid,
                    TransferState::Downloaded,
                    Some(&path),
                    mime.as_deref(),
                ) {
                    return tracing::error!("files: cannot record a finished file: {e}");
                }
                if let Some(message) = record.message {
                    let _ = self.engine.try_send(Command::FileArrived {
                        sender: record.sender.clone(),
                        message,
                    });
                }
                self.progress_event(&record, record.layout.chunks(), true);
            }
            Ok(None) => {
                tracing::warn!(
                    "files: a file from {} did not match its SHA-256; fetching it again",
                    key.0
                );
                if let Some(report) =
                    self.drops
                        .record("bad_file_hash", key.0.as_str(), Instant::now())
                {
                    drops::log(&report);
                }
                download.restart(Instant::now());
                self.dirty.insert(key.clone());
                self.save_soon();
            }
            Err(e) => tracing::error!("files: cannot check a finished download: {e}"),
        }
    }

    /// Asks senders for what is missing, where it is time to.
    pub(super) fn ask_for_missing(&mut self) {
        self.ask(None);
    }

    /// Asks for what is missing of one download, or (`None`) of all.
    fn ask(&mut self, only: Option<&(UserId, Uuid)>) {
        let now = Instant::now();
        let mut wants = Vec::new();
        for ((sender, file), (_, download)) in &mut self.downloads {
            if only.is_some_and(|(s, f)| s != sender || f != file) {
                continue;
            }
            let spans = download.wants(now);
            if !spans.is_empty() {
                wants.push((sender.clone(), *file, spans));
            }
        }
        for (sender, file, spans) in wants {
            tracing::debug!(%sender, %file, chunks = spans.iter().map(|s| s.count).sum::<u32>(), "files: asking for chunks");
            let topic = FileTopic::Direct {
                to: sender,
                from: self.me.clone(),
            }
            .render(&self.prefix);
            for batch in spans.chunks(frame::MAX_WANT_RANGES) {
                self.publish(topic.clone(), frame::encode_want(file, batch), Tag::Other);
            }
        }
    }

    /// `requester` asks for chunks of a file of ours.
    fn wanted(&mut self, requester: &UserId, file: Uuid, spans: &[Span]) {
        let record = match self.store.file(&self.me, file) {
            Ok(record) => record,
            Err(e) => return tracing::error!("files: cannot read a file asked for: {e}"),
        };
        let allowed = record.as_ref().is_some_and(|r| match &r.conversation {
            Some(ConversationId::Direct(peer)) => peer == requester,
            Some(ConversationId::Room(room)) => {
                self.store.is_member(room, requester).unwrap_or(false)
            }
            _ => false,
        });
        let usable = record.as_ref().filter(|r| {
            allowed
                && r.outgoing
                && r.state != TransferState::Cancelled
                && r.path.as_ref().is_some_and(|p| p.exists())
        });
        match usable {
            Some(record) => {
                let layout = record.layout;
                if let (Some(path), false) = (&record.path, self.serving.contains_key(&file)) {
                    let served = super::session::Served {
                        record: record.clone(),
                        path: path.clone(),
                        sent: super::chunks::Chunks::none(layout.chunks()),
                    };
                    self.serving.insert(file, served);
                }
                let taken = self.asked.ask(requester, file, layout, spans);
                tracing::debug!(%requester, %file, taken, "files: chunks asked of us");
            }
            None if record.is_some() && !allowed => {
                if let Some(report) =
                    self.drops
                        .record("not_allowed", requester.as_str(), Instant::now())
                {
                    drops::log(&report);
                }
            }
            None => {
                let topic = FileTopic::Direct {
                    to: requester.clone(),
                    from: self.me.clone(),
                }
                .render(&self.prefix);
                self.publish(topic, frame::encode_gone(file), Tag::Other);
            }
        }
    }

    /// The sender no longer has a file we were fetching.
    fn gone(&mut self, sender: &UserId, file: Uuid) {
        let key = (sender.clone(), file);
        let record = match self.downloads.remove(&key) {
            Some((record, _)) => record,
            None => match self.store.file(sender, file) {
                Ok(Some(record)) if record.state == TransferState::Downloading => record,
                _ => return,
            },
        };
        self.disk.discard(&self.disk.partial(sender, file));
        if let Err(e) = self
            .store
            .set_file_state(record.rid, TransferState::Cancelled, None, None)
        {
            return tracing::error!("files: cannot record a cancelled file: {e}");
        }
        self.progress_event(&record, 0, true);
    }
}
