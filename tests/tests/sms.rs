//! The SMS channel against the project's own gateway simulator (CMPP 2.0
//! and 3.0, `tether_testbed::ismg`): logins and refusals, long messages
//! both ways, reports matched, scheduled texts, cancels, a second
//! process. What goes wrong on the way (the link, the gateway, the store)
//! is in `sms_faults.rs`.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use tether_core::Event;
use tether_core::account::sms::CmppVersion;
use tether_core::model::{ConnectionState, ConversationId, MessageStatus, Twice};
use tether_testbed::ismg::{Ismg, IsmgOptions, Mo};

mod common;

use common::WAIT;
use common::sms::{PHONE, account, connected, next, phone, start, status_reached};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_goes_out_and_its_report_marks_it_delivered() {
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let client = start(account(ismg.port()), "s3cret", dir.path()).await;
    let mut events = client.subscribe();
    connected(&client).await;
    let msg = client.send(phone(), "hello from Tether").await.unwrap();
    assert_eq!(msg.status, MessageStatus::Queued);
    // The answer and the report may arrive in one read of the link, so
    // one turn takes the message from queued to delivered: `Sent` may be
    // skipped, but the states seen never go back.
    let mut seen_states = Vec::new();
    next(&mut events, |e| match e {
        Event::Status { id, status } if *id == msg.id => {
            seen_states.push(*status);
            (*status == MessageStatus::Delivered).then_some(())
        }
        _ => None,
    })
    .await;
    assert!(
        matches!(
            seen_states.as_slice(),
            [MessageStatus::Delivered] | [MessageStatus::Sent, MessageStatus::Delivered]
        ),
        "{seen_states:?}"
    );
    let seen = ismg.seen();
    assert_eq!(seen.to(PHONE).len(), 1);
    assert_eq!(seen.submits[0].text(), "hello from Tether");
    assert_eq!(seen.submits[0].src_id, "1065901234");
    let delivery = client.delivery(msg.id).await.unwrap().unwrap();
    assert_eq!(
        (delivery.parts, delivery.sent, delivery.delivered),
        (1, 1, 1)
    );
    assert_eq!(delivery.twice, Twice::No);
    client.shutdown().await;
    assert_eq!(ismg.seen().terminates, 1, "a clean shutdown TERMINATEs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_or_sp_id_stops_and_says_which() {
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (sp_id, secret, words) in [
        ("901234", "wrong", "Status 3"),
        ("999999", "s3cret", "Status 2"),
    ] {
        let mut account = account(ismg.port());
        account.sp_id = sp_id.into();
        let client = start(account, secret, &dir.path().join(sp_id)).await;
        let mut state = client.connection();
        let failed = tokio::time::timeout(
            WAIT,
            state.wait_for(|s| matches!(s, ConnectionState::AuthFailed { .. })),
        )
        .await
        .unwrap()
        .unwrap()
        .clone();
        let ConnectionState::AuthFailed { message } = failed else {
            unreachable!()
        };
        assert!(message.contains(words), "{message}");
        // Messages still queue, durably, while the account waits for a fix.
        client.send(phone(), "later").await.unwrap();
        client.shutdown().await;
    }
    let seen = ismg.seen();
    assert_eq!(seen.refused, 2, "one attempt each, no retry loop");
    assert!(seen.submits.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fixed_secret_connects_and_sends_what_waited() {
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let client = start(account(ismg.port()), "wrong", dir.path()).await;
    let mut events = client.subscribe();
    let msg = client.send(phone(), "waited").await.unwrap();
    let mut state = client.connection();
    tokio::time::timeout(
        WAIT,
        state.wait_for(|s| matches!(s, ConnectionState::AuthFailed { .. })),
    )
    .await
    .unwrap()
    .unwrap();
    client.set_secret("s3cret".into()).await;
    status_reached(&mut events, msg.id, MessageStatus::Delivered).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_message_goes_in_parts_and_is_delivered_when_every_part_is() {
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let client = start(account(ismg.port()), "s3cret", dir.path()).await;
    let mut events = client.subscribe();
    // 150 UCS2 units with an emoji across the first cut: three parts.
    let text = format!("{}😀{}", "好".repeat(66), "长".repeat(82));
    let msg = client.send(phone(), &text).await.unwrap();
    status_reached(&mut events, msg.id, MessageStatus::Delivered).await;
    let seen = ismg.seen();
    let parts = seen.to(PHONE);
    assert_eq!(parts.len(), 3);
    assert!(
        parts
            .iter()
            .all(|p| p.pk_total == 3 && p.udhi && p.msg_fmt == 8)
    );
    let joined: String = parts.iter().map(|p| p.text()).collect();
    assert_eq!(joined, text, "no part cut an emoji in half");
    let delivery = client.delivery(msg.id).await.unwrap().unwrap();
    assert_eq!((delivery.parts, delivery.delivered), (3, 3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_report_shows_the_gateways_words() {
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    ismg.set_stat(PHONE, "MA:0001");
    let dir = tempfile::tempdir().unwrap();
    let client = start(account(ismg.port()), "s3cret", dir.path()).await;
    let mut events = client.subscribe();
    let msg = client
        .send(phone(), "to a switched-off phone")
        .await
        .unwrap();
    status_reached(&mut events, msg.id, MessageStatus::Failed).await;
    let delivery = client.delivery(msg.id).await.unwrap().unwrap();
    assert_eq!(delivery.failure.as_deref(), Some("MA:0001"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_incoming_message_is_joined_from_parts_in_any_order_once() {
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let client = start(account(ismg.port()), "s3cret", dir.path()).await;
    let mut events = client.subscribe();
    connected(&client).await;
    let text = format!("收到，{}", "谢谢".repeat(60));
    let mut mo = Mo::new(PHONE, "1065901234", &text);
    mo.reversed = true;
    mo.repeat_first = true;
    ismg.send_mo(mo);
    let message = next(&mut events, |e| match e {
        Event::Message { message } if !message.outgoing => Some(message.clone()),
        _ => None,
    })
    .await;
    assert_eq!(message.text, text);
    assert_eq!(message.conversation, ConversationId::Phone(phone()));
    // Every DELIVER answered, the repeat included; one message stored.
    ismg.wait_until(WAIT, |s| {
        s.delivers_pending == 0 && s.delivers_answered == 2
    })
    .await
    .unwrap();
    let history = client
        .history(ConversationId::Phone(phone()), None, 10)
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    let conversations = client.conversations().await.unwrap();
    assert_eq!(conversations[0].unread, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_message_can_be_cancelled_and_counters_queried() {
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let client = start(account(ismg.port()), "s3cret", dir.path()).await;
    let mut events = client.subscribe();
    connected(&client).await;
    let when = chrono::Local::now() + chrono::Duration::hours(2);
    let msg = client
        .send_at(phone(), "see you tonight", &when)
        .await
        .unwrap();
    status_reached(&mut events, msg.id, MessageStatus::Sent).await;
    assert!(!ismg.seen().submits[0].at_time.is_empty());
    assert!(client.delivery(msg.id).await.unwrap().unwrap().scheduled);
    assert!(
        client.cancel(msg.id).await.unwrap(),
        "the gateway still held it"
    );
    let delivery = client.delivery(msg.id).await.unwrap().unwrap();
    assert_eq!(delivery.failure.as_deref(), Some("CANCELED"));
    let counters = client.query("20261205", "").await.unwrap();
    assert_eq!(counters.mt_messages, 1);
    assert_eq!(counters.day, "20261205");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_text_still_queued_is_cancelled_without_a_link() {
    // A port nobody listens on: the text waits in the outbox.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let client = start(account(port), "s3cret", dir.path()).await;
    let msg = client.send(phone(), "never mind").await.unwrap();
    assert!(client.cancel(msg.id).await.unwrap(), "nothing of it went");
    let delivery = client.delivery(msg.id).await.unwrap().unwrap();
    assert_eq!(delivery.failure.as_deref(), Some("CANCELED"));
    assert_eq!(client.outbox_len().await.unwrap(), 0);
    // Cancelled already: nothing more to stop.
    assert!(!client.cancel(msg.id).await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_30_layout_works_end_to_end() {
    let mut options = IsmgOptions::new();
    options.version = tether_cmpp::Version::V3_0;
    let ismg = Ismg::start(options).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut account = account(ismg.port());
    account.version = CmppVersion::V3_0;
    let client = start(account, "s3cret", dir.path()).await;
    let mut events = client.subscribe();
    let msg = client.send(phone(), "three point oh").await.unwrap();
    status_reached(&mut events, msg.id, MessageStatus::Delivered).await;
    ismg.send_mo(Mo::new(PHONE, "1065901234", "reply in 3.0"));
    let message = next(&mut events, |e| match e {
        Event::Message { message } if !message.outgoing => Some(message.clone()),
        _ => None,
    })
    .await;
    assert_eq!(message.text, "reply in 3.0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_process_queues_through_the_first_and_takes_over_when_it_goes() {
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let owner = start(account(ismg.port()), "s3cret", dir.path()).await;
    connected(&owner).await;
    let guest = start(account(ismg.port()), "s3cret", dir.path()).await;
    assert!(owner.owns_link() && !guest.owns_link());
    let mut events = guest.subscribe();
    let first = guest.send(phone(), "through the owner").await.unwrap();
    status_reached(&mut events, first.id, MessageStatus::Delivered).await;
    owner.shutdown().await;
    connected(&guest).await;
    assert!(guest.owns_link(), "it holds the link now");
    let second = guest.send(phone(), "on my own link").await.unwrap();
    status_reached(&mut events, second.id, MessageStatus::Delivered).await;
    assert_eq!(ismg.seen().logins, 2);
    assert_eq!(ismg.seen().to(PHONE).len(), 2);
}
