//! The `tether` command line end to end, against a real Mosquitto: the exit
//! codes and messages scripts rely on (2 bad input, 3 bad credentials,
//! 4 unreachable), and the chat commands (send, listen, history, rooms,
//! search) working together across runs.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use std::time::{Duration, Instant};

use common::cli::{Running, cli_user, is_connected, run, run_async, tether};
use common::{Peer, WAIT, room};
use rumqttc::QoS;
use serde_json::Value;
use tether_tests::{
    Mosquitto, MosquittoOptions, RawClient, free_port, mosquitto_passwd, raw_options,
};

/// Limit for one CLI run that should end by itself; generous for slow CI.
const RUN: Duration = Duration::from_secs(60);

fn texts(lines: &[Value]) -> Vec<&str> {
    lines.iter().map(|l| l["text"].as_str().unwrap()).collect()
}

#[test]
fn bad_input_exits_2_and_says_what_is_wrong() {
    let broker = Mosquitto::start().unwrap();
    let home = tempfile::tempdir().unwrap();
    let url = broker.url();
    let url = url.as_str();
    let long = "x".repeat(70_000);
    let long = long.as_str();
    let allowed = "may only contain letters, digits, '.', '_' and '-'";
    let cases: [(&[&str], &str); 6] = [
        (
            &[
                "--broker", url, "--user", "bad id!", "send", "--to", "bob", "hi",
            ],
            allowed,
        ),
        // The recipient is checked by clap while parsing: same rule.
        (
            &[
                "--broker", url, "--user", "alice", "send", "--to", "b/ob", "hi",
            ],
            allowed,
        ),
        (
            &[
                "--broker", url, "--user", "alice", "send", "--to", "bob", "",
            ],
            "needs some text",
        ),
        (
            &[
                "--broker", url, "--user", "alice", "send", "--to", "bob", long,
            ],
            "the limit is 65536 bytes",
        ),
        (
            &["--broker", url, "--user", "alice", "send", "hi"],
            "required arguments were not provided",
        ),
        (
            &[
                "--broker", "http://x", "--user", "alice", "send", "--to", "bob", "hi",
            ],
            "unsupported scheme 'http'",
        ),
    ];
    for (args, says) in cases {
        let ran = run(tether(home.path(), args), "", RUN);
        assert_eq!(ran.code(), Some(2), "{args:?}: {ran:#?}");
        assert!(
            ran.stderr.contains(says),
            "{args:?} should say {says:?}: {ran:#?}"
        );
        // Nothing may be reported as committed for sending.
        assert!(ran.stdout.is_empty(), "{args:?}: {ran:#?}");
    }
}

#[test]
fn a_batch_from_stdin_with_a_refused_line_sends_nothing_and_names_the_line() {
    let broker = Mosquitto::start().unwrap();
    let home = tempfile::tempdir().unwrap();
    let url = broker.url();
    let alice = |args: &[&str]| {
        let mut all = vec!["--broker", url.as_str(), "--user", "alice"];
        all.extend_from_slice(args);
        tether(home.path(), &all)
    };
    let long = "x".repeat(70_000);
    let batch = format!("first\n{long}\n\nthird\n{long}\n");
    let ran = run(alice(&["send", "--to", "bob"]), &batch, RUN);
    assert_eq!(ran.code(), Some(2), "{ran:#?}");
    assert!(ran.stderr.contains("nothing was sent"), "{ran:#?}");
    // Each refused line by its number in the input (blank lines count).
    assert!(
        ran.stderr.contains("line 2: the message is 70000 bytes")
            && ran.stderr.contains("line 5: the message is 70000 bytes"),
        "{ran:#?}"
    );
    assert!(ran.stdout.is_empty(), "{ran:#?}");
    let history = run(alice(&["history", "--with", "bob"]), "", RUN);
    assert!(history.expect_code(0).stdout.is_empty(), "{history:#?}");

    // A batch that passes goes out whole, blank lines skipped.
    let ran = run(alice(&["send", "--to", "bob"]), "first\n\nthird\n", RUN);
    assert_eq!(texts(&ran.expect_code(0).json()), ["first", "third"]);
}

