//! The SMS channel against the project's own gateway simulator (CMPP 2.0
//! and 3.0, `tether_testbed::ismg`): logins and refusals, long messages
//! both ways, reports matched, Result 8, answers lost, dead links, a
//! gateway killed mid-stream; every message ends in a final state.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use std::time::Duration;

use tether_core::Event;
use tether_core::account::SmsAccount;
use tether_core::account::sms::CmppVersion;
use tether_core::model::{ConnectionState, ConversationId, MessageStatus, Twice};
use tether_core::sms::{SmsClient, SmsOptions};
use tether_testbed::BlackHoleProxy;
use tether_testbed::ismg::{Ismg, IsmgOptions, Mo};
use tokio::sync::broadcast;

const WAIT: Duration = Duration::from_secs(20);
const PHONE: &str = "13800138000";

fn account(port: u16) -> SmsAccount {
    let mut account = SmsAccount::new("sms", "127.0.0.1", port, "901234", "1065901234");
    // T of 1 s keeps resends and dead links quick.
    account.timers.response_secs = 1;
    account
}

async fn start(account: SmsAccount, secret: &str, dir: &std::path::Path) -> SmsClient {
    SmsClient::start(SmsOptions {
        account,
        secret: secret.into(),
        store_path: dir.join("sms.db"),
    })
    .await
    .unwrap()
}

