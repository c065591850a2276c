//! Hostile input: junk published straight to a client's topics must be
//! dropped and counted, crash nothing, and leave the link up.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use std::time::Duration;

use common::{Peer, dm};
use rumqttc::{AsyncClient, MqttOptions, QoS};

use tether_tests::Mosquitto;

use tether_core::model::ConnectionState;
/// A raw MQTT client that does not follow the protocol.
async fn raw_client(port: u16) -> AsyncClient {
    let mut o = MqttOptions::new("mallory-raw", "127.0.0.1", port);
    o.set_max_packet_size(4 << 20, 4 << 20);
    let (client, mut eventloop) = AsyncClient::new(o, 100);
    tokio::spawn(async move { while eventloop.poll().await.is_ok() {} });
    client
}

fn envelope(text: &serde_json::Value, from: Option<&str>) -> Vec<u8> {
    let mut v = serde_json::json!({
        "v": 1, "id": uuid::Uuid::now_v7(), "kind": "msg", "ts": 1_732_233_600_123i64,
        "seq": 1, "body": {"text": text}, "reply_to": null
    });
    if let Some(from) = from {
        v["from"] = from.into();
    }
    v.to_string().into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn junk_is_dropped_counted_and_the_link_stays_up() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut bob = Peer::start(&broker.url(), "bob", dir.path()).await;
    bob.connected().await;
    let mut state = bob.client.connection();
    state.mark_unchanged();

    let mallory = raw_client(broker.port()).await;
    let inbox = "tether/v1/u/bob/inbox/mallory";
    let corpus: Vec<(&str, Vec<u8>)> = vec![
        ("not json", b"hello there".to_vec()),
        ("invalid utf-8", vec![0xff, 0xfe, b'{', 0xc3, 0x28]),
        ("too large", vec![b'x'; 1_100_000]),
        ("json array", b"[1,2,3]".to_vec()),
        (
            "wrong types",
            br#"{"v":"one","id":5,"kind":"msg","ts":"now","body":{"text":7}}"#.to_vec(),
        ),
        (
            "missing id",
            br#"{"v":1,"kind":"msg","ts":1,"body":{"text":"x"}}"#.to_vec(),
        ),
        (
            "spoofed sender",
            envelope(&"I am alice".into(), Some("alice")),
        ),
        (
            "text too long",
            envelope(&"y".repeat(70 * 1024).into(), None),
        ),
        ("deeply nested", "[".repeat(100_000).into_bytes()),
    ];
    let n = corpus.len() as u64;
    for (_, payload) in &corpus {
        mallory
            .publish(inbox, QoS::AtLeastOnce, false, payload.clone())
            .await
            .unwrap();
    }
    // A bad topic for bob: a room message on an inbox-shaped but wrong topic.
    mallory
        .publish(
            "tether/v1/u/bob/inbox/bad id!",
            QoS::AtLeastOnce,
            false,
            envelope(&"x".into(), None),
        )
        .await
        .unwrap();
    // Markup is text: it arrives verbatim, never interpreted.
    let html = "<img src=x onerror=alert(1)><script>alert(2)</script>";
    mallory
        .publish(
            inbox,
            QoS::AtLeastOnce,
            false,
            envelope(&html.into(), Some("mallory")),
        )
        .await
        .unwrap();

    let got = bob.next_message().await;
    assert_eq!(got.text, html);
    assert_eq!(got.sender.as_str(), "mallory");
    assert!(
        bob.client.dropped_count() >= n,
        "dropped {}",
        bob.client.dropped_count()
    );
    assert!(
        !state.has_changed().unwrap(),
        "the link never dropped: {:?}",
        *state.borrow()
    );
    assert!(matches!(*state.borrow(), ConnectionState::Connected { .. }));

    // Nothing spoofed reached the conversation with alice.
    assert!(bob.history(&dm("alice")).await.is_empty());
    // And the client still works both ways.
    let alice = Peer::start(&broker.url(), "alice", dir.path()).await;
    alice.client.send(dm("bob"), "still there?").await.unwrap();
    assert_eq!(bob.next_message().await.text, "still there?");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!state.has_changed().unwrap());
}
