//! The SMS channel when things go wrong, against the project's gateway
//! simulator: Result 8, answers lost, dead links, a gateway killed
//! mid-stream or hanging up, SUBMITs never answered, a store that cannot
//! be written for a while, parts marked ahead of the window; every message
//! ends in a final state, none lost, and a part that may have gone twice
//! says so.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use std::time::Duration;

use tether_core::Event;
use tether_core::model::{ConnectionState, MessageStatus, Twice};
use tether_testbed::BlackHoleProxy;
use tether_testbed::ismg::{Ismg, IsmgOptions};

mod common;

use common::WAIT;
use common::sms::{PHONE, account, connected, next, phone, start, status_reached};

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
