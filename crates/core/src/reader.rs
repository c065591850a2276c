//! The store's second connection, which a client's handle reads from off
//! its engine's thread: the same reads for either channel (both keep the
//! same model in the same store), written once.

use std::sync::{Arc, Mutex, PoisonError};

use crate::error::ClientError;
use crate::model::{
    ConversationId, ConversationNotify, ConversationSummary, Deletion, Draft, EditRecord,
    SmsDelivery, StoredMessage,
};
use crate::protocol::MessageId;
use crate::store::{Change, ChangeKind, Store, StoreError};

/// A cloneable handle on the reading connection.
#[derive(Clone)]
pub struct StoreReader(Arc<Mutex<Store>>);

impl StoreReader {
    pub(crate) fn new(store: Store) -> StoreReader {
        StoreReader(Arc::new(Mutex::new(store)))
    }

    /// Runs `f` on the reading connection, on a blocking thread. It reads,
    /// but for [`Store::search`] (which first indexes what waits) and what
    /// needs nothing of the engine (an SMS read mark, a draft): SQLite
    /// orders those writes with the engine's own transactions.
    pub(crate) async fn run<T, F>(&self, f: F) -> Result<T, ClientError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        let reader = Arc::clone(&self.0);
        tokio::task::spawn_blocking(move || {
            let mut store = reader.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut store)
        })
        .await
        .map_err(|_| ClientError::Stopped)?
        .map_err(ClientError::from)
    }

    /// The versions of an edited message's text, the original first.
    pub async fn edit_history(&self, of: MessageId) -> Result<Vec<EditRecord>, ClientError> {
        self.run(move |store| store.edit_history(of)).await
    }

    /// Deletes a message from this account's history only (nothing is
    /// sent, so no engine is needed): its text, edits and reactions are
    /// gone and it is no longer shown. Returns its conversation.
    pub async fn delete_for_me(&self, of: MessageId) -> Result<ConversationId, ClientError> {
        self.run(move |store| {
            let Some(message) = store.message(of)? else {
                return Ok(Err(ClientError::NoSuchMessage(of)));
            };
            if let Err(still_queued) = crate::engine::refuse_if_queued(&message) {
                return Ok(Err(still_queued));
            }
            let change = Change {
                id: uuid::Uuid::now_v7(),
                of,
                conversation: message.conversation.clone(),
                sender: message.sender.clone(),
                ts: crate::clock::now_ms(),
                kind: ChangeKind::Delete(Deletion::Me),
            };
            store.apply_own_change(&change, None)?;
            Ok(Ok(message.conversation))
        })
        .await?
    }

    /// Marks a conversation unread from message `from` on (a marker for
    /// the user; read receipts already sent stand). Returns the count.
    pub async fn mark_unread(
        &self,
        conversation: ConversationId,
        from: MessageId,
    ) -> Result<u64, ClientError> {
        self.run(move |store| store.mark_unread(&conversation, from))
            .await
    }

    /// Every conversation's notification setting that is not the default.
    pub async fn conversation_notifies(&self) -> Result<Vec<ConversationNotify>, ClientError> {
        self.run(|store| store.conversation_notifies()).await
    }

    /// One conversation's notification setting, if not the default.
    pub async fn conversation_notify(
        &self,
        conversation: ConversationId,
    ) -> Result<Option<ConversationNotify>, ClientError> {
        self.run(move |store| store.conversation_notify(&conversation))
            .await
    }

    /// Keeps a conversation's notification setting.
    pub async fn set_conversation_notify(
        &self,
        setting: ConversationNotify,
    ) -> Result<(), ClientError> {
        self.run(move |store| store.set_conversation_notify(&setting))
            .await
    }

    pub async fn conversations(&self) -> Result<Vec<ConversationSummary>, ClientError> {
        self.run(|s| s.conversations()).await
    }

    /// Up to `limit` messages before `(ts, id)` (or the newest), oldest
    /// first.
    pub async fn history(
        &self,
        conversation: ConversationId,
        before: Option<(i64, MessageId)>,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, ClientError> {
        self.run(move |s| s.history(&conversation, before, limit))
            .await
    }

    /// Messages after `(ts, id)`, oldest first (see [`Store::history_after`]).
    pub async fn history_after(
        &self,
        conversation: ConversationId,
        after: (i64, MessageId),
        limit: usize,
    ) -> Result<Vec<StoredMessage>, ClientError> {
        self.run(move |s| s.history_after(&conversation, after, limit))
            .await
    }

    pub async fn search(
        &self,
        query: String,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, ClientError> {
        self.run(move |s| s.search(&query, limit)).await
    }

    /// One message by id, in whichever conversation (a reply's quote).
    pub async fn message(&self, id: MessageId) -> Result<Option<StoredMessage>, ClientError> {
        self.run(move |s| s.message(id)).await
    }

    /// Every draft of the account (see [`crate::model::Draft`]).
    pub async fn drafts(&self) -> Result<Vec<Draft>, ClientError> {
        self.run(|s| s.drafts()).await
    }

    /// Keeps (or, empty, removes) a conversation's draft. Written on this
    /// connection: nothing of the engine is involved.
    pub async fn set_draft(&self, draft: Draft) -> Result<(), ClientError> {
        self.run(move |s| s.set_draft(&draft)).await
    }

    /// Unread messages across all conversations (tray badge).
    pub async fn unread_total(&self) -> Result<u64, ClientError> {
        self.run(|s| s.unread_total()).await
    }

    /// What became of each of `ids` that is an SMS (sent by an SMS
    /// account's link, or through the team's SMS gateway user).
    pub async fn sms_deliveries(
        &self,
        ids: Vec<MessageId>,
    ) -> Result<Vec<(MessageId, SmsDelivery)>, ClientError> {
        self.run(move |s| s.sms_deliveries(&ids)).await
    }

    /// Where the file of message `id` is: ours always, theirs once it is
    /// here whole and verified.
    pub async fn file_path(&self, id: MessageId) -> Result<std::path::PathBuf, ClientError> {
        let record = self.run(move |s| s.file_of_message(id)).await?;
        record
            // Ours is here whatever became of its transfer.
            .filter(|r| r.outgoing || r.state == crate::model::TransferState::Downloaded)
            .and_then(|r| r.path)
            .filter(|p| p.exists())
            .ok_or(ClientError::FileNotHere)
    }

    /// Received and sent files, newest first.
    pub async fn files(
        &self,
        limit: usize,
    ) -> Result<Vec<crate::store::files::FileRecord>, ClientError> {
        self.run(move |s| s.files(limit)).await
    }
}
