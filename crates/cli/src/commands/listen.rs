//! `tether listen`: every event as a JSON line, until stopped.

use std::time::Duration;

use tether_core::Event;
use tether_core::account::Paths;

use super::print_json;
use crate::args::{AccountArgs, ListenArgs};
use crate::failure::CliError;
use crate::session;

pub async fn run(account: &AccountArgs, args: ListenArgs, paths: &Paths) -> Result<(), CliError> {
    let account = session::resolve(account, paths)?;
    let client = session::start(account, paths).await?;
    let mut events = client.subscribe();
    print_json(&Event::Connection {
        state: client.connection().borrow().clone(),
    })?;
    for room in args.join.iter().cloned() {
        client.join_room(room, None).await?;
    }
    let result = tokio::select! {
        r = pump(&client, &mut events, &args) => r,
        _ = sleep_or_forever(args.timeout) => Ok(()),
        refused = session::auth_refused(&client) => Err(refused),
        _ = tokio::signal::ctrl_c() => Ok(()),
    };
    client.shutdown().await;
    result
}

async fn sleep_or_forever(secs: Option<u64>) {
    match secs {
        Some(s) => tokio::time::sleep(Duration::from_secs(s)).await,
        None => std::future::pending().await,
    }
}

async fn pump(
    client: &tether_core::Client,
    events: &mut tokio::sync::broadcast::Receiver<Event>,
    args: &ListenArgs,
) -> Result<(), CliError> {
    let mut received = 0usize;
    loop {
        let Some(event) = super::next_event(events).await else {
            return Ok(());
        };
        print_json(&event)?;
        if let Event::Message { message } = &event
            && !message.outgoing
        {
            if args.mark_read {
                client.mark_read(message.conversation.clone()).await?;
            }
            received += 1;
            if args.count.is_some_and(|n| received >= n) {
                // Let the delivered/read receipts reach the broker first.
                client.flush(Duration::from_secs(5)).await?;
                // What arrived in the same burst (receipts and presence are
                // applied after the messages they came with) is shown too,
                // not cut off by the count.
                loop {
                    match events.try_recv() {
                        Ok(event) => print_json(&event)?,
                        Err(tokio::sync::broadcast::error::TryRecvError::Lagged(_)) => {}
                        Err(_) => return Ok(()),
                    }
                }
            }
        }
    }
}
