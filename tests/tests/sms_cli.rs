//! `tether sms …` against the gateway simulator: accounts, sending in long
//! and short mode with the README's exit codes, listening, and a client
//! killed with SIGKILL while the gateway had taken messages it had not
//! answered: they go again, flagged, and nothing is lost.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use std::path::Path;
use std::process::Command;

use common::WAIT;
use common::cli::{Running, run, tether};
use tether_core::account::{AccountBook, Paths};
use tether_core::model::{MessageStatus, Twice};
use tether_core::sms::{SmsClient, SmsOptions};
use tether_testbed::ismg::{Ismg, IsmgOptions, Mo};

const PHONE: &str = "13800138000";

fn sms(home: &Path, secret: &str, args: &[&str]) -> Command {
    let mut cmd = tether(home, &[&["sms"], args].concat());
    cmd.env("TETHER_SMS_SECRET", secret);
    cmd
}

fn add_account(home: &Path, port: u16, extra: &[&str]) {
    let port = port.to_string();
    let mut args = vec![
        "account",
        "add",
        "--name",
        "gw",
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--sp-id",
        "901234",
        "--src-id",
        "1065901234",
    ];
    args.extend_from_slice(extra);
    let ran = run(sms(home, "s3cret", &args), "", WAIT);
    ran.expect_code(0);
}

#[test]
fn an_account_takes_the_link_timers_and_refuses_what_a_gateway_would() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    add_account(
        home,
        7890,
        &["--idle-secs", "30", "--window", "8", "--version", "3.0"],
    );
    let ran = run(sms(home, "", &["account", "list"]), "", WAIT);
    let account = &ran.json()[0];
    assert_eq!(account["timers"]["idle_secs"], 30);
    assert_eq!(account["timers"]["window"], 8);
    assert_eq!(account["version"], "3.0");
    // A seven-digit SP id: refused before anything is saved (exit 2).
    let ran = run(
        sms(
            home,
            "",
            &[
                "account", "add", "--name", "bad", "--host", "gw", "--sp-id", "9012345",
                "--src-id", "1065",
            ],
        ),
        "",
        WAIT,
    );
    ran.expect_code(2);
    assert!(ran.stderr.contains("SP id"), "{}", ran.stderr);
}

#[test]
fn send_in_long_and_short_mode_with_the_readme_exit_codes() {
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    add_account(home, ismg.port(), &[]);

    // Long mode, waiting for the report: the message, its updates, exit 0.
    let ran = run(
        sms(
            home,
            "s3cret",
            &["send", "--to", PHONE, "--wait-report", "hello", "there"],
        ),
        "",
        WAIT,
    );
    ran.expect_code(0);
    let lines = ran.json();
    assert_eq!(lines[0]["type"], "message");
    assert_eq!(lines[0]["message"]["text"], "hello there");
    let last = lines.last().unwrap();
    assert_eq!(last["type"], "sms_delivery");
    assert_eq!(last["delivery"]["delivered"], 1);

    // Short mode: CONNECT, SUBMIT, its answer, TERMINATE.
    let before = ismg.seen().terminates;
    run(
        sms(
            home,
            "s3cret",
            &["send", "--short", "--to", PHONE, "short one"],
        ),
        "",
        WAIT,
    )
    .expect_code(0);
    assert_eq!(ismg.seen().terminates, before + 1);
    assert_eq!(ismg.seen().to(PHONE).len(), 2);

    // The gateway reports a failure: exit 5, its words on stderr.
    ismg.set_stat("13900139000", "UNDELIV");
    let ran = run(
        sms(
            home,
            "s3cret",
            &["send", "--to", "13900139000", "--wait-report", "x"],
        ),
        "",
        WAIT,
    );
    ran.expect_code(5);
    assert!(ran.stderr.contains("UNDELIV"), "{}", ran.stderr);

    // A wrong secret: exit 3, one refusal.
    let ran = run(sms(home, "wrong", &["send", "--to", PHONE, "y"]), "", WAIT);
    ran.expect_code(3);
    assert!(ran.stderr.contains("Status 3"), "{}", ran.stderr);

    // Not a phone number: exit 2 before anything is queued.
    run(sms(home, "s3cret", &["send", "--to", "bob", "z"]), "", WAIT).expect_code(2);

    // Scheduled, then cancelled while the gateway holds it; the day's
    // counters from the gateway.
    let ran = run(
        sms(
            home,
            "s3cret",
            &["send", "--to", PHONE, "--at", "2030-01-01 09:00", "later"],
        ),
        "",
        WAIT,
    );
    ran.expect_code(0);
    let id = ran.json()[0]["message"]["id"].as_str().unwrap().to_owned();
    assert_eq!(ismg.seen().submits.last().unwrap().at_time.len(), 16);
    let ran = run(sms(home, "s3cret", &["cancel", &id]), "", WAIT);
    ran.expect_code(0);
    assert_eq!(ran.json()[0]["cancelled"], true);
    run(sms(home, "s3cret", &["cancel", &id]), "", WAIT).expect_code(5);
    let ran = run(
        sms(home, "s3cret", &["query", "--day", "20261205"]),
        "",
        WAIT,
    );
    ran.expect_code(0);
    assert_eq!(ran.json()[0]["day"], "20261205");
    assert!(ran.json()[0]["mt_messages"].as_u64().unwrap() >= 4);
}

