//! `tether account add|list|remove|default`.

use std::io::BufRead;

use tether_core::account::{AccountBook, Paths};
use tether_core::secrets::{KeyringSecrets, SecretStore};

use super::print_json;
use crate::args::{AccountArgs, AccountCommand};
use crate::failure::CliError;
use crate::session;

pub fn run(args: &AccountArgs, command: AccountCommand, paths: &Paths) -> Result<(), CliError> {
    match command {
        AccountCommand::Add {
            name,
            password_stdin,
            sms_gateway,
        } => {
            if args.broker.is_none() || args.user.is_none() {
                return Err(CliError::Usage(
                    "account add needs --broker URL and --user ID".into(),
                ));
            }
            let mut book = AccountBook::load(paths)?;
            let mut account = session::resolve(
                &AccountArgs {
                    account: None,
                    broker: args.broker.clone(),
                    user: args.user.clone(),
                    keep_alive: args.keep_alive,
                    ca_file: args.ca_file.clone(),
                },
                paths,
            )?;
            // resolve() may have saved it under a generated name: rename.
            book = AccountBook::load(paths).unwrap_or(book);
            book.accounts.retain(|a| a.client_id != account.client_id);
            account.name = name;
            account.sms_gateway = sms_gateway;
            book.upsert(account.clone())?;
            book.save(paths)?;
            if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                let password = line.trim_end_matches(['\r', '\n']);
                KeyringSecrets::native()?.set(&account.secret_key(), password)?;
            }
            print_json(&account)
        }
        AccountCommand::List => {
            let book = AccountBook::load(paths)?;
            for account in &book.accounts {
                print_json(account)?;
            }
            Ok(())
        }
        AccountCommand::Remove { name } => {
            let mut book = AccountBook::load(paths)?;
            let account = book.remove(&name)?;
            book.save(paths)?;
            if let Ok(keyring) = KeyringSecrets::native() {
                keyring.delete(&account.secret_key())?;
            }
            Ok(())
        }
        AccountCommand::Default { name } => {
            let mut book = AccountBook::load(paths)?;
            book.get(&name)?;
            book.default = Some(name);
            book.save(paths)?;
            Ok(())
        }
    }
}
