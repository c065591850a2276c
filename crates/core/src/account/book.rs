//! Where accounts live on disk: the platform config directory (or
//! `$TETHER_HOME` for tests and portable setups), never with a password.

use std::path::{Path, PathBuf};

use directories::ProjectDirs;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{Account, AccountError, BrokerUrl, SmsAccount};
use crate::protocol::UserId;

/// The two directories Tether writes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// Account list and settings (small, user-editable JSON).
    pub config_dir: PathBuf,
    /// Message stores, one per account.
    pub data_dir: PathBuf,
}

#[derive(Debug, Error)]
pub enum BookError {
    #[error("no home directory found; set TETHER_HOME to choose where Tether keeps its files")]
    NoHome,
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a valid account file: {source}")]
    Format {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("no account named '{0}'; `tether account list` shows the ones there are")]
    Unknown(String),
    #[error("there is already an account named '{0}'; choose another name")]
    NameTaken(String),
    #[error(transparent)]
    Account(#[from] AccountError),
}

impl Paths {
    /// `$TETHER_HOME/{config,data}` when set, else the platform's directories
    /// (XDG on Linux, Application Support on macOS, AppData on Windows).
    pub fn from_env() -> Result<Paths, BookError> {
        if let Some(home) = std::env::var_os("TETHER_HOME").filter(|h| !h.is_empty()) {
            return Ok(Paths::under(Path::new(&home)));
        }
        let dirs = ProjectDirs::from("dev", "tether", "Tether").ok_or(BookError::NoHome)?;
        Ok(Paths {
            config_dir: dirs.config_dir().to_owned(),
            data_dir: dirs.data_dir().to_owned(),
        })
    }

    /// Both directories below one root.
    pub fn under(root: &Path) -> Paths {
        Paths {
            config_dir: root.join("config"),
            data_dir: root.join("data"),
        }
    }

    pub fn accounts_file(&self) -> PathBuf {
        self.config_dir.join("accounts.json")
    }

    /// The message store of one account.
    pub fn store_path(&self, account: &Account) -> PathBuf {
        self.store_of(&account.name)
    }

    /// The message store of the account named `name` (chat or SMS).
    pub fn store_of(&self, name: &str) -> PathBuf {
        self.data_dir.join(name).join("tether.db")
    }
}

/// The accounts configured on this device.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountBook {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default)]
    pub accounts: Vec<Account>,
    /// SMS accounts (CMPP), beside the chat ones; names are unique across
    /// both.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sms: Vec<SmsAccount>,
}

