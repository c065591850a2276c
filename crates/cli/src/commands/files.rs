//! `tether files`: the files of this account's chats, from the local
//! store (no network); `--save DIR --id ID` copies one out.

use serde::Serialize;
use tether_core::account::Paths;
use tether_core::model::TransferState;
use tether_core::protocol::{MessageId, safe_name};
use tether_core::store::Store;
use tether_core::store::files::FileRecord;

use super::print_json;
use crate::args::{AccountArgs, FilesArgs};
use crate::failure::CliError;
use crate::session;

/// One line of `tether files`.
#[derive(Serialize)]
struct FileLine {
    message: Option<MessageId>,
    conversation: Option<String>,
    sender: String,
    name: String,
    size: u64,
    mime: String,
    sha256: Option<String>,
    state: TransferState,
    /// Bytes here (or, for ours, on the broker) so far.
    done: u64,
}

impl From<&FileRecord> for FileLine {
    fn from(r: &FileRecord) -> FileLine {
        let done = match r.state {
            TransferState::Downloaded | TransferState::Uploaded => r.layout.size,
            _ => (u64::from(r.have.count()) * u64::from(r.layout.chunk)).min(r.layout.size),
        };
        FileLine {
            message: r.message,
            conversation: r.conversation.as_ref().map(|c| c.key()),
            sender: r.sender.to_string(),
            name: safe_name(&r.name),
            size: r.layout.size,
            mime: r.mime.clone(),
            sha256: r.sha256.map(hex::encode),
            state: r.state,
            done,
        }
    }
}

pub fn run(account: &AccountArgs, args: FilesArgs, paths: &Paths) -> Result<(), CliError> {
    let account = session::resolve(account, paths)?;
    let store = Store::open(&paths.store_path(&account))?;
    match (args.id, args.save) {
        (Some(id), Some(dir)) => save(&store, id, &dir),
        _ => {
            for record in store.files(args.limit)? {
                print_json(&FileLine::from(&record))?;
            }
            Ok(())
        }
    }
}

/// Copies the file of message `id` into `dir`, never over an existing
/// file (a number is added to the name instead); prints where it went.
fn save(store: &Store, id: MessageId, dir: &std::path::Path) -> Result<(), CliError> {
    let record = store
        .file_of_message(id)?
        .ok_or_else(|| CliError::Usage(format!("message {id} has no file")))?;
    let source = match (&record.state, &record.path) {
        (
            TransferState::Downloaded | TransferState::Uploaded | TransferState::Uploading,
            Some(p),
        ) => p,
        _ => {
            return Err(CliError::Usage(format!(
                "the file of message {id} is not here yet ({}); run `tether listen` until it arrives",
                serde_json::to_string(&record.state).unwrap_or_default()
            )));
        }
    };
    let target = tether_core::transfer::disk::free_name(dir, &safe_name(&record.name))?;
    std::fs::copy(source, &target)?;
    print_json(&serde_json::json!({ "saved": target }))
}
