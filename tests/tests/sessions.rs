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
use tether_core::model::{ConnectionState, MessageStatus, PresenceState};

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

/// A broker started with `options` and alice and bob connected to it (their
/// stores in the returned directory).
async fn alice_and_bob(options: MosquittoOptions) -> (Mosquitto, tempfile::TempDir, Peer, Peer) {
    let broker = Mosquitto::start_with(options).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let alice = Peer::start(&broker.url(), "alice", dir.path()).await;
    let bob = Peer::start(&broker.url(), "bob", dir.path()).await;
    alice.connected().await;
    bob.connected().await;
    (broker, dir, alice, bob)
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
    let (mut broker, _dir, mut alice, mut bob) = alice_and_bob(MosquittoOptions::default()).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rooms_joined_or_left_while_away_are_followed_on_a_kept_session() {
    // Persistence: the broker keeps bob's session across its restart, so
    // bob reconnects with session_present = true, the usual case.
    let (mut broker, _dir, mut alice, mut bob) = alice_and_bob(MosquittoOptions {
        persistence: true,
        ..Default::default()
    })
    .await;
    bob.client
        .join_room("old".parse().unwrap(), None)
        .await
        .unwrap();
    assert!(bob.client.flush(WAIT).await.unwrap());

    broker.stop().unwrap();
    bob.wait_for(|e| {
        matches!(
            e,
            Event::Connection {
                state: ConnectionState::Waiting { .. }
            }
        )
    })
    .await;
    // While the link is down: the store changes, the broker cannot hear.
    bob.client
        .join_room("new".parse().unwrap(), None)
        .await
        .unwrap();
    bob.client.leave_room("old".parse().unwrap()).await.unwrap();
    broker.restart().unwrap();
    // "Connected" waits for the broker to confirm the new subscription.
    bob.wait_for(|e| {
        matches!(
            e,
            Event::Connection {
                state: ConnectionState::Connected { .. }
            }
        )
    })
    .await;
    reconnected(&mut alice).await;

    alice
        .client
        .send(common::room("old"), "to the room bob left")
        .await
        .unwrap();
    let sent = alice
        .client
        .send(common::room("new"), "to the room bob joined while away")
        .await
        .unwrap();
    // One sender, one broker: bob hears them in order, so the first he
    // hears shows both that he joined "new" and that he left "old".
    let got = bob.next_message().await;
    assert_eq!(
        (got.id, &got.conversation),
        (sent.id, &common::room("new")),
        "{}",
        broker.log()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_the_broker_keeps_refusing_is_set_aside_and_the_rest_goes_out() {
    // Mosquitto disconnects a client that sends a packet over this size,
    // as the embedded broker did with envelopes near its limit.
    let (broker, _dir, mut alice, mut bob) = alice_and_bob(MosquittoOptions {
        max_packet_size: Some(2_048),
        ..Default::default()
    })
    .await;

    let big = alice
        .client
        .send(dm("bob"), "x".repeat(4_000))
        .await
        .unwrap();
    let after = alice.client.send(dm("bob"), "sent after it").await.unwrap();
    let failed = failed_after_retries(&mut alice, big.id, &broker).await;
    assert_eq!(failed, big.id);
    // The rest of the outbox went on without it.
    let got = bob.next_message().await;
    assert_eq!((got.id, got.text.as_str()), (after.id, "sent after it"));
    let listed: Vec<_> = alice.client.failed_messages().await.unwrap();
    assert_eq!(listed.iter().map(|m| m.id).collect::<Vec<_>>(), [big.id]);
    assert_eq!(listed[0].status, MessageStatus::Failed);
    assert!(
        alice.client.flush(WAIT).await.unwrap(),
        "nothing else waits"
    );

    // Retry: queued again, refused again, set aside again.
    alice.client.retry_failed(big.id).await.unwrap();
    alice
        .wait_for(
            |e| matches!(e, Event::Status { id, status: MessageStatus::Queued } if *id == big.id),
        )
        .await;
    failed_after_retries(&mut alice, big.id, &broker).await;

    // Delete: gone from the history and the list, for good.
    alice.client.delete_failed(big.id).await.unwrap();
    alice
        .wait_for(|e| matches!(e, Event::Removed { id, .. } if *id == big.id))
        .await;
    let history = alice.history(&dm("bob")).await;
    assert_eq!(history.iter().map(|m| m.id).collect::<Vec<_>>(), [after.id]);
    assert!(alice.client.failed_messages().await.unwrap().is_empty());
    assert!(matches!(
        alice.client.delete_failed(big.id).await,
        Err(tether_core::ClientError::NotFailed(_))
    ));
}

/// Waits until message `id` is set aside as failed, skipping the backoff
/// between the links the broker closes on it; returns its id.
async fn failed_after_retries(
    peer: &mut Peer,
    id: tether_core::protocol::MessageId,
    broker: &Mosquitto,
) -> tether_core::protocol::MessageId {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut seen = Vec::new();
    loop {
        let Ok(event) = tokio::time::timeout_at(deadline, peer.events.recv()).await else {
            panic!(
                "never failed; events: {seen:#?}\nbroker log:\n{}",
                broker.log()
            );
        };
        let event = event.unwrap();
        match &event {
            Event::Status {
                id: got,
                status: MessageStatus::Failed,
            } if *got == id => return *got,
            Event::Connection {
                state: ConnectionState::Waiting { .. },
            } => {
                peer.client.retry_now().await.unwrap();
            }
            _ => {}
        }
        seen.push(format!("{event:?}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_process_of_an_account_does_not_take_over_the_first() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut carol = Peer::start(&broker.url(), "carol", dir.path()).await;
    carol.connected().await;
    let mut bob = Peer::start(&broker.url(), "bob", dir.path()).await;
    bob.connected().await;
    assert_eq!(
        next_presence(&mut carol, "bob").await,
        PresenceState::Online
    );

    // `tether send` while the app runs: the same account and store.
    let second = Peer::with_account(bob.account.clone(), dir.path()).await;
    second.connected().await;
    let sent = second
        .client
        .send(dm("carol"), "from the second")
        .await
        .unwrap();
    // And joins a room (`tether rooms join team`): the store says joined,
    // so the first process's session must follow, not only the second's.
    second
        .client
        .join_room("team".parse().unwrap(), None)
        .await
        .unwrap();
    assert!(second.client.flush(WAIT).await.unwrap());
    second.client.shutdown().await;
    assert_eq!(carol.next_message().await.id, sent.id);
    // The first subscribed to the room: it hears the room's member list.
    bob.wait_for(
        |e| matches!(e, Event::Member { room, joined: true, .. } if room.as_str() == "team"),
    )
    .await;
    let to_room = carol
        .client
        .send(common::room("team"), "to the room bob joined from the cli")
        .await
        .unwrap();
    assert_eq!(bob.next_message().await.id, to_room.id);

    // The first kept its link all along, and carol never saw bob leave.
    let after = bob
        .client
        .send(dm("carol"), "from the first")
        .await
        .unwrap();
    assert_eq!(carol.next_message().await.id, after.id);
    while let Ok(event) = bob.events.try_recv() {
        assert!(
            !matches!(
                event,
                Event::Connection {
                    state: ConnectionState::Waiting { .. }
                }
            ),
            "the first process lost its link: {event:?}\n{}",
            broker.log()
        );
    }
    while let Ok(event) = carol.events.try_recv() {
        let offline = matches!(
            &event,
            Event::Presence { user, state: PresenceState::Offline, .. } if user.as_str() == "bob"
        );
        assert!(!offline, "bob blinked offline: {event:?}");
    }
}
