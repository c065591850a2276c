//! SMS accounts (an SP's link to an operator's gateway over CMPP) and what
//! only texts to phones have: the composer's cost and each text's delivery.

use chrono::{Local, TimeZone};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use tether_core::account::sms::{CmppVersion, ConnectionMode, Fees};
use tether_core::account::{AccountBook, SmsAccount};
use tether_core::channel::AccountClient;
use tether_core::model::{ConversationId, SmsDelivery, StoredMessage};
use tether_core::protocol::MessageId;
use tether_core::signin::{self, SIGN_IN_WAIT};
use tether_core::sms::SmsClient;
use ts_rs::TS;

use super::accounts::{self, AccountView};
use crate::error::AppError;
use crate::state::AppState;

/// The SMS sign-in form: what the operator's contract gives an SP.
// Not `Debug`: it holds the secret, which must never reach a log.
#[derive(Clone, Deserialize, TS)]
#[ts(export)]
pub struct SmsSignIn {
    /// The account's name in Tether (letters, digits, `.`, `_`, `-`).
    pub name: String,
    pub host: String,
    pub port: u16,
    /// The shared secret; empty to use the one remembered.
    pub secret: String,
    /// Src_Id: the number phones see.
    pub src_id: String,
    pub remember: bool,
    #[serde(flatten)]
    #[ts(flatten)]
    pub settings: SmsSettings,
}

/// The rest of an SMS account's form: what the UI shows again when the
/// account signs in again (never the secret).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SmsSettings {
    pub sp_id: String,
    pub service_id: String,
    /// "2.0" or "3.0".
    pub version: String,
    /// "long" or "short".
    pub mode: String,
    /// Fee_UserType, FeeType, FeeCode.
    pub fee_user_type: u8,
    pub fee_type: String,
    pub fee_code: String,
}

impl SmsSettings {
    pub fn of(account: &SmsAccount) -> SmsSettings {
        SmsSettings {
            sp_id: account.sp_id.clone(),
            service_id: account.service_id.clone(),
            version: match account.version {
                CmppVersion::V2_0 => "2.0",
                CmppVersion::V3_0 => "3.0",
            }
            .into(),
            mode: match account.mode {
                ConnectionMode::Long => "long",
                ConnectionMode::Short => "short",
            }
            .into(),
            fee_user_type: account.fees.user_type,
            fee_type: account.fees.fee_type.clone(),
            fee_code: account.fees.fee_code.clone(),
        }
    }
}

impl SmsSignIn {
    fn account(&self) -> Result<SmsAccount, AppError> {
        let settings = &self.settings;
        let mut account = SmsAccount::new(
            self.name.trim(),
            self.host.trim(),
            self.port,
            settings.sp_id.trim(),
            self.src_id.trim(),
        );
        account.service_id = settings.service_id.trim().to_owned();
        account.version = match settings.version.as_str() {
            "2.0" => CmppVersion::V2_0,
            "3.0" => CmppVersion::V3_0,
            other => {
                return Err(AppError::bad_input(format!(
                    "CMPP {other} is not a version Tether speaks: choose 2.0 or 3.0"
                )));
            }
        };
        account.mode = match settings.mode.as_str() {
            "long" => ConnectionMode::Long,
            "short" => ConnectionMode::Short,
            other => {
                return Err(AppError::bad_input(format!(
                    "\"{other}\" is no connection mode: choose long or short"
                )));
            }
        };
        account.fees = Fees {
            user_type: settings.fee_user_type,
            fee_type: settings.fee_type.trim().to_owned(),
            fee_code: settings.fee_code.trim().to_owned(),
        };
        account.validate()?;
        Ok(account)
    }
}

/// The account's secret from the OS keyring, if it was remembered.
pub(crate) fn remembered_secret(state: &AppState, account: &SmsAccount) -> Option<String> {
    state
        .secrets()
        .ok()?
        .get(&account.secret_key())
        .ok()
        .flatten()
}

