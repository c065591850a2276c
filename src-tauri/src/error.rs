//! The one error type every command returns, serialized as
//! `{code, message}`: `code` (core's [`ErrorCode`]) is what the UI turns
//! into a sentence in the user's language; `message` is the detail, in
//! English, that it shows under "Details".

use serde::Serialize;
use tether_broker::UsersError;
use tether_core::ClientError;
use tether_core::account::{AccountError, BookError, BrokerUrlError};
use tether_core::error::ErrorCode;
use tether_core::protocol::IdError;
use tether_core::secrets::SecretError;
use tether_core::signin::SignInError;
use tether_core::store::StoreError;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> AppError {
        AppError {
            code,
            message: message.into(),
        }
    }

    pub fn not_logged_in() -> AppError {
        AppError::new(ErrorCode::NotLoggedIn, "Sign in first.")
    }

    pub fn bad_input(message: impl Into<String>) -> AppError {
        AppError::new(ErrorCode::BadInput, message)
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
        AppError::new(e.code(), e.to_string())
    }
}

impl From<SignInError> for AppError {
    fn from(e: SignInError) -> AppError {
        AppError::new(e.code(), e.to_string())
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        AppError::new(ErrorCode::Store, format!("The message store failed: {e}"))
    }
}

impl From<BookError> for AppError {
    fn from(e: BookError) -> AppError {
        let code = match e {
            BookError::Account(_) | BookError::Unknown(_) | BookError::NameTaken(_) => {
                ErrorCode::BadInput
            }
            _ => ErrorCode::Store,
        };
        AppError::new(code, e.to_string())
    }
}

impl From<AccountError> for AppError {
    fn from(e: AccountError) -> AppError {
        let code = match e {
            AccountError::Tls(_) => ErrorCode::Tls,
            _ => ErrorCode::BadInput,
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
            UsersError::ShortPassword | UsersError::Unknown(_) => ErrorCode::BadInput,
            UsersError::Io { .. } | UsersError::Format { .. } | UsersError::Hash(_) => {
                ErrorCode::Store
            }
        };
        AppError::new(code, e.to_string())
    }
}

impl From<SecretError> for AppError {
    fn from(e: SecretError) -> AppError {
        AppError::new(ErrorCode::Keyring, e.to_string())
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
        assert_eq!(
            AppError::from(ClientError::EmptyMessage).code,
            ErrorCode::BadInput
        );
        assert_eq!(
            AppError::from(ClientError::Stopped).code,
            ErrorCode::Internal
        );
    }
}
