//! Signing in and out, and switching between saved accounts.

use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tether_core::Client;
use tether_core::account::{Account, AccountBook, BrokerUrl};
use tether_core::error::ErrorCode;
use tether_core::protocol::UserId;
use tether_core::signin::{self, SIGN_IN_WAIT};
use ts_rs::TS;

use crate::error::AppError;
use crate::events;
use crate::local_broker;
use crate::state::{AppState, Session};

/// An account as the UI lists it (never with its password).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AccountView {
    pub name: String,
    pub broker: String,
    pub user: String,
    /// Its server is "This computer" (the embedded broker; no password).
    pub this_computer: bool,
    /// It signs in without asking: its password is in the OS keyring, or
    /// it needs none (This computer).
    pub remembered: bool,
    /// It is the signed-in account.
    pub active: bool,
}

fn view(state: &AppState, account: &Account, active: bool) -> AccountView {
    let remembered = account.this_computer
        || state
            .secrets()
            .ok()
            .and_then(|s| s.get(&account.secret_key()).ok().flatten())
            .is_some();
    AccountView {
        name: account.name.clone(),
        broker: account.broker.to_string(),
        user: account.user.to_string(),
        this_computer: account.this_computer,
        remembered,
        active,
    }
}

#[tauri::command]
pub async fn accounts_list(state: State<'_, AppState>) -> Result<Vec<AccountView>, AppError> {
    let book = AccountBook::load(&state.paths)?;
    let active = state.account().await.map(|a| a.name);
    Ok(book
        .accounts
        .iter()
        .map(|a| view(&state, a, active.as_deref() == Some(&a.name)))
        .collect())
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
    // One client per account and store: the old one goes first.
    state.replace(None).await;
    if account.this_computer {
        local_broker::ensure(state.local_broker.clone()).await;
    }
    let store = state.paths.store_path(&account);
    let client = signin::sign_in(&account, password.clone(), store, SIGN_IN_WAIT).await?;
    let secrets = state.secrets().ok();
    signin::remember(secrets.as_deref(), &account, remember, password.as_deref())?;
    book.default = Some(account.name.clone());
    book.save(&state.paths)?;
    activate(&app, &state, account.clone(), client).await;
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
    let account = sign_in_remembered(&app, turn).await?;
    Ok(account.map(|a| view(&state, &a, true)))
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
) -> Result<Option<Account>, AppError> {
    let state = app.state::<AppState>();
    if let Some(account) = state.account().await {
        return Ok(Some(account));
    }
    let book = AccountBook::load(&state.paths)?;
    let Some(account) = book.default.as_deref().and_then(|n| book.get(n).ok()) else {
        return Ok(None);
    };
    let secrets = state.secrets().ok();
    let password = signin::password(account, None, secrets.as_deref());
    if password.is_none() && !account.this_computer {
        // Nothing remembered: the sign-in form asks.
        return Ok(None);
    }
    let client = start(app, account, password).await?;
    activate(app, &state, account.clone(), client).await;
    Ok(Some(account.clone()))
}

#[tauri::command]
pub async fn switch_account(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
) -> Result<AccountView, AppError> {
    let mut book = AccountBook::load(&state.paths)?;
    let account = book.get(&name)?.clone();
    let secrets = state.secrets()?;
    let password = signin::password(&account, None, Some(secrets.as_ref()));
    if password.is_none() && !account.this_computer {
        return Err(AppError::new(
            ErrorCode::NotLoggedIn,
            "Sign in to this account once with \"Remember me\" to switch to it.",
        ));
    }
    state.replace(None).await;
    let client = start(&app, &account, password).await?;
    book.default = Some(account.name.clone());
    book.save(&state.paths)?;
    activate(&app, &state, account.clone(), client).await;
    Ok(view(&state, &account, true))
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
    if state.account().await.is_some_and(|a| a.name == name) {
        state.replace(None).await;
    }
    let mut book = AccountBook::load(&state.paths)?;
    let account = book.remove(&name)?;
    book.save(&state.paths)?;
    if let Ok(secrets) = state.secrets() {
        secrets.delete(&account.secret_key())?;
    }
    Ok(())
}

/// Starts the account's client; on This computer, hosts the broker first
/// unless another program serves it.
async fn start(
    app: &AppHandle,
    account: &Account,
    password: Option<String>,
) -> Result<Client, AppError> {
    let state = app.state::<AppState>();
    if account.this_computer {
        local_broker::ensure(state.local_broker.clone()).await;
    }
    Ok(signin::start(account, password, state.paths.store_path(account)).await?)
}

async fn activate(app: &AppHandle, state: &AppState, account: Account, client: Client) {
    if account.this_computer {
        local_broker::keep_hosting(state.local_broker.clone(), client.connection());
    }
    let forwarder = events::forward(app.clone(), client.clone());
    state
        .replace(Some(Session::new(account, client, forwarder)))
        .await;
}
