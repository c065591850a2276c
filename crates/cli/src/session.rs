//! Resolving the account, its password and its store, and starting a client.

use tether_core::account::{Account, AccountBook, BrokerUrl, Paths};
use tether_core::protocol::UserId;
use tether_core::secrets::{KeyringSecrets, SecretStore};
use tether_core::supervisor::ConnectionState;
use tether_core::{Client, ClientOptions};

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
            let known = book.accounts.len();
            let mut account = book.ensure(broker, user)?;
            if book.accounts.len() > known {
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

/// `TETHER_PASSWORD` if set, else the OS keyring, else none (anonymous).
pub fn password(account: &Account) -> Option<String> {
    if let Some(p) = std::env::var("TETHER_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
    {
        return Some(p);
    }
    match KeyringSecrets::native().and_then(|k| k.get(&account.secret_key())) {
        Ok(p) => p,
        Err(e) => {
            tracing::debug!("no password from the keyring: {e}");
            None
        }
    }
}

pub async fn start(account: Account, paths: &Paths) -> Result<Client, CliError> {
    let password = password(&account);
    let store_path = paths.store_path(&account);
    Ok(Client::start(ClientOptions {
        account,
        password,
        store_path,
    })
    .await?)
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

/// Describes why the broker could not be reached, from the last state.
pub fn unreachable_error(client: &Client) -> CliError {
    let state = client.connection().borrow().clone();
    match state {
        ConnectionState::AuthFailed { message } => CliError::Auth(message),
        ConnectionState::Waiting { error, .. } => CliError::Unreachable(error),
        _ => CliError::Unreachable("the broker did not answer in time".into()),
    }
}
