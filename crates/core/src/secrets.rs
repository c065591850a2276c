//! Passwords: a small interface over the OS keyring.
//!
//! [`KeyringSecrets`] uses keyring-core with each platform's native store
//! (Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows). [`MemorySecrets`] is for unit tests. Passwords never touch
//! Tether's own files or logs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use thiserror::Error;

/// The keyring "service" every Tether password is filed under.
pub const KEYRING_SERVICE: &str = "dev.tether.Tether";

#[derive(Debug, Error)]
pub enum SecretError {
    #[error(
        "the OS keyring is not available ({0}); on Linux start a Secret Service such as gnome-keyring, or pass the password in TETHER_PASSWORD"
    )]
    Unavailable(String),
    #[error("the OS keyring refused access: {0}")]
    Denied(String),
}

/// Where passwords are kept, keyed by [`crate::account::Account::secret_key`].
pub trait SecretStore: Send + Sync {
    fn get(&self, key: &str) -> Result<Option<String>, SecretError>;
    fn set(&self, key: &str, secret: &str) -> Result<(), SecretError>;
    /// Removing a password that is not there is not an error.
    fn delete(&self, key: &str) -> Result<(), SecretError>;
}

/// The platform's native credential store through keyring-core.
#[derive(Debug)]
pub struct KeyringSecrets {
    store: Arc<keyring_core::CredentialStore>,
}

impl KeyringSecrets {
    /// Opens the native store of this OS.
    pub fn native() -> Result<KeyringSecrets, SecretError> {
        Ok(KeyringSecrets {
            store: native_store()?,
        })
    }

    fn entry(&self, key: &str) -> Result<keyring_core::Entry, SecretError> {
        self.store
            .build(KEYRING_SERVICE, key, None)
            .map_err(map_err)
    }
}

#[cfg(target_os = "linux")]
fn native_store() -> Result<Arc<keyring_core::CredentialStore>, SecretError> {
    let store = zbus_secret_service_keyring_store::Store::new().map_err(map_err)?;
    Ok(store)
}

#[cfg(target_os = "macos")]
fn native_store() -> Result<Arc<keyring_core::CredentialStore>, SecretError> {
    let store = apple_native_keyring_store::keychain::Store::new().map_err(map_err)?;
    Ok(store)
}

#[cfg(target_os = "windows")]
fn native_store() -> Result<Arc<keyring_core::CredentialStore>, SecretError> {
    let store = windows_native_keyring_store::Store::new().map_err(map_err)?;
    Ok(store)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn native_store() -> Result<Arc<keyring_core::CredentialStore>, SecretError> {
    Err(SecretError::Unavailable(
        "no native keyring support on this OS".into(),
    ))
}

fn map_err(e: keyring_core::Error) -> SecretError {
    use keyring_core::Error as E;
    match e {
        E::NoStorageAccess(inner) => SecretError::Denied(inner.to_string()),
        other => SecretError::Unavailable(other.to_string()),
    }
}

impl SecretStore for KeyringSecrets {
    fn get(&self, key: &str) -> Result<Option<String>, SecretError> {
        match self.entry(key)?.get_password() {
            Ok(p) => Ok(Some(p)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    fn set(&self, key: &str, secret: &str) -> Result<(), SecretError> {
        self.entry(key)?.set_password(secret).map_err(map_err)
    }

    fn delete(&self, key: &str) -> Result<(), SecretError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e)),
        }
    }
}

/// Passwords in process memory, for tests of the layers above.
#[derive(Debug, Default)]
pub struct MemorySecrets {
    map: Mutex<HashMap<String, String>>,
}

impl SecretStore for MemorySecrets {
    fn get(&self, key: &str) -> Result<Option<String>, SecretError> {
        let map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(map.get(key).cloned())
    }

    fn set(&self, key: &str, secret: &str) -> Result<(), SecretError> {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        map.insert(key.to_owned(), secret.to_owned());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), SecretError> {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        map.remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_sets_gets_and_deletes() {
        let s = MemorySecrets::default();
        assert_eq!(s.get("alice@mqtt://h:1883").unwrap(), None);
        s.set("alice@mqtt://h:1883", "pw").unwrap();
        assert_eq!(s.get("alice@mqtt://h:1883").unwrap().as_deref(), Some("pw"));
        s.delete("alice@mqtt://h:1883").unwrap();
        s.delete("alice@mqtt://h:1883").unwrap();
        assert_eq!(s.get("alice@mqtt://h:1883").unwrap(), None);
    }
}
