//! Files in the real app under Xvfb, driven by WebDriver, against a real
//! Mosquitto, with the `tether` CLI as bob: an image from bob shows as a
//! thumbnail and opens full size; alice pastes an image and attaches a file
//! through the system's file dialog, and bob's CLI gets both
//! byte-identical; a large file from bob stalls with its progress shown
//! while bob is gone, and completes when he is back. Screenshots go to
//! docs/screenshots.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use std::path::Path;
use std::time::Duration;

use common::app::{
    ENTER, click, click_text, find, open_app, screenshot, step, type_into, wait_js, watchdog,
};
use common::cli::{Ran, Running, cli_user, tether};
use fantoccini::Client;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tether_tests::desktop::Desktop;

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Runs bob's CLI until his files list holds one whose name starts with
/// `name`, downloaded; saves it into `into` and returns its bytes.
fn wait_file(bob: &dyn Fn(&[&str]) -> Ran, name: &str, into: &Path) -> Vec<u8> {
    for _ in 0..30 {
        bob(&["listen", "--timeout", "2"]).expect_code(0);
        let listed = bob(&["files"]);
        listed.expect_code(0);
        let found = listed.json().into_iter().find(|f| {
            f["state"] == "downloaded" && f["name"].as_str().is_some_and(|n| n.starts_with(name))
        });
        if let Some(file) = found {
            let id = file["message"].as_str().unwrap();
            let saved = bob(&["files", "--id", id, "--save", into.to_str().unwrap()]);
            saved.expect_code(0);
            let path = saved.json()[0]["saved"].as_str().unwrap().to_owned();
            return std::fs::read(path).unwrap();
        }
    }
    panic!("bob never had {name}");
}

/// The state of the attachment in the message holding `text`.
async fn attachment_state(c: &Client, text: &str) -> Value {
    c.execute(
        "const m = [...document.querySelectorAll('article.message')]
           .find(a => a.textContent.includes(arguments[0]));
         const a = m && m.querySelector('[data-testid=\"attachment\"]');
         return a ? a.dataset.state : null",
        vec![json!(text)],
    )
    .await
    .unwrap()
}

