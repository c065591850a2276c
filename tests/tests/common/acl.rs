//! The access-rule scenarios every multi-user broker set-up must pass:
//! docs/deploy's Mosquitto (deploy_acl.rs) and the embedded broker's LAN
//! listener (lan_hosting.rs) run the very same cases.

use std::time::Duration;

use rumqttc::{QoS, SubscribeReasonCode};
use tether_tests::RawClient;

const WAIT: Duration = Duration::from_secs(5);
/// How long "not delivered" is watched for, after a later message on the
/// same connection has already arrived (so ordering is on our side).
const SILENCE: Duration = Duration::from_secs(1);

/// What a Tether client subscribes to (as bob).
pub const BOBS_FILTERS: [&str; 4] = [
    "tether/v1/u/bob/inbox/+",
    "tether/v1/r/+/m/+",
    "tether/v1/r/+/meta/+",
    "tether/v1/p/+",
];

/// (spoofed topic, legitimate topic) for alice, one per topic shape.
const SPOOFS: [(&str, &str); 4] = [
    ("tether/v1/u/bob/inbox/carol", "tether/v1/u/bob/inbox/alice"),
    ("tether/v1/r/lobby/m/carol", "tether/v1/r/lobby/m/alice"),
    ("tether/v1/r/lobby/meta/bob", "tether/v1/r/lobby/meta/alice"),
    ("tether/v1/p/bob", "tether/v1/p/alice"),
];

/// Bob subscribes as a Tether client does; each of alice's spoofed
/// publishes is dropped, each of her own arrives.
pub async fn spoofs_are_dropped(bob: &mut RawClient, alice: &mut RawClient) {
    for filter in BOBS_FILTERS {
        let code = bob.subscribe(filter, QoS::AtLeastOnce).await.unwrap();
        assert_eq!(
            code,
            SubscribeReasonCode::Success(QoS::AtLeastOnce),
            "{filter}"
        );
    }
    for (spoofed, legit) in SPOOFS {
        // A denied publish is acknowledged (MQTT 3.1.1 has no way to
        // refuse it) and dropped; the later legit one proves ordering.
        alice
            .publish(spoofed, "spoof", QoS::AtLeastOnce, false)
            .await
            .unwrap();
        alice
            .publish(legit, "legit", QoS::AtLeastOnce, false)
            .await
            .unwrap();
        expect_message(bob, legit, "legit").await;
    }
    expect_silence(bob).await;
}

/// Bob reads his inbox; alice subscribes to it, to every inbox and to
/// everything (each SUBACK code goes to `check_suback`); carol writes to
/// bob: only bob gets it.
pub async fn inboxes_stay_private(
    bob: &mut RawClient,
    alice: &mut RawClient,
    carol: &mut RawClient,
    check_suback: impl Fn(&str, SubscribeReasonCode),
) {
    bob.subscribe("tether/v1/u/bob/inbox/+", QoS::AtLeastOnce)
        .await
        .unwrap();
    for filter in ["tether/v1/u/bob/inbox/+", "tether/v1/u/+/inbox/+", "#"] {
        let code = alice.subscribe(filter, QoS::AtLeastOnce).await.unwrap();
        check_suback(filter, code);
    }
    carol
        .publish(
            "tether/v1/u/bob/inbox/carol",
            "for bob",
            QoS::AtLeastOnce,
            false,
        )
        .await
        .unwrap();
    expect_message(bob, "tether/v1/u/bob/inbox/carol", "for bob").await;
    expect_silence(alice).await;
}

/// Asserts that `client` receives exactly `expected` (topic, payload) next.
pub async fn expect_message(client: &mut RawClient, topic: &str, payload: &str) {
    let msg = client
        .recv(WAIT)
        .await
        .unwrap_or_else(|| panic!("nothing received, expected {topic}"));
    assert_eq!(
        (msg.topic.as_str(), &msg.payload[..]),
        (topic, payload.as_bytes())
    );
}

pub async fn expect_silence(client: &mut RawClient) {
    if let Some(msg) = client.recv(SILENCE).await {
        panic!("unexpected delivery on {}: {:?}", msg.topic, msg.payload);
    }
}
