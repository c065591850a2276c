//! `tether serve`: the embedded broker in the foreground, until Ctrl-C.

use crate::args::ServeArgs;
use crate::failure::CliError;

pub async fn run(args: ServeArgs) -> Result<(), CliError> {
    let broker = tether_broker::EmbeddedBroker::start(args.listen)?;
    // One JSON line on stdout, so scripts can read the address (port 0).
    super::print_json(&serde_json::json!({
        "type": "listening",
        "url": broker.url(),
    }))?;
    eprintln!(
        "tether: broker on {} (sessions and waiting messages in memory; Ctrl-C stops it)",
        broker.url()
    );
    tokio::signal::ctrl_c().await?;
    Ok(())
}
