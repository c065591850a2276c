//! What the desktop app does with an SMS account, below the UI: signing in
//! (the gateway's verdict in words), and the calls both channels share
//! through `AccountClient` — unread counts and read marks, a failed text
//! deleted with its parts, deliveries for a page of history, a chat
//! conversation refused.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use std::time::Duration;

use tether_core::Event;
use tether_core::account::SmsAccount;
use tether_core::channel::AccountClient;
use tether_core::error::{ClientError, ErrorCode};
use tether_core::model::{ConversationId, MessageStatus};
use tether_core::signin::{SignInError, sign_in_sms};
use tether_testbed::ismg::{Ismg, IsmgOptions, Mo};

const WAIT: Duration = Duration::from_secs(20);
const PHONE: &str = "13800138000";

fn account(port: u16) -> SmsAccount {
    SmsAccount::new("sms", "127.0.0.1", port, "901234", "1065901234")
}

fn phone() -> ConversationId {
    ConversationId::Phone(PHONE.parse().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_says_what_the_gateway_thought() {
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = |name: &str| dir.path().join(format!("{name}.db"));

    let refused = sign_in_sms(&account(ismg.port()), "wrong".into(), store("a"), WAIT)
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, SignInError::GatewayRefused(m) if m.contains("Status 3")),
        "{refused}"
    );
    assert_eq!(refused.code(), ErrorCode::AuthFailed);

    // Nothing listens there: said within the wait, as unreachable.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let unreachable = sign_in_sms(
        &account(closed),
        "s3cret".into(),
        store("b"),
        Duration::from_secs(3),
    )
    .await
    .unwrap_err();
    assert_eq!(unreachable.code(), ErrorCode::Unreachable, "{unreachable}");

    let client = sign_in_sms(&account(ismg.port()), "s3cret".into(), store("c"), WAIT)
        .await
        .unwrap();
    assert_eq!(ismg.seen().logins, 1);
    // Another process holds the account's link (here another client on
    // the same store): signing in there does not wait for a link of its
    // own, and what it sends goes through the holder's.
    let guest = sign_in_sms(&account(ismg.port()), "s3cret".into(), store("c"), WAIT)
        .await
        .unwrap();
    assert!(!guest.owns_link());
    let sent = guest
        .send(PHONE.parse().unwrap(), "via the link's holder")
        .await
        .unwrap();
    ismg.wait_until(WAIT, |s| s.submits.len() == 1)
        .await
        .unwrap();
    assert_eq!(ismg.seen().logins, 1);
    assert!(guest.delivery(sent.id).await.unwrap().is_some());
    guest.shutdown().await;
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shared_calls_work_on_an_sms_account() {
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    ismg.set_stat("13900139000", "UNDELIV");
    let dir = tempfile::tempdir().unwrap();
    let sms = sign_in_sms(
        &account(ismg.port()),
        "s3cret".into(),
        dir.path().join("sms.db"),
        WAIT,
    )
    .await
    .unwrap();
    let client = AccountClient::Sms(sms);
    let mut events = client.subscribe();

    // An incoming text is unread until its conversation is read.
    ismg.send_mo(Mo::new(PHONE, "1065901234", "are you there?"));
    wait_for(
        &mut events,
        |e| matches!(e, Event::Message { message } if !message.outgoing),
    )
    .await;
    assert_eq!(client.reader().unread_total().await.unwrap(), 1);
    assert_eq!(client.mark_read(phone()).await.unwrap(), 1);
    assert_eq!(client.reader().unread_total().await.unwrap(), 0);

    // Sent and delivered: its delivery comes with the page.
    let ok = client.send(phone(), "yes".into()).await.unwrap();
    let failing = ConversationId::Phone("13900139000".parse().unwrap());
    let lost = client.send(failing.clone(), "hello?".into()).await.unwrap();
    for id in [ok.id, lost.id] {
        wait_for(&mut events, |e| {
            matches!(e, Event::Status { id: i, status } if *i == id
                && matches!(status, MessageStatus::Delivered | MessageStatus::Failed))
        })
        .await;
    }
    let page = client.reader().history(phone(), None, 50).await.unwrap();
    let ids = page.iter().map(|m| m.id).chain([lost.id]).collect();
    let deliveries = client.reader().sms_deliveries(ids).await.unwrap();
    assert_eq!(deliveries.len(), 2, "the incoming text has none");
    assert_eq!(deliveries[0].0, ok.id);
    assert_eq!(deliveries[0].1.delivered, 1);
    assert_eq!(deliveries[1].1.failure.as_deref(), Some("UNDELIV"));

    // The failed one deleted for good: gone from history, parts and all.
    client.delete_failed(lost.id).await.unwrap();
    wait_for(
        &mut events,
        |e| matches!(e, Event::Removed { id, .. } if *id == lost.id),
    )
    .await;
    assert!(
        client
            .reader()
            .history(failing, None, 50)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        client
            .reader()
            .sms_deliveries(vec![lost.id])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        client.delete_failed(ok.id).await,
        Err(ClientError::NotFailed(_))
    ));

    // A chat conversation is not for an SMS account; the cost is.
    let chat = ConversationId::Direct("bob".parse().unwrap());
    let refused = client.send(chat, "hi".into()).await.unwrap_err();
    assert!(matches!(refused, ClientError::NotAPhone(_)), "{refused}");
    assert_eq!(client.sms_cost(&"短".repeat(71)).parts, 2);
    client.shutdown().await;
}

async fn wait_for(
    events: &mut tokio::sync::broadcast::Receiver<Event>,
    want: impl Fn(&Event) -> bool,
) {
    tokio::time::timeout(WAIT, async {
        while !want(&events.recv().await.unwrap()) {}
    })
    .await
    .expect("the event in time");
}
