//! "This computer": the app on the embedded broker, with the `tether` CLI
//! as the other person. The CLI's `tether serve` holds the address first,
//! so the app uses it; when it stops, the app hosts the broker itself and
//! the chat goes on: a round trip, the read and delivered receipts, and a
//! message waiting in memory for someone away. Then the app opens it to
//! the local network: a LAN user it adds signs in with the CLI (and a
//! wrong password is refused) and chats with the host.
//!
//! Needs what app_e2e.rs needs (`make deps`, the built binaries).
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use std::time::Duration;

use common::app::{
    ENTER, click, click_text, find, find_text, open_app, screenshot, step, type_into, wait_js,
    wait_status, wait_until, watchdog,
};
use common::cli::{Ran, Running, cli_user, tether, wait_read_receipts};
use serde_json::{Value, json};
use tether_tests::desktop::{Desktop, app_bin};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_chats_on_this_computer_takes_over_the_broker_and_opens_it_to_the_network() {
    watchdog(Duration::from_secs(300));
    let scratch = tempfile::tempdir().unwrap();
    let addr = format!("127.0.0.1:{}", tether_testbed::free_port());
    let url = format!("mqtt://{addr}");

    // Another Tether already serves this computer's broker.
    let mut host = Running::spawn(tether(scratch.path(), &["serve", "--listen", &addr]));
    host.wait_json("the broker listening", |l| l["type"] == "listening")
        .await;

    let bob = cli_user(scratch.path().join("bob"), &url, "bob", None);
    bob(&["listen", "--timeout", "1"]).expect_code(0);

    let alice_home = scratch.path().join("alice");
    let desktop = Desktop::start_with(
        &alice_home,
        &[
            ("TETHER_LOCAL_BROKER", &addr),
            ("TETHER_LAN_LISTEN", "127.0.0.1:0"),
        ],
    )
    .unwrap();
    let c = open_app(&desktop).await;

    step("sign in on This computer");
    // The first start offers This computer: a user id is all it asks.
    let local = find(&c, "input[id$='-server-local']").await;
    assert_eq!(
        local.prop("checked").await.unwrap().as_deref(),
        Some("true"),
        "This computer is not the first choice"
    );
    type_into(&c, "input[id$='-user']", "alice").await;
    screenshot(&desktop, "login-this-computer").await;
    click(&c, "button[type='submit']").await;
    find(&c, ".main-view").await;
    find_text(&c, ".broker", "This computer").await;

    step("bob writes over the CLI's broker");
    bob(&["send", "--to", "alice", "hello over this computer"]).expect_code(0);
    desktop.focus_window("^Tether$").unwrap();
    click_text(&c, "nav.conversations button", "bob").await;
    find_text(&c, "article.message", "hello over this computer").await;

    step("the host stops; the app hosts");
    host.kill9();
    // The app notices the link is gone, hosts the broker and is back
    // online on it: the strip says connected, and bob (a new session on the new
    // broker) reaches alice there.
    wait_until("the app hosts the broker", || {
        desktop
            .log()
            .contains("hosting the broker for This computer")
    })
    .await;
    wait_js(
        &c,
        "return document.querySelector('.banner[data-state=\"connected\"]') !== null",
        json!(true),
    )
    .await;
    bob(&["listen", "--timeout", "1"]).expect_code(0);
    bob(&["send", "--to", "alice", "after the handover"]).expect_code(0);
    find_text(&c, "article.message", "after the handover").await;
    wait_read_receipts(&bob, "alice", &["after the handover"]).await;

    step("alice answers");
    let composer = find(&c, "textarea[id$='-text']").await;
    sent_then_heard(&c, &composer, &bob, "hi bob, from this computer").await;

    step("bob is away");
    // The app's broker keeps it for bob's session until he is back.
    sent_then_heard(&c, &composer, &bob, "written while you were away").await;
    screenshot(&desktop, "chat-this-computer").await;

    step("open to the local network");
    // From the account menu: let the network in, give carol a password,
    // and read the address to give her.
    click(&c, "button.who").await;
    click_text(&c, ".menu button", "Local network").await;
    click(&c, "[role='dialog'] input[type='checkbox']").await;
    find(&c, "[role='dialog'] code").await;
    type_into(&c, "[role='dialog'] input[id$='-user']", "carol").await;
    type_into(
        &c,
        "[role='dialog'] input[id$='-password']",
        "carol-lan-secret",
    )
    .await;
    click_text(&c, "[role='dialog'] button", "Add").await;
    find_text(&c, "[role='dialog'] .users", "carol").await;
    screenshot(&desktop, "lan-hosting").await;
    let lan_url = c
        .execute(
            "return document.querySelector(\"[role='dialog'] code\").textContent",
            vec![],
        )
        .await
        .unwrap();
    let lan_url = lan_url.as_str().unwrap().to_owned();
    click_text(&c, "[role='dialog'] button", "Done").await;

    // Carol, on the network, signs in with that password and writes.
    let carol_home = scratch.path().join("carol");
    let guesser = cli_user(
        carol_home.clone(),
        &lan_url,
        "carol",
        Some("wrong-password"),
    );
    guesser(&["listen", "--timeout", "5"]).expect_code(3);
    let carol = cli_user(carol_home, &lan_url, "carol", Some("carol-lan-secret"));
    carol(&["send", "--to", "alice", "hello from the network"]).expect_code(0);
    click_text(&c, "nav.conversations button", "carol").await;
    find_text(&c, "article.message", "hello from the network").await;

    step("a second profile");
    // Another person on this computer: a second profile is its own
    // instance (it does not hand over to this one) with its own window.
    let mut second = desktop
        .command(app_bin().to_str().unwrap())
        .unwrap()
        .env("TETHER_HOME", scratch.path().join("second-profile"))
        .env("TETHER_LOCAL_BROKER", &addr)
        .spawn()
        .unwrap();
    let windows = || {
        let out = desktop
            .command("xdotool")
            .unwrap()
            .args(["search", "--onlyvisible", "--name", "^Tether$"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).lines().count()
    };
    wait_until("the second profile's window", || windows() == 2).await;
    assert!(
        matches!(second.try_wait(), Ok(None)),
        "the second profile exited"
    );
    let _ = second.kill();
    let _ = second.wait();
}

/// Alice sends `text` while bob's CLI is not running: "sent" (the app's
/// broker has it), bob's next `listen` gets it, then "delivered".
async fn sent_then_heard(
    c: &fantoccini::Client,
    composer: &fantoccini::elements::Element,
    bob: &impl Fn(&[&str]) -> Ran,
    text: &str,
) {
    composer.send_keys(&format!("{text}{ENTER}")).await.unwrap();
    wait_status(c, text, "sent").await;
    let heard = bob(&["listen", "--count", "1", "--timeout", "30"]);
    heard.expect_code(0);
    assert!(
        said(&heard.json(), text),
        "bob never got {text:?}: {:#?}",
        heard.json()
    );
    wait_status(c, text, "delivered").await;
}

fn said(lines: &[Value], text: &str) -> bool {
    lines
        .iter()
        .any(|l| l["type"] == "message" && l["message"]["text"] == text)
}
