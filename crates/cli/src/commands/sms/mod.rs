//! `tether sms …`: SMS accounts, sending, listening, cancelling and the
//! gateway's counters, on `tether_core::sms`.
//!
//! # Layout
//! - this file: dispatch, the account commands, starting a client.
//! - `send`: `tether sms send` and its exit codes.
//! - `listen`: `tether sms listen`, `cancel` and `query` (they need a link).
//! - `gateway`: `tether sms-gateway`, the link bridged into the chat.

pub mod gateway;
mod listen;
mod send;

use std::io::BufRead;

use tether_core::account::sms::{ChineseEncoding, CmppVersion, ConnectionMode, Fees, LinkTimers};
use tether_core::account::{AccountBook, Paths, SmsAccount};
use tether_core::secrets::{KeyringSecrets, SecretStore};
use tether_core::sms::{SmsClient, SmsOptions};

use super::print_json;
use crate::args::sms::{ModeArg, SmsAccountAddArgs, SmsAccountCommand, SmsCommand, VersionArg};
use crate::failure::CliError;

/// The environment variable that overrides the keyring's secret.
const SECRET_ENV: &str = "TETHER_SMS_SECRET";

pub async fn run(name: Option<&str>, command: SmsCommand, paths: &Paths) -> Result<(), CliError> {
    match command {
        SmsCommand::Send(args) => send::run(name, args, paths).await,
        SmsCommand::Listen(args) => listen::run(name, args, paths).await,
        SmsCommand::Cancel { id } => listen::cancel(name, id, paths).await,
        SmsCommand::Query { day, service } => listen::query(name, day, &service, paths).await,
        SmsCommand::Account(command) => account(command, paths),
    }
}

fn account(command: SmsAccountCommand, paths: &Paths) -> Result<(), CliError> {
    let mut book = AccountBook::load(paths)?;
    match command {
        SmsAccountCommand::Add(args) => {
            let secret_stdin = args.secret_stdin;
            let account = new_account(args);
            book.upsert_sms(account.clone())?;
            book.save(paths)?;
            if secret_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                let secret = line.trim_end_matches(['\r', '\n']);
                KeyringSecrets::native()
                    .and_then(|k| k.set(&account.secret_key(), secret))
                    .map_err(no_keyring)?;
            }
            print_json(&account)
        }
        SmsAccountCommand::List => {
            for account in &book.sms {
                print_json(account)?;
            }
            Ok(())
        }
        SmsAccountCommand::Remove { name } => {
            let account = book.remove_sms(&name)?;
            book.save(paths)?;
            if let Ok(keyring) = KeyringSecrets::native() {
                keyring.delete(&account.secret_key())?;
            }
            Ok(())
        }
    }
}

fn new_account(args: SmsAccountAddArgs) -> SmsAccount {
    let mut account = SmsAccount::new(&args.name, &args.host, args.port, &args.sp_id, &args.src_id);
    account.service_id = args.service_id;
    account.version = match args.version {
        VersionArg::V2 => CmppVersion::V2_0,
        VersionArg::V3 => CmppVersion::V3_0,
    };
    account.mode = match args.mode {
        ModeArg::Long => ConnectionMode::Long,
        ModeArg::Short => ConnectionMode::Short,
    };
    if args.gbk {
        account.chinese = ChineseEncoding::Gbk;
    }
    account.reports = !args.no_reports;
    account.verify_gateway = !args.no_verify_gateway;
    account.timers = LinkTimers {
        idle_secs: args.idle_secs,
        response_secs: args.response_secs,
        attempts: args.attempts,
        window: args.window,
    };
    account.fees = Fees {
        user_type: args.fee_user_type,
        fee_type: args.fee_type,
        fee_code: args.fee_code,
    };
    account
}

/// The shared secret: `TETHER_SMS_SECRET`, else the OS keyring.
fn secret(account: &SmsAccount) -> Result<String, CliError> {
    if let Some(secret) = std::env::var(SECRET_ENV).ok().filter(|s| !s.is_empty()) {
        return Ok(secret);
    }
    KeyringSecrets::native()
        .and_then(|k| k.get(&account.secret_key()))
        .map_err(no_keyring)?
        .ok_or_else(|| {
            CliError::Usage(format!(
                "no shared secret for SMS account {}: save it with `tether sms account add \
                 --secret-stdin …` or set {SECRET_ENV}",
                account.name
            ))
        })
}

/// The keyring failed: say where else the secret can come from.
fn no_keyring(e: tether_core::secrets::SecretError) -> CliError {
    CliError::Keyring(format!(
        "the shared secret cannot be kept in or read from the OS keyring ({e}); set {SECRET_ENV} \
         in the environment instead"
    ))
}

/// The SMS account named (or the only one) and a client on it.
async fn start(
    name: Option<&str>,
    paths: &Paths,
    adjust: impl FnOnce(&mut SmsAccount),
) -> Result<SmsClient, CliError> {
    let book = AccountBook::load(paths)?;
    let mut account = book.sms_account(name)?.clone();
    adjust(&mut account);
    let secret = secret(&account)?;
    let store_path = paths.store_of(&account.name);
    Ok(SmsClient::start(SmsOptions {
        account,
        secret,
        store_path,
    })
    .await?)
}
