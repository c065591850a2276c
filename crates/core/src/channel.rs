//! One handle over either channel: what the desktop app does with a
//! signed-in account, whether it chats over MQTT ([`Client`]) or texts
//! phones over CMPP ([`SmsClient`]).
//!
//! Both channels keep the same model in the same store, so the
//! conversation list, history, search and unread counts are one
//! implementation, read through [`AccountClient::reader`]
//! ([`StoreReader`]); read marks, failed messages and
//! sending are asked of the channel's engine; what only one channel has
//! (rooms and presence for chat) is asked of the inner client.

use tether_cmpp::text::Chinese;
use tokio::sync::{broadcast, watch};

use crate::Client;
use crate::error::ClientError;
use crate::event::Event;
use crate::model::{ConnectionState, ConversationId, Gap};
use crate::model::{MessageChange, StoredMessage};
use crate::protocol::MessageId;
use crate::reader::StoreReader;
use crate::sms::{Cost, SmsClient};

/// A signed-in account's client, of either channel.
#[derive(Debug, Clone)]
pub enum AccountClient {
    Chat(Client),
    Sms(SmsClient),
}

impl AccountClient {
    /// The chat client, if this account chats.
    pub fn chat(&self) -> Option<&Client> {
        match self {
            AccountClient::Chat(client) => Some(client),
            AccountClient::Sms(_) => None,
        }
    }

    /// The SMS client, if this account texts phones.
    pub fn sms(&self) -> Option<&SmsClient> {
        match self {
            AccountClient::Chat(_) => None,
            AccountClient::Sms(client) => Some(client),
        }
    }

    /// The store's reading connection: the reads both channels share.
    pub fn reader(&self) -> &StoreReader {
        match self {
            AccountClient::Chat(c) => c.reader(),
            AccountClient::Sms(c) => c.reader(),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        match self {
            AccountClient::Chat(c) => c.subscribe(),
            AccountClient::Sms(c) => c.subscribe(),
        }
    }

    pub fn connection(&self) -> watch::Receiver<ConnectionState> {
        match self {
            AccountClient::Chat(c) => c.connection(),
            AccountClient::Sms(c) => c.connection(),
        }
    }

    /// Queues `text` to `to` durably. An SMS account reaches telephone
    /// numbers only.
    pub async fn send(
        &self,
        to: ConversationId,
        text: String,
    ) -> Result<StoredMessage, ClientError> {
        match self {
            AccountClient::Chat(c) => c.send(to, text).await,
            AccountClient::Sms(c) => match to {
                ConversationId::Phone(phone) => c.send(phone, &text).await,
                other => Err(ClientError::NotAPhone(other)),
            },
        }
    }

    /// Like [`AccountClient::send`], answering `reply_to` (chat only: a
    /// text message cannot carry which message it answers).
    pub async fn send_reply(
        &self,
        to: ConversationId,
        text: String,
        reply_to: Option<MessageId>,
    ) -> Result<StoredMessage, ClientError> {
        match (self, reply_to) {
            (AccountClient::Chat(c), _) => c.send_reply(to, text, reply_to).await,
            (AccountClient::Sms(_), None) => self.send(to, text).await,
            (AccountClient::Sms(_), Some(_)) => Err(ClientError::NoRepliesBySms),
        }
    }

    /// Edits, deletes or reacts to a message (chat only, but for deleting
    /// a message for ourselves, which any account can). Returns the
    /// message as it now is.
    pub async fn change_message(
        &self,
        of: MessageId,
        change: MessageChange,
    ) -> Result<StoredMessage, ClientError> {
        match (self, change) {
            (AccountClient::Chat(c), change) => c.change_message(of, change).await,
            (AccountClient::Sms(c), MessageChange::DeleteForMe) => {
                c.reader().delete_for_me(of).await?;
                c.reader()
                    .message(of)
                    .await?
                    .ok_or(ClientError::NoSuchMessage(of))
            }
            (AccountClient::Sms(_), _) => Err(ClientError::NoChangesBySms),
        }
    }

    pub async fn retry_failed(&self, id: MessageId) -> Result<(), ClientError> {
        match self {
            AccountClient::Chat(c) => c.retry_failed(id).await,
            AccountClient::Sms(c) => c.retry(id).await,
        }
    }

    pub async fn delete_failed(&self, id: MessageId) -> Result<(), ClientError> {
        match self {
            AccountClient::Chat(c) => c.delete_failed(id).await,
            AccountClient::Sms(c) => c.delete_failed(id).await,
        }
    }

    pub async fn mark_read(&self, conversation: ConversationId) -> Result<usize, ClientError> {
        match self {
            AccountClient::Chat(c) => c.mark_read(conversation).await,
            AccountClient::Sms(c) => c.mark_read(conversation).await,
        }
    }

    /// Tells the other side we are typing; phones see nothing of it.
    pub async fn typing(
        &self,
        conversation: ConversationId,
        active: bool,
    ) -> Result<(), ClientError> {
        match self {
            AccountClient::Chat(c) => c.typing(conversation, active).await,
            AccountClient::Sms(_) => Ok(()),
        }
    }

    /// Messages known to be missing; SMS numbers none (a phone's texts
    /// carry no sequence).
    pub async fn gaps(&self, conversation: ConversationId) -> Result<Vec<Gap>, ClientError> {
        match self {
            AccountClient::Chat(c) => c.gaps(conversation).await,
            AccountClient::Sms(_) => Ok(Vec::new()),
        }
    }

    /// What a text to a phone costs in SMS: as this SMS account would
    /// send it, or (a chat account, texting through the team's gateway
    /// user) as a gateway sends it by default, in UCS2.
    pub fn sms_cost(&self, text: &str) -> Cost {
        match self {
            AccountClient::Chat(_) => tether_cmpp::text::cost(text, Chinese::Ucs2),
            AccountClient::Sms(c) => c.cost(text),
        }
    }

    /// Messages queued and not yet taken (a long SMS counts once).
    pub async fn outbox_len(&self) -> Result<u64, ClientError> {
        match self {
            AccountClient::Chat(c) => c.outbox_len().await,
            AccountClient::Sms(c) => c.outbox_messages().await,
        }
    }

    /// Tries to connect now instead of waiting out the back-off.
    pub async fn retry_now(&self) -> Result<(), ClientError> {
        match self {
            AccountClient::Chat(c) => c.retry_now().await,
            AccountClient::Sms(c) => {
                c.retry_now().await;
                Ok(())
            }
        }
    }

    pub async fn shutdown(&self) {
        match self {
            AccountClient::Chat(c) => c.shutdown().await,
            AccountClient::Sms(c) => c.shutdown().await,
        }
    }
}