#[test]
fn an_unreachable_gateway_exits_4_and_keeps_the_message_queued() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let port = tether_testbed::free_port();
    add_account(home, port, &[]);
    let ran = run(
        sms(
            home,
            "s3cret",
            &["send", "--to", PHONE, "--wait", "2", "later"],
        ),
        "",
        WAIT,
    );
    ran.expect_code(4);
    assert!(ran.stderr.contains("stays queued"), "{}", ran.stderr);
    // Once the gateway is there, the next run sends what waited.
    let ismg = Ismg::start_on(IsmgOptions::new(), port).unwrap();
    run(
        sms(home, "s3cret", &["send", "--to", PHONE, "now"]),
        "",
        WAIT,
    )
    .expect_code(0);
    let texts: Vec<String> = ismg.seen().submits.iter().map(|s| s.text()).collect();
    assert!(texts.contains(&"later".to_owned()), "{texts:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_prints_incoming_sms_and_a_guest_sends_through_its_link() {
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    add_account(home, ismg.port(), &[]);
    let mut listen = Running::spawn(sms(home, "s3cret", &["listen"]));
    listen
        .wait_json("connected", |v| v["state"]["state"] == "connected")
        .await;
    ismg.send_mo(Mo::new(PHONE, "1065901234", "你好，Tether"));
    let got = listen
        .wait_json("the SMS", |v| v["type"] == "message")
        .await;
    assert_eq!(got["message"]["text"], "你好，Tether");
    assert_eq!(got["message"]["conversation"], format!("p:{PHONE}"));
    // A second process queues into the running link's outbox.
    let ran = common::cli::run_async(
        sms(home, "s3cret", &["send", "--to", PHONE, "via the listener"]),
        "",
        WAIT,
    )
    .await;
    ran.expect_code(0);
    assert_eq!(ismg.seen().logins, 1, "the guest made no link of its own");
    listen
        .wait_json("the guest's message", |v| {
            v["type"] == "message" && v["message"]["text"] == "via the listener"
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_killed_while_sending_loses_nothing_and_flags_what_may_go_twice() {
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    add_account(home, ismg.port(), &[]);
    // The gateway takes five SUBMITs without answering them.
    ismg.drop_responses(5);
    let mut owner = Running::spawn(sms(home, "s3cret", &["listen"]));
    owner
        .wait_json("connected", |v| v["state"]["state"] == "connected")
        .await;
    let mut ids = Vec::new();
    for i in 0..8 {
        let ran = common::cli::run_async(
            sms(
                home,
                "s3cret",
                &["send", "--to", PHONE, "--wait", "0", &format!("m{i}")],
            ),
            "",
            WAIT,
        )
        .await;
        ids.push(ran.json()[0]["message"]["id"].as_str().unwrap().to_owned());
    }
    ismg.wait_until(WAIT, |s| s.submits.len() == 8)
        .await
        .unwrap();
    // The three answered ones are stored as sent (or already delivered:
    // an answer and its report can land in one turn); the five are not.
    let mut answered = std::collections::HashSet::new();
    while answered.len() < 3 {
        let status = owner
            .wait_json("an answered SMS", |v| {
                v["type"] == "status" && (v["status"] == "sent" || v["status"] == "delivered")
            })
            .await;
        answered.insert(status["id"].as_str().unwrap().to_owned());
    }
    owner.kill9();
    // A new owner after the crash sends the five unanswered ones again.
    let paths = Paths::under(home);
    let account = AccountBook::load(&paths).unwrap().sms[0].clone();
    let client = SmsClient::start(SmsOptions {
        store_path: paths.store_of(&account.name),
        account,
        secret: "s3cret".into(),
    })
    .await
    .unwrap();
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut events = client.subscribe();
    for id in &ids {
        let id: uuid::Uuid = id.parse().unwrap();
        loop {
            let d = client.delivery(id).await.unwrap().unwrap();
            if d.status() == MessageStatus::Delivered {
                break;
            }
            // Woken by the next delivery update (or fail at the deadline).
            tokio::time::timeout_at(deadline, events.recv())
                .await
                .unwrap_or_else(|_| panic!("{id} not delivered: {d:?}"))
                .unwrap();
        }
    }
    let seen = ismg.seen();
    let mut flagged = 0;
    for (i, id) in ids.iter().enumerate() {
        let copies = seen
            .submits
            .iter()
            .filter(|s| s.text() == format!("m{i}"))
            .count();
        let d = client.delivery(id.parse().unwrap()).await.unwrap().unwrap();
        if copies > 1 {
            assert_ne!(d.twice, Twice::No, "m{i} went {copies} times unflagged");
            flagged += 1;
        }
    }
    let texts: Vec<String> = seen.submits.iter().map(|s| s.text()).collect();
    assert_eq!(
        flagged, 5,
        "the five unanswered were sent again, and said so: {texts:?}"
    );
    client.shutdown().await;
}
