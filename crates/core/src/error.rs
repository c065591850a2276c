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
    /// A conversation this account's channel cannot reach (a telephone
    /// number from a chat account).
    #[error("{0} is a telephone number: send it from an SMS account")]
    WrongChannel(crate::model::ConversationId),
    /// A chat conversation asked of an SMS account.
    #[error("{0} is a chat, not a telephone number: send it from a chat account")]
    NotAPhone(crate::model::ConversationId),
    /// A reply asked of an SMS account: a text cannot say what it answers.
    #[error("a text message cannot quote the message it answers: send it without the quote")]
    NoRepliesBySms,
    /// A change to a message this account does not have.
    #[error("message {0} is not in this account's history (it may have been deleted)")]
    NoSuchMessage(crate::protocol::MessageId),
    /// An edit or a delete for everyone of someone else's message.
    #[error(
        "only its author can edit a message or delete it for everyone; you can delete it for yourself"
    )]
    NotYourMessage,
    /// A change to a message deleted for everyone.
    #[error("this message was deleted, so it can no longer be changed")]
    MessageDeleted,
    /// An edit, a reaction or a delete for everyone asked of an SMS.
    #[error(
        "a text message cannot be edited, reacted to or taken back once sent; you can delete it for yourself"
    )]
    NoChangesBySms,
    /// Deleting for ourselves a message of ours that is still queued: it
    /// would still be sent.
    #[error("this message is still waiting to be sent; cancel or delete it for everyone instead")]
    StillQueued,
    /// A reaction that is not one emoji or short word.
    #[error("a reaction is one emoji or a short word without spaces ({0})")]
    BadReaction(&'static str),
    #[error("message {0} is not waiting as failed (it may have been retried or deleted already)")]
    NotFailed(crate::protocol::MessageId),
    #[error("{0}")]
    SmsTooLong(#[from] tether_cmpp::text::TooLong),
    /// Asked of the SMS gateway (a cancel, a query) with no link to it.
    #[error("the SMS gateway cannot be asked now: {0}")]
    GatewayUnavailable(String),
    /// A file to send that cannot be read.
    #[error("cannot read {path}: {source}; check that the file exists and you may read it")]
    FileUnreadable {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// An empty file, or one over the limit.
    #[error("{0}")]
    FileSize(&'static str),
    /// A file asked of a conversation that cannot carry one.
    #[error("files cannot be sent by SMS; send it in a chat")]
    NoFilesBySms,
    /// A file asked for that is not here (yet).
    #[error("this file is not here yet (it is still downloading or was cancelled)")]
    FileNotHere,
    #[error("the connection task has stopped; restart Tether")]
    Stopped,
    /// The thread that runs the connection could not be started.
    #[error("cannot start the connection's thread ({0}); the system may be out of resources")]
    Thread(#[source] std::io::Error),
}

impl ClientError {
    /// What kind of error this is, for the UI and the CLI's exit codes.
    pub fn code(&self) -> ErrorCode {
        match self {
            ClientError::EmptyMessage
            | ClientError::MessageTooLong { .. }
            | ClientError::Unsendable(_)
            | ClientError::NotFailed(_)
            | ClientError::WrongChannel(_)
            | ClientError::NotAPhone(_)
            | ClientError::NoRepliesBySms
            | ClientError::NoSuchMessage(_)
            | ClientError::NotYourMessage
            | ClientError::MessageDeleted
            | ClientError::NoChangesBySms
            | ClientError::StillQueued
            | ClientError::BadReaction(_)
            | ClientError::SmsTooLong(_)
            | ClientError::FileUnreadable { .. }
            | ClientError::FileSize(_)
            | ClientError::NoFilesBySms
            | ClientError::FileNotHere => ErrorCode::BadInput,
            ClientError::GatewayUnavailable(_) => ErrorCode::Unreachable,
            ClientError::Account(AccountError::Tls(_)) => ErrorCode::Tls,
            ClientError::Account(_) => ErrorCode::BadInput,
            ClientError::Store(_) | ClientError::NotQueued(_) => ErrorCode::Store,
            ClientError::Stopped | ClientError::Thread(_) => ErrorCode::Internal,
        }
    }
}

/// What kind of error a user is shown, in one word the UI turns into a
/// sentence in the user's language (ui/src/lib/i18n) and the CLI into an
/// exit code. Every error of the core, the shell and the CLI maps to one;
/// the UI's list is generated from [`ErrorCode::ALL`] (see the test below),
/// never kept by hand.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The broker refused the user name or password.
    AuthFailed,
    /// The broker cannot be reached, or did not answer.
    Unreachable,
    /// The TLS handshake failed (certificate, CA, server name).
    Tls,
    /// Another program serves This computer's address and asks for a password.
    LocalTaken,
    /// This computer's broker cannot be opened to the local network.
    LanUnavailable,
    /// What the user typed or asked for cannot be done as it is.
    BadInput,
    /// The OS keyring cannot be reached.
    Keyring,
    /// No account is signed in.
    NotLoggedIn,
    /// The message store on disk failed.
    Store,
    /// Anything else: a bug or a stopped task.
    Internal,
}

impl ErrorCode {
    /// Every code, for the generated list the UI checks codes against.
    pub const ALL: [ErrorCode; 10] = [
        ErrorCode::AuthFailed,
        ErrorCode::Unreachable,
        ErrorCode::Tls,
        ErrorCode::LocalTaken,
        ErrorCode::LanUnavailable,
        ErrorCode::BadInput,
        ErrorCode::Keyring,
        ErrorCode::NotLoggedIn,
        ErrorCode::Store,
        ErrorCode::Internal,
    ];

    /// The code as serialized (snake_case).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::AuthFailed => "auth_failed",
            ErrorCode::Unreachable => "unreachable",
            ErrorCode::Tls => "tls",
            ErrorCode::LocalTaken => "local_taken",
            ErrorCode::LanUnavailable => "lan_unavailable",
            ErrorCode::BadInput => "bad_input",
            ErrorCode::Keyring => "keyring",
            ErrorCode::NotLoggedIn => "not_logged_in",
            ErrorCode::Store => "store",
            ErrorCode::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn codes_serialize_as_their_names_and_all_lists_each_once() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, serde_json::Value::from(code.as_str()));
            assert!(seen.insert(code), "{code} twice");
        }
    }

    #[test]
    fn client_errors_have_codes() {
        assert_eq!(ClientError::EmptyMessage.code(), ErrorCode::BadInput);
        assert_eq!(ClientError::Stopped.code(), ErrorCode::Internal);
    }

    /// Writes the UI's runtime list of codes next to the ts-rs bindings
    /// (scripts/check-bindings.sh fails when it is not committed as made).
    #[cfg(feature = "ts")]
    #[test]
    fn export_the_list_of_codes_for_the_ui() {
        let Ok(dir) = std::env::var("TS_RS_EXPORT_DIR") else {
            return;
        };
        let names: Vec<String> = ErrorCode::ALL
            .iter()
            .map(|c| format!("  '{}',", c.as_str()))
            .collect();
        let text = format!(
            "// Generated from tether_core::error::ErrorCode::ALL by its tests. Do not edit.\n\
             import type {{ ErrorCode }} from './ErrorCode';\n\n\
             /** Every error code the backend uses. */\n\
             export const ERROR_CODES: readonly ErrorCode[] = [\n{}\n];\n",
            names.join("\n")
        );
        let path = std::path::Path::new(&dir).join("ErrorCodes.ts");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(path, text).unwrap();
    }
}
