//! `tether serve --lan`: the embedded broker hosted for the local network.
//! LAN users are added with `tether lan-user add`; the gateway in front of
//! the broker must refuse wrong passwords, unknown users and anonymous
//! clients, let each user write only as themselves (the rules of
//! docs/deploy/acl, the same spoof cases as deploy_acl.rs), keep inboxes
//! private, and carry a real chat between two `tether` CLIs. Without
//! `--lan`, nothing but loopback listens.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::acl::{inboxes_stay_private, spoofs_are_dropped};
use common::cli::{Running, cli_user, run, tether};
use rumqttc::{ConnectReturnCode, ConnectionError, LastWill, QoS, SubscribeReasonCode};
use tether_tests::{RawClient, raw_options};

const RUN: Duration = Duration::from_secs(60);

/// A LAN-hosting `tether serve` with its users file.
struct Hosted {
    _serve: Running,
    home: PathBuf,
    users: PathBuf,
    /// The LAN listener's port.
    port: u16,
    lan_url: String,
}

impl Hosted {
    async fn start(home: &Path, users: &[&str]) -> Hosted {
        let users_file = home.join("lan-users.json");
        let hosted = |serve, port, lan_url| Hosted {
            _serve: serve,
            home: home.to_owned(),
            users: users_file.clone(),
            port,
            lan_url,
        };
        for user in users {
            add_user(home, &users_file, user, &password(user));
        }
        let mut serve = Running::spawn(tether(
            home,
            &[
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--lan",
                "127.0.0.1:0",
                "--users",
                users_file.to_str().unwrap(),
            ],
        ));
        let line = serve
            .wait_json("the broker listening", |l| l["type"] == "listening")
            .await;
        let lan_url = line["lan"][0].as_str().unwrap().to_owned();
        let port = lan_url.rsplit(':').next().unwrap().parse().unwrap();
        hosted(serve, port, lan_url)
    }

    async fn login(&self, user: &str) -> RawClient {
        let password = password(user);
        RawClient::connect(raw_options(self.port, user, Some((user, &password))))
            .await
            .unwrap_or_else(|e| panic!("{user} cannot sign in on the LAN: {e}"))
    }
}

fn password(user: &str) -> String {
    format!("{user}-lan-secret")
}

fn add_user(home: &Path, file: &Path, user: &str, password: &str) {
    let added = run(
        tether(
            home,
            &["lan-user", "add", user, "--users", file.to_str().unwrap()],
        ),
        &format!("{password}\n"),
        RUN,
    );
    added.expect_code(0);
}

fn refused(result: Result<RawClient, ConnectionError>, what: &str) -> ConnectReturnCode {
    match result {
        Err(ConnectionError::ConnectionRefused(code)) => code,
        Err(other) => panic!("{what}: refused with an unexpected error: {other}"),
        Ok(_) => panic!("{what}: sign-in accepted"),
    }
}

#[tokio::test]
async fn lan_sign_ins_are_checked_and_users_take_effect_at_once() {
    let scratch = tempfile::tempdir().unwrap();
    let hosted = Hosted::start(scratch.path(), &["alice"]).await;
    let attempts: [(&str, Option<(&str, &str)>); 3] = [
        ("wrong password", Some(("alice", "bob-lan-secret"))),
        ("unknown user", Some(("mallory", "mallory-lan-secret"))),
        ("anonymous", None),
    ];
    for (what, login) in attempts {
        let code = refused(
            RawClient::connect(raw_options(hosted.port, "intruder", login)).await,
            what,
        );
        assert!(
            matches!(
                code,
                ConnectReturnCode::BadUserNamePassword | ConnectReturnCode::NotAuthorized
            ),
            "{what}: {code:?}"
        );
    }
    hosted.login("alice").await;

    // Added while the broker runs: carol can sign in at once.
    add_user(&hosted.home, &hosted.users, "carol", &password("carol"));
    hosted.login("carol").await;

    // Removed: refused from then on.
    run(
        tether(
            &hosted.home,
            &[
                "lan-user",
                "remove",
                "carol",
                "--users",
                hosted.users.to_str().unwrap(),
            ],
        ),
        "",
        RUN,
    )
    .expect_code(0);
    let code = refused(
        RawClient::connect(raw_options(
            hosted.port,
            "carol-again",
            Some(("carol", &password("carol"))),
        ))
        .await,
        "removed user",
    );
    assert_eq!(code, ConnectReturnCode::BadUserNamePassword);

    // The file holds hashes, never the passwords.
    let file = std::fs::read_to_string(&hosted.users).unwrap();
    assert!(!file.contains(&password("alice")), "{file}");
}

