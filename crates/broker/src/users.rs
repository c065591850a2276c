//! The people allowed to sign in over the LAN: user ids with Argon2id
//! password hashes, in a small JSON file (like mosquitto_passwd's file).
//! Hashes only: a leaked file does not give the passwords away.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::{Deserialize, Serialize};
use tether_core::protocol::UserId;

/// Shortest password the host may give a LAN user.
pub const MIN_PASSWORD_LEN: usize = 8;

#[derive(Debug, thiserror::Error)]
pub enum UsersError {
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a LAN user file: {source}")]
    Format {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("passwords must have at least {MIN_PASSWORD_LEN} characters")]
    ShortPassword,
    #[error("cannot hash the password: {0}")]
    Hash(argon2::password_hash::Error),
    #[error("there is no LAN user '{0}'")]
    Unknown(String),
}

/// The LAN users file's contents.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanUsers {
    /// User id → PHC string (`$argon2id$v=19$…`).
    users: BTreeMap<UserId, String>,
}

impl LanUsers {
    /// The file's users; none when it does not exist yet.
    pub fn load(path: &Path) -> Result<LanUsers, UsersError> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|source| UsersError::Format {
                path: path.to_owned(),
                source,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(LanUsers::default()),
            Err(source) => Err(UsersError::Io {
                path: path.to_owned(),
                source,
            }),
        }
    }

    /// Writes the file whole (temporary file, then rename), readable only
    /// by its owner.
    pub fn save(&self, path: &Path) -> Result<(), UsersError> {
        let io = |source| UsersError::Io {
            path: path.to_owned(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let text = serde_json::to_vec_pretty(self).map_err(|source| UsersError::Format {
            path: path.to_owned(),
            source,
        })?;
        let tmp = path.with_extension("tmp");
        write_private(&tmp, &text).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }

    /// Adds `user`, or gives them a new password.
    pub fn set(&mut self, user: UserId, password: &str) -> Result<(), UsersError> {
        if password.chars().count() < MIN_PASSWORD_LEN {
            return Err(UsersError::ShortPassword);
        }
        let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).map_err(UsersError::Hash)?;
        let hash = Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map_err(UsersError::Hash)?;
        self.users.insert(user, hash.to_string());
        Ok(())
    }

    pub fn remove(&mut self, user: &UserId) -> Result<(), UsersError> {
        self.users
            .remove(user)
            .map(drop)
            .ok_or_else(|| UsersError::Unknown(user.to_string()))
    }

    pub fn names(&self) -> impl Iterator<Item = &UserId> {
        self.users.keys()
    }

    /// Whether `password` is `user`'s. Unknown users and unreadable hashes
    /// are simply refused.
    pub fn verify(&self, user: &UserId, password: &[u8]) -> bool {
        let Some(stored) = self.users.get(user) else {
            return false;
        };
        match PasswordHash::new(stored) {
            Ok(hash) => Argon2::default().verify_password(password, &hash).is_ok(),
            Err(e) => {
                tracing::warn!("the LAN password of {user} cannot be read ({e}); set it again");
                false
            }
        }
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(s: &str) -> UserId {
        UserId::new(s).unwrap()
    }

    #[test]
    fn only_the_right_password_of_a_known_user_is_accepted() {
        let mut users = LanUsers::default();
        users.set(user("bob"), "correct horse").unwrap();
        assert!(users.verify(&user("bob"), b"correct horse"));
        assert!(!users.verify(&user("bob"), b"correct hors"));
        assert!(!users.verify(&user("carol"), b"correct horse"));
        users.set(user("bob"), "battery staple").unwrap();
        assert!(!users.verify(&user("bob"), b"correct horse"));
        assert!(users.verify(&user("bob"), b"battery staple"));
    }

    #[test]
    fn the_file_keeps_hashes_not_passwords() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lan-users.json");
        assert_eq!(LanUsers::load(&path).unwrap(), LanUsers::default());
        let mut users = LanUsers::default();
        users.set(user("bob"), "correct horse").unwrap();
        users.save(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("correct horse"), "{text}");
        assert!(text.contains("$argon2id$"), "{text}");
        let loaded = LanUsers::load(&path).unwrap();
        assert!(loaded.verify(&user("bob"), b"correct horse"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn short_passwords_and_unknown_users_are_refused_with_a_reason() {
        let mut users = LanUsers::default();
        assert!(matches!(
            users.set(user("bob"), "short"),
            Err(UsersError::ShortPassword)
        ));
        assert!(matches!(
            users.remove(&user("bob")),
            Err(UsersError::Unknown(_))
        ));
    }
}