/// Signs in to an SMS gateway: the account is saved (replacing one of the
/// same name), the gateway's login answer awaited (long mode), the secret
/// remembered in the OS keyring if asked, never on disk.
#[tauri::command]
pub async fn sms_login(
    app: AppHandle,
    state: State<'_, AppState>,
    form: SmsSignIn,
) -> Result<AccountView, AppError> {
    let account = form.account()?;
    let secret = match form.secret.is_empty() {
        false => form.secret.clone(),
        true => remembered_secret(&state, &account).ok_or_else(|| {
            AppError::bad_input("Type the shared secret the operator gave for this SP id.")
        })?,
    };
    let mut book = AccountBook::load(&state.paths)?;
    // A name another account has is refused before anything changes (the
    // signed-in account stays signed in).
    book.upsert_sms(account.clone())?;
    // Signing in to the account that is signed in (its secret changed):
    // its client goes first, as one store has one link. Any other stays
    // signed in until this one has (a refused login leaves it as it was).
    if state.active_name().await.as_deref() == Some(account.name.as_str()) {
        state.replace(None).await;
    }
    let store = state.paths.store_of(&account.name);
    let client = signin::sign_in_sms(&account, secret.clone(), store, SIGN_IN_WAIT).await?;
    let secrets = state.secrets().ok();
    let kept = signin::remember_secret(
        secrets.as_deref(),
        &account.secret_key(),
        form.remember,
        Some(&secret),
    );
    if let Err(e) = kept {
        client.shutdown().await;
        return Err(e.into());
    }
    book.default = Some(account.name.clone());
    book.save(&state.paths)?;
    accounts::activate(&app, &state, &account.name, AccountClient::Sms(client)).await;
    Ok(accounts::sms_view(&state, &account, true))
}

/// What a text to a phone costs, for the composer.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SmsCost {
    /// How many SMS it takes.
    pub parts: usize,
    /// Characters that still fit before it takes one more.
    pub left: usize,
    /// It goes as UCS2 (70 characters an SMS, 67 in a long one) rather
    /// than 160 ASCII ones.
    pub unicode: bool,
}

#[tauri::command]
pub async fn sms_cost(state: State<'_, AppState>, text: String) -> Result<SmsCost, AppError> {
    let cost = state.client().await?.sms_cost(&text);
    Ok(SmsCost {
        parts: cost.parts,
        left: cost.left,
        unicode: cost.msg_fmt != 0,
    })
}

/// What became of each of `ids` that is a text to a phone.
#[tauri::command]
pub async fn sms_deliveries(
    state: State<'_, AppState>,
    ids: Vec<MessageId>,
) -> Result<Vec<(MessageId, SmsDelivery)>, AppError> {
    Ok(state.client().await?.reader().sms_deliveries(ids).await?)
}

/// Queues a text the gateway is to send at `at_ms` (ms since the epoch;
/// CMPP's At_Time, to the second, on this computer's clock and offset).
#[tauri::command]
pub async fn sms_send_at(
    state: State<'_, AppState>,
    conversation: String,
    text: String,
    at_ms: i64,
) -> Result<StoredMessage, AppError> {
    let client = state.client().await?;
    let sms = sms_of(&client)?;
    let ConversationId::Phone(to) = super::chat::conversation(&conversation)? else {
        return Err(AppError::bad_input(
            "Only a conversation with a phone number takes a scheduled text.",
        ));
    };
    let when = Local
        .timestamp_millis_opt(at_ms)
        .single()
        .filter(|when| *when > Local::now())
        .ok_or_else(|| AppError::bad_input("Choose a send time in the future."))?;
    Ok(sms.send_at(to, &text, &when).await?)
}

/// Stops a text that has not gone yet (scheduled, or still queued): true
/// when nothing of it will go.
#[tauri::command]
pub async fn sms_cancel(state: State<'_, AppState>, id: MessageId) -> Result<bool, AppError> {
    let client = state.client().await?;
    Ok(sms_of(&client)?.cancel(id).await?)
}

fn sms_of(client: &AccountClient) -> Result<&SmsClient, AppError> {
    client.sms().ok_or_else(|| {
        AppError::bad_input("This account chats; only an SMS account schedules texts.")
    })
}