#[test]
fn a_message_the_broker_refuses_is_set_aside_then_retried_or_deleted_from_the_cli() {
    // Mosquitto closes the connection of a client that sends a packet over
    // this size: the message can never go out; the rest must.
    let broker = Mosquitto::start_with(MosquittoOptions {
        max_packet_size: Some(2_048),
        ..Default::default()
    })
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let alice = cli_user(home.path().join("alice"), &broker.url(), "alice", None);

    let refused = alice(&["send", "--wait", "50", "--to", "bob", &"x".repeat(4_000)]);
    assert_eq!(refused.code(), Some(1), "{refused:#?}");
    assert!(
        refused.stderr.contains("set aside as failed"),
        "{refused:#?}"
    );
    let id = refused.json()[0]["id"].as_str().unwrap().to_owned();
    alice(&["send", "--to", "bob", "sent after it"]).expect_code(0);

    let failed = alice(&["outbox", "failed"]);
    let listed: Vec<String> = failed
        .json()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed, std::slice::from_ref(&id), "{failed:#?}");
    // Still too big: refused again, and said so.
    let again = alice(&["outbox", "retry", &id]);
    assert_eq!(again.code(), Some(1), "{again:#?}");
    assert!(again.stderr.contains(&id), "{again:#?}");

    alice(&["outbox", "delete", &id]).expect_code(0);
    assert!(
        alice(&["outbox", "failed"])
            .expect_code(0)
            .stdout
            .is_empty()
    );
    let history = alice(&["history", "--with", "bob"]);
    assert_eq!(texts(&history.expect_code(0).json()), ["sent after it"]);
    let gone = alice(&["outbox", "delete", &id]);
    assert_eq!(gone.code(), Some(2), "{gone:#?}");
    assert!(gone.stderr.contains("not waiting as failed"), "{gone:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_credentials_exit_3_at_once_and_the_right_password_sends() {
    let secrets = tempfile::tempdir().unwrap();
    let passwd = secrets.path().join("passwd");
    mosquitto_passwd(&passwd, "alice", "secret").unwrap();
    mosquitto_passwd(&passwd, "bob", "bob-secret").unwrap();
    let broker = Mosquitto::start_with(MosquittoOptions {
        allow_anonymous: false,
        password_file: Some(passwd),
        ..Default::default()
    })
    .unwrap();
    // Bob's inbox, watched below the Tether layer, shows what really got out.
    let mut inbox = RawClient::connect(raw_options(
        broker.port(),
        "bob-watch",
        Some(("bob", "bob-secret")),
    ))
    .await
    .unwrap();
    inbox
        .subscribe("tether/v1/u/bob/inbox/+", QoS::AtLeastOnce)
        .await
        .unwrap();

    let home = tempfile::tempdir().unwrap();
    let url = broker.url();
    let url = url.as_str();
    let send = |password: &str, text: &str| {
        let args = ["--broker", url, "--user", "alice", "send", "--to", "bob"];
        let mut cmd = tether(home.path(), &args);
        cmd.args(["--wait", "60", text])
            .env("TETHER_PASSWORD", password);
        cmd
    };

    let refused = run_async(send("wrong", "first try"), "", Duration::from_secs(90)).await;
    refused.expect_code(3);
    assert!(
        refused.stderr.contains("refused the credentials"),
        "{refused:#?}"
    );
    // Retrying cannot fix a password, so it must not sit out its --wait 60.
    assert!(
        refused.took < Duration::from_secs(30),
        "took {:?}",
        refused.took
    );

    let accepted = run_async(send("secret", "second try"), "", RUN).await;
    accepted.expect_code(0);
    // The refused run's message stayed queued and goes out first.
    let mut arrived = Vec::new();
    while arrived.len() < 2 {
        let publish = inbox
            .recv(WAIT)
            .await
            .unwrap_or_else(|| panic!("only {arrived:?} arrived\n{}", broker.log()));
        let envelope: Value = serde_json::from_slice(&publish.payload).unwrap();
        arrived.push(envelope["body"]["text"].as_str().unwrap().to_owned());
    }
    assert_eq!(arrived, ["first try", "second try"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_broker_exits_4_and_the_next_run_delivers_what_stayed_queued() {
    // Nothing listens on this port until the broker below takes it, so the
    // account the first run saves already points at the right address.
    let port = free_port();
    let url = format!("mqtt://127.0.0.1:{port}");
    let url = url.as_str();
    let home = tempfile::tempdir().unwrap();
    let send = |text: &str| {
        let args = ["--broker", url, "--user", "alice", "send", "--to", "bob"];
        let mut cmd = tether(home.path(), &args);
        cmd.args(["--wait", "2", text]);
        cmd
    };

    let offline = run_async(send("written while it was down"), "", RUN).await;
    offline.expect_code(4);
    assert!(offline.stderr.contains("stay queued"), "{offline:#?}");
    assert_eq!(texts(&offline.json()), ["written while it was down"]);

    // The harness checks readiness on a port it picks; the broker also
    // listens on ours (settings are shared: per_listener_settings false).
    let broker = Mosquitto::start_raw(|harness_port, dir| {
        let conf = MosquittoOptions::default().render(harness_port, dir);
        format!("{conf}listener {port} 127.0.0.1\n")
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut bob = Peer::start(&broker.url(), "bob", dir.path()).await;
    bob.connected().await;

    let online = run_async(send("written once it was back"), "", RUN).await;
    online.expect_code(0);
    let got = bob.messages(2).await;
    let got: Vec<_> = got.iter().map(|m| (m.seq, m.text.as_str())).collect();
    assert_eq!(
        got,
        [
            (Some(1), "written while it was down"),
            (Some(2), "written once it was back")
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_prints_messages_and_its_read_receipts_reach_the_sender() {
    let broker = Mosquitto::start().unwrap();
    let url = broker.url();
    let url = url.as_str();
    let alice_home = tempfile::tempdir().unwrap();
    let bob_home = tempfile::tempdir().unwrap();
    let alice = |args: &[&str]| {
        let mut cmd = tether(alice_home.path(), &["--broker", url, "--user", "alice"]);
        cmd.args(args);
        cmd
    };

    let mut listen = Running::spawn(tether(
        bob_home.path(),
        &[
            "--broker",
            url,
            "--user",
            "bob",
            "listen",
            "--count",
            "1",
            "--mark-read",
        ],
    ));
    // Subscribed from here on, so the message cannot slip past bob.
    listen.wait_json("bob connected", is_connected).await;

    let sent = run_async(alice(&["send", "--to", "bob", "hello bob"]), "", RUN).await;
    sent.expect_code(0);
    let id = sent.json()[0]["id"].clone();
    let got = listen
        .wait_json("the message", |l| l["type"] == "message")
        .await;
    let message = &got["message"];
    assert_eq!(
        (&message["id"], &message["text"], &message["sender"]),
        (&id, &"hello bob".into(), &"alice".into())
    );
    assert_eq!(message["outgoing"], false);
    // --count 1: it leaves by itself once its receipts are out.
    let status = listen.wait_exit(RUN).await;
    assert!(status.success(), "{status}; {}", listen.transcript());

    // Alice comes online to collect the receipts her session kept for her
    // (or got while sending); her local history then says "read".
    let mut online = Running::spawn(alice(&["listen"]));
    let deadline = Instant::now() + WAIT;
    loop {
        let history = run_async(alice(&["history", "--with", "bob"]), "", RUN).await;
        history.expect_code(0);
        let lines = history.json();
        assert_eq!(texts(&lines), ["hello bob"]);
        assert_eq!(lines[0]["id"], id);
        if lines[0]["status"] == "read" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still {} after {WAIT:?}; alice's listen: {}",
            lines[0]["status"],
            online.transcript()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Ctrl-C is a clean way out of `listen`.
    online.interrupt();
    let status = online.wait_exit(RUN).await;
    assert!(status.success(), "{status}; {}", online.transcript());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rooms_search_and_history_work_from_the_command_line() {
    let broker = Mosquitto::start().unwrap();
    let url = broker.url();
    let url = url.as_str();
    let dir = tempfile::tempdir().unwrap();
    let mut bob = Peer::start(url, "bob", dir.path()).await;
    bob.connected().await;
    bob.client
        .join_room("dev".parse().unwrap(), None)
        .await
        .unwrap();
    assert!(bob.client.flush(WAIT).await.unwrap());

    let home = tempfile::tempdir().unwrap();
    let alice = |args: &[&str]| {
        let mut cmd = tether(home.path(), &["--broker", url, "--user", "alice"]);
        cmd.args(args);
        cmd
    };
    let ids = |ran: &common::cli::Ran| -> Vec<String> {
        ran.json()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    };

    let before = run_async(alice(&["rooms", "list"]), "", RUN).await;
    assert!(ids(before.expect_code(0)).is_empty(), "{before:#?}");
    run_async(alice(&["rooms", "join", "dev"]), "", RUN)
        .await
        .expect_code(0);
    let after = run_async(alice(&["rooms", "list"]), "", RUN).await;
    assert_eq!(ids(after.expect_code(0)), ["dev"]);

    let text = "standup at ten, bring coffee";
    run_async(alice(&["send", "--room", "dev", text]), "", RUN)
        .await
        .expect_code(0);
    let got = bob.next_message().await;
    assert_eq!((got.conversation, got.text.as_str()), (room("dev"), text));

    let found = run_async(alice(&["search", "coffee"]), "", RUN).await;
    assert_eq!(texts(&found.expect_code(0).json()), [text]);
    let none = run_async(alice(&["search", "tea"]), "", RUN).await;
    assert!(none.expect_code(0).stdout.is_empty(), "{none:#?}");

    let history = run_async(alice(&["history", "--room", "dev"]), "", RUN).await;
    let lines = history.expect_code(0).json();
    assert_eq!(texts(&lines), [text]);
    assert_eq!(
        (&lines[0]["conversation"], &lines[0]["outgoing"]),
        (&"r:dev".into(), &true.into())
    );
}

/// `tether send --reply-to ID` answers a message: the other side's copy
/// says which one (and a reply to nothing known still arrives, quoting
/// what the receiver may not have).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_from_the_command_line_says_what_it_answers() {
    let broker = Mosquitto::start().unwrap();
    let url = broker.url();
    let url = url.as_str();
    let alice_home = tempfile::tempdir().unwrap();
    let bob_home = tempfile::tempdir().unwrap();
    let as_user = |home: &std::path::Path, user: &str, args: &[&str]| {
        let mut cmd = tether(home, &["--broker", url, "--user", user]);
        cmd.args(args);
        cmd
    };
    let mut listen = Running::spawn(as_user(
        alice_home.path(),
        "alice",
        &["listen", "--count", "2"],
    ));
    listen.wait_json("alice connected", is_connected).await;
    let asked = run_async(
        as_user(
            alice_home.path(),
            "alice",
            &["send", "--to", "bob", "lunch?"],
        ),
        "",
        RUN,
    )
    .await;
    asked.expect_code(0);
    let question = asked.json()[0]["id"].as_str().unwrap().to_owned();
    let answered = run_async(
        as_user(
            bob_home.path(),
            "bob",
            &[
                "send",
                "--to",
                "alice",
                "--reply-to",
                &question,
                "yes, at one",
            ],
        ),
        "",
        RUN,
    )
    .await;
    answered.expect_code(0);
    assert_eq!(answered.json()[0]["reply_to"], question.as_str());
    let got = listen
        .wait_json("bob's reply", |l| {
            l["type"] == "message" && l["message"]["text"] == "yes, at one"
        })
        .await;
    assert_eq!(got["message"]["reply_to"], question.as_str());
    let bad = run_async(
        as_user(
            bob_home.path(),
            "bob",
            &["send", "--to", "alice", "--reply-to", "nope", "x"],
        ),
        "",
        RUN,
    )
    .await;
    bad.expect_code(2);
    listen.interrupt();
}