async fn connected(client: &SmsClient) {
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
async fn next<T>(
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

async fn status_reached(
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

fn phone() -> tether_core::model::PhoneNumber {
    PHONE.parse().unwrap()
}

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
async fn result_8_slows_down_and_the_message_still_goes() {
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    ismg.throttle_next(2);
    let dir = tempfile::tempdir().unwrap();
    let client = start(account(ismg.port()), "s3cret", dir.path()).await;
    let mut events = client.subscribe();
    let msg = client.send(phone(), "not so fast").await.unwrap();
    status_reached(&mut events, msg.id, MessageStatus::Delivered).await;
    let seen = ismg.seen();
    assert_eq!((seen.throttled, seen.to(PHONE).len()), (2, 1));
    let delivery = client.delivery(msg.id).await.unwrap().unwrap();
    assert_eq!(delivery.twice, Twice::No, "a Result 8 was not taken");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_lost_is_resent_and_flagged_as_maybe_twice() {
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    ismg.drop_responses(1);
    let dir = tempfile::tempdir().unwrap();
    let client = start(account(ismg.port()), "s3cret", dir.path()).await;
    let mut events = client.subscribe();
    let msg = client.send(phone(), "did it go?").await.unwrap();
    status_reached(&mut events, msg.id, MessageStatus::Delivered).await;
    assert_eq!(ismg.seen().to(PHONE).len(), 2, "the gateway took it twice");
    let delivery = client.delivery(msg.id).await.unwrap().unwrap();
    assert_eq!(delivery.twice, Twice::Maybe);
}

/// Parts are marked "may have been written" ahead of the window (so that
/// a SUBMIT never waits for the disk); those the window never took go on
/// the next link as they were (or are cancelled for sure): only parts
/// that were on the wire are flagged "may have been sent twice".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parts_marked_ahead_and_never_written_go_next_time_unflagged() {
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    ismg.drop_responses(2);
    let dir = tempfile::tempdir().unwrap();
    let mut account = account(ismg.port());
    account.timers.window = 2;
    // No SUBMIT given up while the test looks.
    account.timers.response_secs = 60;
    let client = start(account, "s3cret", dir.path()).await;
    let mut events = client.subscribe();
    connected(&client).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(client.send(phone(), &format!("text {i}")).await.unwrap().id);
    }
    // Two on the wire and unanswered, three marked behind them.
    ismg.wait_until(WAIT, |seen| seen.submits.len() == 2)
        .await
        .unwrap();
    let db = rusqlite::Connection::open(dir.path().join("sms.db")).unwrap();
    tokio::time::timeout(WAIT, async {
        // No event tells a reservation: the store is looked at.
        let marked = || -> i64 {
            db.query_row("SELECT count(*) FROM sms_parts WHERE state = 1", [], |r| {
                r.get(0)
            })
            .unwrap()
        };
        while marked() < 5 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("five parts marked written");
    // One marked and never written can still be cancelled for sure.
    let last = ids.pop().unwrap();
    assert!(client.cancel(last).await.unwrap(), "nothing of it went");
    let cancelled = client.delivery(last).await.unwrap().unwrap();
    assert_eq!(cancelled.failure.as_deref(), Some("CANCELED"));
    assert_eq!(cancelled.twice, Twice::No);
    ismg.close_links();
    let mut delivered = std::collections::HashSet::new();
    while delivered.len() < ids.len() {
        let id = next(&mut events, |e| match e {
            Event::Status {
                id,
                status: MessageStatus::Delivered,
            } => Some(*id),
            _ => None,
        })
        .await;
        delivered.insert(id);
    }
    let mut flags = Vec::new();
    for id in &ids {
        flags.push(client.delivery(*id).await.unwrap().unwrap().twice);
    }
    let (maybe, no) = (Twice::Maybe, Twice::No);
    assert_eq!(flags, [maybe, maybe, no, no]);
    // The two unanswered ones went again, the cancelled one never: six
    // SUBMITs in all.
    assert_eq!(ismg.seen().to(PHONE).len(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_link_is_found_and_what_waited_goes_on_the_next() {
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    let proxy = BlackHoleProxy::start(ismg.port()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut account = account(proxy.port());
    account.timers.idle_secs = 1;
    account.timers.attempts = 2;
    let client = start(account, "s3cret", dir.path()).await;
    let mut events = client.subscribe();
    connected(&client).await;
    proxy.set_black_hole(true);
    let msg = client.send(phone(), "through the outage").await.unwrap();
    // C + N×T = 1 + 2 s after the last traffic: the link is given up.
    next(&mut events, |e| match e {
        Event::Connection {
            state: ConnectionState::Waiting { .. } | ConnectionState::Connecting { .. },
        } => Some(()),
        _ => None,
    })
    .await;
    proxy.set_black_hole(false);
    status_reached(&mut events, msg.id, MessageStatus::Delivered).await;
    // The black-holed SUBMIT never reached the gateway: one copy.
    assert_eq!(ismg.seen().to(PHONE).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_killed_mid_stream_loses_nothing() {
    let mut options = IsmgOptions::new();
    options.report_delay = Duration::from_millis(200);
    let mut ismg = Ismg::start(options).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let client = start(account(ismg.port()), "s3cret", dir.path()).await;
    let mut events = client.subscribe();
    connected(&client).await;
    let mut ids = Vec::new();
    for i in 0..40 {
        ids.push(
            client
                .send(phone(), &format!("message {i}"))
                .await
                .unwrap()
                .id,
        );
        if i == 20 {
            ismg.stop();
            ismg.restart().unwrap();
        }
    }
    // Every message ends delivered; a part whose answer was lost with the
    // gateway is flagged, never silently doubled.
    let mut waiting: std::collections::HashSet<_> = ids.iter().copied().collect();
    next(&mut events, |e| {
        if let Event::Status {
            id,
            status: MessageStatus::Delivered,
        } = e
        {
            waiting.remove(id);
        }
        waiting.is_empty().then_some(())
    })
    .await;
    let seen = ismg.seen();
    for (i, id) in ids.iter().enumerate() {
        let copies = seen
            .submits
            .iter()
            .filter(|s| s.text() == format!("message {i}"))
            .count();
        assert!(copies >= 1, "message {i} never reached the gateway");
        if copies > 1 {
            let d = client.delivery(*id).await.unwrap().unwrap();
            assert_ne!(
                d.twice,
                Twice::No,
                "message {i} went {copies} times unflagged"
            );
        }
    }
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

/// A store that cannot be written for a while (here: another process
/// holds its write lock past the busy timeout; a full disk looks the same
/// to the link) loses nothing: what the link heard and was sent waits and
/// is committed when the store is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_fails_for_a_while_loses_nothing() {
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let client = start(account(ismg.port()), "s3cret", dir.path()).await;
    let mut events = client.subscribe();
    connected(&client).await;
    let before = client.send(phone(), "before the outage").await.unwrap();
    status_reached(&mut events, before.id, MessageStatus::Delivered).await;
    let blocker = rusqlite::Connection::open(dir.path().join("sms.db")).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    let sending = {
        let client = client.clone();
        tokio::spawn(async move { client.send(phone(), "during the outage").await })
    };
    // The store's busy timeout is 5 s: its commits fail for a while.
    tokio::time::sleep(Duration::from_secs(7)).await;
    blocker.execute_batch("COMMIT").unwrap();
    let during = sending
        .await
        .unwrap()
        .expect("queued once the store is back");
    status_reached(&mut events, during.id, MessageStatus::Delivered).await;
    let delivery = client.delivery(during.id).await.unwrap().unwrap();
    assert_eq!(delivery.twice, Twice::No, "went once");
    assert_eq!(ismg.seen().to(PHONE).len(), 2);
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
async fn a_gateway_that_hangs_up_is_called_again() {
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let client = start(account(ismg.port()), "s3cret", dir.path()).await;
    let mut events = client.subscribe();
    connected(&client).await;
    ismg.close_links();
    next(&mut events, |e| match e {
        Event::Connection {
            state: ConnectionState::Waiting { .. } | ConnectionState::Connecting { .. },
        } => Some(()),
        _ => None,
    })
    .await;
    let msg = client.send(phone(), "after the hang-up").await.unwrap();
    status_reached(&mut events, msg.id, MessageStatus::Delivered).await;
    assert_eq!(ismg.seen().logins, 2, "logged in again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submit_never_answered_fails_honestly_instead_of_going_forever() {
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    // Every try of the first message is taken and never answered.
    ismg.drop_responses(3);
    let dir = tempfile::tempdir().unwrap();
    let client = start(account(ismg.port()), "s3cret", dir.path()).await;
    let mut events = client.subscribe();
    let msg = client.send(phone(), "into the void").await.unwrap();
    status_reached(&mut events, msg.id, MessageStatus::Failed).await;
    let delivery = client.delivery(msg.id).await.unwrap().unwrap();
    assert!(delivery.failure.unwrap().starts_with("no answer"));
    assert_eq!(
        delivery.twice,
        Twice::Maybe,
        "it may have gone, three times"
    );
    assert_eq!(ismg.seen().to(PHONE).len(), 3, "N tries, then it stopped");
    // The user decides to send it again.
    client.retry(msg.id).await.unwrap();
    status_reached(&mut events, msg.id, MessageStatus::Delivered).await;
    assert_eq!(ismg.seen().to(PHONE).len(), 4);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutting_down_ends_even_when_the_gateway_hangs_up_on_terminate() {
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    ismg.hang_up_on_terminate();
    let dir = tempfile::tempdir().unwrap();
    let client = start(account(ismg.port()), "s3cret", dir.path()).await;
    connected(&client).await;
    tokio::time::timeout(WAIT, client.shutdown())
        .await
        .expect("shutdown returned");
    assert_eq!(ismg.seen().terminates, 1);
}
