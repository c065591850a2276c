//! The cloneable handle the UI and the CLI use.
//!
//! Writes go to the engine task as commands; reads (history, search,
//! conversation list) run on a second SQLite connection in a blocking
//! thread, so a long search never delays the link.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, oneshot, watch};

use crate::account::Account;
use crate::engine::{self, Command, SendRequest};
use crate::error::ClientError;
use crate::event::Event;
use crate::model::{
    ConnectionState, ConversationId, ConversationSummary, Gap, MessageChange, PresenceRecord,
    PresenceState, Room, StoredMessage,
};
use crate::protocol::{MessageId, RoomId, UserId};
use crate::reader::StoreReader;
use crate::store::{Store, StoreError};
use crate::transfer::disk::Disk;

mod files;

/// How many events a slow subscriber may fall behind before it lags.
const EVENT_BUFFER: usize = 4096;

/// What [`Client::start`] needs.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub account: Account,
    /// None connects without credentials (anonymous brokers).
    pub password: Option<String>,
    /// The SQLite file of this account (see [`crate::account::Paths`]).
    pub store_path: PathBuf,
}

#[derive(Clone)]
pub struct Client {
    me: UserId,
    commands: mpsc::Sender<Command>,
    events: broadcast::Sender<Event>,
    state: watch::Receiver<ConnectionState>,
    reader: StoreReader,
    dropped: Arc<AtomicU64>,
    /// Where the account's files are (extension 12).
    disk: Disk,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("me", &self.me).finish()
    }
}

impl Client {
    /// Opens the store and starts connecting (in the background: watch
    /// [`Client::connection`] for the outcome). Must run inside a Tokio runtime.
    pub async fn start(options: ClientOptions) -> Result<Client, ClientError> {
        let ClientOptions {
            account,
            password,
            store_path,
        } = options;
        account.validate()?;
        let path = store_path.clone();
        let (writer, reader, checkpoints, session) = tokio::task::spawn_blocking(move || {
            let writer = Store::open(&path)?;
            let checkpoints = writer.checkpoint_in_background(&path)?;
            let session = crate::store::claim_session(&path).unwrap_or_else(|e| {
                tracing::warn!("{e}; running as the account's only process");
                Some(crate::store::SessionLock::unlocked())
            });
            Ok::<_, StoreError>((writer, Store::open(&path)?, checkpoints, session))
        })
        .await
        .map_err(|_| ClientError::Stopped)??;
        if session.is_none() {
            tracing::info!(
                "another process uses account {} now: this one runs beside it as a guest",
                account.name
            );
        }
        let (commands_tx, commands) = mpsc::channel(256);
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        let (state, state_rx) = watch::channel(ConnectionState::Offline);
        let dropped = Arc::new(AtomicU64::new(0));
        let disk = Disk::beside(&store_path);
        // The owner of the account's broker session runs its file session
        // too (extension 12); a guest leaves files to the owner.
        let files = match session {
            Some(_) => {
                let path = store_path.clone();
                let store = tokio::task::spawn_blocking(move || Store::open(&path))
                    .await
                    .map_err(|_| ClientError::Stopped)??;
                let (notices_tx, notices) = mpsc::channel(1024);
                crate::transfer::session::spawn(
                    &account,
                    password.as_deref(),
                    store,
                    disk.clone(),
                    crate::transfer::session::Wiring {
                        notices,
                        engine: commands_tx.clone(),
                        events: events.clone(),
                        dropped: dropped.clone(),
                    },
                )?;
                Some(notices_tx)
            }
            None => None,
        };
        engine::spawn(
            &account,
            password.as_deref(),
            engine::Storage {
                store: writer,
                checkpoints,
                session,
            },
            engine::Channels {
                commands,
                events: events.clone(),
                state,
                dropped: dropped.clone(),
                files,
            },
        )?;
        Ok(Client {
            me: account.user,
            commands: commands_tx,
            events,
            state: state_rx,
            reader: StoreReader::new(reader),
            dropped,
            disk,
        })
    }

    pub fn me(&self) -> &UserId {
        &self.me
    }

    /// Live events from now on. A receiver that falls more than a few
    /// thousand events behind gets `Lagged` and should reload from the store.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// The connection state, always current.
    pub fn connection(&self) -> watch::Receiver<ConnectionState> {
        self.state.clone()
    }

