//! The one error type every command returns, serialized as
//! `{code, message}`: `code` is stable for the UI to branch on, `message`
//! is a sentence a user can act on.

use serde::Serialize;
use tether_broker::UsersError;
use tether_core::ClientError;
use tether_core::account::{AccountError, BookError, BrokerUrlError};
use tether_core::protocol::IdError;
use tether_core::secrets::SecretError;
use tether_core::store::StoreError;
use ts_rs::TS;

use crate::local_broker::LanError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AppError {
    pub code: &'static str,
    pub message: String,
}

impl AppError {
    pub fn new(code: &'static str, message: impl Into<String>) -> AppError {
        AppError {
            code,
            message: message.into(),
        }
    }

    pub fn not_logged_in() -> AppError {
        AppError::new("not_logged_in", "Sign in first.")
    }

    pub fn bad_input(message: impl Into<String>) -> AppError {
        AppError::new("bad_input", message)
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for AppError {}

impl From<ClientError> for AppError {
    fn from(e: ClientError) -> AppError {
        let code = match &e {
            ClientError::EmptyMessage
            | ClientError::MessageTooLong { .. }
            | ClientError::Unsendable(_)
            | ClientError::Account(_)
            | ClientError::NotFailed(_) => "bad_input",
            ClientError::Store(_) | ClientError::NotQueued(_) => "store",
            ClientError::Stopped | ClientError::Thread(_) => "internal",
        };
        AppError::new(code, e.to_string())
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        AppError::new("store", format!("The message store failed: {e}"))
    }
}

impl From<BookError> for AppError {
    fn from(e: BookError) -> AppError {
        let code = match e {
            BookError::Account(_) | BookError::Unknown(_) => "bad_input",
            _ => "store",
        };
        AppError::new(code, e.to_string())
    }
}

impl From<AccountError> for AppError {
    fn from(e: AccountError) -> AppError {
        let code = match e {
            AccountError::Tls(_) => "tls",
            _ => "bad_input",
        };
        AppError::new(code, e.to_string())
    }
}

impl From<BrokerUrlError> for AppError {
    fn from(e: BrokerUrlError) -> AppError {
        AppError::bad_input(format!("Broker address: {e}"))
    }
}

impl From<IdError> for AppError {
    fn from(e: IdError) -> AppError {
        AppError::bad_input(e.to_string())
    }
}

impl From<UsersError> for AppError {
    fn from(e: UsersError) -> AppError {
        let code = match e {
            UsersError::ShortPassword | UsersError::Unknown(_) => "bad_input",
            UsersError::Io { .. } | UsersError::Format { .. } | UsersError::Hash(_) => "store",
        };
        AppError::new(code, e.to_string())
    }
}

impl From<LanError> for AppError {
    fn from(e: LanError) -> AppError {
        AppError::new("lan_unavailable", e.to_string())
    }
}

impl From<SecretError> for AppError {
    fn from(e: SecretError) -> AppError {
        AppError::new("keyring", e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_code_and_message() {
        let json = serde_json::to_value(AppError::not_logged_in()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "not_logged_in", "message": "Sign in first."})
        );
    }

    #[test]
    fn client_errors_map_to_stable_codes() {
        assert_eq!(AppError::from(ClientError::EmptyMessage).code, "bad_input");
        assert_eq!(AppError::from(ClientError::Stopped).code, "internal");
    }
}
