//! `tether serve`: the embedded broker in the foreground, until Ctrl-C;
//! with `--lan`, also for the local network.

use std::path::PathBuf;

use tether_broker::{EmbeddedBroker, LanOptions};
use tether_core::protocol::Prefix;

use crate::args::ServeArgs;
use crate::failure::CliError;

pub async fn run(args: ServeArgs, users_file: PathBuf) -> Result<(), CliError> {
    let broker = EmbeddedBroker::start(args.listen)?;
    let lan = match args.lan {
        Some(listen) => Some(broker.open_lan(LanOptions {
            listen,
            users_file: users_file.clone(),
            prefix: Prefix::default(),
        })?),
        None => None,
    };
    let lan_urls = lan.as_ref().map(|l| l.urls()).unwrap_or_default();
    // One JSON line on stdout, so scripts can read the addresses (port 0).
    super::print_json(&serde_json::json!({
        "type": "listening",
        "url": broker.url(),
        "lan": lan_urls,
    }))?;
    eprintln!(
        "tether: broker on {} (sessions and waiting messages in memory; Ctrl-C stops it)",
        broker.url()
    );
    if lan.is_some() {
        eprintln!(
            "tether: on the network at {} for the users in {} (`tether lan-user add NAME`)",
            lan_urls.join(", "),
            users_file.display()
        );
    }
    tokio::signal::ctrl_c().await?;
    Ok(())
}