impl AccountBook {
    /// Reads the book; a missing file is an empty book (first run).
    pub fn load(paths: &Paths) -> Result<AccountBook, BookError> {
        let path = paths.accounts_file();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => return Err(BookError::Io { path, source }),
        };
        serde_json::from_str(&text).map_err(|source| BookError::Format { path, source })
    }

    /// Writes the book atomically (temp file + rename), so a crash never
    /// leaves a half-written account list.
    pub fn save(&self, paths: &Paths) -> Result<(), BookError> {
        let path = paths.accounts_file();
        let io = |source| BookError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(&paths.config_dir).map_err(io)?;
        let tmp = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(self).map_err(|source| BookError::Format {
            path: path.clone(),
            source,
        })?;
        std::fs::write(&tmp, text).map_err(io)?;
        std::fs::rename(&tmp, &path).map_err(io)
    }

    pub fn get(&self, name: &str) -> Result<&Account, BookError> {
        self.accounts
            .iter()
            .find(|a| a.name == name)
            .ok_or_else(|| BookError::Unknown(name.to_owned()))
    }

    /// The named account, else the default one, else the only one.
    pub fn select(&self, name: Option<&str>) -> Result<&Account, BookError> {
        match name.or(self.default.as_deref()) {
            Some(name) => self.get(name),
            None if self.accounts.len() == 1 => Ok(&self.accounts[0]),
            None => Err(BookError::Unknown("(none chosen)".into())),
        }
    }

    /// Adds or replaces an account by name, keeping an existing client id
    /// so the broker session survives edits.
    pub fn upsert(&mut self, mut account: Account) -> Result<(), BookError> {
        account.validate()?;
        if self.sms.iter().any(|a| a.name == account.name) {
            return Err(BookError::NameTaken(account.name));
        }
        if let Some(old) = self.accounts.iter_mut().find(|a| a.name == account.name) {
            if old.broker == account.broker && old.user == account.user {
                account.client_id = old.client_id.clone();
            }
            *old = account;
        } else {
            if self.accounts.is_empty() {
                self.default = Some(account.name.clone());
            }
            self.accounts.push(account);
        }
        Ok(())
    }

    /// The saved account for this broker and user, created (with a fresh
    /// client id and a free name) on first use, so the broker session and
    /// the local history stay the same from run to run.
    pub fn ensure(&mut self, broker: BrokerUrl, user: UserId) -> Result<Account, BookError> {
        if let Some(found) = self
            .accounts
            .iter()
            .find(|a| a.broker == broker && a.user == user)
        {
            return Ok(found.clone());
        }
        let mut name = user.as_str().to_owned();
        let mut n = 2;
        while self.accounts.iter().any(|a| a.name == name)
            || self.sms.iter().any(|a| a.name == name)
        {
            name = format!("{user}-{n}");
            n += 1;
        }
        let account = Account::new(name, broker, user);
        self.upsert(account.clone())?;
        Ok(account)
    }

    /// The SMS account named `name`, else the only one.
    pub fn sms_account(&self, name: Option<&str>) -> Result<&SmsAccount, BookError> {
        match name {
            Some(name) => self.sms.iter().find(|a| a.name == name),
            None if self.sms.len() == 1 => self.sms.first(),
            None => None,
        }
        .ok_or_else(|| BookError::Unknown(name.unwrap_or("(no SMS account chosen)").to_owned()))
    }

    /// Adds or replaces an SMS account by name.
    pub fn upsert_sms(&mut self, account: SmsAccount) -> Result<(), BookError> {
        account.validate()?;
        if self.accounts.iter().any(|a| a.name == account.name) {
            return Err(BookError::NameTaken(account.name));
        }
        match self.sms.iter_mut().find(|a| a.name == account.name) {
            Some(old) => *old = account,
            None => self.sms.push(account),
        }
        Ok(())
    }

    pub fn remove_sms(&mut self, name: &str) -> Result<SmsAccount, BookError> {
        let at = self
            .sms
            .iter()
            .position(|a| a.name == name)
            .ok_or_else(|| BookError::Unknown(name.to_owned()))?;
        if self.default.as_deref() == Some(name) {
            self.default = None;
        }
        Ok(self.sms.remove(at))
    }

    pub fn remove(&mut self, name: &str) -> Result<Account, BookError> {
        let at = self
            .accounts
            .iter()
            .position(|a| a.name == name)
            .ok_or_else(|| BookError::Unknown(name.to_owned()))?;
        if self.default.as_deref() == Some(name) {
            self.default = None;
        }
        Ok(self.accounts.remove(at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(name: &str) -> Account {
        Account::new(
            name,
            "mqtt://localhost".parse().unwrap(),
            UserId::new("alice").unwrap(),
        )
    }

    #[test]
    fn save_and_load_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::under(dir.path());
        assert_eq!(AccountBook::load(&paths).unwrap(), AccountBook::default());
        let mut book = AccountBook::default();
        book.upsert(account("work")).unwrap();
        book.save(&paths).unwrap();
        let loaded = AccountBook::load(&paths).unwrap();
        assert_eq!(loaded, book);
        assert_eq!(loaded.select(None).unwrap().name, "work");
    }

    #[test]
    fn upsert_keeps_the_client_id_of_the_same_identity() {
        let mut book = AccountBook::default();
        let first = account("work");
        let id = first.client_id.clone();
        book.upsert(first).unwrap();
        let mut edited = account("work");
        edited.keep_alive_secs = 60;
        book.upsert(edited).unwrap();
        assert_eq!(book.get("work").unwrap().client_id, id);
        assert_eq!(book.get("work").unwrap().keep_alive_secs, 60);
    }

    #[test]
    fn ensure_reuses_the_same_identity_and_names_new_ones_apart() {
        let mut book = AccountBook::default();
        let broker: BrokerUrl = "mqtt://localhost".parse().unwrap();
        let other: BrokerUrl = "mqtt://elsewhere".parse().unwrap();
        let alice = UserId::new("alice").unwrap();
        let first = book.ensure(broker.clone(), alice.clone()).unwrap();
        let again = book.ensure(broker, alice.clone()).unwrap();
        assert_eq!(first, again);
        let second = book.ensure(other, alice).unwrap();
        assert_eq!(
            (first.name.as_str(), second.name.as_str()),
            ("alice", "alice-2")
        );
        assert_ne!(first.client_id, second.client_id);
        assert_eq!(book.default.as_deref(), Some("alice"));
    }

    #[test]
    fn sms_accounts_share_the_names_and_the_default() {
        let mut book = AccountBook::default();
        book.upsert(account("work")).unwrap();
        let sms = SmsAccount::new("gw", "127.0.0.1", 7890, "901234", "1065901234");
        book.upsert_sms(sms.clone()).unwrap();
        let mut clash = sms.clone();
        clash.name = "work".into();
        assert!(matches!(
            book.upsert_sms(clash),
            Err(BookError::NameTaken(_))
        ));
        // The app signs in to an SMS account as the default; removing it
        // leaves no default pointing nowhere.
        book.default = Some("gw".into());
        book.remove_sms("gw").unwrap();
        assert_eq!(book.default, None);
    }

    #[test]
    fn unknown_account_says_how_to_list() {
        let err = AccountBook::default().get("nope").unwrap_err().to_string();
        assert!(err.contains("tether account list"), "{err}");
    }

    #[test]
    fn a_corrupt_file_is_reported_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::under(dir.path());
        std::fs::create_dir_all(&paths.config_dir).unwrap();
        std::fs::write(paths.accounts_file(), "{not json").unwrap();
        let err = AccountBook::load(&paths).unwrap_err().to_string();
        assert!(err.contains("accounts.json"), "{err}");
    }
}
