//! The real desktop app under Xvfb, driven by WebDriver (tauri-driver +
//! WebKitWebDriver), against a real Mosquitto, with the `tether` CLI as the
//! other person. Screenshots of what a user sees go to docs/screenshots.
//!
//! Needs `make deps` (WebKitGTK, Xvfb, webkit2gtk-driver, tauri-driver,
//! gnome-keyring) and the built binaries (`make test` builds them).
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use std::time::{Duration, Instant};

use common::app::{
    ENTER, ESCAPE, UI_WAIT, click, click_text, close_window, dunstctl, files_containing, find,
    find_text, log_tail, open_app, screenshot, step, tray_item, type_into, wait_js, wait_status,
    wait_tray, wait_until, watchdog, web_process_environment, window_shown,
};
use common::cli::{cli_user, run, tether, wait_read_receipts};
use fantoccini::Locator;
use serde_json::json;
use tether_tests::desktop::{Desktop, app_bin};
use tether_tests::{Mosquitto, MosquittoOptions, mosquitto_passwd};

const CLI_WAIT: Duration = Duration::from_secs(60);

/// The connection strip says "connected" (it stays, calm, once connected).
const CONNECTED_STRIP: &str =
    "return document.querySelector('.banner[data-state=\"connected\"]') !== null";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_signs_in_chats_with_the_cli_survives_an_outage_and_is_remembered() {
    watchdog(Duration::from_secs(300));
    let scratch = tempfile::tempdir().unwrap();
    let alice_pw = format!("app-{}", uuid::Uuid::now_v7().simple());
    let passwd = scratch.path().join("passwd");
    mosquitto_passwd(&passwd, "alice", &alice_pw).unwrap();
    mosquitto_passwd(&passwd, "bob", "bob-pw").unwrap();
    mosquitto_passwd(&passwd, "carol", "carol-pw").unwrap();
    let mut broker = Mosquitto::start_with(MosquittoOptions {
        allow_anonymous: false,
        password_file: Some(passwd),
        persistence: true,
        ..Default::default()
    })
    .unwrap();
    let url = broker.url();
    let bob = cli_user(scratch.path().join("bob"), &url, "bob", Some("bob-pw"));
    // Bob's persistent session exists from now on, so the broker keeps
    // what alice sends while his CLI is not running.
    bob(&["listen", "--timeout", "1"]).expect_code(0);

    let alice_home = scratch.path().join("alice");
    let desktop = Desktop::start(&alice_home).unwrap();
    let c = open_app(&desktop).await;

    step("sign in");
    // Sign in on the Mosquitto (not This computer), asking to be remembered.
    click_text(&c, "label", "An MQTT broker").await;
    let broker_field = find(&c, "input[id$='-broker']").await;
    broker_field.clear().await.unwrap();
    broker_field.send_keys(&url).await.unwrap();
    type_into(&c, "input[id$='-user']", "alice").await;
    type_into(&c, "input[id$='-password']", &alice_pw).await;
    let remember = find(&c, "input[id$='-remember']").await;
    if remember.prop("checked").await.unwrap().as_deref() != Some("true") {
        remember.click().await.unwrap();
    }
    screenshot(&desktop, "login").await;
    click(&c, "button[type='submit']").await;
    find(&c, ".main-view").await;

    step("the page's JavaScript heap is kept small");
    // Set in the app's `main`, before GTK: WebKit's web process has it.
    let jsc: Vec<String> = web_process_environment(&alice_home)
        .into_iter()
        .filter(|v| v.starts_with("JSC_"))
        .collect();
    for want in [
        "JSC_aggressiveHeapThresholdInMB=1048576",
        "JSC_smallHeapGrowthFactor=1.5",
        "JSC_largeHeapSize=8388608",
        "JSC_useCodeCache=0",
    ] {
        assert!(jsc.iter().any(|v| v == want), "{want} not in {jsc:?}");
    }

    step("bob writes");
    // Bob writes from the CLI; alice sees it, as text.
    let first = bob(&["send", "--to", "alice", "hello from the cli"]);
    first.expect_code(0);
    let first_id = first.json()[0]["id"].as_str().unwrap().to_owned();
    let xss = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>";
    bob(&["send", "--to", "alice", xss]).expect_code(0);
    // Read receipts go out only while the window has the focus.
    desktop.focus_window("^Tether$").unwrap();
    click_text(&c, "nav.conversations button", "bob").await;
    find_text(&c, "article.message", "hello from the cli").await;
    // Both were unread when the chat opened: the divider says so.
    find_text(&c, ".list .unread", "2 new messages").await;
    find_text(&c, "article.message", "onerror").await;
    wait_js(
        &c,
        "return document.querySelectorAll('article.message img, article.message script').length",
        json!(0),
    )
    .await;
    wait_js(&c, "return window.__pwned === undefined", json!(true)).await;

    // Read with the chat open: the unread badge goes, and the read receipt
    // reaches bob (his history says "read" once his CLI has collected it).
    wait_js(
        &c,
        "return document.querySelector('nav.conversations .badge') === null",
        json!(true),
    )
    .await;
    wait_read_receipts(&bob, "alice", &["hello from the cli", xss]).await;

    step("alice answers");
    // Alice answers; bob's CLI gets it.
    let composer = find(&c, "textarea[id$='-text']").await;
    composer
        .send_keys(&format!("hi bob, from the app{ENTER}"))
        .await
        .unwrap();
    wait_status(&c, "hi bob, from the app", "sent").await;
    let heard = bob(&["listen", "--count", "1", "--timeout", "30"]);
    heard.expect_code(0);
    let lines = heard.json();
    assert!(
        lines
            .iter()
            .any(|l| l["type"] == "message" && l["message"]["text"] == "hi bob, from the app"),
        "bob never got alice's message: {lines:#?}"
    );
    wait_status(&c, "hi bob, from the app", "delivered").await;

    step("replies, both ways");
    // Alice answers bob's first message with its Reply action (built when
    // the keyboard is in the message); the quote travels with the reply.
    c.execute(
        "const a = [...document.querySelectorAll('article.message')]
           .find(a => a.textContent.includes(arguments[0]));
         a.focus(); a.querySelector('button.reply').focus()",
        vec![json!("hello from the cli")],
    )
    .await
    .unwrap();
    click(&c, "article.message button.reply:focus").await;
    find_text(&c, ".reply-bar", "hello from the cli").await;
    let composer = find(&c, "textarea[id$='-text']").await;
    composer
        .send_keys(&format!("yes, that one{ENTER}"))
        .await
        .unwrap();
    wait_status(&c, "yes, that one", "sent").await;
    assert!(
        c.find(Locator::Css(".reply-bar")).await.is_err(),
        "the bar is gone"
    );
    let heard = bob(&["listen", "--count", "1", "--timeout", "30"]);
    heard.expect_code(0);
    let lines = heard.json();
    let reply = lines
        .iter()
        .find(|l| l["type"] == "message" && l["message"]["text"] == "yes, that one")
        .unwrap_or_else(|| panic!("bob never got the reply: {lines:#?}"));
    assert_eq!(reply["message"]["reply_to"], first_id.as_str());
    // Bob answers alice's message from the CLI; the app quotes it.
    let mine = bob(&["history", "--with", "alice"]);
    mine.expect_code(0);
    let asked = mine
        .json()
        .into_iter()
        .find(|m| m["text"] == "hi bob, from the app")
        .unwrap();
    let asked_id = asked["id"].as_str().unwrap().to_owned();
    bob(&[
        "send",
        "--to",
        "alice",
        "--reply-to",
        &asked_id,
        "great, see you",
    ])
    .expect_code(0);
    find_text(&c, "article.message .quote", "hi bob, from the app").await;
    screenshot(&desktop, "chat").await;

    step("notification");
    // Closing the window keeps Tether running in the tray: a message from
    // carol shows as a notification (its markup as text), and clicking it
    // brings the window back with her chat open.
    close_window(&desktop).await;
    let carol_home = scratch.path().join("carol");
    let mut carol = tether(
        &carol_home,
        &[
            "--broker",
            url.as_str(),
            "--user",
            "carol",
            "send",
            "--to",
            "alice",
            "<b>ping</b> from carol",
        ],
    );
    carol.env("TETHER_PASSWORD", "carol-pw");
    run(carol, "", CLI_WAIT).expect_code(0);
    wait_until("a notification shows", || {
        dunstctl(&desktop, &["count", "displayed"]) == "1"
    })
    .await;
    // The tray counts it: in the menu's status line and next to the icon.
    let tray = tray_item(&desktop).await;
    wait_tray(&desktop, &tray, "Connected · 1 unread", "1").await;
    dunstctl(&desktop, &["action", "0"]);
    wait_until("the window comes back", || window_shown(&desktop)).await;
    find_text(&c, ".chat header", "carol").await;
    find_text(&c, "article.message", "<b>ping</b> from carol").await;
    // Read in the open chat: the count goes.
    wait_tray(&desktop, &tray, "Connected", "").await;
    let shown = desktop.notifications();
    assert!(
        shown.contains(&"carol|&lt;b&gt;ping&lt;/b&gt; from carol".to_owned()),
        "the notification body was not escaped: {shown:?}"
    );

    step("search");
    // A hit in another conversation opens it with that message in view,
    // highlighted.
    let search = find(&c, "input[type='search']").await;
    search.send_keys("from the cli").await.unwrap();
    click_text(&c, ".results button.hit", "hello from the cli").await;
    find_text(&c, ".chat header", "bob").await;
    wait_js(
        &c,
        "const f = document.querySelector('[data-key] .focus'); \
         return f ? f.parentElement.textContent.includes('hello from the cli') : false",
        json!(true),
    )
    .await;
    screenshot(&desktop, "search").await;
    search.send_keys(ESCAPE).await.unwrap();
    find_text(&c, "nav.conversations button", "carol").await;

    step("no remote content");
    // The CSP lets nothing load from elsewhere: an image or a request to
    // another origin is refused (and reported), never fetched.
    let refused = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             const seen = []; \
             document.addEventListener('securitypolicyviolation', e => seen.push(e.violatedDirective)); \
             const img = new Image(); img.src = 'http://127.0.0.1:9/remote.png'; \
             fetch('http://127.0.0.1:9/remote').catch(() => {}); \
             setTimeout(() => done(seen.sort()), 1500);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(refused, json!(["connect-src", "img-src"]), "CSP reports");

    step("second start");
    // Starting Tether again while it runs in the tray hands over to the
    // running one: its window comes back and the second process exits.
    close_window(&desktop).await;
    let mut second = desktop
        .command(app_bin().to_str().unwrap())
        .unwrap()
        .env("TETHER_HOME", &alice_home)
        .spawn()
        .unwrap();
    wait_until("the second start exits", || {
        matches!(second.try_wait(), Ok(Some(_)))
    })
    .await;
    assert!(second.wait().unwrap().success(), "the second start failed");
    wait_until("the window comes back", || window_shown(&desktop)).await;
    let windows = desktop
        .command("xdotool")
        .unwrap()
        .args(["search", "--onlyvisible", "--name", "^Tether$"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&windows.stdout).lines().count(),
        1,
        "one Tether window"
    );

    step("tray menu");
    // Closed to the tray, "Open Tether" in the tray's menu brings it back.
    close_window(&desktop).await;
    desktop.tray().click(&tray, "Open Tether").unwrap();
    wait_until("the window comes back", || window_shown(&desktop)).await;

    step("broker outage");
    // The broker goes away: the banner says so, and a message sent now is
    // queued, then delivered once the broker is back.
    broker.stop().unwrap();
    let banner = "const b = document.querySelector('.banner[data-state]'); return b ? b.dataset.state : null";
    let deadline = Instant::now() + UI_WAIT;
    while !matches!(
        c.execute(banner, vec![]).await.unwrap().as_str(),
        Some("waiting" | "connecting")
    ) {
        assert!(
            Instant::now() < deadline,
            "the banner never showed the outage"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let composer = find(&c, "textarea[id$='-text']").await;
    composer
        .send_keys(&format!("sent while offline{ENTER}"))
        .await
        .unwrap();
    wait_status(&c, "sent while offline", "queued").await;
    screenshot(&desktop, "offline").await;
    broker.restart().unwrap();
    c.execute("document.querySelector('.banner button')?.click()", vec![])
        .await
        .unwrap();
    wait_status(&c, "sent while offline", "sent").await;
    // The status strip stays, calm, so nothing below it moves.
    wait_js(&c, CONNECTED_STRIP, json!(true)).await;
    let heard = bob(&["listen", "--count", "1", "--timeout", "30"]);
    assert!(
        heard.stdout.contains("sent while offline"),
        "{heard:#?}\nbroker log (end):\n{}",
        log_tail(&broker.log(), 80)
    );
    wait_status(&c, "sent while offline", "delivered").await;

    step("a room joined while offline");
    // The broker keeps alice's session across its restart, so she comes
    // back with session_present: the room joined meanwhile must still be
    // subscribed (it used to stay one-way, receiving nothing).
    broker.stop().unwrap();
    wait_js(
        &c,
        "return document.querySelector('.banner[data-state=\"waiting\"], .banner[data-state=\"connecting\"]') !== null",
        json!(true),
    )
    .await;
    click_text(&c, ".actions button", "Join room").await;
    type_into(&c, "form.prompt input", &format!("standup{ENTER}")).await;
    find_text(&c, ".chat header", "standup").await;
    broker.restart().unwrap();
    c.execute("document.querySelector('.banner button')?.click()", vec![])
        .await
        .unwrap();
    wait_js(&c, CONNECTED_STRIP, json!(true)).await;
    bob(&[
        "send",
        "--room",
        "standup",
        "to the room alice joined offline",
    ])
    .expect_code(0);
    find_text(&c, "article.message", "to the room alice joined offline").await;

    step("settings");
    // Dark theme, by the manual override.
    click(&c, ".settings .trigger").await;
    find(&c, "select[id$='-theme']")
        .await
        .select_by_value("dark")
        .await
        .unwrap();
    // Start at login, opt-in: the login item appears, starting in the tray.
    click(&c, "input[id$='-autostart']").await;
    let autostart_dir = desktop.home().join(".config/autostart");
    let deadline = Instant::now() + UI_WAIT;
    let entry = loop {
        let found = std::fs::read_dir(&autostart_dir)
            .into_iter()
            .flatten()
            .flatten()
            .find_map(|e| std::fs::read_to_string(e.path()).ok());
        if let Some(entry) = found {
            break entry;
        }
        assert!(
            Instant::now() < deadline,
            "no login item in {autostart_dir:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        entry.contains("tether-app") && entry.contains("--hidden"),
        "{entry}"
    );
    click(&c, ".settings .done").await;
    // The search hit's highlight has faded by now, as has the panel.
    wait_js(
        &c,
        "return document.querySelector('.settings .panel, .focus') === null",
        json!(true),
    )
    .await;
    screenshot(&desktop, "chat-dark").await;

    step("a draft");
    // Half a thought to bob, then another chat: the list says "Draft: …".
    // (Bob's line in the list; the room's mentions bob too.)
    click_text(&c, "nav.conversations button", "You: sent while offline").await;
    find_text(&c, ".chat header", "bob").await;
    type_into(&c, "textarea[id$='-text']", "an unsent thought").await;
    click_text(&c, "nav.conversations button", "standup").await;
    find_text(&c, "nav.conversations button", "Draft: an unsent thought").await;

    step("quit from the tray");
    // The user moves and resizes the window, then quits from the tray: the
    // app exits (its tray item goes) and the window's place is remembered.
    desktop
        .command("xdotool")
        .unwrap()
        .args(["search", "--onlyvisible", "--name", "^Tether$"])
        .args(["windowsize", "--sync", "%1", "900", "600"])
        .args(["windowmove", "--sync", "%1", "70", "50"])
        .status()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let placed = desktop.window_geometry("^Tether$").unwrap();
    assert_eq!(
        (placed.2, placed.3),
        (900, 600),
        "xdotool resized the window"
    );
    desktop.tray().click(&tray, "Quit Tether").unwrap();
    wait_until("the app exits", || desktop.tray().items().is_empty()).await;
    // The session's app is gone already; ending the session may say so.
    let _ = c.close().await;

    step("restart");
    // Restart: remembered, so no login form; the history is there, and the
    // window is where and as big as the user left it.
    let c = open_app(&desktop).await;
    find(&c, ".main-view").await;
    assert_eq!(
        desktop.window_geometry("^Tether$").unwrap(),
        placed,
        "the window's place and size after a restart"
    );
    find_text(&c, "nav.conversations button", "bob").await;
    assert!(
        c.find(Locator::Css("input[id$='-password']"))
            .await
            .is_err()
    );
    // The draft came back with the store, into bob's composer.
    click_text(&c, "nav.conversations button", "Draft: an unsent thought").await;
    find_text(&c, ".chat header", "bob").await;
    wait_js(
        &c,
        "return document.querySelector('textarea[id$=\"-text\"]').value",
        json!("an unsent thought"),
    )
    .await;
    c.close().await.unwrap();

    step("secrets on disk");
    // The password is in the keyring, not in any of Tether's files or logs.
    let hits = files_containing(&alice_home, alice_pw.as_bytes());
    assert!(hits.is_empty(), "password written to {hits:?}");
    assert!(
        !desktop.log().contains(&alice_pw),
        "password in the app's log"
    );
}
