//! What the broker keeps or forgets per client, and how Tether copes: the
//! Last Will of a killed client, messages dropped past the broker's queue
//! limit (reported as a seq gap, never silently), and a session the broker
//! lost in a restart (the client subscribes again by itself).
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use std::time::Duration;

use common::cli::{Running, is_connected, tether};
use common::{Peer, WAIT, dm};
use rumqttc::QoS;
use tether_core::Event;
use tether_core::protocol::PresenceState;
use tether_core::supervisor::ConnectionState;
use tether_tests::{LinkEvent, Mosquitto, MosquittoOptions, RawClient, raw_options};

/// The next presence `peer` hears for `user` (others' are skipped).
async fn next_presence(peer: &mut Peer, user: &str) -> PresenceState {
    let event = peer
        .wait_for(|e| matches!(e, Event::Presence { user: u, .. } if u.as_str() == user))
        .await;
    match event {
        Event::Presence { state, .. } => state,
        _ => unreachable!(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_client_is_reported_offline_by_its_last_will() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut bob = Peer::start(&broker.url(), "bob", dir.path()).await;
    bob.connected().await;

    let home = dir.path().join("carol-home");
    let url = broker.url();
    let mut carol = Running::spawn(tether(
        &home,
        &["--broker", url.as_str(), "--user", "carol", "listen"],
    ));
    carol.wait_json("carol connected", is_connected).await;
    assert_eq!(
        next_presence(&mut bob, "carol").await,
        PresenceState::Online
    );

    // SIGKILL: carol cannot say goodbye, so only the broker, publishing her
    // will when the socket closes, can tell bob.
    carol.kill9();
    assert_eq!(
        next_presence(&mut bob, "carol").await,
        PresenceState::Offline,
        "{}",
        broker.log()
    );

    // The will is retained: someone connecting later learns it first thing
    // (not carol's older retained "online").
    let mut dave = Peer::start(&broker.url(), "dave", dir.path()).await;
    assert_eq!(
        next_presence(&mut dave, "carol").await,
        PresenceState::Offline
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_the_broker_drops_past_its_queue_limit_are_reported_as_a_gap() {
    let broker = Mosquitto::start_with(MosquittoOptions {
        max_queued_messages: Some(5),
        ..Default::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let alice = Peer::start(&broker.url(), "alice", dir.path()).await;
    alice.connected().await;
    // Bob connects once so the broker holds a session (and a queue) for him.
    let bob = Peer::start(&broker.url(), "bob", dir.path()).await;
    bob.connected().await;
    let bob_account = bob.account.clone();
    bob.client.shutdown().await;

    for i in 1..=10 {
        alice.client.send(dm("bob"), format!("m{i}")).await.unwrap();
    }
    assert!(alice.client.flush(WAIT).await.unwrap());

    // Mosquitto keeps the oldest messages and drops newer ones once bob's
    // queue holds 5. Not all 5 places go to alice's messages: bob's own
    // presence updates (he subscribes to everyone's, his own included) can
    // be queued too, so only the oldest k < 10 of hers can arrive.
    let mut bob = Peer::with_account(bob_account, dir.path()).await;
    let first = bob.next_message().await;
    assert_eq!(first.seq, Some(1), "the oldest is kept");
    // Anything else queued arrives right behind it, before the m11 below.
    alice.client.send(dm("bob"), "m11").await.unwrap();
    let Event::Gap { gap } = bob.wait_for(|e| matches!(e, Event::Gap { .. })).await else {
        unreachable!()
    };
    let kept = gap.first - 1;
    assert!((1..=5).contains(&kept), "{gap:?}\n{}", broker.log());
    assert_eq!(
        (&gap.conversation, gap.sender.as_str(), gap.last),
        (&dm("alice"), "alice", 10)
    );
    assert_eq!(bob.client.gaps(dm("alice")).await.unwrap(), [gap]);
    // Exactly the oldest `kept` arrived, then m11: nothing else was lost.
    let deadline = tokio::time::Instant::now() + WAIT;
    let expected: Vec<u64> = (1..=kept).chain([11]).collect();
    loop {
        let stored: Vec<_> = bob
            .history(&dm("alice"))
            .await
            .iter()
            .map(|m| m.seq.unwrap())
            .collect();
        if stored == expected {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline && stored.len() < expected.len(),
            "stored seqs {stored:?}, expected {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until `peer` has lost its link and then got it back.
async fn reconnected(peer: &mut Peer) {
    peer.wait_for(|e| {
        matches!(
            e,
            Event::Connection {
                state: ConnectionState::Waiting { .. }
            }
        )
    })
    .await;
    peer.wait_for(|e| {
        matches!(
            e,
            Event::Connection {
                state: ConnectionState::Connected { .. }
            }
        )
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_that_lost_the_session_gets_the_subscriptions_again() {
    // No persistence: after a crash the broker knows no session at all and
    // answers the reconnect with session_present = false.
    let mut broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut alice = Peer::start(&broker.url(), "alice", dir.path()).await;
    let mut bob = Peer::start(&broker.url(), "bob", dir.path()).await;
    alice.connected().await;
    bob.connected().await;
    // The control: a plain client that asked the broker to keep its session
    // and, after reconnecting, trusts that it did. It must miss the message,
    // or bob getting it would not show that bob subscribed again.
    let mut options = raw_options(broker.port(), "trusting", None);
    options.set_clean_session(false);
    let mut trusting = RawClient::connect(options).await.unwrap();
    let inbox = "tether/v1/u/bob/inbox/+";
    trusting.subscribe(inbox, QoS::AtLeastOnce).await.unwrap();

    broker.kill9().unwrap();
    broker.restart().unwrap();
    // "Connected" comes only after the broker confirmed the subscriptions,
    // so nothing sent from here on can miss bob.
    reconnected(&mut alice).await;
    reconnected(&mut bob).await;
    // rumqttc reconnects by itself (without subscribing again).
    while trusting.link_event(WAIT).await.unwrap() != LinkEvent::Connected {}

    let sent = alice
        .client
        .send(dm("bob"), "after the broker forgot us")
        .await
        .unwrap();
    let got = bob.next_message().await;
    assert_eq!(
        (got.id, got.text.as_str()),
        (sent.id, "after the broker forgot us"),
        "{}",
        broker.log()
    );
    // Delivered to bob already, so it would have reached the control too.
    let stray = trusting.recv(Duration::from_millis(500)).await;
    assert!(stray.is_none(), "the broker kept the session: {stray:?}");
}
