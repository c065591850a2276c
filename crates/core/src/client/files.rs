//! Files in chats (extension 12) through the handle: sending one,
//! cancelling or retrying its transfer, finding it on disk.

use std::path::PathBuf;

use super::Client;
use crate::engine::{Command, SendRequest};
use crate::error::ClientError;
use crate::model::{ConversationId, StoredMessage};
use crate::protocol::MessageId;
use crate::transfer::session::Notice;

impl Client {
    /// Sends a file with an optional caption (extension 12): copied into
    /// the account's files first (so it can still be fetched after the
    /// original moves), announced at once; a small one is pushed to the
    /// broker for recipients who are away, a large one is fetched from us
    /// while both are online.
    pub async fn send_file(
        &self,
        to: ConversationId,
        path: PathBuf,
        caption: impl Into<String>,
        reply_to: Option<MessageId>,
    ) -> Result<StoredMessage, ClientError> {
        let limit = match &to {
            ConversationId::Direct(_) => crate::transfer::PUSH_LIMIT_DIRECT,
            ConversationId::Room(_) => crate::transfer::PUSH_LIMIT_ROOM,
            ConversationId::Phone(_) => return Err(ClientError::NoFilesBySms),
        };
        let disk = self.disk.clone();
        let file =
            tokio::task::spawn_blocking(move || crate::transfer::outgoing(&disk, &path, limit))
                .await
                .map_err(|_| ClientError::Stopped)??;
        let caption = caption.into();
        self.request(|reply| {
            Command::Send(SendRequest {
                to,
                text: caption,
                reply_to,
                file: Some(Box::new(file)),
                reply,
            })
        })
        .await
    }

    /// Stops the transfer of message `id`'s file, either way.
    pub async fn cancel_file(&self, id: MessageId) -> Result<(), ClientError> {
        self.command(Command::FileControl(Notice::Cancel { message: id }))
            .await
    }

    /// Starts a cancelled transfer of message `id`'s file again.
    pub async fn retry_file(&self, id: MessageId) -> Result<(), ClientError> {
        self.command(Command::FileControl(Notice::Retry { message: id }))
            .await
    }

    /// Where the file of message `id` is on disk, once it is here whole.
    pub async fn file_path(&self, id: MessageId) -> Result<PathBuf, ClientError> {
        self.reader.file_path(id).await
    }

    /// Received and sent files, newest first.
    pub async fn files(
        &self,
        limit: usize,
    ) -> Result<Vec<crate::store::files::FileRecord>, ClientError> {
        self.reader.files(limit).await
    }
}
