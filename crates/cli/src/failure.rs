//! Errors and the exit codes scripts can rely on.

use std::process::ExitCode;

use tether_core::error::ErrorCode;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error("the broker refused the credentials: {0}")]
    Auth(String),
    #[error("{0}")]
    Unreachable(String),
    #[error(
        "the broker closed the connection each time message {0} was sent, so it is set aside \
         as failed (the rest went on): `tether outbox retry {0}` or `tether outbox delete {0}`"
    )]
    Refused(tether_core::protocol::MessageId),
    /// The SMS gateway refused the message or reported it failed.
    #[error("SMS {id} failed: {why}")]
    SmsFailed {
        id: tether_core::protocol::MessageId,
        why: String,
    },
    #[error(transparent)]
    Client(#[from] tether_core::ClientError),
    #[error(transparent)]
    Book(#[from] tether_core::account::BookError),
    #[error(transparent)]
    Store(#[from] tether_core::store::StoreError),
    #[error(transparent)]
    Secret(#[from] tether_core::secrets::SecretError),
    /// The keyring failed, with what to do instead.
    #[error("{0}")]
    Keyring(String),
    #[error("cannot write output: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Broker(#[from] tether_broker::BrokerError),
    #[error(transparent)]
    LanUsers(#[from] tether_broker::UsersError),
}

impl CliError {
    /// 2 bad input, 3 bad credentials, 4 broker or gateway unreachable, 5
    /// an SMS refused or failed, 1 anything else.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Usage(_)
            | CliError::Book(_)
            | CliError::LanUsers(
                tether_broker::UsersError::ShortPassword | tether_broker::UsersError::Unknown(_),
            ) => ExitCode::from(2),
            CliError::Client(e) => code_exit(e.code()),
            CliError::Auth(_) => ExitCode::from(3),
            CliError::Unreachable(_) => ExitCode::from(4),
            CliError::SmsFailed { .. } => ExitCode::from(5),
            _ => ExitCode::from(1),
        }
    }
}

/// The exit code of a core error, by its kind (`tether_core::error::ErrorCode`).
fn code_exit(code: ErrorCode) -> ExitCode {
    match code {
        // A TLS setting the account was created with (a CA file that
        // cannot be read) is the user's input too.
        ErrorCode::BadInput | ErrorCode::Tls => ExitCode::from(2),
        ErrorCode::AuthFailed => ExitCode::from(3),
        ErrorCode::Unreachable => ExitCode::from(4),
        ErrorCode::LocalTaken
        | ErrorCode::LanUnavailable
        | ErrorCode::Keyring
        | ErrorCode::NotLoggedIn
        | ErrorCode::Store
        | ErrorCode::Internal => ExitCode::from(1),
    }
}
