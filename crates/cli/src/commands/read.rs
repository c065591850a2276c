//! `tether history` and `tether search`: read the local store, no network.

use tether_core::account::Paths;
use tether_core::model::ConversationId;
use tether_core::store::Store;

use super::print_json;
use crate::args::{AccountArgs, HistoryArgs};
use crate::failure::CliError;
use crate::session;

fn open(account: &AccountArgs, paths: &Paths) -> Result<Store, CliError> {
    let account = session::resolve(account, paths)?;
    Ok(Store::open(&paths.store_path(&account))?)
}

pub fn history(account: &AccountArgs, args: HistoryArgs, paths: &Paths) -> Result<(), CliError> {
    let conversation = match (args.target.with, args.target.room, args.target.phone) {
        (Some(user), None, None) => ConversationId::Direct(user),
        (None, Some(room), None) => ConversationId::Room(room),
        (None, None, Some(phone)) => ConversationId::Phone(phone),
        _ => {
            return Err(CliError::Usage(
                "give --with USER, --room ROOM or --phone NUMBER".into(),
            ));
        }
    };
    let store = open(account, paths)?;
    for message in store.history(&conversation, None, args.limit)? {
        print_json(&message)?;
    }
    Ok(())
}

pub fn search(
    account: &AccountArgs,
    query: &str,
    limit: usize,
    paths: &Paths,
) -> Result<(), CliError> {
    let mut store = open(account, paths)?;
    for message in store.search(query, limit)? {
        print_json(&message)?;
    }
    Ok(())
}
