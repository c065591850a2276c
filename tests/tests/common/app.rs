//! Driving the app's window in the end-to-end test: WebDriver lookups that
//! wait, the desktop around it (window, tray, notifications) and what the
//! test leaves behind (screenshots).

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator, elements::Element};
use serde_json::{Value, json};
use tether_tests::desktop::{Desktop, app_bin};
use tether_tests::tray_host::{MenuEntry, TrayItem};
use tether_tests::workspace_root;

pub const UI_WAIT: Duration = Duration::from_secs(30);
/// WebDriver's code for the Enter key.
pub const ENTER: &str = "\u{E007}";
pub const ESCAPE: &str = "\u{E00C}";

pub async fn open_app(desktop: &Desktop) -> Client {
    desktop.open_app(&app_bin()).await.unwrap()
}

pub async fn find(c: &Client, css: &str) -> Element {
    c.wait()
        .at_most(UI_WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} never appeared: {e}"))
}

/// Waits for the element matching `css` and clicks it.
pub async fn click(c: &Client, css: &str) {
    find(c, css)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
}

/// Waits for the input matching `css` and types `text` into it.
pub async fn type_into(c: &Client, css: &str, text: &str) {
    find(c, css)
        .await
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("cannot type into {css}: {e}"));
}

/// Finds the first element matching `css` whose text contains `text`, by
/// its DOM text (layout-independent), and clicks it when `click` is set.
pub const FIND_TEXT: &str = "const [css, text, click] = arguments; \
    const e = [...document.querySelectorAll(css)].find(e => e.textContent.includes(text)); \
    if (e && click) e.click(); return !!e;";

/// Waits until some element matching `css` has text containing `text`.
pub async fn find_text(c: &Client, css: &str, text: &str) {
    wait_text(c, css, text, false).await;
}

/// Like [`find_text`], then clicks that element.
pub async fn click_text(c: &Client, css: &str, text: &str) {
    wait_text(c, css, text, true).await;
}

