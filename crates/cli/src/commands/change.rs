//! `tether edit`, `tether delete` and `tether react`: one change to a
//! message (extension 11), printed as the message now is, then sent.

use tether_core::account::Paths;
use tether_core::model::MessageChange;
use tether_core::protocol::MessageId;

use super::print_json;
use super::send::wait_for_broker;
use crate::args::AccountArgs;
use crate::failure::CliError;
use crate::session;

pub async fn run(
    account: &AccountArgs,
    of: MessageId,
    change: MessageChange,
    wait: u64,
    paths: &Paths,
) -> Result<(), CliError> {
    let account = session::resolve(account, paths)?;
    let client = session::start(account, paths).await?;
    let result = async {
        let message = client.change_message(of, change).await?;
        print_json(&message)?;
        // A change is no message of its own: nothing of it can be set aside.
        wait_for_broker(&client, Vec::new(), wait).await
    }
    .await;
    client.shutdown().await;
    result
}
