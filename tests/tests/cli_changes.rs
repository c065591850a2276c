//! `tether edit`, `tether delete` and `tether react` against a real
//! Mosquitto: another user's listener sees each change, and the refusals
//! (someone else's message, a bad reaction) are in words with exit code 2.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use std::time::Duration;

use common::cli::{Running, is_connected, run_async, tether};
use serde_json::Value;
use tether_tests::Mosquitto;

/// Limit for one CLI run that should end by itself; generous for slow CI.
const RUN: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_react_and_delete_from_the_command_line_reach_the_other_side() {
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
    let mut listen = Running::spawn(as_user(alice_home.path(), "alice", &["listen"]));
    listen.wait_json("alice connected", is_connected).await;

    let sent = run_async(
        as_user(
            bob_home.path(),
            "bob",
            &["send", "--to", "alice", "teh plan"],
        ),
        "",
        RUN,
    )
    .await;
    sent.expect_code(0);
    let id = sent.json()[0]["id"].as_str().unwrap().to_owned();
    listen
        .wait_json("bob's message", |l| l["message"]["text"] == "teh plan")
        .await;

    let edited = run_async(
        as_user(bob_home.path(), "bob", &["edit", &id, "the", "plan"]),
        "",
        RUN,
    )
    .await;
    edited.expect_code(0);
    assert_eq!(edited.json()[0]["text"], "the plan");
    let changed = |l: &Value| l["type"] == "changed" && l["message"]["id"] == id.as_str();
    let seen = listen
        .wait_json("the edit", |l| {
            changed(l) && l["message"]["text"] == "the plan"
        })
        .await;
    assert!(seen["message"]["edited_ts"].is_i64());

    // Alice reacts from her side; bob's history shows it.
    let reacted = run_async(
        as_user(alice_home.path(), "alice", &["react", &id, "👍"]),
        "",
        RUN,
    )
    .await;
    reacted.expect_code(0);
    assert_eq!(reacted.json()[0]["reactions"][0]["emoji"], "👍");
    assert_eq!(reacted.json()[0]["reactions"][0]["users"][0], "alice");

    // Alice may not edit or delete bob's message for everyone.
    for args in [vec!["edit", &id, "mine now"], vec!["delete", &id]] {
        let refused = run_async(as_user(alice_home.path(), "alice", &args), "", RUN).await;
        refused.expect_code(2);
        assert!(
            refused.stderr.contains("only its author"),
            "{}",
            refused.stderr
        );
    }
    let bad = run_async(
        as_user(alice_home.path(), "alice", &["react", &id, "two words"]),
        "",
        RUN,
    )
    .await;
    bad.expect_code(2);
    assert!(bad.stderr.contains("reaction"), "{}", bad.stderr);

    let deleted = run_async(as_user(bob_home.path(), "bob", &["delete", &id]), "", RUN).await;
    deleted.expect_code(0);
    let gone = listen
        .wait_json("the delete", |l| {
            changed(l) && l["message"]["deleted"] == "everyone"
        })
        .await;
    assert_eq!(gone["message"]["text"], "");
    assert_eq!(gone["message"]["reactions"], Value::Array(Vec::new()));

    // Deleting for herself leaves alice's history without it.
    let mine = run_async(
        as_user(alice_home.path(), "alice", &["delete", "--for-me", &id]),
        "",
        RUN,
    )
    .await;
    mine.expect_code(0);
    let history = run_async(
        as_user(alice_home.path(), "alice", &["history", "--with", "bob"]),
        "",
        RUN,
    )
    .await;
    history.expect_code(0);
    assert!(history.json().is_empty(), "{:?}", history.json());
}
