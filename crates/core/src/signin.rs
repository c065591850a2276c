//! Signing in, with the same rules for the desktop app and the `tether`
//! CLI: where the password comes from, starting the account's client, and
//! what to tell the user when the first link does not come up.
//!
//! The app waits for the first link when the user signs in
//! ([`wait_until_connected`]); the CLI and a remembered sign-in at start-up
//! do not (Tether works offline), and read the same verdicts from the
//! connection state when they need one ([`not_connected`]).

use std::path::PathBuf;
use std::time::Duration;

use thiserror::Error;

use crate::account::sms::ConnectionMode;
use crate::account::{Account, AccountBook, BookError, BrokerUrl, SmsAccount};
use crate::client::{Client, ClientOptions};
use crate::error::{ClientError, ErrorCode};
use crate::model::ConnectionState;
use crate::protocol::UserId;
use crate::secrets::{SecretError, SecretStore};
use crate::sms::{SmsClient, SmsOptions};

/// How long a sign-in waits for the broker before saying it is unreachable.
pub const SIGN_IN_WAIT: Duration = Duration::from_secs(10);

/// The environment variable that overrides the keyring (scripts, CI).
pub const PASSWORD_ENV: &str = "TETHER_PASSWORD";

/// Why a sign-in did not connect, and what to do about it.
#[derive(Debug, Error)]
pub enum SignInError {
    #[error("the broker refused the user name or password ({0}); check them and sign in again")]
    AuthFailed(String),
    /// This computer has no passwords: whatever asked for one is another
    /// broker on its address.
    #[error("{0} asks for a password: another program serves This computer's address")]
    LocalTaken(BrokerUrl),
    #[error("{0}; check the broker address and its certificate")]
    Tls(String),
    /// The connection's last error in words ("cannot reach the broker: …").
    #[error("{0}; check the address and your network")]
    Unreachable(String),
    #[error("the broker did not answer; check the address and your network")]
    NoAnswer,
    /// The SMS gateway refused the login; the words say which field is
    /// wrong (SP id, secret, version).
    #[error("{0}")]
    GatewayRefused(String),
    #[error(
        "the SMS gateway did not answer; check its address, and that it allows this computer's address"
    )]
    GatewaySilent,
    #[error(transparent)]
    Client(#[from] ClientError),
}

impl SignInError {
    pub fn code(&self) -> ErrorCode {
        match self {
            SignInError::AuthFailed(_) | SignInError::GatewayRefused(_) => ErrorCode::AuthFailed,
            SignInError::LocalTaken(_) => ErrorCode::LocalTaken,
            SignInError::Tls(_) => ErrorCode::Tls,
            SignInError::Unreachable(_) | SignInError::NoAnswer | SignInError::GatewaySilent => {
                ErrorCode::Unreachable
            }
            SignInError::Client(e) => e.code(),
        }
    }
}

/// The password to sign in with: the one given (typed in the sign-in
/// form), else `TETHER_PASSWORD`, else the one remembered in the keyring,
/// else none (an anonymous broker, or This computer, which has none).
pub fn password(
    account: &Account,
    given: Option<String>,
    secrets: Option<&dyn SecretStore>,
) -> Option<String> {
    if account.this_computer {
        return None;
    }
    if let Some(given) = given.filter(|p| !p.is_empty()) {
        return Some(given);
    }
    if let Some(env) = std::env::var(PASSWORD_ENV).ok().filter(|p| !p.is_empty()) {
        return Some(env);
    }
    match secrets.map(|s| s.get(&account.secret_key())) {
        Some(Ok(remembered)) => remembered,
        Some(Err(e)) => {
            tracing::debug!("no password from the keyring: {e}");
            None
        }
        None => None,
    }
}

/// The account for `broker` and `user` in `book`, created on first use (a
/// stable client id, so the broker keeps the session while we are away);
/// `this_computer`, when given, marks it as hosted by the app or not (the
/// app's sign-in form says; the CLI leaves it as it is). The second element says
/// whether it was created now (the CLI then applies its creation options).
/// The book is changed in memory; the caller saves it.
pub fn resolve_account(
    book: &mut AccountBook,
    broker: BrokerUrl,
    user: UserId,
    this_computer: Option<bool>,
) -> Result<(Account, bool), BookError> {
    let known = book.accounts.len();
    let mut account = book.ensure(broker, user)?;
    if let Some(this_computer) = this_computer
        && account.this_computer != this_computer
    {
        account.this_computer = this_computer;
        book.upsert(account.clone())?;
    }
    Ok((account, book.accounts.len() > known))
}

