//! The SMS channel's test helpers: an account on the project's gateway
//! simulator, its client, and waiting for what it tells.

use tether_core::Event;
use tether_core::account::SmsAccount;
use tether_core::model::{ConnectionState, MessageStatus};
use tether_core::sms::{SmsClient, SmsOptions};
use tokio::sync::broadcast;

use super::WAIT;

pub const PHONE: &str = "13800138000";

pub fn account(port: u16) -> SmsAccount {
    let mut account = SmsAccount::new("sms", "127.0.0.1", port, "901234", "1065901234");
    // T of 1 s keeps resends and dead links quick.
    account.timers.response_secs = 1;
    account
}

pub async fn start(account: SmsAccount, secret: &str, dir: &std::path::Path) -> SmsClient {
    SmsClient::start(SmsOptions {
        account,
        secret: secret.into(),
        store_path: dir.join("sms.db"),
    })
    .await
    .unwrap()
}

pub async fn connected(client: &SmsClient) {
    let mut state = client.connection();
    tokio::time::timeout(
        WAIT,
        state.wait_for(|s| matches!(s, ConnectionState::Connected { .. })),
    )
    .await
    .expect("connected in time")
    .unwrap();
}

/// Waits for the first event `pick` returns something for.
pub async fn next<T>(
    events: &mut broadcast::Receiver<Event>,
    mut pick: impl FnMut(&Event) -> Option<T>,
) -> T {
    tokio::time::timeout(WAIT, async {
        loop {
            let event = events.recv().await.unwrap();
            if let Some(found) = pick(&event) {
                return found;
            }
        }
    })
    .await
    .expect("the event in time")
}

pub async fn status_reached(
    events: &mut broadcast::Receiver<Event>,
    id: uuid::Uuid,
    wanted: MessageStatus,
) {
    next(events, |e| match e {
        Event::Status { id: i, status } if *i == id && *status == wanted => Some(()),
        _ => None,
    })
    .await;
}

pub fn phone() -> tether_core::model::PhoneNumber {
    PHONE.parse().unwrap()
}
