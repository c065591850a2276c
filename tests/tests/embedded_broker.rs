//! `tether serve` (the embedded broker) with `tether` clients, for the
//! cases the app and CLI rely on against Mosquitto: a round trip, a message
//! waiting for a recipient who is away, the `delivered` receipt, and a
//! sender whose broker is down (queued, then sent once it is back).
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::cli::{Running, cli_user, run, tether};
use serde_json::Value;

const RUN: Duration = Duration::from_secs(60);

/// `tether serve` on `listen`; returns it with the URL it printed.
async fn serve(home: &Path, listen: &str) -> (Running, String) {
    let mut broker = Running::spawn(tether(home, &["serve", "--listen", listen]));
    let line = broker
        .wait_json("the broker listening", |l| l["type"] == "listening")
        .await;
    let url = line["url"].as_str().unwrap().to_owned();
    (broker, url)
}

fn outgoing_status(history: &[Value], text: &str) -> Option<String> {
    history
        .iter()
        .find(|m| m["text"] == text && m["outgoing"] == true)
        .map(|m| m["status"].as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn clients_chat_over_the_embedded_broker_also_when_one_is_away_or_it_restarts() {
    let scratch = tempfile::tempdir().unwrap();
    let (broker, url) = serve(scratch.path(), "127.0.0.1:0").await;
    let (alice_home, bob_home) = (scratch.path().join("alice"), scratch.path().join("bob"));
    let alice = cli_user(alice_home.clone(), &url, "alice", None);
    let bob = cli_user(bob_home.clone(), &url, "bob", None);

    // bob has a session, then is away while alice writes.
    bob(&["listen", "--timeout", "1"]).expect_code(0);
    alice(&["send", "--to", "bob", "written while bob was away"]).expect_code(0);
    let heard = bob(&["listen", "--count", "1", "--timeout", "20"]);
    heard.expect_code(0);
    assert!(
        heard.json().iter().any(|l| l["type"] == "message"
            && l["message"]["text"] == "written while bob was away"),
        "{heard:#?}"
    );

    // bob's client answered with a `delivered` receipt: alice's history
    // says so once her client has collected it.
    let deadline = Instant::now() + RUN;
    loop {
        alice(&["listen", "--timeout", "2"]).expect_code(0);
        let history = alice(&["history", "--with", "bob"]);
        let status = outgoing_status(&history.json(), "written while bob was away");
        if status.as_deref() == Some("delivered") {
            break;
        }
        assert!(Instant::now() < deadline, "never delivered: {status:?}");
    }

    // The broker stops: alice's message waits in her outbox (exit 4 says
    // so). The broker comes back on the same address with nothing in
    // memory; once bob is subscribed again, alice's next run sends it.
    let addr = url.trim_start_matches("mqtt://").to_owned();
    drop(broker);
    let queued = alice(&[
        "send",
        "--wait",
        "2",
        "--to",
        "bob",
        "written while the broker was down",
    ]);
    queued.expect_code(4);
    assert_eq!(
        outgoing_status(
            &alice(&["history", "--with", "bob"]).json(),
            "written while the broker was down"
        )
        .as_deref(),
        Some("queued")
    );
    let (_broker, again) = serve(scratch.path(), &addr).await;
    assert_eq!(again, url);
    bob(&["listen", "--timeout", "1"]).expect_code(0);
    alice(&["listen", "--timeout", "2"]).expect_code(0);
    let heard = bob(&["listen", "--count", "1", "--timeout", "20"]);
    assert!(
        heard.stdout.contains("written while the broker was down"),
        "{heard:#?}"
    );
}

#[tokio::test]
async fn a_taken_address_is_a_clear_error() {
    let scratch = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let ran = run(
        tether(scratch.path(), &["serve", "--listen", &addr]),
        "",
        RUN,
    );
    ran.expect_code(1);
    assert!(
        ran.stderr.contains("cannot listen on") && ran.stderr.contains("another broker"),
        "{ran:#?}"
    );
}

#[tokio::test]
async fn the_embedded_broker_carries_the_largest_envelope_the_protocol_allows() {
    use rumqttc::QoS;
    use tether_core::protocol::{MAX_ENVELOPE_BYTES, MAX_ID_LEN};
    use tether_tests::{RawClient, raw_options};

    let scratch = tempfile::tempdir().unwrap();
    let (_broker, url) = serve(scratch.path(), "127.0.0.1:0").await;
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    let mut bob = RawClient::connect(raw_options(port, "bob-raw", None))
        .await
        .unwrap();
    bob.subscribe("tether/v1/u/+/inbox/+", QoS::AtLeastOnce)
        .await
        .unwrap();
    let mut alice = RawClient::connect(raw_options(port, "alice-raw", None))
        .await
        .unwrap();
    // The longest ids make the longest topic Tether publishes on; the
    // broker used to count it against the envelope's limit and reset the
    // link for envelopes in the last bytes below it.
    let (to, from) = ("b".repeat(MAX_ID_LEN), "a".repeat(MAX_ID_LEN));
    let topic = format!("tether/v1/u/{to}/inbox/{from}");
    let envelope = vec![b' '; MAX_ENVELOPE_BYTES];
    alice
        .publish(&topic, envelope.clone(), QoS::AtLeastOnce, false)
        .await
        .expect("the broker acknowledges the largest envelope");
    let got = bob.recv(Duration::from_secs(20)).await.expect("delivered");
    assert_eq!(
        (got.topic.as_str(), got.payload.len()),
        (topic.as_str(), MAX_ENVELOPE_BYTES)
    );
}

#[tokio::test]
async fn ordinary_client_comings_and_goings_are_not_logged_as_errors() {
    use rumqttc::QoS;
    use tether_tests::{RawClient, raw_options};

    let scratch = tempfile::tempdir().unwrap();
    // Info and above: what an operator running `TETHER_LOG=info` reads.
    let mut cmd = tether(scratch.path(), &["serve", "--listen", "127.0.0.1:0"]);
    cmd.env("TETHER_LOG", "info");
    let mut broker = Running::spawn(cmd);
    let line = broker
        .wait_json("the broker listening", |l| l["type"] == "listening")
        .await;
    let url = line["url"].as_str().unwrap().to_owned();
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();

    // A probe that never speaks MQTT, a clean disconnect, a client that
    // vanishes without DISCONNECT: each an everyday event.
    drop(std::net::TcpStream::connect(("127.0.0.1", port)).unwrap());
    let mut clean = RawClient::connect(raw_options(port, "clean", None))
        .await
        .unwrap();
    clean.subscribe("t/#", QoS::AtLeastOnce).await.unwrap();
    clean.disconnect().await.unwrap();
    let vanishing = RawClient::connect(raw_options(port, "vanishing", None))
        .await
        .unwrap();
    drop(vanishing);
    // A client that connects after them all shows the broker handled them.
    let mut last = RawClient::connect(raw_options(port, "last", None))
        .await
        .unwrap();
    last.subscribe("t/#", QoS::AtLeastOnce).await.unwrap();
    last.publish("t/x", "hi", QoS::AtLeastOnce, false)
        .await
        .unwrap();
    assert!(last.recv(Duration::from_secs(10)).await.is_some());
    let transcript = broker.transcript();
    assert!(!transcript.contains("ERROR"), "{transcript}");
}
