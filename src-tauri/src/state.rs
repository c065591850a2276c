//! What the shell keeps between commands, managed by Tauri (`app.manage`):
//! where files live, the keyring, the signed-in account's client (chat or
//! SMS), the broker hosted for "This computer", and the UI's event channel.

use std::sync::{Arc, Mutex, PoisonError};

use tauri::ipc::Channel;
use tether_core::Event;
use tether_core::account::Paths;
use tether_core::channel::AccountClient;
use tether_core::error::ErrorCode;
use tether_core::model::{ConversationId, GlobalNotify};
use tether_core::secrets::{KeyringSecrets, SecretStore};

use crate::error::AppError;
use crate::local_broker::LocalBroker;
use crate::requests::ShellRequest;
use crate::strings::Lang;

/// The signed-in account.
pub struct Session {
    /// Its name in the account book.
    pub name: String,
    pub client: AccountClient,
    forwarder: tauri::async_runtime::JoinHandle<()>,
}

impl Session {
    pub fn new(
        name: String,
        client: AccountClient,
        forwarder: tauri::async_runtime::JoinHandle<()>,
    ) -> Session {
        Session {
            name,
            client,
            forwarder,
        }
    }
}

pub struct AppState {
    pub paths: Paths,
    pub local_broker: Arc<LocalBroker>,
    /// None when the OS keyring cannot be reached; the reason is kept so
    /// "remember me" can say what is wrong.
    secrets: Result<Arc<dyn SecretStore>, String>,
    session: tokio::sync::Mutex<Option<Session>>,
    /// Held while the remembered account signs in at start-up, so the
    /// UI's call waits for the one the shell began instead of racing it.
    remembered_sign_in: Arc<tokio::sync::Mutex<()>>,
    ui: Mutex<Option<Channel<Vec<Event>>>>,
    requests: Mutex<Option<Channel<ShellRequest>>>,
    /// The language of the tray and notifications (the UI's).
    lang: Mutex<Lang>,
    /// Do not disturb and hidden text, for every account.
    notify: Mutex<GlobalNotify>,
}

impl AppState {
    pub fn new(paths: Paths, local_broker: LocalBroker) -> AppState {
        let secrets = KeyringSecrets::native()
            .map(|k| Arc::new(k) as Arc<dyn SecretStore>)
            .map_err(|e| e.to_string());
        if let Err(e) = &secrets {
            tracing::warn!("{e}");
        }
        AppState {
            local_broker: Arc::new(local_broker),
            secrets,
            session: tokio::sync::Mutex::new(None),
            remembered_sign_in: Arc::new(tokio::sync::Mutex::new(())),
            ui: Mutex::new(None),
            requests: Mutex::new(None),
            lang: Mutex::new(Lang::from_env()),
            notify: Mutex::new(crate::settings::load_notify(&paths.config_dir)),
            paths,
        }
    }

    pub fn lang(&self) -> Lang {
        *self.lang.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn set_lang(&self, lang: Lang) {
        *self.lang.lock().unwrap_or_else(PoisonError::into_inner) = lang;
    }

    pub fn global_notify(&self) -> GlobalNotify {
        self.notify
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Keeps and saves the global notification settings.
    pub fn set_global_notify(&self, notify: GlobalNotify) -> Result<(), AppError> {
        crate::settings::save_notify(&self.paths.config_dir, &notify).map_err(|e| {
            AppError::new(
                ErrorCode::Internal,
                format!("The notification settings could not be saved ({e}); try again."),
            )
        })?;
        *self.notify.lock().unwrap_or_else(PoisonError::into_inner) = notify;
        Ok(())
    }

    pub fn secrets(&self) -> Result<Arc<dyn SecretStore>, AppError> {
        self.secrets
            .clone()
            .map_err(|why| AppError::new(tether_core::error::ErrorCode::Keyring, why))
    }

    /// The turn to sign in the remembered account (see `accounts`).
    pub async fn remembered_sign_in(&self) -> tokio::sync::OwnedMutexGuard<()> {
        self.remembered_sign_in.clone().lock_owned().await
    }

    /// The turn to sign in the remembered account, if nobody has it.
    pub fn try_remembered_sign_in(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        self.remembered_sign_in.clone().try_lock_owned().ok()
    }

    /// The signed-in account's client.
    pub async fn client(&self) -> Result<AccountClient, AppError> {
        self.session
            .lock()
            .await
            .as_ref()
            .map(|s| s.client.clone())
            .ok_or_else(AppError::not_logged_in)
    }

    /// The signed-in account's chat client (rooms, presence).
    pub async fn chat(&self) -> Result<tether_core::Client, AppError> {
        self.client().await?.chat().cloned().ok_or_else(|| {
            AppError::new(
                ErrorCode::BadInput,
                "This is an SMS account: rooms and presence are for chat accounts.",
            )
        })
    }

    /// The signed-in account's name.
    pub async fn active_name(&self) -> Option<String> {
        self.session.lock().await.as_ref().map(|s| s.name.clone())
    }

    /// Makes `next` the signed-in session, shutting the previous one down
    /// (it says offline to contacts; its outbox stays for next time).
    pub async fn replace(&self, next: Option<Session>) {
        let previous = {
            let mut session = self.session.lock().await;
            std::mem::replace(&mut *session, next)
        };
        if let Some(old) = previous {
            old.forwarder.abort();
            old.client.shutdown().await;
        }
    }

    /// Who may sign in when This computer's broker is open to the LAN
    /// (shared with `tether lan-user`).
    pub fn lan_users_file(&self) -> std::path::PathBuf {
        tether_broker::users_file(&self.paths.config_dir)
    }

    /// Where events for the UI go from now on.
    pub fn set_ui_channel(&self, channel: Channel<Vec<Event>>) {
        *self.ui.lock().unwrap_or_else(PoisonError::into_inner) = Some(channel);
    }

    /// Sends a batch of events (see `events`: at most one every 33 ms).
    pub fn send_to_ui(&self, batch: Vec<Event>) {
        let ui = self.ui.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(channel) = ui.as_ref()
            && let Err(e) = channel.send(batch)
        {
            tracing::debug!("UI channel closed: {e}");
        }
    }

    /// Where the shell's requests to the UI go from now on.
    pub fn set_request_channel(&self, channel: Channel<ShellRequest>) {
        *self.requests.lock().unwrap_or_else(PoisonError::into_inner) = Some(channel);
    }

    /// Asks the UI to show a conversation (a notification was clicked).
    pub fn open_in_ui(&self, conversation: ConversationId) {
        let requests = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(channel) = requests.as_ref()
            && let Err(e) = channel.send(ShellRequest::OpenConversation { conversation })
        {
            tracing::debug!("UI request channel closed: {e}");
        }
    }
}
