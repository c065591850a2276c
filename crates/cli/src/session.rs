//! Resolving the account, its password and its store, and starting a client.

use tether_core::Client;
use tether_core::account::{Account, AccountBook, BrokerUrl, Paths};
use tether_core::model::ConnectionState;
use tether_core::protocol::UserId;
use tether_core::secrets::{KeyringSecrets, SecretStore};
use tether_core::signin::{self, SignInError};

use crate::args::AccountArgs;
use crate::failure::CliError;

/// The account these arguments mean. `--broker` and `--user` without a
/// saved account create one, so the client id (and with it the broker
/// session) and the local history stay the same from run to run.
pub fn resolve(args: &AccountArgs, paths: &Paths) -> Result<Account, CliError> {
    let mut book = AccountBook::load(paths)?;
    if let Some(name) = &args.account {
        return Ok(book.get(name)?.clone());
    }
    match (&args.broker, &args.user) {
        (Some(broker), Some(user)) => {
            let broker: BrokerUrl = broker
                .parse()
                .map_err(|e| CliError::Usage(format!("--broker: {e}")))?;
            let user: UserId = user
                .parse()
                .map_err(|e| CliError::Usage(format!("--user: {e}")))?;
            let (mut account, created) = signin::resolve_account(&mut book, broker, user, None)?;
            if created {
                // Created just now: apply the creation-time options.
                if let Some(k) = args.keep_alive {
                    account.keep_alive_secs = k;
                }
                account.tls.ca_file = args.ca_file.clone();
                book.upsert(account.clone())?;
                book.save(paths)?;
            }
            Ok(account)
        }
        (None, None) => Ok(book
            .select(None)
            .map_err(|_| {
                CliError::Usage(
                    "no account chosen: pass --broker URL --user ID, or --account NAME".into(),
                )
            })?
            .clone()),
        _ => Err(CliError::Usage(
            "--broker and --user go together (or use --account NAME)".into(),
        )),
    }
}

/// `TETHER_PASSWORD` if set, else the OS keyring, else none (anonymous):
/// the app's rules (`tether_core::signin::password`).
pub fn password(account: &Account) -> Option<String> {
    let keyring = KeyringSecrets::native()
        .map_err(|e| tracing::debug!("no keyring: {e}"))
        .ok();
    signin::password(
        account,
        None,
        keyring.as_ref().map(|k| k as &dyn SecretStore),
    )
}

pub async fn start(account: Account, paths: &Paths) -> Result<Client, CliError> {
    let password = password(&account);
    let store_path = paths.store_path(&account);
    Ok(signin::start(&account, password, store_path).await?)
}

/// Resolves once the broker refuses our credentials (retrying cannot help).
pub async fn auth_refused(client: &Client) -> CliError {
    let mut state = client.connection();
    let refused = state
        .wait_for(|s| matches!(s, ConnectionState::AuthFailed { .. }))
        .await
        .map(|s| s.clone());
    match refused {
        Ok(ConnectionState::AuthFailed { message }) => CliError::Auth(message),
        _ => CliError::Client(tether_core::ClientError::Stopped),
    }
}

/// Describes why the broker could not be reached, from the last state,
/// as the app's sign-in does (`tether_core::signin::not_connected`).
pub fn unreachable_error(client: &Client) -> CliError {
    match signin::not_connected(&client.connection().borrow()) {
        SignInError::AuthFailed(message) => CliError::Auth(message),
        other => CliError::Unreachable(other.to_string()),
    }
}

/// After a flush: the first of `ids` the broker refused (set aside as
/// failed), as the error that tells how to retry or delete it.
pub async fn refused(
    client: &Client,
    ids: impl IntoIterator<Item = tether_core::protocol::MessageId>,
) -> Result<(), CliError> {
    for id in ids {
        let failed = client
            .message(id)
            .await?
            .is_some_and(|m| m.status == tether_core::model::MessageStatus::Failed);
        if failed {
            return Err(CliError::Refused(id));
        }
    }
    Ok(())
}
