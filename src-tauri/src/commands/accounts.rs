//! Signing in and out, and switching between saved accounts of either
//! channel (an SMS account signs in through `sms`).

use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tether_core::account::{Account, AccountBook, BrokerUrl, SmsAccount};
use tether_core::channel::AccountClient;
use tether_core::error::ErrorCode;
use tether_core::protocol::UserId;
use tether_core::signin::{self, SIGN_IN_WAIT};
use ts_rs::TS;

use super::sms::SmsSettings;
use crate::error::AppError;
use crate::events;
use crate::local_broker;
use crate::state::{AppState, Session};

/// Which channel an account speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum AccountKind {
    /// Chat over an MQTT broker.
    Chat,
    /// SMS through an operator's gateway (CMPP).
    Sms,
}

/// An account as the UI lists it (never with its password).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AccountView {
    pub name: String,
    pub kind: AccountKind,
    /// Where it connects: the broker's URL, or the SMS gateway's
    /// `host:port`.
    pub broker: String,
    /// Who it is there: the chat id, or the SMS sender number (Src_Id).
    pub user: String,
    /// Its server is "This computer" (the embedded broker; no password).
    pub this_computer: bool,
    /// It signs in without asking: its password is in the OS keyring, or
    /// it needs none (This computer).
    pub remembered: bool,
    /// It is the signed-in account.
    pub active: bool,
    /// An SMS account's settings (never its secret), so signing in to it
    /// again asks only for the secret.
    pub sms: Option<SmsSettings>,
}

fn remembered(state: &AppState, key: &str) -> bool {
    state
        .secrets()
        .ok()
        .and_then(|s| s.get(key).ok().flatten())
        .is_some()
}

pub(crate) fn view(state: &AppState, account: &Account, active: bool) -> AccountView {
    AccountView {
        name: account.name.clone(),
        kind: AccountKind::Chat,
        broker: account.broker.to_string(),
        user: account.user.to_string(),
        this_computer: account.this_computer,
        remembered: account.this_computer || remembered(state, &account.secret_key()),
        active,
        sms: None,
    }
}

pub(crate) fn sms_view(state: &AppState, account: &SmsAccount, active: bool) -> AccountView {
    AccountView {
        name: account.name.clone(),
        kind: AccountKind::Sms,
        broker: format!("{}:{}", account.host, account.port),
        user: account.src_id.clone(),
        this_computer: false,
        remembered: remembered(state, &account.secret_key()),
        active,
        sms: Some(SmsSettings::of(account)),
    }
}

#[tauri::command]
pub async fn accounts_list(state: State<'_, AppState>) -> Result<Vec<AccountView>, AppError> {
    let book = AccountBook::load(&state.paths)?;
    let active = state.active_name().await;
    let is_active = |name: &str| active.as_deref() == Some(name);
    let chat = book
        .accounts
        .iter()
        .map(|a| view(&state, a, is_active(&a.name)));
    let sms = book
        .sms
        .iter()
        .map(|a| sms_view(&state, a, is_active(&a.name)));
    Ok(chat.chain(sms).collect())
}

/// Signs in on `broker`, or with `this_computer` on the embedded broker
/// (then `broker` and `password` are not used).
#[tauri::command]
pub async fn login(
    app: AppHandle,
    state: State<'_, AppState>,
    broker: String,
    user: String,
    password: String,
    remember: bool,
    this_computer: bool,
) -> Result<AccountView, AppError> {
    let broker: BrokerUrl = match this_computer {
        true => state.local_broker.url().clone(),
        false => broker.trim().parse()?,
    };
    let user: UserId = user.trim().parse()?;
    let mut book = AccountBook::load(&state.paths)?;
    let (account, _) = signin::resolve_account(&mut book, broker, user, Some(this_computer))?;
    let password = (!password.is_empty() && !this_computer).then_some(password);
    // One client per account and store: signing in to the account that is
    // signed in, its client goes first. Any other stays signed in until
    // this one has (a refused password leaves it as it was).
    if state.active_name().await.as_deref() == Some(account.name.as_str()) {
        state.replace(None).await;
    }
    if account.this_computer {
        local_broker::ensure(state.local_broker.clone()).await;
    }
    let store = state.paths.store_path(&account);
    let client = signin::sign_in(&account, password.clone(), store, SIGN_IN_WAIT).await?;
    let secrets = state.secrets().ok();
    signin::remember(secrets.as_deref(), &account, remember, password.as_deref())?;
    book.default = Some(account.name.clone());
    book.save(&state.paths)?;
    activate_chat(&app, &state, &account, client).await;
    Ok(view(&state, &account, true))
}

/// At start-up: the default account, if its password was remembered. Does
/// not wait for the network — Tether works offline. The shell began this
/// before the page loaded (`sign_in_at_start`); this waits for that and
/// tries again only if it did not sign in.
#[tauri::command]
pub async fn auto_login(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<AccountView>, AppError> {
    let turn = state.remembered_sign_in().await;
    sign_in_remembered(&app, turn).await
}

/// Starts signing in the remembered account while WebKit starts and loads
/// the page, which takes longer than the sign-in (P8 in
/// docs/BENCHMARKS.md). Called before the page can ask, so it always gets
/// the first turn.
pub fn sign_in_at_start(app: &AppHandle) {
    let Some(turn) = app.state::<AppState>().try_remembered_sign_in() else {
        return;
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        // The page's auto_login tries again and shows what went wrong.
        if let Err(e) = sign_in_remembered(&app, turn).await {
            tracing::warn!(
                "signing in the remembered account at start-up: {}",
                e.message
            );
        }
    });
}

