//! The real desktop app under Xvfb, driven by WebDriver, signed in to the
//! project's own SMS gateway simulator (`tether_testbed::ismg`) as an SP:
//! an SMS account added in the app, a long text out with its cost shown
//! while typing and its report, a failed one with the gateway's words, an
//! incoming SMS shown as text with a notification, and the account
//! remembered across a restart with its secret only in the keyring.
//!
//! Needs what `app_e2e` needs (`make deps`, the built binaries).
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use std::time::Duration;

use common::app::{
    ENTER, close_window, dunstctl, files_containing, find, find_text, open_app, screenshot, step,
    tray_item, type_into, wait_js, wait_status, wait_until, watchdog, window_shown,
};
use fantoccini::Locator;
use serde_json::json;
use tether_testbed::ismg::{Ismg, IsmgOptions, Mo};
use tether_tests::desktop::Desktop;

const PHONE: &str = "13800138000";
const OTHER_PHONE: &str = "13900139000";
const SENDER: &str = "1065901234";

/// The text of the first `css` element, or "" while there is none.
async fn text_of(c: &fantoccini::Client, css: &str) -> String {
    c.execute(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : '';",
        vec![json!(css)],
    )
    .await
    .unwrap()
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sp_texts_a_phone_from_the_app_sees_reports_and_replies() {
    watchdog(Duration::from_secs(300));
    let secret = format!("sms-{}", uuid::Uuid::now_v7().simple());
    let mut options = IsmgOptions::new();
    options.accounts = vec![("901234".into(), secret.clone())];
    // Reports a moment after the answer: "sent", then "delivered".
    options.report_delay = Duration::from_millis(800);
    let ismg = Ismg::start(options).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let home = scratch.path().join("sp");
    let desktop = Desktop::start(&home).unwrap();
    let c = open_app(&desktop).await;

    step("an SMS account");
    find_text(&c, "label", "An SMS gateway (CMPP)").await;
    common::app::click_text(&c, "label", "An SMS gateway (CMPP)").await;
    let name = find(&c, "input[id$='-sms-name']").await;
    name.clear().await.unwrap();
    name.send_keys("operator").await.unwrap();
    type_into(&c, "input[id$='-sms-host']", "127.0.0.1").await;
    let port = find(&c, "input[id$='-sms-port']").await;
    port.clear().await.unwrap();
    port.send_keys(&ismg.port().to_string()).await.unwrap();
    type_into(&c, "input[id$='-sms-sp-id']", "901234").await;
    type_into(&c, "input[id$='-sms-src-id']", SENDER).await;
    // A mistyped secret first: the gateway's refusal, in words.
    type_into(&c, "input[id$='-sms-secret']", "mistyped").await;
    common::app::click(&c, "button[type='submit']").await;
    find_text(&c, "[role='alert']", "The SMS gateway at 127.0.0.1").await;
    c.execute(
        "document.querySelector(\"[role='alert']\").scrollIntoView({block: 'center'})",
        vec![],
    )
    .await
    .unwrap();
    screenshot(&desktop, "sms-login").await;
    let field = find(&c, "input[id$='-sms-secret']").await;
    field.clear().await.unwrap();
    field.send_keys(&secret).await.unwrap();
    let remember = find(&c, "input[id$='-sms-remember']").await;
    if remember.prop("checked").await.unwrap().as_deref() != Some("true") {
        remember.click().await.unwrap();
    }
    common::app::click(&c, "button[type='submit']").await;
    find(&c, ".main-view").await;
    let seen = ismg.seen();
    assert_eq!((seen.refused, seen.logins), (1, 1));

    step("a text to a phone, its cost shown while typing");
    common::app::click_text(&c, "button", "New SMS").await;
    type_into(&c, "form.prompt input", &format!("{PHONE}{ENTER}")).await;
    find_text(&c, ".chat header", PHONE).await;
    let composer = find(&c, "textarea[id$='-text']").await;
    composer.send_keys("hello").await.unwrap();
    wait_until_text(&c, ".sms-cost", "1 SMS").await;
    // 80 Chinese characters: UCS2, two SMS of 67.
    let long = "短信".repeat(40);
    composer.clear().await.unwrap();
    composer.send_keys(&long).await.unwrap();
    wait_until_text(&c, ".sms-cost", "2 SMS").await;
    composer.send_keys(ENTER).await.unwrap();
    wait_status(&c, &long, "delivered").await;
    let seen = ismg.seen();
    assert_eq!(seen.to(PHONE).len(), 2, "two parts");
    assert_eq!(
        seen.submits.iter().map(|s| s.text()).collect::<String>(),
        long
    );

    step("a failed text shows the gateway's words");
    ismg.set_stat(OTHER_PHONE, "MA:0001");
    common::app::click_text(&c, "button", "New SMS").await;
    type_into(&c, "form.prompt input", &format!("{OTHER_PHONE}{ENTER}")).await;
    find_text(&c, ".chat header", OTHER_PHONE).await;
    let composer = find(&c, "textarea[id$='-text']").await;
    composer
        .send_keys(&format!("this one will not arrive{ENTER}"))
        .await
        .unwrap();
    wait_status(&c, "this one will not arrive", "failed").await;
    find_text(&c, "article.message .sms-delivery", "MA:0001").await;
    // The gateway took it: sent, not delivered.
    find_text(&c, "article.message", "Not delivered").await;
    screenshot(&desktop, "sms-failed").await;

    step("a text scheduled for later, then cancelled before it goes");
    let composer = find(&c, "textarea[id$='-text']").await;
    composer.send_keys("see you at eight").await.unwrap();
    common::app::click(&c, ".schedule button.trigger").await;
    // The panel offers an hour from now.
    common::app::click_text(&c, ".schedule .panel button", "Schedule").await;
    // The gateway took it and holds it until then.
    wait_status(&c, "see you at eight", "sent").await;
    find_text(&c, "article.message .sms-delivery", "Scheduled for").await;
    let held = ismg.seen();
    let taken = held.to(OTHER_PHONE);
    assert!(
        !taken.last().unwrap().at_time.is_empty(),
        "with its At_Time"
    );
    screenshot(&desktop, "sms-scheduled").await;
    common::app::click_text(&c, "article.message button.action", "Cancel sending").await;
    common::app::click_text(&c, "article.message button.danger", "Cancel text").await;
    wait_status(&c, "see you at eight", "failed").await;
    find_text(&c, "article.message", "Cancelled").await;
    assert_eq!(ismg.seen().cancels, 1, "the gateway was asked");

    step("a reply from the phone");
    // Read with the window in front: no notification for this one.
    desktop.focus_window("^Tether$").unwrap();
    common::app::click_text(&c, "nav.conversations button", PHONE).await;
    ismg.send_mo(Mo::new(PHONE, SENDER, "收到，谢谢 — got it"));
    find_text(&c, "article.message", "收到，谢谢 — got it").await;
    screenshot(&desktop, "sms").await;

    step("a notification for a text in the background");
    close_window(&desktop).await;
    ismg.send_mo(Mo::new(OTHER_PHONE, SENDER, "<b>call me</b>"));
    wait_until("a notification shows", || {
        dunstctl(&desktop, &["count", "displayed"]) == "1"
    })
    .await;
    dunstctl(&desktop, &["action", "0"]);
    wait_until("the window comes back", || window_shown(&desktop)).await;
    find_text(&c, ".chat header", OTHER_PHONE).await;
    find_text(&c, "article.message", "<b>call me</b>").await;
    wait_js(
        &c,
        "return document.querySelectorAll('article.message b').length",
        json!(0),
    )
    .await;
    let shown = desktop.notifications();
    assert!(
        shown.contains(&format!("{OTHER_PHONE}|&lt;b&gt;call me&lt;/b&gt;")),
        "the notification: {shown:?}"
    );

    step("remembered");
    // Quit from the tray; the app starts again signed in to the gateway,
    // with its history, asking for nothing.
    let tray = tray_item(&desktop).await;
    desktop.tray().click(&tray, "Quit Tether").unwrap();
    wait_until("the app exits", || desktop.tray().items().is_empty()).await;
    let _ = c.close().await;
    let c = open_app(&desktop).await;
    find(&c, ".main-view").await;
    find_text(&c, "nav.conversations button", PHONE).await;
    assert!(
        c.find(Locator::Css("input[id$='-sms-secret']"))
            .await
            .is_err()
    );
    wait_until("the gateway sees a second login", || {
        ismg.seen().logins == 2
    })
    .await;
    c.close().await.unwrap();

    step("the secret only in the keyring");
    let hits = files_containing(&home, secret.as_bytes());
    assert!(hits.is_empty(), "secret written to {hits:?}");
    assert!(!desktop.log().contains(&secret), "secret in the app's log");
}

/// Waits until the first `css` element's text contains `want`.
async fn wait_until_text(c: &fantoccini::Client, css: &str, want: &str) {
    let deadline = tokio::time::Instant::now() + common::app::UI_WAIT;
    loop {
        let got = text_of(c, css).await;
        if got.contains(want) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{css} says {got:?}, wanted {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