/// After a sign-in: keeps the password typed in the keyring when the user
/// asked to be remembered, forgets a remembered one otherwise. Without a
/// keyring nothing can be remembered: said in the log, not an error.
pub fn remember(
    secrets: Option<&dyn SecretStore>,
    account: &Account,
    remember: bool,
    password: Option<&str>,
) -> Result<(), SecretError> {
    remember_secret(secrets, &account.secret_key(), remember, password)
}

/// [`remember`] for any secret kept under `key` (an SMS account's shared
/// secret): without a keyring it is not remembered, and that is no error.
pub fn remember_secret(
    secrets: Option<&dyn SecretStore>,
    key: &str,
    remember: bool,
    secret: Option<&str>,
) -> Result<(), SecretError> {
    match (remember, secret, secrets) {
        (true, Some(secret), Some(secrets)) => secrets.set(key, secret),
        (false, _, Some(secrets)) => secrets.delete(key),
        (true, Some(_), None) => {
            tracing::warn!("no keyring: the secret cannot be remembered");
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Starts the account's client and waits up to `within` for its first
/// link; on failure the client is stopped and the error says what to do.
pub async fn sign_in(
    account: &Account,
    password: Option<String>,
    store_path: PathBuf,
    within: Duration,
) -> Result<Client, SignInError> {
    let client = start(account, password, store_path).await?;
    if let Err(e) = wait_until_connected(&client, account, within).await {
        client.shutdown().await;
        return Err(e);
    }
    Ok(client)
}

/// Starts an SMS account's client and, in long mode, waits up to
/// `within` for the gateway's login answer; on failure the client is
/// stopped and the error says what to do. (Short mode connects only to
/// send, so there is nothing to wait for.)
pub async fn sign_in_sms(
    account: &SmsAccount,
    secret: String,
    store_path: PathBuf,
    within: Duration,
) -> Result<SmsClient, SignInError> {
    let client = SmsClient::start(SmsOptions {
        account: account.clone(),
        secret,
        store_path,
    })
    .await?;
    // Short mode links only to send; a guest (another process holds the
    // account's link, and sends what this one queues) has no link to wait
    // for either.
    if account.mode == ConnectionMode::Short || !client.owns_link() {
        return Ok(client);
    }
    let mut state = client.connection();
    let outcome = tokio::time::timeout(
        within,
        state.wait_for(|s| {
            matches!(
                s,
                ConnectionState::Connected { .. } | ConnectionState::AuthFailed { .. }
            )
        }),
    )
    .await
    .map(|s| s.map(|s| s.clone()));
    let verdict = match outcome {
        Ok(Ok(ConnectionState::Connected { .. })) => return Ok(client),
        Ok(Ok(ConnectionState::AuthFailed { message })) => SignInError::GatewayRefused(message),
        Ok(Ok(_)) | Err(_) => match &*client.connection().borrow() {
            ConnectionState::Waiting { error, .. } => SignInError::Unreachable(error.clone()),
            _ => SignInError::GatewaySilent,
        },
        Ok(Err(_)) => SignInError::Client(ClientError::Stopped),
    };
    client.shutdown().await;
    Err(verdict)
}

/// Starts the account's client on its store (connecting in the background).
pub async fn start(
    account: &Account,
    password: Option<String>,
    store_path: PathBuf,
) -> Result<Client, ClientError> {
    Client::start(ClientOptions {
        account: account.clone(),
        password,
        store_path,
    })
    .await
}

/// Waits up to `within` for the first link; a refusal or silence becomes
/// what the user should do.
pub async fn wait_until_connected(
    client: &Client,
    account: &Account,
    within: Duration,
) -> Result<(), SignInError> {
    let mut state = client.connection();
    let outcome = tokio::time::timeout(
        within,
        state.wait_for(|s| {
            matches!(
                s,
                ConnectionState::Connected { .. } | ConnectionState::AuthFailed { .. }
            )
        }),
    )
    .await;
    match outcome {
        Ok(Ok(s)) => match &*s {
            ConnectionState::AuthFailed { .. } if account.this_computer => {
                Err(SignInError::LocalTaken(account.broker.clone()))
            }
            ConnectionState::AuthFailed { message } => {
                Err(SignInError::AuthFailed(message.clone()))
            }
            _ => Ok(()),
        },
        Ok(Err(_)) => Err(SignInError::Client(ClientError::Stopped)),
        Err(_) => Err(not_connected(&client.connection().borrow())),
    }
}

/// What the user should do when the link is not up, from the last state
/// the connection reported (its kind, never its words, decides).
pub fn not_connected(last: &ConnectionState) -> SignInError {
    match last {
        ConnectionState::AuthFailed { message } => SignInError::AuthFailed(message.clone()),
        ConnectionState::Waiting {
            error,
            code: ErrorCode::Tls,
            ..
        } => SignInError::Tls(error.clone()),
        ConnectionState::Waiting { error, .. } => SignInError::Unreachable(error.clone()),
        _ => SignInError::NoAnswer,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::secrets::MemorySecrets;

    fn waiting(error: &str, code: ErrorCode) -> ConnectionState {
        ConnectionState::Waiting {
            attempt: 1,
            retry_at_ms: 0,
            error: error.into(),
            code,
        }
    }

    fn account() -> Account {
        Account::new(
            "work",
            "mqtt://localhost:1883".parse().unwrap(),
            "alice".parse().unwrap(),
        )
    }

    #[test]
    fn a_link_that_never_came_up_says_what_to_check() {
        let tls = not_connected(&waiting("TLS failed: UnknownIssuer", ErrorCode::Tls));
        assert_eq!(tls.code(), ErrorCode::Tls);
        assert!(tls.to_string().contains("certificate"), "{tls}");
        // The words do not decide: a message that happens to start with
        // "TLS" is no TLS failure.
        let refused = not_connected(&waiting("TLS-ish words", ErrorCode::Unreachable));
        assert_eq!(refused.code(), ErrorCode::Unreachable);
        assert_eq!(
            refused.to_string(),
            "TLS-ish words; check the address and your network"
        );
        let silent = not_connected(&ConnectionState::Connecting { attempt: 1 });
        assert_eq!(silent.code(), ErrorCode::Unreachable);
        let auth = not_connected(&ConnectionState::AuthFailed {
            message: "bad".into(),
        });
        assert_eq!(auth.code(), ErrorCode::AuthFailed);
    }

    #[test]
    fn an_account_is_made_once_and_marked_as_this_computer_when_it_is() {
        let mut book = AccountBook::default();
        let broker: BrokerUrl = "mqtt://127.0.0.1:1883".parse().unwrap();
        let (first, created) = resolve_account(
            &mut book,
            broker.clone(),
            "alice".parse().unwrap(),
            Some(false),
        )
        .unwrap();
        assert!(created);
        let (again, created) = resolve_account(
            &mut book,
            broker.clone(),
            "alice".parse().unwrap(),
            Some(true),
        )
        .unwrap();
        assert!(!created);
        assert_eq!(again.client_id, first.client_id, "the same session");
        assert!(again.this_computer);
        assert!(book.get(&first.name).unwrap().this_computer);
        // The CLI leaves the mark alone.
        let (cli, _) = resolve_account(&mut book, broker, "alice".parse().unwrap(), None).unwrap();
        assert!(cli.this_computer);
    }

    #[test]
    fn a_password_is_remembered_only_when_asked() {
        let a = account();
        let secrets = MemorySecrets::default();
        remember(Some(&secrets), &a, true, Some("pw")).unwrap();
        assert_eq!(secrets.get(&a.secret_key()).unwrap().as_deref(), Some("pw"));
        remember(Some(&secrets), &a, false, Some("pw")).unwrap();
        assert_eq!(secrets.get(&a.secret_key()).unwrap(), None);
        remember(None, &a, true, Some("pw")).unwrap();
    }

    #[test]
    fn the_password_typed_wins_then_the_keyring() {
        // (TETHER_PASSWORD is left alone: tests run in parallel in one
        // process; the CLI tests cover it.)
        let a = account();
        let secrets = MemorySecrets::default();
        secrets.set(&a.secret_key(), "remembered").unwrap();
        assert_eq!(
            password(&a, Some("typed".into()), Some(&secrets)).as_deref(),
            Some("typed")
        );
        if std::env::var(PASSWORD_ENV).is_err() {
            assert_eq!(
                password(&a, Some(String::new()), Some(&secrets)).as_deref(),
                Some("remembered")
            );
            assert_eq!(password(&a, None, None), None);
        }
        let mut local = a.clone();
        local.this_computer = true;
        assert_eq!(password(&local, Some("typed".into()), Some(&secrets)), None);
    }
}
