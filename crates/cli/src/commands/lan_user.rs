//! `tether lan-user add|remove|list`: who may sign in to `tether serve
//! --lan` (the same file the app's LAN hosting uses).

use std::io::BufRead;
use std::path::PathBuf;

use tether_broker::LanUsers;
use tether_core::account::{BookError, Paths};
use tether_core::protocol::UserId;

use super::print_json;
use crate::args::LanUserCommand;
use crate::failure::CliError;

/// `--users FILE`, else the file in Tether's config directory.
pub fn users_file(
    users: Option<PathBuf>,
    paths: impl FnOnce() -> Result<Paths, BookError>,
) -> Result<PathBuf, CliError> {
    match users {
        Some(path) => Ok(path),
        None => Ok(tether_broker::users_file(&paths()?.config_dir)),
    }
}

pub fn run(command: LanUserCommand, file: PathBuf) -> Result<(), CliError> {
    let mut users = LanUsers::load(&file)?;
    match command {
        LanUserCommand::Add { user, .. } => {
            let user: UserId = parse_user(&user)?;
            // One line on standard input: never an argument, which other
            // users of this computer could read in the process list.
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            users.set(user.clone(), line.trim_end_matches(['\r', '\n']))?;
            users.save(&file)?;
            print_json(&serde_json::json!({"type": "lan_user_added", "user": user}))
        }
        LanUserCommand::Remove { user, .. } => {
            users.remove(&parse_user(&user)?)?;
            users.save(&file).map_err(CliError::from)
        }
        LanUserCommand::List { .. } => {
            for user in users.names() {
                print_json(&serde_json::json!({"user": user}))?;
            }
            Ok(())
        }
    }
}

fn parse_user(s: &str) -> Result<UserId, CliError> {
    s.parse()
        .map_err(|e| CliError::Usage(format!("'{s}' cannot be a user id: {e}")))
}
