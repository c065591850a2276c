//! `tether outbox failed|retry|delete`: the messages the broker kept
//! refusing (it closed the connection each time they were sent), which
//! wait set aside so that they do not block the rest of the outbox.

use std::time::Duration;

use tether_core::account::Paths;
use tether_core::store::Store;

use super::print_json;
use crate::args::{AccountArgs, OutboxCommand};
use crate::failure::CliError;
use crate::session;

pub async fn run(
    account: &AccountArgs,
    command: OutboxCommand,
    paths: &Paths,
) -> Result<(), CliError> {
    let account = session::resolve(account, paths)?;
    if let OutboxCommand::Failed = command {
        let store = Store::open(&paths.store_path(&account))?;
        for message in store.failed_messages()? {
            print_json(&message)?;
        }
        return Ok(());
    }
    let client = session::start(account, paths).await?;
    let result = async {
        match command {
            OutboxCommand::Retry { id } => {
                client.retry_failed(id).await?;
                // Like `send`: give it the time to go out, say if it did not.
                if !client.flush(Duration::from_secs(30)).await? {
                    return Err(session::unreachable_error(&client));
                }
                session::refused(&client, [id]).await?;
            }
            OutboxCommand::Delete { id } => client.delete_failed(id).await?,
            OutboxCommand::Failed => {}
        }
        Ok(())
    }
    .await;
    client.shutdown().await;
    result
}
