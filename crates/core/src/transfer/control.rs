//! What the user does to a transfer: cancel it, start it again.

use tokio::time::Instant;

use super::chunks::Chunks;
use super::download::Download;
use super::session::FileSession;
use crate::model::TransferState;
use crate::protocol::MessageId;

impl FileSession {
    /// Stops a transfer: ours is no longer pushed and receivers who ask
    /// are told it is gone; theirs is no longer asked for, and what came
    /// is thrown away.
    pub(super) fn cancel(&mut self, message: MessageId) {
        let record = match self.store.file_of_message(message) {
            Ok(Some(record)) if !record.state.is_final() => record,
            Ok(_) => return,
            Err(e) => return tracing::error!("files: cannot read a file to cancel: {e}"),
        };
        if record.outgoing {
            self.pushes.remove(&record.rid);
            self.asked.forget(record.id);
            self.serving.remove(&record.id);
        } else {
            self.downloads.remove(&(record.sender.clone(), record.id));
            self.disk
                .discard(&self.disk.partial(&record.sender, record.id));
        }
        if let Err(e) = self
            .store
            .set_file_state(record.rid, TransferState::Cancelled, None, None)
        {
            return tracing::error!("files: cannot record a cancelled file: {e}");
        }
        self.progress_event(&record, 0, true);
    }

    /// Starts a cancelled transfer again from what is kept: ours is pushed
    /// (or offered) again, theirs asked for again from the start.
    pub(super) fn retry(&mut self, message: MessageId) {
        let mut record = match self.store.file_of_message(message) {
            Ok(Some(record)) if record.state == TransferState::Cancelled => record,
            Ok(_) => return,
            Err(e) => return tracing::error!("files: cannot read a file to retry: {e}"),
        };
        let state = match (record.outgoing, record.queued) {
            (true, true) => TransferState::Uploading,
            (true, false) => TransferState::Uploaded,
            (false, _) => TransferState::Downloading,
        };
        if !record.outgoing {
            record.have = Chunks::none(record.layout.chunks());
            if let Err(e) = self.store.save_progress(&[(record.rid, &record.have)]) {
                return tracing::error!("files: cannot restart a download: {e}");
            }
        }
        if let Err(e) = self.store.set_file_state(record.rid, state, None, None) {
            return tracing::error!("files: cannot restart a transfer: {e}");
        }
        record.state = state;
        if record.outgoing {
            if record.queued {
                self.start_push(record.clone());
            }
        } else {
            let now = Instant::now();
            let mut download = Download::new(record.layout, record.have.clone(), now);
            // Asked for at once: whatever was pushed is long gone.
            download.announced(false, now);
            self.downloads.insert(
                (record.sender.clone(), record.id),
                (record.clone(), download),
            );
        }
        self.progress_event(&record, 0, true);
    }
}
