//! The production broker set-up in `docs/deploy/` does what the docs claim.
//!
//! Mosquitto runs with `docs/deploy/mosquitto.conf` itself, only the port
//! and file paths rewritten, and with `docs/deploy/acl` verbatim. Raw MQTT
//! 3.1.1 clients at QoS 1 then check that every user can write only topics
//! ending in their own name, read only their own inbox, and that logins and
//! the envelope size limit are enforced.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use std::io;
use std::path::Path;
use std::time::Duration;

use common::acl::{expect_message, expect_silence, inboxes_stay_private, spoofs_are_dropped};
use rumqttc::{ConnectReturnCode, ConnectionError, QoS};
use tempfile::TempDir;
use tether_tests::{
    MOSQUITTO_LOG_FILE, Mosquitto, RawClient, mosquitto_passwd, raw_options, workspace_root,
};

const WAIT: Duration = Duration::from_secs(5);
/// MAX_ENVELOPE_BYTES of tether-core; the docs' message_size_limit.
const ENVELOPE_LIMIT: usize = 256 * 1024;

/// A broker configured from docs/deploy plus the users' password file.
struct Deployed {
    broker: Mosquitto,
    _secrets: TempDir,
}

impl Deployed {
    fn start() -> io::Result<Deployed> {
        let secrets = tempfile::tempdir()?;
        let passwd = secrets.path().join("passwd");
        for user in ["alice", "bob", "carol"] {
            mosquitto_passwd(&passwd, user, &format!("{user}-secret"))?;
        }
        let docs = workspace_root().join("docs/deploy");
        let conf = std::fs::read_to_string(docs.join("mosquitto.conf"))?;
        let acl = docs.join("acl");
        let broker = Mosquitto::start_raw(|port, dir| rewrite(&conf, port, dir, &passwd, &acl))
            .map_err(|e| io::Error::new(e.kind(), format!("docs/deploy/mosquitto.conf: {e}")))?;
        Ok(Deployed {
            broker,
            _secrets: secrets,
        })
    }

    async fn login(&self, user: &str) -> RawClient {
        let password = format!("{user}-secret");
        let options = raw_options(self.broker.port(), user, Some((user, &password)));
        RawClient::connect(options)
            .await
            .unwrap_or_else(|e| panic!("{user} cannot log in: {e}\n{}", self.broker.log()))
    }
}

