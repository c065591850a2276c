//! The error type of the [`crate::Client`] API.

use thiserror::Error;

use crate::account::AccountError;
use crate::store::StoreError;

#[derive(Debug, Error)]
pub enum ClientError {
    #[error("a message needs some text")]
    EmptyMessage,
    #[error("the message is {len} bytes; the limit is {max} bytes, so split it up")]
    MessageTooLong { len: usize, max: usize },
    #[error("this message cannot be sent as written ({0}); shorten it")]
    Unsendable(#[source] crate::protocol::DecodeError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A burst of messages could not be committed (the store's error, as
    /// text: every message of the burst reports it).
    #[error("the message could not be saved ({0}), so it was not sent; try again")]
    NotQueued(String),
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error("message {0} is not waiting as failed (it may have been retried or deleted already)")]
    NotFailed(crate::protocol::MessageId),
    #[error("the connection task has stopped; restart Tether")]
    Stopped,
    /// The thread that runs the connection could not be started.
    #[error("cannot start the connection's thread ({0}); the system may be out of resources")]
    Thread(#[source] std::io::Error),
}

impl ClientError {
    /// A stable machine-readable code (for the UI and CLI exit codes).
    pub fn code(&self) -> &'static str {
        match self {
            ClientError::EmptyMessage => "empty_message",
            ClientError::MessageTooLong { .. } => "message_too_long",
            ClientError::Unsendable(_) => "unsendable",
            ClientError::Store(_) | ClientError::NotQueued(_) => "store",
            ClientError::Account(_) => "account",
            ClientError::NotFailed(_) => "not_failed",
            ClientError::Stopped | ClientError::Thread(_) => "stopped",
        }
    }
}
