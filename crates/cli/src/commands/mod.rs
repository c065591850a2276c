//! One module per subcommand.

pub mod account;
pub mod lan_user;
pub mod listen;
pub mod outbox;
pub mod read;
pub mod rooms;
pub mod send;
pub mod serve;

use std::io::Write;

use serde::Serialize;

use crate::failure::CliError;

/// Prints one JSON line and flushes, so a reader sees it at once (and a
/// kill right after cannot lose a line the user was told about).
pub fn print_json(value: &impl Serialize) -> Result<(), CliError> {
    let line = serde_json::to_string(value).map_err(std::io::Error::from)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()?;
    Ok(())
}
