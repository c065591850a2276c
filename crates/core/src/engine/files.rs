//! What the engine tells the account's file session (extension 12): a
//! file of ours to push, a file announced to us, the rooms we are in.

use super::Engine;
use crate::transfer::session::Notice;

impl Engine {
    /// A guest process has no file session (the owner's moves the files).
    pub(super) fn tell_files(&self, notice: Notice) {
        if let Some(files) = &self.files
            && let Err(e) = files.try_send(notice)
        {
            tracing::warn!("the file session missed a notice: {e}");
        }
    }

    /// The rooms we are in, whose file topics the file session reads.
    pub(super) fn rooms_to_files(&self) {
        if self.files.is_none() {
            return;
        }
        match self.store.joined_rooms() {
            Ok(rooms) => self.tell_files(Notice::Rooms(rooms.into_iter().map(|r| r.id).collect())),
            Err(e) => tracing::error!("cannot read the rooms for the file session: {e}"),
        }
    }
}
