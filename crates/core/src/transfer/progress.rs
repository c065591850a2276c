//! What the UI hears of files on their way: [`Event::Transfer`], a few
//! times a second per file while it moves, and once when it ends.

use tokio::time::Instant;

use super::session::{EVENT_EVERY, FileSession};
use crate::event::Event;
use crate::store::files::FileRecord;

impl FileSession {
    /// Tells the UI how far a file got (at most every [`EVENT_EVERY`]
    /// unless `now_anyway`).
    pub(super) fn progress_event(
        &mut self,
        record: &FileRecord,
        done_chunks: u32,
        final_state: bool,
    ) {
        let now = Instant::now();
        if !final_state
            && self
                .evented
                .get(&record.id)
                .is_some_and(|at| now.duration_since(*at) < EVENT_EVERY)
        {
            return;
        }
        self.evented.insert(record.id, now);
        let (Some(message), Some(conversation)) = (record.message, record.conversation.clone())
        else {
            return;
        };
        match self.store.message(message) {
            Ok(Some(stored)) => {
                if let Some(mut file) = stored.file {
                    if !final_state {
                        file.done = (u64::from(done_chunks) * u64::from(record.layout.chunk))
                            .min(record.layout.size);
                    }
                    let _ = self.events.send(Event::Transfer {
                        conversation,
                        message,
                        file,
                    });
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!("files: cannot read a message for its progress: {e}"),
        }
    }

    /// A progress event for every moving file, about once a second even
    /// when nothing moved: the UI's speed and time left fall to nothing
    /// instead of standing at the last figure.
    pub(super) fn progress_all(&mut self) {
        let downloads: Vec<(FileRecord, u32)> = self
            .downloads
            .values()
            .filter(|(r, d)| r.message.is_some() && d.is_announced())
            .map(|(r, d)| (r.clone(), d.have.count()))
            .collect();
        let pushes: Vec<(FileRecord, u32)> = self
            .pushes
            .values()
            .map(|(r, p)| (r.clone(), p.acked.count()))
            .collect();
        for (record, done) in downloads.into_iter().chain(pushes) {
            self.progress_event(&record, done, false);
        }
    }
}
