//! The chat features end to end: two or three clients on a real Mosquitto.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use common::{Peer, dm, room};
use tether_core::Event;
use tether_core::model::MessageStatus;

use tether_tests::Mosquitto;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_to_one_round_trip_with_delivered_and_read_receipts() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut alice = Peer::start(&broker.url(), "alice", dir.path()).await;
    let mut bob = Peer::start(&broker.url(), "bob", dir.path()).await;
    alice.connected().await;
    bob.connected().await;

    let sent = alice.client.send(dm("bob"), "hi bob").await.unwrap();
    assert_eq!(sent.status, MessageStatus::Queued);
    let got = bob.next_message().await;
    assert_eq!((got.id, got.text.as_str()), (sent.id, "hi bob"));
    assert_eq!(got.sender.as_str(), "alice");
    assert_eq!(got.conversation, dm("alice"));

    let delivered = |e: &Event| matches!(e, Event::Status { id, status: MessageStatus::Delivered } if *id == sent.id);
    alice.wait_for(delivered).await;

    assert_eq!(bob.client.mark_read(dm("alice")).await.unwrap(), 1);
    let read = |e: &Event| matches!(e, Event::Status { id, status: MessageStatus::Read } if *id == sent.id);
    alice.wait_for(read).await;
    let history = alice.history(&dm("bob")).await;
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].status, MessageStatus::Read);

    // Bob answers; both histories agree.
    bob.client.send(dm("alice"), "hello alice").await.unwrap();
    assert_eq!(alice.next_message().await.text, "hello alice");
    let texts = |h: Vec<tether_core::model::StoredMessage>| {
        h.into_iter().map(|m| m.text).collect::<Vec<_>>()
    };
    assert_eq!(
        texts(alice.history(&dm("bob")).await),
        ["hi bob", "hello alice"]
    );
    assert_eq!(
        texts(bob.history(&dm("alice")).await),
        ["hi bob", "hello alice"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn room_messages_fan_out_to_every_member() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut peers = Vec::new();
    for user in ["alice", "bob", "carol"] {
        let p = Peer::start(&broker.url(), user, dir.path()).await;
        p.connected().await;
        p.client
            .join_room("dev".parse().unwrap(), None)
            .await
            .unwrap();
        p.client.flush(common::WAIT).await.unwrap();
        peers.push(p);
    }
    // Everyone learns the others joined, from the retained room meta.
    let rooms = peers[0].client.rooms().await.unwrap();
    assert_eq!(rooms.len(), 1);

    let sent = peers[0]
        .client
        .send(room("dev"), "standup in 5")
        .await
        .unwrap();
    for p in &mut peers[1..] {
        let got = p.next_message().await;
        assert_eq!((got.id, got.conversation.clone()), (sent.id, room("dev")));
    }
    // The sender does not receive its own message as new.
    assert_eq!(peers[0].history(&room("dev")).await.len(), 1);

    // Leaving stops the fan-out to that member.
    peers[2]
        .client
        .leave_room("dev".parse().unwrap())
        .await
        .unwrap();
    peers[2].client.flush(common::WAIT).await.unwrap();
    peers[0]
        .client
        .send(room("dev"), "after carol left")
        .await
        .unwrap();
    assert_eq!(peers[1].next_message().await.text, "after carol left");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(peers[2].history(&room("dev")).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recipient_offline_gets_everything_when_back() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let alice = Peer::start(&broker.url(), "alice", dir.path()).await;
    let bob = Peer::start(&broker.url(), "bob", dir.path()).await;
    alice.connected().await;
    bob.connected().await;
    let bob_account = bob.account.clone();
    bob.client.shutdown().await;

    for i in 0..20 {
        alice.client.send(dm("bob"), format!("m{i}")).await.unwrap();
    }
    assert!(alice.client.flush(common::WAIT).await.unwrap());

    let mut bob = Peer::with_account(bob_account, dir.path()).await;
    let got = bob.messages(20).await;
    let mut texts: Vec<_> = got.iter().map(|m| m.text.clone()).collect();
    texts.sort_by_key(|t| t[1..].parse::<u32>().unwrap());
    assert_eq!(texts, (0..20).map(|i| format!("m{i}")).collect::<Vec<_>>());
    let history = bob.history(&dm("alice")).await;
    assert_eq!(history.len(), 20);
    assert!(
        history
            .windows(2)
            .all(|w| (w[0].ts, w[0].id) < (w[1].ts, w[1].id))
    );
    assert!(bob.client.gaps(dm("alice")).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sender_offline_flushes_its_outbox_in_order_when_back() {
    let mut broker = Mosquitto::start_with(tether_tests::MosquittoOptions {
        persistence: true,
        ..Default::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let alice = Peer::start(&broker.url(), "alice", dir.path()).await;
    let mut bob = Peer::start(&broker.url(), "bob", dir.path()).await;
    alice.connected().await;
    bob.connected().await;

    broker.stop().unwrap();
    for i in 0..50 {
        let m = alice.client.send(dm("bob"), format!("m{i}")).await.unwrap();
        assert_eq!(m.status, MessageStatus::Queued);
    }
    assert_eq!(alice.client.outbox_len().await.unwrap(), 50);
    broker.restart().unwrap();

    let got = bob.messages(50).await;
    let seqs: Vec<_> = got.iter().map(|m| m.seq.unwrap()).collect();
    assert_eq!(
        seqs,
        (1..=50).collect::<Vec<u64>>(),
        "arrival order is send order"
    );
    assert!(alice.client.flush(common::WAIT).await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_is_retained_and_typing_is_relayed() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let alice = Peer::start(&broker.url(), "alice", dir.path()).await;
    alice.connected().await;
    // Bob connects later and still learns alice is online (retained).
    let mut bob = Peer::start(&broker.url(), "bob", dir.path()).await;
    bob.wait_for(|e| matches!(e, Event::Presence { user, state: tether_core::model::PresenceState::Online, .. } if user.as_str() == "alice")).await;

    alice.client.typing(dm("bob"), true).await.unwrap();
    bob.wait_for(
        |e| matches!(e, Event::Typing { user, active: true, .. } if user.as_str() == "alice"),
    )
    .await;

    alice
        .client
        .set_presence(tether_core::model::PresenceState::Away)
        .await
        .unwrap();
    bob.wait_for(|e| {
        matches!(
            e,
            Event::Presence {
                state: tether_core::model::PresenceState::Away,
                ..
            }
        )
    })
    .await;

    // A clean shutdown says offline explicitly.
    alice.client.shutdown().await;
    bob.wait_for(|e| matches!(e, Event::Presence { user, state: tether_core::model::PresenceState::Offline, .. } if user.as_str() == "alice")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_sides_index_messages_for_search_once_the_stream_pauses() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let alice = Peer::start(&broker.url(), "alice", dir.path()).await;
    let mut bob = Peer::start(&broker.url(), "bob", dir.path()).await;
    alice.connected().await;
    bob.connected().await;

    let texts = ["striped zebra", "天气预报 zebra", "no match"];
    alice
        .client
        .send_many(dm("bob"), texts.iter().map(|t| t.to_string()))
        .await
        .unwrap();
    for _ in texts {
        bob.next_message().await;
    }
    // Nobody searches: the engines index on their own, soon after.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    for peer in [&alice, &bob] {
        let store = tether_core::store::Store::open(&peer.store_path).unwrap();
        while store.unindexed().unwrap() > 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "{} never indexed its messages",
                peer.account.user
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
    for peer in [&alice, &bob] {
        let found = peer.client.search("zebra".into(), 10).await.unwrap();
        assert_eq!(found.len(), 2, "{}", peer.account.user);
        let cjk = peer.client.search("天气预".into(), 10).await.unwrap();
        assert_eq!(cjk.len(), 1, "{}", peer.account.user);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_account_refuses_a_telephone_number_clearly_and_stores_nothing() {
    use tether_core::ClientError;
    use tether_core::model::ConversationId;

    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let alice = Peer::start(&broker.url(), "alice", dir.path()).await;
    alice.connected().await;
    let phone = ConversationId::Phone("+8613800138000".parse().unwrap());
    let refused = alice.client.send(phone.clone(), "hi").await;
    let Err(ClientError::WrongChannel(conversation)) = refused else {
        panic!("{refused:?}")
    };
    assert_eq!(conversation, phone);
    assert!(alice.history(&phone).await.is_empty());
    assert_eq!(alice.client.outbox_len().await.unwrap(), 0);
    // Typing to it is a no-op, not an error.
    alice.client.typing(phone, true).await.unwrap();
}
