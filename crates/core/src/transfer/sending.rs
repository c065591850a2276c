//! The file session's outgoing side: chunks receivers asked for first
//! (somebody is waiting for them), then the files we push, within the
//! in-flight window; a PUBACK marks a pushed chunk done for good.

use super::disk::read_chunk;
use super::session::{FileSession, Tag};
use crate::model::{ConversationId, TransferState};
use crate::protocol::FileTopic;
use crate::protocol::frame::{Span, encode_chunk};

impl FileSession {
    /// Publishes what fits in the window.
    pub(super) fn pump(&mut self) {
        while self.room() > 0 {
            if !self.serve_one() && !self.push_one() {
                return;
            }
        }
    }

    /// One chunk a receiver asked for; false if none is waiting (or it
    /// cannot go now).
    fn serve_one(&mut self) -> bool {
        let Some(wanted) = self.asked.pop() else {
            return false;
        };
        let Some(served) = self.serving.get(&wanted.file) else {
            return true;
        };
        let (path, layout) = (served.path.clone(), served.record.layout);
        match read_chunk(&path, layout, wanted.index) {
            Ok(data) => {
                let topic = FileTopic::Direct {
                    to: wanted.to.clone(),
                    from: self.me.clone(),
                }
                .render(&self.prefix);
                let frame = encode_chunk(wanted.file, layout, wanted.index, &data);
                let tag = Tag::Served {
                    file: wanted.file,
                    index: wanted.index,
                };
                if !self.publish(topic, frame, tag) {
                    // rumqttc's queue is full: asked again, sent later.
                    let again = [Span {
                        first: wanted.index,
                        count: 1,
                    }];
                    self.asked.ask(&wanted.to, wanted.file, layout, &again);
                    return false;
                }
            }
            Err(e) => {
                tracing::warn!("files: cannot read a chunk asked for: {e}");
                self.asked.forget(wanted.file);
                self.serving.remove(&wanted.file);
            }
        }
        true
    }

    /// The next chunk of a file we push; false if there is none.
    fn push_one(&mut self) -> bool {
        let next = self.pushes.iter_mut().find_map(|(rid, (record, push))| {
            push.next_chunk().map(|index| (*rid, record.clone(), index))
        });
        let Some((rid, record, index)) = next else {
            return false;
        };
        let (Some(path), Some(conversation)) = (&record.path, &record.conversation) else {
            self.pushes.remove(&rid);
            return true;
        };
        let topic = match conversation {
            ConversationId::Direct(to) => FileTopic::Direct {
                to: to.clone(),
                from: self.me.clone(),
            },
            ConversationId::Room(room) => FileTopic::Room {
                room: room.clone(),
                from: self.me.clone(),
            },
            ConversationId::Phone(_) => {
                self.pushes.remove(&rid);
                return true;
            }
        }
        .render(&self.prefix);
        match read_chunk(path, record.layout, index) {
            Ok(data) => {
                let frame = encode_chunk(record.id, record.layout, index, &data);
                if !self.publish(topic, frame, Tag::Pushed { rid, index })
                    && let Some((_, push)) = self.pushes.get_mut(&rid)
                {
                    push.unsend(index);
                    return false;
                }
            }
            Err(e) => {
                tracing::error!("files: cannot read a file we send, giving up on it: {e}");
                self.pushes.remove(&rid);
                if let Err(e) = self
                    .store
                    .set_file_state(rid, TransferState::Cancelled, None, None)
                {
                    tracing::error!("files: cannot record it: {e}");
                }
                self.progress_event(&record, 0, true);
            }
        }
        true
    }

    /// The broker has a chunk someone asked of us: it reaches them even if
    /// we stop now. The sender sees how much of the file went.
    fn served(&mut self, file: uuid::Uuid, index: u32) {
        if let Some(served) = self.serving.get_mut(&file)
            && served.sent.insert(index)
        {
            let (record, sent) = (served.record.clone(), served.sent.count());
            // The last one always reports (`tether send` waits for it).
            let all = served.sent.is_complete();
            self.progress_event(&record, sent, all);
        }
    }

    /// The broker acknowledged a publish of ours.
    pub(super) fn acked(&mut self, tag: Tag) {
        let (rid, index) = match tag {
            Tag::Pushed { rid, index } => (rid, index),
            Tag::Served { file, index } => return self.served(file, index),
            Tag::Other => return,
        };
        let Some((record, push)) = self.pushes.get_mut(&rid) else {
            return;
        };
        let done = push.acked(index);
        let (record, count) = (record.clone(), push.acked.count());
        self.pushes_dirty.insert(rid);
        self.save_soon();
        if done {
            self.save();
            self.pushes.remove(&rid);
            if let Err(e) = self
                .store
                .set_file_state(rid, TransferState::Uploaded, None, None)
            {
                tracing::error!("files: cannot record a file pushed: {e}");
            }
            self.progress_event(&record, count, true);
        } else {
            self.progress_event(&record, count, false);
        }
    }
}
