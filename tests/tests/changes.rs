//! Edits, deletes and reactions (extension 11) between clients on a real
//! Mosquitto: everyone sees them, only the author may edit or delete, and
//! changes that arrive before their message, twice, or forged are handled.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use std::time::Duration;

use common::{Peer, dm, room};
use rumqttc::QoS;
use serde_json::json;
use tether_core::Event;
use tether_core::model::{Deletion, MessageChange, StoredMessage};
use tether_core::protocol::MessageId;

use tether_tests::{Mosquitto, RawClient, raw_options};

/// The next `Changed` event for message `id`.
async fn changed(peer: &mut Peer, id: MessageId) -> StoredMessage {
    match peer
        .wait_for(|e| matches!(e, Event::Changed { message } if message.id == id))
        .await
    {
        Event::Changed { message } => message,
        _ => unreachable!(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_sees_edits_reactions_and_a_delete_and_search_forgets_the_old_text() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let [mut alice, mut bob, mut carol] = common::room_of_three(&broker.url(), dir.path()).await;

    let sent = alice
        .client
        .send(room("dev"), "deploy at 5pm")
        .await
        .unwrap();
    for peer in [&mut bob, &mut carol] {
        assert_eq!(peer.next_message().await.id, sent.id);
    }

    let edit = MessageChange::Edit("deploy at 6pm".into());
    let mine = alice.client.change_message(sent.id, edit).await.unwrap();
    assert_eq!(mine.text, "deploy at 6pm");
    for peer in [&mut bob, &mut carol] {
        let seen = changed(peer, sent.id).await;
        assert_eq!(seen.text, "deploy at 6pm");
        assert!(seen.changes.edited_ts.is_some());
    }
    let found = bob.client.search("6pm".into(), 10).await.unwrap();
    assert_eq!(found.len(), 1);
    assert!(
        bob.client
            .search("5pm".into(), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let history = bob.client.reader().edit_history(sent.id).await.unwrap();
    let texts: Vec<&str> = history.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(texts, ["deploy at 5pm", "deploy at 6pm"]);

    // Bob may not edit alice's message: refused in words, nothing sent.
    let refused = bob
        .client
        .change_message(sent.id, MessageChange::Edit("deploy now".into()))
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("only its author"), "{refused}");

    for peer in [&bob, &carol] {
        let react = MessageChange::React {
            emoji: "👍".into(),
            on: true,
        };
        peer.client.change_message(sent.id, react).await.unwrap();
    }
    let counted = alice
        .wait_for(|e| {
            matches!(e, Event::Changed { message }
                if message.id == sent.id && message.changes.reactions.first()
                    .is_some_and(|r| r.users.len() == 2))
        })
        .await;
    let Event::Changed { message } = counted else {
        unreachable!()
    };
    let who: Vec<&str> = message.changes.reactions[0]
        .users
        .iter()
        .map(|u| u.as_str())
        .collect();
    assert_eq!(message.changes.reactions[0].emoji, "👍");
    assert!(who.contains(&"bob") && who.contains(&"carol"), "{who:?}");

    alice
        .client
        .change_message(sent.id, MessageChange::Delete)
        .await
        .unwrap();
    for peer in [&mut bob, &mut carol] {
        let gone = peer
            .wait_for(|e| {
                matches!(e, Event::Changed { message }
                    if message.id == sent.id && message.changes.deleted.is_some())
            })
            .await;
        let Event::Changed { message } = gone else {
            unreachable!()
        };
        assert_eq!(message.text, "");
        assert_eq!(message.changes.deleted, Some(Deletion::Everyone));
        assert!(message.changes.reactions.is_empty());
    }
    assert!(
        carol
            .client
            .search("deploy".into(), 10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_made_while_the_reader_was_away_reaches_them_on_return() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let alice = Peer::start(&broker.url(), "alice", dir.path()).await;
    let mut bob = Peer::start(&broker.url(), "bob", dir.path()).await;
    alice.connected().await;
    bob.connected().await;
    let sent = alice
        .client
        .send(dm("bob"), "see you tomorow")
        .await
        .unwrap();
    assert_eq!(bob.next_message().await.id, sent.id);
    bob.client.shutdown().await;
    let fix = MessageChange::Edit("see you tomorrow".into());
    alice.client.change_message(sent.id, fix).await.unwrap();
    assert!(alice.client.flush(Duration::from_secs(10)).await.unwrap());
    let bob = Peer::with_account(bob.account.clone(), dir.path()).await;
    let mut bob = bob;
    let seen = changed(&mut bob, sent.id).await;
    assert_eq!(seen.text, "see you tomorrow");
}

/// An envelope of `kind` from `from`, with a fresh id unless given.
fn envelope(kind: &str, from: &str, body: serde_json::Value, seq: Option<u64>) -> Vec<u8> {
    let mut v = json!({
        "v": 1, "id": uuid::Uuid::now_v7(), "kind": kind, "ts": tether_core::clock::now_ms(),
        "from": from, "body": body, "reply_to": null
    });
    if let Some(seq) = seq {
        v["seq"] = seq.into();
    }
    v.to_string().into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_before_their_message_twice_or_forged_show_once_and_right() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut bob = Peer::start(&broker.url(), "bob", dir.path()).await;
    bob.connected().await;
    // Another client, as alice and as mallory: not Tether, so nothing
    // keeps it from sending things in any order (the test broker has no ACL).
    let mut raw = RawClient::connect(raw_options(broker.port(), "raw", None))
        .await
        .unwrap();
    let from_alice = "tether/v1/u/bob/inbox/alice";
    let from_mallory = "tether/v1/u/bob/inbox/mallory";
    let original = uuid::Uuid::now_v7();

    // The edit overtakes its message, and comes twice; a reaction too.
    let edit = envelope(
        "edit",
        "alice",
        json!({"of": original, "text": "the right text"}),
        None,
    );
    for _ in 0..2 {
        raw.publish(from_alice, edit.clone(), QoS::AtLeastOnce, false)
            .await
            .unwrap();
    }
    let react = json!({"of": original, "emoji": "🎉", "on": true});
    raw.publish(
        from_alice,
        envelope("reaction", "alice", react, None),
        QoS::AtLeastOnce,
        false,
    )
    .await
    .unwrap();
    // Mallory tries to edit alice's message (in the wrong conversation,
    // too) and to delete it.
    let dropped_before = bob.client.dropped_count();
    for (kind, body) in [
        (
            "edit",
            json!({"of": original, "text": "send money to mallory"}),
        ),
        ("delete", json!({"of": original})),
    ] {
        raw.publish(
            from_mallory,
            envelope(kind, "mallory", body, None),
            QoS::AtLeastOnce,
            false,
        )
        .await
        .unwrap();
    }
    let mut message = json!({
        "v": 1, "id": original, "kind": "msg", "ts": tether_core::clock::now_ms(),
        "from": "alice", "seq": 1, "body": {"text": "the wrong txet"}, "reply_to": null
    });
    raw.publish(from_alice, message.to_string(), QoS::AtLeastOnce, false)
        .await
        .unwrap();
    let got = bob.next_message().await;
    assert_eq!(got.id, original);
    assert_eq!(got.text, "the right text");
    assert_eq!(got.changes.reactions[0].emoji, "🎉");

    // The message again (a resend), and the edit again: nothing new shows.
    raw.publish(from_alice, message.to_string(), QoS::AtLeastOnce, false)
        .await
        .unwrap();
    raw.publish(from_alice, edit, QoS::AtLeastOnce, false)
        .await
        .unwrap();
    // A marker after them: once it is here, they have been handled.
    message["id"] = json!(uuid::Uuid::now_v7());
    message["seq"] = json!(2);
    message["body"] = json!({"text": "marker"});
    raw.publish(from_alice, message.to_string(), QoS::AtLeastOnce, false)
        .await
        .unwrap();
    let next = bob
        .wait_for(|e| matches!(e, Event::Message { .. } | Event::Changed { .. }))
        .await;
    assert!(
        matches!(&next, Event::Message { message } if message.text == "marker"),
        "{next:?}"
    );
    let history = bob.history(&dm("alice")).await;
    assert_eq!(history[0].text, "the right text");
    assert_eq!(history.len(), 2);
    assert!(bob.history(&dm("mallory")).await.is_empty());
    assert!(bob.client.dropped_count() >= dropped_before + 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_still_queued_cannot_be_hidden_as_if_it_would_not_go() {
    let dir = tempfile::tempdir().unwrap();
    // No broker there: the message stays queued.
    let alice = Peer::start("mqtt://127.0.0.1:9", "alice", dir.path()).await;
    let queued = alice.client.send(dm("bob"), "not yet sent").await.unwrap();
    let refused = alice
        .client
        .change_message(queued.id, MessageChange::DeleteForMe)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("still waiting"), "{refused}");
    assert_eq!(alice.history(&dm("bob")).await.len(), 1);
    let through_the_reader = alice.client.reader().delete_for_me(queued.id).await;
    assert!(through_the_reader.is_err());
}
