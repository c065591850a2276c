//! What people do in a conversation all day, in the real app under Xvfb
//! driven by WebDriver, against a real Mosquitto, with the `tether` CLI as
//! the other people: edits, reactions, deletes, formatting and a link that
//! asks before it opens, a mention that notifies in a muted room, the
//! people list and a room's members, name and topic. Screenshots of each
//! go to docs/screenshots.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use std::time::Duration;

use common::app::{
    ENTER, click, close_window, dunstctl, find, find_text, open_app, screenshot, step, type_into,
    wait_js, wait_until, watchdog, window_shown,
};
use common::cli::{Ran, cli_user};
use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use tether_tests::desktop::Desktop;

/// Runs `script` on the article holding `text` (as `arguments[0]`'s
/// match, `m` in the script).
async fn on_message(c: &Client, text: &str, script: &str) -> Value {
    let js = format!(
        "const m = [...document.querySelectorAll('article.message')]
           .find(a => a.textContent.includes(arguments[0]));
         if (!m) return null; {script}"
    );
    c.execute(&js, vec![json!(text)]).await.unwrap()
}

/// Waits until `script` on the article holding `text` returns `want`.
async fn wait_message(c: &Client, text: &str, script: &str, want: Value) {
    let js = format!(
        "const m = [...document.querySelectorAll('article.message')]
           .find(a => a.textContent.includes({}));
         if (!m) return null; {script}",
        json!(text)
    );
    wait_js(c, &js, want).await;
}

/// Clicks `[data-testid=testid]` inside the article holding `text` (its
/// toolbar shows once the keyboard is in the message).
async fn click_in_message(c: &Client, text: &str, testid: &str) {
    let found = on_message(
        c,
        text,
        &format!(
            "m.focus(); const b = m.querySelector('[data-testid=\"{testid}\"]');
             if (!b) return false; b.focus(); b.click(); return true"
        ),
    )
    .await;
    assert_eq!(found, json!(true), "no {testid} in the message {text:?}");
}

/// Runs the CLI as `user` until `done` holds for its history with `with`
/// (each run connects once, so what arrived since is stored).
async fn wait_history(
    user: &dyn Fn(&[&str]) -> Ran,
    with: &str,
    what: &str,
    done: impl Fn(&[Value]) -> bool,
) {
    for _ in 0..30 {
        user(&["listen", "--timeout", "2"]).expect_code(0);
        let history = user(&["history", "--with", with]);
        history.expect_code(0);
        if done(&history.json()) {
            return;
        }
    }
    panic!("{what}: never in the history");
}