/// Signs in the default account if it needs no password or has one in the
/// keyring; the signed-in account if there is one already. `_turn` keeps
/// two of these from running at once.
async fn sign_in_remembered(
    app: &AppHandle,
    _turn: tokio::sync::OwnedMutexGuard<()>,
) -> Result<Option<AccountView>, AppError> {
    let state = app.state::<AppState>();
    let book = AccountBook::load(&state.paths)?;
    if let Some(name) = state.active_name().await {
        return Ok(listed(&state, &book, &name));
    }
    // No default, or one removed from the book meanwhile (by the CLI):
    // the sign-in form asks.
    let Some(name) = book
        .default
        .clone()
        .filter(|n| listed(&state, &book, n).is_some())
    else {
        return Ok(None);
    };
    match start_saved(app, &book, &name).await {
        Ok(view) => Ok(Some(view)),
        // Nothing remembered: the sign-in form asks.
        Err(e) if e.code == ErrorCode::NotLoggedIn => Ok(None),
        Err(e) => Err(e),
    }
}

/// The account named `name` as the UI lists it, active.
fn listed(state: &AppState, book: &AccountBook, name: &str) -> Option<AccountView> {
    match book.get(name) {
        Ok(account) => Some(view(state, account, true)),
        Err(_) => book
            .sms_account(Some(name))
            .ok()
            .map(|a| sms_view(state, a, true)),
    }
}

/// Starts the saved account `name` with its remembered password or
/// secret (the signed-in one, if any, stopped first), without waiting
/// for the network: Tether works offline.
async fn start_saved(
    app: &AppHandle,
    book: &AccountBook,
    name: &str,
) -> Result<AccountView, AppError> {
    let state = app.state::<AppState>();
    let not_remembered = || {
        AppError::new(
            ErrorCode::NotLoggedIn,
            "Sign in to this account once with \"Remember me\" to switch to it.",
        )
    };
    if let Ok(account) = book.get(name) {
        let secrets = state.secrets().ok();
        let password = signin::password(account, None, secrets.as_deref());
        if password.is_none() && !account.this_computer {
            return Err(not_remembered());
        }
        state.replace(None).await;
        let client = start(app, account, password).await?;
        activate_chat(app, &state, account, client).await;
        return Ok(view(&state, account, true));
    }
    let account = book.sms_account(Some(name))?;
    let secret = super::sms::remembered_secret(&state, account).ok_or_else(not_remembered)?;
    state.replace(None).await;
    let client = tether_core::sms::SmsClient::start(tether_core::sms::SmsOptions {
        account: account.clone(),
        secret,
        store_path: state.paths.store_of(&account.name),
    })
    .await?;
    activate(app, &state, &account.name, AccountClient::Sms(client)).await;
    Ok(sms_view(&state, account, true))
}

#[tauri::command]
pub async fn switch_account(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
) -> Result<AccountView, AppError> {
    let mut book = AccountBook::load(&state.paths)?;
    let view = start_saved(&app, &book, &name).await?;
    book.default = Some(name);
    book.save(&state.paths)?;
    Ok(view)
}

#[tauri::command]
pub async fn logout(state: State<'_, AppState>) -> Result<(), AppError> {
    state.replace(None).await;
    Ok(())
}

/// Removes an account and its remembered password (its history stays on
/// disk, in the data directory).
#[tauri::command]
pub async fn forget_account(state: State<'_, AppState>, name: String) -> Result<(), AppError> {
    if state.active_name().await.as_deref() == Some(name.as_str()) {
        state.replace(None).await;
    }
    let mut book = AccountBook::load(&state.paths)?;
    let secret_key = match book.remove(&name) {
        Ok(account) => account.secret_key(),
        Err(_) => book.remove_sms(&name)?.secret_key(),
    };
    book.save(&state.paths)?;
    if let Ok(secrets) = state.secrets() {
        secrets.delete(&secret_key)?;
    }
    Ok(())
}

/// Starts the account's client; on This computer, hosts the broker first
/// unless another program serves it.
async fn start(
    app: &AppHandle,
    account: &Account,
    password: Option<String>,
) -> Result<tether_core::Client, AppError> {
    let state = app.state::<AppState>();
    if account.this_computer {
        local_broker::ensure(state.local_broker.clone()).await;
    }
    Ok(signin::start(account, password, state.paths.store_path(account)).await?)
}

async fn activate_chat(
    app: &AppHandle,
    state: &AppState,
    account: &Account,
    client: tether_core::Client,
) {
    if account.this_computer {
        local_broker::keep_hosting(state.local_broker.clone(), client.connection());
    }
    activate(app, state, &account.name, AccountClient::Chat(client)).await;
}

/// Makes `client` the signed-in account's, its events going to the UI.
pub(crate) async fn activate(app: &AppHandle, state: &AppState, name: &str, client: AccountClient) {
    let forwarder = events::forward(app.clone(), client.clone());
    state
        .replace(Some(Session::new(name.to_owned(), client, forwarder)))
        .await;
}
