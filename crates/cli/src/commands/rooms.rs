//! `tether rooms join|leave|list`.

use std::time::Duration;

use tether_core::account::Paths;
use tether_core::store::Store;

use super::print_json;
use crate::args::{AccountArgs, RoomsCommand};
use crate::failure::CliError;
use crate::session;

pub async fn run(
    account: &AccountArgs,
    command: RoomsCommand,
    paths: &Paths,
) -> Result<(), CliError> {
    let account = session::resolve(account, paths)?;
    if let RoomsCommand::List = command {
        let store = Store::open(&paths.store_path(&account))?;
        for room in store.joined_rooms()? {
            print_json(&room)?;
        }
        return Ok(());
    }
    let client = session::start(account, paths).await?;
    let result = async {
        match command {
            RoomsCommand::Join { room, name } => client.join_room(room, name).await?,
            RoomsCommand::Leave { room } => client.leave_room(room).await?,
            RoomsCommand::List => {}
        }
        // Membership is announced through the outbox: let it go out.
        if !client.flush(Duration::from_secs(10)).await? {
            return Err(session::unreachable_error(&client));
        }
        Ok(())
    }
    .await;
    client.shutdown().await;
    result
}