pub async fn wait_text(c: &Client, css: &str, text: &str, click: bool) {
    let deadline = Instant::now() + UI_WAIT;
    loop {
        let args = vec![json!(css), json!(text), json!(click)];
        if c.execute(FIND_TEXT, args).await.unwrap() == json!(true) {
            return;
        }
        if Instant::now() > deadline {
            let body = c
                .execute("return document.body.innerText", vec![])
                .await
                .unwrap();
            panic!(
                "no {css} with text {text:?}; the page shows:\n{}",
                body.as_str().unwrap_or("")
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits until `script` (a JS function body) returns `want`.
pub async fn wait_js(c: &Client, script: &str, want: Value) {
    let deadline = Instant::now() + UI_WAIT;
    loop {
        let got = c.execute(script, vec![]).await.unwrap();
        if got == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{script} stayed {got}, wanted {want}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Whether the app's window is mapped (shown) on the desktop.
pub fn window_shown(desktop: &Desktop) -> bool {
    desktop
        .command("xdotool")
        .unwrap()
        .args(["search", "--onlyvisible", "--name", "^Tether$"])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap()
        .success()
}

/// Tether's item on the desktop's tray panel, once it has registered.
pub async fn tray_item(desktop: &Desktop) -> TrayItem {
    let deadline = Instant::now() + UI_WAIT;
    loop {
        if let Some(item) = desktop.tray().items().into_iter().next() {
            return item;
        }
        assert!(Instant::now() < deadline, "no tray item registered");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// What the tray shows: the menu's status line (between Open and Quit)
/// and the count next to the icon.
pub fn tray_shows(desktop: &Desktop, item: &TrayItem) -> (String, String) {
    let menu = desktop.tray().menu(item).unwrap();
    let labels: Vec<&str> = menu.iter().map(|e| e.label.as_str()).collect();
    assert!(
        matches!(labels.as_slice(), ["Open Tether", _, "Quit Tether"]),
        "tray menu: {menu:?}"
    );
    let status: &MenuEntry = &menu[1];
    assert!(!status.enabled, "the status line is not clickable");
    let label = desktop.tray().text_property(item, "XAyatanaLabel").unwrap();
    (status.label.clone(), label)
}

pub async fn wait_tray(desktop: &Desktop, item: &TrayItem, status: &str, label: &str) {
    let deadline = Instant::now() + UI_WAIT;
    loop {
        let shown = tray_shows(desktop, item);
        if shown == (status.to_owned(), label.to_owned()) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the tray shows {shown:?}, wanted ({status:?}, {label:?})"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Closes the window as a user does (Alt+F4); Tether goes to the tray.
/// The key goes to the focused window, so Tether's is focused first; a
/// notification popping up right then can still take the focus (two make
/// test runs sent Alt+F4 to nothing and waited in vain), so a key that
/// hid nothing within a few seconds is pressed again, as a user would.
pub async fn close_window(desktop: &Desktop) {
    for _ in 0..CLOSE_TRIES {
        desktop.focus_window("^Tether$").unwrap();
        desktop
            .command("xdotool")
            .unwrap()
            .args(["key", "--clearmodifiers", "alt+F4"])
            .status()
            .unwrap();
        let deadline = Instant::now() + CLOSE_WAIT;
        while Instant::now() < deadline {
            if !window_shown(desktop) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    panic!("the window did not hide after {CLOSE_TRIES} presses of Alt+F4");
}

/// Alt+F4 presses before giving up, and how long each may take.
const CLOSE_TRIES: u32 = 3;
const CLOSE_WAIT: Duration = Duration::from_secs(5);

/// What `dunstctl args` prints, trimmed.
pub fn dunstctl(desktop: &Desktop, args: &[&str]) -> String {
    let out = desktop
        .command("dunstctl")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

pub async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + UI_WAIT;
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not within {UI_WAIT:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Progress in the test's output, so a stall shows where it happened.
pub fn step(what: &str) {
    eprintln!("[app_e2e] {what}");
}

pub fn log_tail(log: &str, lines: usize) -> String {
    let all: Vec<&str> = log.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The app's window as it is on screen, into docs/screenshots. A moment
/// first, for the last change to be painted.
pub async fn screenshot(desktop: &Desktop, name: &str) {
    tokio::time::sleep(Duration::from_millis(300)).await;
    let dir = workspace_root().join("docs/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    desktop
        .screenshot("^Tether$", &dir.join(format!("{name}.png")))
        .unwrap();
}

/// The delivery state shown on the outgoing message with this text.
pub const STATUS_OF: &str = "const want = arguments[0]; \
    const row = [...document.querySelectorAll('article.message')].find(a => a.textContent.includes(want)); \
    const s = row && row.querySelector('[data-status]'); return s ? s.dataset.status : null;";

pub async fn wait_status(c: &Client, text: &str, status: &str) {
    let deadline = Instant::now() + UI_WAIT;
    loop {
        let got = c.execute(STATUS_OF, vec![json!(text)]).await.unwrap();
        if got == json!(status) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{text:?} stayed {got}, wanted {status}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub fn files_containing(root: &Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if std::fs::read(&path)
                .unwrap_or_default()
                .windows(needle.len())
                .any(|w| w == needle)
            {
                hits.push(path.display().to_string());
            }
        }
    }
    hits
}

/// The environment of the WebKit web process showing the app whose
/// `TETHER_HOME` is `home` (it inherits the app's), one `NAME=value` each.
pub fn web_process_environment(home: &Path) -> Vec<String> {
    use tether_tests::process::{environment, find_process};
    let marker = format!("TETHER_HOME={}", home.display());
    let pid = find_process(|exe| exe.ends_with("WebKitWebProcess"), &marker)
        .unwrap()
        .unwrap_or_else(|| panic!("no WebKitWebProcess with {marker}"));
    environment(pid)
}

/// Ends the whole test process if the scenario hangs (a stuck WebDriver
/// call would otherwise hold CI until its global limit).
pub fn watchdog(limit: Duration) {
    std::thread::spawn(move || {
        std::thread::sleep(limit);
        eprintln!("[app_e2e] no result after {limit:?}: aborting");
        std::process::exit(101);
    });
}

/// Signs the app in to the broker at `url` as `user` (the "An MQTT broker"
/// choice of the sign-in form) and waits for the main view.
pub async fn sign_in(c: &Client, url: &str, user: &str, password: &str) {
    click_text(c, "label", "An MQTT broker").await;
    let broker_field = find(c, "input[id$='-broker']").await;
    broker_field.clear().await.unwrap();
    broker_field.send_keys(url).await.unwrap();
    type_into(c, "input[id$='-user']", user).await;
    type_into(c, "input[id$='-password']", password).await;
    click(c, "button[type='submit']").await;
    find(c, ".main-view").await;
}

/// A Mosquitto that asks for a password: `user-pw` for each of `users`
/// (files in `dir`), with persistence.
pub fn broker_with_users(dir: &std::path::Path, users: &[&str]) -> tether_tests::Mosquitto {
    let passwd = dir.join("passwd");
    for user in users {
        tether_tests::mosquitto_passwd(&passwd, user, &format!("{user}-pw")).unwrap();
    }
    tether_tests::Mosquitto::start_with(tether_tests::MosquittoOptions {
        allow_anonymous: false,
        password_file: Some(passwd),
        persistence: true,
        ..Default::default()
    })
    .unwrap()
}