/// The production config with its machine-specific lines pointed at the
/// test's files. Every rewritten setting must be present exactly once, so a
/// docs change that drops one fails here instead of silently testing less.
fn rewrite(conf: &str, port: u16, dir: &Path, passwd: &Path, acl: &Path) -> String {
    let replacements: [(&str, String); 5] = [
        ("listener 1883", format!("listener {port} 127.0.0.1")),
        (
            "password_file ",
            format!("password_file {}", passwd.display()),
        ),
        ("acl_file ", format!("acl_file {}", acl.display())),
        (
            "persistence_location ",
            format!("persistence_location {}/", dir.display()),
        ),
        (
            "log_dest ",
            format!("log_dest file {}", dir.join(MOSQUITTO_LOG_FILE).display()),
        ),
    ];
    let mut hits = [0usize; 5];
    // Root in a test run must stay root to use the tempdirs.
    let mut out = String::from("user root\n");
    for line in conf.lines() {
        let found = replacements
            .iter()
            .position(|(start, _)| line.starts_with(start));
        match found {
            Some(i) => {
                hits[i] += 1;
                out.push_str(&replacements[i].1);
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    for (i, (start, _)) in replacements.iter().enumerate() {
        assert_eq!(hits[i], 1, "expected one `{start}…` line in mosquitto.conf");
    }
    out
}

#[tokio::test]
async fn users_write_only_as_themselves() {
    let deployed = Deployed::start().unwrap();
    let mut bob = deployed.login("bob").await;
    let mut alice = deployed.login("alice").await;
    spoofs_are_dropped(&mut bob, &mut alice).await;
}

#[tokio::test]
async fn sms_through_a_gateway_user_keeps_every_sender_honest() {
    // carol plays the SMS gateway user (extension 10 of docs/protocol.md).
    let deployed = Deployed::start().unwrap();
    let mut alice = deployed.login("alice").await;
    let mut bob = deployed.login("bob").await;
    let mut carol = deployed.login("carol").await;
    alice
        .subscribe("tether/v1/s/carol/in/alice", QoS::AtLeastOnce)
        .await
        .unwrap();
    carol
        .subscribe("tether/v1/s/carol/out/+", QoS::AtLeastOnce)
        .await
        .unwrap();
    // Bob cannot speak for the gateway, nor read what it tells alice.
    bob.subscribe("tether/v1/s/+/in/+", QoS::AtLeastOnce)
        .await
        .unwrap();
    bob.publish(
        "tether/v1/s/carol/in/alice",
        "spoof",
        QoS::AtLeastOnce,
        false,
    )
    .await
    .unwrap();
    carol
        .publish(
            "tether/v1/s/carol/in/alice",
            "legit",
            QoS::AtLeastOnce,
            false,
        )
        .await
        .unwrap();
    expect_message(&mut alice, "tether/v1/s/carol/in/alice", "legit").await;
    expect_silence(&mut bob).await;
    // Bob cannot ask the gateway to text in alice's name.
    bob.publish(
        "tether/v1/s/carol/out/alice",
        "spoof",
        QoS::AtLeastOnce,
        false,
    )
    .await
    .unwrap();
    alice
        .publish(
            "tether/v1/s/carol/out/alice",
            "legit",
            QoS::AtLeastOnce,
            false,
        )
        .await
        .unwrap();
    expect_message(&mut carol, "tether/v1/s/carol/out/alice", "legit").await;
    expect_silence(&mut carol).await;
}

#[tokio::test]
async fn files_go_only_as_oneself_and_only_to_their_reader() {
    // Extension 12: chunks and requests on P/u/{to}/file/{from}.
    let deployed = Deployed::start().unwrap();
    let mut alice = deployed.login("alice").await;
    let mut bob = deployed.login("bob").await;
    let mut carol = deployed.login("carol").await;
    bob.subscribe("tether/v1/u/bob/file/+", QoS::AtLeastOnce)
        .await
        .unwrap();
    // Carol can neither read bob's files nor send one as alice.
    carol
        .subscribe("tether/v1/u/+/file/+", QoS::AtLeastOnce)
        .await
        .unwrap();
    carol
        .publish(
            "tether/v1/u/bob/file/alice",
            "spoof",
            QoS::AtLeastOnce,
            false,
        )
        .await
        .unwrap();
    alice
        .publish(
            "tether/v1/u/bob/file/alice",
            "chunk",
            QoS::AtLeastOnce,
            false,
        )
        .await
        .unwrap();
    expect_message(&mut bob, "tether/v1/u/bob/file/alice", "chunk").await;
    expect_silence(&mut bob).await;
    expect_silence(&mut carol).await;
    // A full chunk as Tether cuts them fits the deployed message limit.
    let frame = tether_core::protocol::frame::encode_chunk(
        uuid::Uuid::now_v7(),
        tether_core::protocol::frame::Layout::new(1 << 20, tether_core::transfer::CHUNK).unwrap(),
        0,
        &vec![7; tether_core::transfer::CHUNK as usize],
    );
    alice
        .publish(
            "tether/v1/u/bob/file/alice",
            frame.clone(),
            QoS::AtLeastOnce,
            false,
        )
        .await
        .unwrap();
    let got = bob.recv(Duration::from_secs(10)).await.unwrap();
    assert_eq!(got.payload.len(), frame.len());
}

#[tokio::test]
async fn nobody_reads_another_users_inbox() {
    let deployed = Deployed::start().unwrap();
    let mut bob = deployed.login("bob").await;
    let mut alice = deployed.login("alice").await;
    let mut carol = deployed.login("carol").await;
    // Mosquitto 2.0's acl_file grants every SUBSCRIBE (later versions may
    // answer 0x80 instead); either way the read rules must stop delivery.
    // So only delivery is asserted, not the SUBACK code.
    inboxes_stay_private(&mut bob, &mut alice, &mut carol, |_, _| {}).await;
}

#[tokio::test]
async fn retained_presence_and_room_meta_reach_later_readers() {
    let deployed = Deployed::start().unwrap();
    let mut alice = deployed.login("alice").await;
    alice
        .publish("tether/v1/p/alice", "online", QoS::AtLeastOnce, true)
        .await
        .unwrap();
    alice
        .publish(
            "tether/v1/r/lobby/meta/alice",
            "joined",
            QoS::AtLeastOnce,
            true,
        )
        .await
        .unwrap();

    let mut bob = deployed.login("bob").await;
    bob.subscribe("tether/v1/p/+", QoS::AtLeastOnce)
        .await
        .unwrap();
    expect_message(&mut bob, "tether/v1/p/alice", "online").await;
    bob.subscribe("tether/v1/r/lobby/meta/+", QoS::AtLeastOnce)
        .await
        .unwrap();
    expect_message(&mut bob, "tether/v1/r/lobby/meta/alice", "joined").await;
}

#[tokio::test]
async fn logins_are_checked() {
    let deployed = Deployed::start().unwrap();
    let port = deployed.broker.port();
    let attempts: [(&str, Option<(&str, &str)>); 3] = [
        ("wrong password", Some(("alice", "bob-secret"))),
        ("unknown user", Some(("mallory", "mallory-secret"))),
        ("anonymous", None),
    ];
    for (what, login) in attempts {
        match RawClient::connect(raw_options(port, "intruder", login)).await {
            Err(ConnectionError::ConnectionRefused(
                ConnectReturnCode::BadUserNamePassword | ConnectReturnCode::NotAuthorized,
            )) => {}
            Err(other) => panic!("{what}: refused with an unexpected error: {other}"),
            Ok(_) => panic!("{what}: login accepted"),
        }
    }
}

#[tokio::test]
async fn envelopes_up_to_256_kib_pass_and_larger_are_dropped() {
    let deployed = Deployed::start().unwrap();
    let mut bob = deployed.login("bob").await;
    bob.subscribe("tether/v1/r/+/m/+", QoS::AtLeastOnce)
        .await
        .unwrap();
    let mut alice = deployed.login("alice").await;
    let topic = "tether/v1/r/big/m/alice";

    // Acknowledged but not forwarded, and alice stays connected.
    alice
        .publish(
            topic,
            vec![b'x'; ENVELOPE_LIMIT + 1],
            QoS::AtLeastOnce,
            false,
        )
        .await
        .unwrap();
    alice
        .publish(topic, vec![b'y'; ENVELOPE_LIMIT], QoS::AtLeastOnce, false)
        .await
        .unwrap();

    let msg = bob.recv(WAIT).await.expect("the 256 KiB envelope arrives");
    assert_eq!(msg.payload.len(), ENVELOPE_LIMIT);
    assert_eq!(msg.payload[0], b'y');
    expect_silence(&mut bob).await;
}

/// The files the README tells operators to install are where it says.
#[test]
fn deploy_files_exist() {
    let docs = workspace_root().join("docs/deploy");
    for file in ["mosquitto.conf", "acl", "README.md"] {
        assert!(docs.join(file).is_file(), "missing docs/deploy/{file}");
    }
}