    /// Malformed messages dropped since start.
    pub fn dropped_count(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Whether [`Client::send`] would accept this text (not empty, within
    /// the size limits), without sending it: a batch is checked whole
    /// before any of it is queued.
    pub fn check_text(&self, text: &str) -> Result<(), ClientError> {
        crate::engine::checked_envelope(&self.me, text, None).map(|_| ())
    }

    /// Queues a message durably; it is sent now or as soon as a link is up.
    pub async fn send(
        &self,
        to: ConversationId,
        text: impl Into<String>,
    ) -> Result<StoredMessage, ClientError> {
        self.send_reply(to, text, None).await
    }

    pub async fn send_reply(
        &self,
        to: ConversationId,
        text: impl Into<String>,
        reply_to: Option<MessageId>,
    ) -> Result<StoredMessage, ClientError> {
        let text = text.into();
        self.request(|reply| {
            Command::Send(SendRequest {
                to,
                text,
                reply_to,
                file: None,
                reply,
            })
        })
        .await
    }

    /// Edits, deletes or reacts to a message (extension 11): applied here
    /// at once and sent to the conversation (durably, like a message);
    /// returns the message as it now is. Deleting for ourselves sends
    /// nothing.
    pub async fn change_message(
        &self,
        of: MessageId,
        change: MessageChange,
    ) -> Result<StoredMessage, ClientError> {
        self.request(|reply| Command::Change { of, change, reply })
            .await
    }

    /// Sends many messages in order, handed to the engine back to back so
    /// that they are committed together (one transaction per burst rather
    /// than per message). Stops at the first refused message; those before
    /// it are queued.
    pub async fn send_many(
        &self,
        to: ConversationId,
        texts: impl IntoIterator<Item = String>,
    ) -> Result<Vec<StoredMessage>, ClientError> {
        let mut answers = Vec::new();
        for text in texts {
            let (reply, answer) = oneshot::channel();
            self.command(Command::Send(SendRequest {
                to: to.clone(),
                text,
                reply_to: None,
                file: None,
                reply,
            }))
            .await?;
            answers.push(answer);
        }
        let mut sent = Vec::with_capacity(answers.len());
        for answer in answers {
            sent.push(answer.await.map_err(|_| ClientError::Stopped)??);
        }
        Ok(sent)
    }

    /// Marks a conversation read and tells the senders; returns how many
    /// messages became read.
    pub async fn mark_read(&self, conversation: ConversationId) -> Result<usize, ClientError> {
        self.request(|reply| Command::MarkRead {
            conversation,
            reply,
        })
        .await
    }

    pub async fn join_room(&self, room: RoomId, name: Option<String>) -> Result<(), ClientError> {
        self.request(|reply| Command::Join { room, name, reply })
            .await
    }

    pub async fn leave_room(&self, room: RoomId) -> Result<(), ClientError> {
        self.request(|reply| Command::Leave { room, reply }).await
    }

    /// Names a room and sets its topic for every member (joining it if
    /// needed); a `None` or blank one is left as it is.
    pub async fn set_room_info(
        &self,
        room: RoomId,
        name: Option<String>,
        topic: Option<String>,
    ) -> Result<(), ClientError> {
        self.request(|reply| Command::SetRoomInfo {
            room,
            name,
            topic,
            reply,
        })
        .await
    }

    /// As the team's SMS gateway user (extension 10 of docs/protocol.md):
    /// tells `to` of an SMS from a phone (`Body::Sms`) or of what became of
    /// texts `to` sent (`Body::SmsStatus`), durably, under envelope `id`
    /// (the same id again is a duplicate the receiver ignores).
    pub async fn tell_sms_user(
        &self,
        to: UserId,
        id: MessageId,
        body: crate::protocol::Body,
    ) -> Result<(), ClientError> {
        self.request(|reply| Command::TellSms {
            to,
            id,
            body,
            reply,
        })
        .await
    }

    /// Queues a failed message (see [`MessageStatus::Failed`]) again,
    /// behind everything queued now.
    ///
    /// [`MessageStatus::Failed`]: crate::model::MessageStatus::Failed
    pub async fn retry_failed(&self, id: MessageId) -> Result<(), ClientError> {
        self.request(|reply| Command::RetryFailed { id, reply })
            .await
    }

    /// Deletes a failed message for good (it was never delivered).
    pub async fn delete_failed(&self, id: MessageId) -> Result<(), ClientError> {
        self.request(|reply| Command::DeleteFailed { id, reply })
            .await
    }

    pub async fn set_presence(&self, state: PresenceState) -> Result<(), ClientError> {
        self.command(Command::SetPresence { state }).await
    }

    /// Typing indicators are best-effort (QoS 0, dropped while offline).
    pub async fn typing(
        &self,
        conversation: ConversationId,
        active: bool,
    ) -> Result<(), ClientError> {
        self.command(Command::Typing {
            conversation,
            active,
        })
        .await
    }

    /// Skips the backoff wait (or retries after a credentials failure).
    pub async fn retry_now(&self) -> Result<(), ClientError> {
        self.command(Command::RetryNow).await
    }

    /// New credentials, used from the next attempt on (which starts now if
    /// the last one was refused).
    pub async fn set_password(&self, user: String, password: String) -> Result<(), ClientError> {
        self.command(Command::SetPassword { user, password }).await
    }

    /// Says offline to contacts, disconnects cleanly and stops the engine.
    /// Messages not yet acknowledged stay in the outbox for the next start.
    pub async fn shutdown(&self) {
        let (done, wait) = oneshot::channel();
        if self.commands.send(Command::Shutdown { done }).await.is_ok() {
            let _ = wait.await;
        }
    }

    /// Waits until the outbox is empty (everything acknowledged by the
    /// broker) or `timeout` passes; returns whether it emptied.
    pub async fn flush(&self, timeout: Duration) -> Result<bool, ClientError> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if self.outbox_len().await? == 0 {
                return Ok(true);
            }
            if tokio::time::Instant::now() >= deadline {
                return Ok(false);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    // ---- reads, from the second connection ----

    pub async fn history(
        &self,
        conversation: ConversationId,
        before: Option<(i64, MessageId)>,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, ClientError> {
        self.reader.history(conversation, before, limit).await
    }

    /// Messages after `(ts, id)`, oldest first (see [`crate::store::Store::history_after`]).
    pub async fn history_after(
        &self,
        conversation: ConversationId,
        after: (i64, MessageId),
        limit: usize,
    ) -> Result<Vec<StoredMessage>, ClientError> {
        self.reader.history_after(conversation, after, limit).await
    }

    pub async fn search(
        &self,
        query: String,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, ClientError> {
        self.reader.search(query, limit).await
    }

    pub async fn conversations(&self) -> Result<Vec<ConversationSummary>, ClientError> {
        self.reader.conversations().await
    }

    /// Unread messages across all conversations (tray badge).
    pub async fn unread_total(&self) -> Result<u64, ClientError> {
        self.reader.unread_total().await
    }

    pub async fn rooms(&self) -> Result<Vec<Room>, ClientError> {
        self.read(|s| s.joined_rooms()).await
    }

    pub async fn presence(&self) -> Result<Vec<PresenceRecord>, ClientError> {
        self.read(|s| s.presence()).await
    }

    pub async fn gaps(&self, conversation: ConversationId) -> Result<Vec<Gap>, ClientError> {
        self.read(move |s| s.gaps(&conversation)).await
    }

    pub async fn message(&self, id: MessageId) -> Result<Option<StoredMessage>, ClientError> {
        self.reader.message(id).await
    }

    /// [`Client::sms_delivery`] of each of `ids` sent to a phone.
    pub async fn sms_deliveries(
        &self,
        ids: Vec<MessageId>,
    ) -> Result<Vec<(MessageId, crate::model::SmsDelivery)>, ClientError> {
        self.reader.sms_deliveries(ids).await
    }

    /// What became of a text sent to a phone through the SMS gateway user
    /// (None until the gateway reported on it).
    pub async fn sms_delivery(
        &self,
        id: MessageId,
    ) -> Result<Option<crate::model::SmsDelivery>, ClientError> {
        self.read(move |s| s.sms_delivery(id)).await
    }

    /// Our messages set aside as failed, oldest first.
    pub async fn failed_messages(&self) -> Result<Vec<StoredMessage>, ClientError> {
        self.read(|s| s.failed_messages()).await
    }

    /// Messages and receipts not yet acknowledged by the broker (but for
    /// failed ones).
    pub async fn outbox_len(&self) -> Result<u64, ClientError> {
        self.read(|s| s.outbox_len()).await
    }

    /// Runs `f` on the second connection, off the engine's thread.
    async fn read<T, F>(&self, f: F) -> Result<T, ClientError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        self.reader.run(f).await
    }

    /// The store's reading connection (the reads both channels share).
    pub fn reader(&self) -> &StoreReader {
        &self.reader
    }

    async fn request<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<Result<T, ClientError>>) -> Command,
    ) -> Result<T, ClientError> {
        let (reply, answer) = oneshot::channel();
        self.command(make(reply)).await?;
        answer.await.map_err(|_| ClientError::Stopped)?
    }

    async fn command(&self, command: Command) -> Result<(), ClientError> {
        self.commands
            .send(command)
            .await
            .map_err(|_| ClientError::Stopped)
    }
}