#[tokio::test]
async fn lan_users_write_only_as_themselves() {
    let scratch = tempfile::tempdir().unwrap();
    let hosted = Hosted::start(scratch.path(), &["alice", "bob"]).await;
    let mut bob = hosted.login("bob").await;
    let mut alice = hosted.login("alice").await;
    spoofs_are_dropped(&mut bob, &mut alice).await;

    // Nor can a Last Will speak for someone else.
    let mut options = raw_options(
        hosted.port,
        "alice-will",
        Some(("alice", &password("alice"))),
    );
    options.set_last_will(LastWill::new(
        "tether/v1/p/bob",
        "gone",
        QoS::AtLeastOnce,
        true,
    ));
    let code = refused(
        RawClient::connect(options).await,
        "someone else's Last Will",
    );
    assert_eq!(code, ConnectReturnCode::NotAuthorized);
}

#[tokio::test]
async fn nobody_reads_another_lan_users_inbox() {
    let scratch = tempfile::tempdir().unwrap();
    let hosted = Hosted::start(scratch.path(), &["alice", "bob", "carol"]).await;
    let mut bob = hosted.login("bob").await;
    let mut alice = hosted.login("alice").await;
    let mut carol = hosted.login("carol").await;
    // Refused outright (Mosquitto grants and filters at delivery instead).
    inboxes_stay_private(&mut bob, &mut alice, &mut carol, |filter, code| {
        assert_eq!(code, SubscribeReasonCode::Failure, "{filter}");
    })
    .await;
}

#[tokio::test]
async fn two_clis_chat_over_the_lan_listener_and_a_wrong_password_says_so() {
    let scratch = tempfile::tempdir().unwrap();
    let hosted = Hosted::start(scratch.path(), &["alice", "bob"]).await;
    let user = |home: &str, name: &str, secret: &str| {
        cli_user(
            scratch.path().join(home),
            &hosted.lan_url,
            name,
            Some(secret),
        )
    };
    let alice = user("alice", "alice", &password("alice"));
    let bob = user("bob", "bob", &password("bob"));
    bob(&["listen", "--timeout", "1"]).expect_code(0);
    alice(&["send", "--to", "bob", "hello across the LAN"]).expect_code(0);
    let heard = bob(&["listen", "--count", "1", "--timeout", "20"]);
    heard.expect_code(0);
    assert!(
        heard
            .json()
            .iter()
            .any(|l| l["type"] == "message" && l["message"]["text"] == "hello across the LAN"),
        "bob never got it: {:#?}",
        heard.json()
    );

    let mallory = user("mallory", "alice", "not-alices-password");
    mallory(&["send", "--to", "bob", "pretending"]).expect_code(3);
}

#[tokio::test]
async fn without_lan_the_broker_listens_on_loopback_only() {
    let scratch = tempfile::tempdir().unwrap();
    // The default address is read from --help: starting on it would need
    // port 1883, which a test machine may be using.
    let help = run(tether(scratch.path(), &["serve", "--help"]), "", RUN);
    help.expect_code(0);
    assert!(
        help.stdout.contains("[default: 127.0.0.1:1883]"),
        "serve's default is not loopback:\n{}",
        help.stdout
    );
    let mut serve = Running::spawn(tether(
        scratch.path(),
        &["serve", "--listen", "127.0.0.1:0"],
    ));
    let line = serve
        .wait_json("the broker listening", |l| l["type"] == "listening")
        .await;
    assert_eq!(line["lan"], serde_json::json!([]), "{line}");
    assert!(
        line["url"]
            .as_str()
            .unwrap()
            .starts_with("mqtt://127.0.0.1:"),
        "{line}"
    );
}