async fn wait_attachment(c: &Client, text: &str, state: &str) {
    for _ in 0..150 {
        if attachment_state(c, text).await == json!(state) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the file of {text:?} never became {state}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_and_files_both_ways_with_progress_and_a_viewer() {
    watchdog(Duration::from_secs(300));
    let scratch = tempfile::tempdir().unwrap();
    let broker = common::app::broker_with_users(scratch.path(), &["alice", "bob"]);
    let url = broker.url();
    let bob_home = scratch.path().join("bob");
    let bob = cli_user(bob_home.clone(), &url, "bob", Some("bob-pw"));
    bob(&["listen", "--timeout", "1"]).expect_code(0);

    let alice_home = scratch.path().join("alice");
    let desktop = Desktop::start(&alice_home).unwrap();
    let c = open_app(&desktop).await;
    common::app::sign_in(&c, &url, "alice", "alice-pw").await;

    step("bob sends a screenshot: alice sees it inline and opens it");
    let shot = scratch.path().join("deploy-dashboard.png");
    image::RgbImage::from_fn(960, 540, |x, y| {
        let band = (y / 60) % 3;
        image::Rgb([(x / 4) as u8, 90 + (band * 50) as u8, (255 - y / 3) as u8])
    })
    .save(&shot)
    .unwrap();
    bob(&[
        "send",
        "--to",
        "alice",
        "--file",
        shot.to_str().unwrap(),
        "the dashboard after the deploy",
    ])
    .expect_code(0);
    desktop.focus_window("^Tether$").unwrap();
    click_text(&c, "nav.conversations button", "bob").await;
    wait_attachment(&c, "the dashboard after the deploy", "downloaded").await;
    wait_js(
        &c,
        "const i = document.querySelector('[data-testid=\"attachment-thumb\"] img');
         return !!i && i.complete && i.naturalWidth > 0",
        json!(true),
    )
    .await;
    click(&c, "[data-testid='attachment-thumb']").await;
    wait_js(
        &c,
        "const v = document.querySelector('[data-testid=\"image-viewer\"] img');
         return !!v && v.src.startsWith('blob:') && v.complete && v.naturalWidth === 960",
        json!(true),
    )
    .await;
    click(&c, "[data-testid='image-viewer-close']").await;
    wait_js(
        &c,
        "return document.querySelector('[data-testid=\"image-viewer\"]') === null",
        json!(true),
    )
    .await;

    step("alice pastes an image and sends it with a caption");
    let pasted = std::fs::read(&shot).unwrap();
    c.execute(
        "const bytes = Uint8Array.from(atob(arguments[0]), ch => ch.charCodeAt(0));
         const file = new File([bytes], 'image.png', { type: 'image/png' });
         const data = new DataTransfer();
         data.items.add(file);
         const box = document.querySelector('textarea');
         box.focus();
         box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
         return true",
        vec![json!(base64_of(&pasted))],
    )
    .await
    .unwrap();
    find(&c, "[data-testid='pending-file']").await;
    type_into(&c, "textarea", "here is what I see").await;
    find(&c, "textarea").await.send_keys(ENTER).await.unwrap();
    wait_attachment(&c, "here is what I see", "uploaded").await;
    let saved = scratch.path().join("bob-saved");
    let got = wait_file(&bob, "Pasted image", &saved);
    assert_eq!(
        sha(&got),
        sha(&pasted),
        "bob got the pasted image byte for byte"
    );
    screenshot(&desktop, "files-image").await;

    step("alice attaches a file through the system's file dialog");
    let notes = scratch.path().join("release-notes.txt");
    let text = "Release 2.4\n- files in chats\n".repeat(2000);
    std::fs::write(&notes, &text).unwrap();
    click(&c, "[data-testid='attach-button']").await;
    pick_in_file_dialog(&desktop, &notes).await;
    find(&c, "[data-testid='pending-file']").await;
    find(&c, "textarea").await.send_keys(ENTER).await.unwrap();
    let got = wait_file(&bob, "release-notes.txt", &saved);
    assert_eq!(got, text.as_bytes());

    step("a large file from bob: its progress shows, then it is there");
    // 200 MB: above the push limit, so alice fetches it from bob's Tether.
    let big = scratch.path().join("server-logs.tar.gz");
    let mut bytes = vec![0x5a_u8; 200 * 1024 * 1024];
    bytes[..4].copy_from_slice(&[0x1f, 0x8b, 0x08, 0x00]);
    std::fs::write(&big, bytes).unwrap();
    let mut sending = Running::spawn({
        let mut cmd = tether(
            &bob_home,
            &[
                "--broker",
                url.as_str(),
                "--user",
                "bob",
                "send",
                "--to",
                "alice",
                "--file",
            ],
        );
        cmd.arg(&big).args(["--wait", "120", "the server logs"]);
        cmd.env("TETHER_PASSWORD", "bob-pw");
        cmd
    });
    wait_js_quick(
        &c,
        "const m = [...document.querySelectorAll('article.message')]
           .find(a => a.textContent.includes('the server logs'));
         const p = m && m.querySelector('[data-testid=attachment-progress]');
         return !!p && Number(p.getAttribute('aria-valuenow')) > 0",
    )
    .await;
    screenshot(&desktop, "files-progress").await;
    for _ in 0..600 {
        if attachment_state(&c, "the server logs").await == json!("downloaded") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        attachment_state(&c, "the server logs").await,
        json!("downloaded"),
        "app: {}\nbob: {}",
        common::app::log_tail(&desktop.log(), 10),
        sending.transcript()
    );
    assert!(
        sending.wait_exit(Duration::from_secs(120)).await.success(),
        "{}",
        sending.transcript()
    );
}

/// Polls `script` in the page every animation frame until it is true
/// (fast enough to catch a transfer in the middle).
async fn wait_js_quick(c: &Client, script: &str) {
    let js = format!(
        "const done = arguments[arguments.length - 1];
         const start = Date.now();
         const check = () => {{
           let ok = false;
           try {{ ok = (() => {{ {script} }})(); }} catch (e) {{}}
           if (ok) return done(true);
           if (Date.now() - start > 25000) return done(false);
           requestAnimationFrame(check);
         }};
         check();"
    );
    let got = c.execute_async(&js, vec![]).await.unwrap();
    assert_eq!(got, json!(true), "never: {script}");
}

/// Picks `path` in the GTK file chooser the attach button opened: typing
/// a path that starts with `/` opens its location field.
async fn pick_in_file_dialog(desktop: &Desktop, path: &Path) {
    let mut found = false;
    for _ in 0..50 {
        let search = desktop
            .command("xdotool")
            .unwrap()
            .args([
                "search",
                "--onlyvisible",
                "--name",
                "^(Open|Select|Choose).*",
            ])
            .output()
            .unwrap();
        if search.status.success() && !search.stdout.is_empty() {
            found = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(found, "no file dialog appeared");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let run = |args: &[&str]| {
        let status = desktop
            .command("xdotool")
            .unwrap()
            .args(args)
            .status()
            .unwrap();
        assert!(status.success(), "xdotool {args:?}");
    };
    // The folder first, then the name: GTK's location field then
    // accepts the file with Return (a whole path typed in one go leaves
    // "Open" greyed out while it completes).
    let (dir, name) = (path.parent().unwrap(), path.file_name().unwrap());
    run(&["key", "--clearmodifiers", "ctrl+l"]);
    run(&["type", "--delay", "20", &format!("{}/", dir.display())]);
    tokio::time::sleep(Duration::from_millis(500)).await;
    run(&["key", "Return"]);
    tokio::time::sleep(Duration::from_millis(500)).await;
    run(&["key", "--clearmodifiers", "ctrl+l"]);
    run(&["type", "--delay", "20", name.to_str().unwrap()]);
    tokio::time::sleep(Duration::from_millis(500)).await;
    run(&["key", "Return"]);
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
