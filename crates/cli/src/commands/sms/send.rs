//! `tether sms send`: queue, then wait until the gateway took the message
//! (or, with `--wait-report`, until its report came). Exit codes: 0 done,
//! 2 bad input, 3 the gateway refused the login, 4 not done in time (the
//! message stays queued), 5 the gateway refused or failed the message.

use std::time::Duration;

use chrono::{Local, NaiveDateTime, TimeZone};
use tether_core::Event;
use tether_core::account::Paths;
use tether_core::account::sms::ConnectionMode;
use tether_core::model::{ConnectionState, MessageStatus, SmsDelivery};
use tether_core::sms::SmsClient;
use tokio::sync::broadcast::error::RecvError;

use super::print_json;
use crate::args::sms::SmsSendArgs;
use crate::failure::CliError;

pub async fn run(name: Option<&str>, args: SmsSendArgs, paths: &Paths) -> Result<(), CliError> {
    let at = args.at.as_deref().map(parse_local).transpose()?;
    let client = super::start(name, paths, |account| {
        if args.short {
            account.mode = ConnectionMode::Short;
        }
    })
    .await?;
    let mut events = client.subscribe();
    let text = args.text.join(" ");
    let sent = match &at {
        Some(when) => client.send_at(args.to.clone(), &text, when).await,
        None => client.send(args.to.clone(), &text).await,
    };
    let msg = match sent {
        Ok(msg) => msg,
        Err(e) => {
            client.shutdown().await;
            return Err(e.into());
        }
    };
    print_json(&Event::Message {
        message: msg.clone(),
    })?;
    if !client.owns_link() {
        tracing::info!(
            "another Tether process holds the account's link: the message is in its outbox"
        );
    }
    let wait = Duration::from_secs(args.wait);
    let outcome = tokio::time::timeout(
        wait,
        until_done(&client, &mut events, msg.id, args.wait_report),
    )
    .await;
    let result = match outcome {
        Ok(result) => result,
        Err(_) => Err(not_in_time(&client, msg.id, args.wait)),
    };
    client.shutdown().await;
    result
}

/// "YYYY-MM-DD HH:MM" on the local clock.
fn parse_local(text: &str) -> Result<chrono::DateTime<Local>, CliError> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        .ok()
        .and_then(|naive| Local.from_local_datetime(&naive).single())
        .ok_or_else(|| CliError::Usage(format!("--at {text:?}: write it as \"YYYY-MM-DD HH:MM\"")))
}

async fn until_done(
    client: &SmsClient,
    events: &mut tokio::sync::broadcast::Receiver<Event>,
    id: tether_core::protocol::MessageId,
    wait_report: bool,
) -> Result<(), CliError> {
    let mut state = client.connection();
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(Event::SmsDelivery { id: of, delivery }) if of == id => {
                    print_json(&Event::SmsDelivery { id, delivery: delivery.clone() })?;
                    match finished(&delivery, wait_report) {
                        Finished::Not => {}
                        Finished::Done => return Ok(()),
                        Finished::Failed(why) => return Err(CliError::SmsFailed { id, why }),
                    }
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return Err(tether_core::ClientError::Stopped.into()),
            },
            changed = state.changed() => {
                if changed.is_err() {
                    return Err(tether_core::ClientError::Stopped.into());
                }
                if let ConnectionState::AuthFailed { message } = &*state.borrow() {
                    return Err(CliError::Auth(message.clone()));
                }
            }
        }
    }
}

/// Where a send stands for `tether sms send`.
enum Finished {
    Not,
    Done,
    /// With the gateway's words.
    Failed(String),
}

fn finished(delivery: &SmsDelivery, wait_report: bool) -> Finished {
    match delivery.status() {
        MessageStatus::Failed => Finished::Failed(delivery.failure.clone().unwrap_or_default()),
        MessageStatus::Delivered => Finished::Done,
        MessageStatus::Sent if !wait_report => Finished::Done,
        _ => Finished::Not,
    }
}

fn not_in_time(client: &SmsClient, id: tether_core::protocol::MessageId, secs: u64) -> CliError {
    let why = match &*client.connection().borrow() {
        ConnectionState::Waiting { error, .. } => error.clone(),
        ConnectionState::Connected { .. } => "the gateway did not answer in time".into(),
        _ if !client.owns_link() => "the account's running link did not send it in time".into(),
        _ => "no link to the gateway was made in time".into(),
    };
    CliError::Unreachable(format!(
        "{why} ({secs} s); message {id} stays queued and goes the next time the account connects"
    ))
}