fn text_is(m: &Value, text: &str) -> bool {
    m["text"].as_str() == Some(text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_in_a_conversation_edits_reactions_deletes_links_mentions_people_and_rooms() {
    watchdog(Duration::from_secs(300));
    let scratch = tempfile::tempdir().unwrap();
    let broker = common::app::broker_with_users(scratch.path(), &["alice", "bob", "carol"]);
    let url = broker.url();
    let bob = cli_user(scratch.path().join("bob"), &url, "bob", Some("bob-pw"));
    let carol = cli_user(
        scratch.path().join("carol"),
        &url,
        "carol",
        Some("carol-pw"),
    );
    for person in [&bob, &carol] {
        person(&["rooms", "join", "dev"]).expect_code(0);
    }

    let alice_home = scratch.path().join("alice");
    let desktop = Desktop::start(&alice_home).unwrap();
    let c = open_app(&desktop).await;
    common::app::sign_in(&c, &url, "alice", "alice-pw").await;

    step("bob writes, with formatting and links");
    let typo = bob(&[
        "send",
        "--to",
        "alice",
        "teh plan: see https://example.com/plan",
    ]);
    typo.expect_code(0);
    let typo_id = typo.json()[0]["id"].as_str().unwrap().to_owned();
    bob(&[
        "send",
        "--to",
        "alice",
        "run `cargo test` first, then:\n```\nmake bench\n```\nthe *fast* way, _really_",
    ])
    .expect_code(0);
    bob(&[
        "send",
        "--to",
        "alice",
        "[the docs](https://evil.example/login) and <img src=x onerror=\"window.__pwned=1\">",
    ])
    .expect_code(0);
    desktop.focus_window("^Tether$").unwrap();
    common::app::click_text(&c, "nav.conversations button", "bob").await;
    find_text(&c, "article.message", "teh plan").await;
    find_text(&c, "article.message pre code", "make bench").await;
    find_text(&c, "article.message code", "cargo test").await;
    find_text(&c, "article.message strong", "fast").await;
    wait_js(
        &c,
        "return document.querySelectorAll('article.message img, article.message script').length",
        json!(0),
    )
    .await;
    wait_js(&c, "return window.__pwned === undefined", json!(true)).await;

    step("a link whose text is not its target asks first");
    on_message(
        &c,
        "the docs",
        "[...m.querySelectorAll('a')].find(a => a.textContent === 'the docs').click(); return true",
    )
    .await;
    find_text(&c, "[role='dialog']", "evil.example").await;
    click(&c, "[role='dialog'] button:not(.primary)").await;
    wait_js(
        &c,
        "return document.querySelector(\"[role='dialog']\") === null",
        json!(true),
    )
    .await;

    step("bob fixes his typo: alice sees it edited");
    bob(&["edit", &typo_id, "the plan: see https://example.com/plan"]).expect_code(0);
    wait_message(
        &c,
        "the plan: see",
        "return m.querySelector('[data-testid=\"edited-mark\"]') !== null",
        json!(true),
    )
    .await;

    step("alice reacts from the quick bar");
    click_in_message(&c, "the plan: see", "message-react-button").await;
    click(&c, "[data-testid='quick-reaction']").await;
    wait_message(
        &c,
        "the plan: see",
        "return m.querySelectorAll('[data-testid=\"reaction-chip\"]').length",
        json!(1),
    )
    .await;
    wait_history(&bob, "alice", "alice's reaction", |h| {
        h.iter()
            .any(|m| m["id"] == typo_id.as_str() && m["reactions"][0]["users"][0] == "alice")
    })
    .await;

    step("alice replies, then edits her message with the up arrow");
    click_in_message(&c, "the plan: see", "message-menu-button").await;
    click(&c, "[data-testid='menu-reply']").await;
    let composer = find(&c, "textarea[id$='-text']").await;
    composer
        .send_keys(&format!("lunch at noon?{ENTER}"))
        .await
        .unwrap();
    find_text(&c, "article.message .quote", "the plan").await;
    wait_js(
        &c,
        "return document.querySelector(\"textarea[id$='-text']\").value",
        json!(""),
    )
    .await;
    composer.send_keys("\u{E013}").await.unwrap(); // ArrowUp
    find(&c, "[data-testid='edit-bar']").await;
    composer.clear().await.unwrap();
    composer
        .send_keys(&format!("lunch at one?{ENTER}"))
        .await
        .unwrap();
    wait_message(
        &c,
        "lunch at one?",
        "return m.querySelector('[data-testid=\"edited-mark\"]') !== null",
        json!(true),
    )
    .await;
    wait_history(&bob, "alice", "alice's edit", |h| {
        h.iter()
            .any(|m| text_is(m, "lunch at one?") && m["edited_ts"].is_i64())
    })
    .await;
    // Bob reacts to it from the CLI: alice sees his reaction.
    let history = bob(&["history", "--with", "alice"]);
    let lunch = history
        .json()
        .into_iter()
        .find(|m| text_is(m, "lunch at one?"))
        .unwrap();
    bob(&["react", lunch["id"].as_str().unwrap(), "🎉"]).expect_code(0);
    wait_message(
        &c,
        "lunch at one?",
        "return [...m.querySelectorAll('[data-testid=\"reaction-chip\"]')].map(c => c.textContent.trim())",
        json!(["🎉 1"]),
    )
    .await;
    screenshot(&desktop, "conversation").await;

    step("alice deletes a message for everyone");
    composer
        .send_keys(&format!("wrong chat, sorry{ENTER}"))
        .await
        .unwrap();
    find_text(&c, "article.message", "wrong chat, sorry").await;
    click_in_message(&c, "wrong chat, sorry", "message-menu-button").await;
    click(&c, "[data-testid='menu-delete-everyone']").await;
    click(&c, "[data-testid='confirm-delete-button']").await;
    wait_js(
        &c,
        "return [...document.querySelectorAll('article.message')]
           .some(a => a.textContent.includes('wrong chat, sorry'))",
        json!(false),
    )
    .await;
    find(&c, "[data-testid='deleted-placeholder']").await;
    wait_history(&bob, "alice", "alice's delete", |h| {
        h.iter().any(|m| m["deleted"] == "everyone")
            && !h.iter().any(|m| text_is(m, "wrong chat, sorry"))
    })
    .await;
    // Bob takes one of his back from the CLI: alice sees it go.
    let docs = bob(&["history", "--with", "alice"])
        .json()
        .into_iter()
        .find(|m| {
            m["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("[the docs]"))
        })
        .unwrap();
    bob(&["delete", docs["id"].as_str().unwrap()]).expect_code(0);
    wait_js(
        &c,
        "return document.querySelectorAll(\"[data-testid='deleted-placeholder']\").length",
        json!(2),
    )
    .await;

    step("a muted room stays quiet but for a mention");
    common::app::click_text(&c, ".actions button", "Join room").await;
    type_into(&c, "form.prompt input", "dev").await;
    click(&c, "form.prompt button[type='submit']").await;
    find_text(&c, ".chat header", "dev").await;
    // Everyone's membership is known once the member list shows them.
    click(&c, "[data-testid='room-details-button']").await;
    for user in ["bob", "carol"] {
        find(
            &c,
            &format!("[data-testid='room-member'][data-user='{user}']"),
        )
        .await;
    }
    type_into(&c, "[data-testid='room-topic-input']", "release week").await;
    click(&c, "[data-testid='room-info-save']").await;
    find_text(&c, ".chat header", "release week").await;
    screenshot(&desktop, "room-members").await;
    // Each run connects once, so what arrived since is stored.
    wait_until("carol hears the topic", || {
        carol(&["listen", "--timeout", "2"]).expect_code(0);
        carol(&["rooms", "list"]).stdout.contains("release week")
    })
    .await;
    click(&c, "[data-testid='notify-button']").await;
    screenshot(&desktop, "notification-settings").await;
    click(&c, "[data-testid='notify-mute-always']").await;
    close_window(&desktop).await;
    carol(&["send", "--room", "dev", "standup moved to 10"]).expect_code(0);
    carol(&["send", "--room", "dev", "@alice can you review?"]).expect_code(0);
    wait_until("the mention shows as a notification", || {
        dunstctl(&desktop, &["count", "displayed"]) == "1"
    })
    .await;
    let shown = desktop.notifications();
    assert!(
        shown.iter().any(|n| n.contains("@alice can you review?")),
        "{shown:?}"
    );
    assert!(
        !shown.iter().any(|n| n.contains("standup moved")),
        "a muted room notified: {shown:?}"
    );
    dunstctl(&desktop, &["action", "0"]);
    wait_until("the window comes back", || window_shown(&desktop)).await;
    find_text(&c, "article.message .mention-me", "@alice").await;

    step("the people list");
    click(&c, "[data-testid='people-button']").await;
    find(&c, "[data-testid='people-panel']").await;
    for user in ["bob", "carol"] {
        find(
            &c,
            &format!("[data-testid='person-row'][data-user='{user}']"),
        )
        .await;
    }
    screenshot(&desktop, "people").await;
    type_into(&c, "[data-testid='people-search']", "car").await;
    wait_js(
        &c,
        "return [...document.querySelectorAll(\"[data-testid='person-row']\")].map(r => r.dataset.user)",
        json!(["carol"]),
    )
    .await;
    c.find(Locator::Css(
        "[data-testid='person-row'][data-user='carol']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    find_text(&c, ".chat header", "carol").await;

    step("the tray speaks the UI's language");
    let tray = common::app::tray_item(&desktop).await;
    click(&c, "button[aria-label='Settings']").await;
    c.execute(
        "const s = document.querySelector(\"select[id$='-lang']\"); s.value = 'zh-CN';
         s.dispatchEvent(new Event('change', { bubbles: true })); return true",
        vec![],
    )
    .await
    .unwrap();
    wait_until("the tray menu in Chinese", || {
        let menu = desktop.tray().menu(&tray).unwrap();
        let labels: Vec<&str> = menu.iter().map(|e| e.label.as_str()).collect();
        matches!(labels.as_slice(), ["打开 Tether", status, "退出 Tether"] if status.starts_with("已连接"))
    })
    .await;
}
