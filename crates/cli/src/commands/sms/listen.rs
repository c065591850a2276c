//! `tether sms listen` (incoming SMS and delivery updates as JSON lines),
//! and `cancel` and `query`, which need a link to the gateway.

use std::time::Duration;

use tether_core::Event;
use tether_core::account::Paths;
use tether_core::account::sms::ConnectionMode;
use tether_core::model::ConnectionState;
use tether_core::sms::SmsClient;

use super::print_json;
use crate::args::sms::SmsListenArgs;
use crate::failure::CliError;

/// How long cancel and query wait for a link.
const LINK_WAIT: Duration = Duration::from_secs(30);

pub async fn run(name: Option<&str>, args: SmsListenArgs, paths: &Paths) -> Result<(), CliError> {
    // Listening needs the long link, whatever the account's mode.
    let client = super::start(name, paths, |a| a.mode = ConnectionMode::Long).await?;
    let mut events = client.subscribe();
    print_json(&Event::Connection {
        state: client.connection().borrow().clone(),
    })?;
    let timeout = async {
        match args.timeout {
            Some(s) => tokio::time::sleep(Duration::from_secs(s)).await,
            None => std::future::pending().await,
        }
    };
    let result = tokio::select! {
        r = pump(&mut events, args.count) => r,
        () = timeout => Ok(()),
        refused = refused(&client) => Err(refused),
        _ = tokio::signal::ctrl_c() => Ok(()),
    };
    client.shutdown().await;
    result
}

async fn pump(
    events: &mut tokio::sync::broadcast::Receiver<Event>,
    count: Option<usize>,
) -> Result<(), CliError> {
    let mut received = 0usize;
    loop {
        let Some(event) = super::super::next_event(events).await else {
            return Ok(());
        };
        print_json(&event)?;
        if let Event::Message { message } = &event
            && !message.outgoing
        {
            received += 1;
            if count.is_some_and(|n| received >= n) {
                return Ok(());
            }
        }
    }
}

/// Resolves once the gateway refused the login.
async fn refused(client: &SmsClient) -> CliError {
    let mut state = client.connection();
    match state
        .wait_for(|s| matches!(s, ConnectionState::AuthFailed { .. }))
        .await
        .map(|s| s.clone())
    {
        Ok(ConnectionState::AuthFailed { message }) => CliError::Auth(message),
        _ => CliError::Client(tether_core::ClientError::Stopped),
    }
}

/// A client whose link is up (long mode for this run).
async fn linked(name: Option<&str>, paths: &Paths) -> Result<SmsClient, CliError> {
    let client = super::start(name, paths, |a| a.mode = ConnectionMode::Long).await?;
    if !client.owns_link() {
        client.shutdown().await;
        return Err(CliError::Usage(
            "another Tether process holds this account's link; ask there, or stop it first".into(),
        ));
    }
    let mut state = client.connection();
    let up = tokio::select! {
        up = tokio::time::timeout(LINK_WAIT, state.wait_for(|s| matches!(s, ConnectionState::Connected { .. }))) => up.is_ok(),
        refused = refused(&client) => {
            client.shutdown().await;
            return Err(refused);
        }
    };
    if !up {
        let why = match &*client.connection().borrow() {
            ConnectionState::Waiting { error, .. } => error.clone(),
            _ => "no link to the gateway was made".into(),
        };
        client.shutdown().await;
        return Err(CliError::Unreachable(why));
    }
    Ok(client)
}

pub async fn cancel(
    name: Option<&str>,
    id: tether_core::protocol::MessageId,
    paths: &Paths,
) -> Result<(), CliError> {
    let client = linked(name, paths).await?;
    let result = client.cancel(id).await;
    client.shutdown().await;
    let cancelled = result?;
    print_json(&serde_json::json!({ "id": id, "cancelled": cancelled }))?;
    if cancelled {
        Ok(())
    } else {
        Err(CliError::SmsFailed {
            id,
            why: "it went already, or may have: the gateway no longer holds it, or a part was on its way"
                .into(),
        })
    }
}

pub async fn query(
    name: Option<&str>,
    day: Option<String>,
    service: &str,
    paths: &Paths,
) -> Result<(), CliError> {
    let day = day.unwrap_or_else(|| chrono::Local::now().format("%Y%m%d").to_string());
    let client = linked(name, paths).await?;
    let result = client.query(&day, service).await;
    client.shutdown().await;
    print_json(&result?)
}
