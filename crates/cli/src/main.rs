//! `tether`: chat over MQTT from a terminal, on the same core as the app.
//!
//! # Layout
//! - `args`: the command-line syntax (clap).
//! - `session`: picking the account, its password and store; connecting.
//! - `commands`: one module per subcommand; output is JSON lines.
//! - `failure`: errors and exit codes (2 bad input, 3 bad credentials,
//!   4 broker or gateway unreachable, 5 the SMS gateway refused or failed a
//!   message, 1 anything else).

mod args;
mod commands;
mod failure;
mod session;

use std::process::ExitCode;

use clap::Parser;
use tether_core::account::Paths;
use tether_core::model::MessageChange;

use args::{Cli, Command};
use failure::CliError;

fn main() -> ExitCode {
    let cli = Cli::parse();
    tether_broker::logging::init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tether: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tether: {e}");
            e.exit_code()
        }
    }
}

async fn run(cli: Cli) -> Result<(), CliError> {
    let paths = || Paths::from_env();
    let account = &cli.account;
    match cli.command {
        Command::Serve(args) => {
            let users = commands::lan_user::users_file(args.users.clone(), paths)?;
            commands::serve::run(args, users).await
        }
        Command::LanUser(command) => {
            let users = commands::lan_user::users_file(command.users_file(), paths)?;
            commands::lan_user::run(command, users)
        }
        Command::Send(args) => commands::send::run(account, args, &paths()?).await,
        Command::Edit(args) => {
            let change = MessageChange::Edit(args.text.join(" "));
            commands::change::run(account, args.id, change, args.wait, &paths()?).await
        }
        Command::Delete(args) => {
            let change = match args.for_me {
                true => MessageChange::DeleteForMe,
                false => MessageChange::Delete,
            };
            commands::change::run(account, args.id, change, args.wait, &paths()?).await
        }
        Command::React(args) => {
            let change = MessageChange::React {
                emoji: args.emoji,
                on: !args.remove,
            };
            commands::change::run(account, args.id, change, args.wait, &paths()?).await
        }
        Command::Listen(args) => commands::listen::run(account, args, &paths()?).await,
        Command::History(args) => commands::read::history(account, args, &paths()?),
        Command::Files(args) => commands::files::run(account, args, &paths()?),
        Command::Search { query, limit } => {
            commands::read::search(account, &query, limit, &paths()?)
        }
        Command::Rooms(command) => commands::rooms::run(account, command, &paths()?).await,
        Command::Outbox(command) => commands::outbox::run(account, command, &paths()?).await,
        Command::Account(command) => commands::account::run(account, command, &paths()?),
        Command::Sms(command) => {
            commands::sms::run(account.account.as_deref(), command, &paths()?).await
        }
        Command::SmsGateway(args) => {
            let paths = paths()?;
            commands::sms::gateway::run(
                account,
                args.sms_account.as_deref(),
                args.default_user,
                &paths,
            )
            .await
        }
    }
}
