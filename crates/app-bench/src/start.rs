//! P8: the app from process start to interactive, and its idle memory.
//!
//! "Interactive" is the signed-in main view with the chat list drawn (a
//! remembered account, as on every start but the first). Timed two ways:
//! - from the app process's start (the kernel's record) to the moment the
//!   page marked the list drawn (`ui/src/lib/startup.ts`, on the page's
//!   wall clock): what a user waits;
//! - from asking tauri-driver for a session (it then spawns the app) until
//!   WebDriver sees the list: WebDriver's own set-up and polling count
//!   against the app, an upper bound.

use std::time::{Duration, Instant, UNIX_EPOCH};

use serde_json::json;

use crate::error::AppBenchError;
use crate::procs::Memory;
use crate::scene::{Scene, wait_js};

const CHAT_LIST_SHOWN: &str = "return [...document.querySelectorAll('nav.conversations button')]\
    .some(b => b.textContent.includes(arguments[0]))";

/// When the page marked itself interactive, in ms since the epoch.
const MARKED_AT: &str = "const m = performance.getEntriesByName('tether:interactive', 'mark')[0]; \
    return m ? performance.timeOrigin + m.startTime : null";

#[derive(Debug, Clone)]
pub struct StartSample {
    /// From the app process's start to the page's mark.
    pub from_process: Duration,
    /// From asking WebDriver for a session until it saw the list.
    pub to_interactive: Duration,
    /// Until WebDriver had a session on the window (part of the above).
    pub to_session: Duration,
    pub idle: Memory,
}

/// Starts the app, waits for its chat list, lets it idle for `idle`,
/// measures its memory and quits it.
pub async fn cold_start(scene: &Scene, idle: Duration) -> Result<StartSample, AppBenchError> {
    let started = Instant::now();
    let session = scene.open_app().await?;
    let to_session = started.elapsed();
    let shown = wait_js(
        &session,
        "the chat list",
        CHAT_LIST_SHOWN,
        vec![json!("bob")],
        Duration::from_millis(5),
        Duration::from_secs(60),
    )
    .await?;
    // Where the time went, as the page saw it: the process and WebKit
    // start before the page's clock does.
    let page = session
        .execute(
            "const n = performance.getEntriesByType('navigation')[0]; \
             return [Math.round(performance.now()), Math.round(n ? n.domContentLoadedEventEnd : -1)]",
            vec![],
        )
        .await?;
    eprintln!("  page: [chat list, DOMContentLoaded] at {page} ms after navigation began");
    let marked_ms = session
        .execute(MARKED_AT, vec![])
        .await?
        .as_f64()
        .ok_or_else(|| AppBenchError::Setup("the page did not mark itself interactive".into()))?;
    let pid = scene
        .app_pid()?
        .ok_or_else(|| AppBenchError::Setup("the app is not running".into()))?;
    let process_started =
        crate::procs::started_at(pid).map_err(AppBenchError::io("reading the app's start"))?;
    let marked = UNIX_EPOCH + Duration::from_secs_f64(marked_ms / 1000.0);
    let from_process = marked
        .duration_since(process_started)
        .map_err(|_| AppBenchError::Setup("the page's mark is before the app started".into()))?;
    tokio::time::sleep(idle).await;
    let memory = scene.app_memory()?;
    scene.quit_app(session).await?;
    Ok(StartSample {
        from_process,
        to_interactive: shown - started,
        to_session,
        idle: memory,
    })
}

/// The floor under P8's memory: an empty page in WebKit's MiniBrowser.
pub const EMPTY_PAGE: &str = "about:blank";

/// The floor under any page with script: one line that writes the time
/// into a paragraph (with the locale's formatting, as a chat shows times).
pub const ONE_LINE_OF_SCRIPT: &str = "data:text/html,<p id=\"now\"></p><script>\
    document.getElementById('now').textContent = new Date().toLocaleString();</script>";

/// The floor under P8's memory: the same WebKitGTK in its own MiniBrowser
/// showing `page`, painted the same way, after the same idle time. `None`
/// where this machine has no MiniBrowser (it comes with Debian's
/// libwebkit2gtk-4.1).
pub async fn webkit_floor(
    scene: &Scene,
    idle: Duration,
    page: &str,
) -> Result<Option<Memory>, AppBenchError> {
    let Some(browser) = mini_browser() else {
        return Ok(None);
    };
    let mut child = scene
        .desktop
        .command(&browser.to_string_lossy())
        .map_err(AppBenchError::io("the desktop's bus"))?
        .arg(page)
        // Painted as the app paints on Linux, with the same GL probes off
        // (src-tauri/src/rendering.rs): a floor any WebKitGTK app can reach.
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
        .env("GDK_GL", "disable")
        .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(AppBenchError::io("starting MiniBrowser"))?;
    // A moment to start, then the same idle time as the app.
    tokio::time::sleep(Duration::from_secs(2) + idle).await;
    let memory = crate::procs::tree_memory(child.id());
    let _ = child.kill();
    let _ = child.wait();
    memory
        .map(Some)
        .map_err(AppBenchError::io("reading MiniBrowser's memory"))
}

fn mini_browser() -> Option<std::path::PathBuf> {
    std::fs::read_dir("/usr/lib")
        .ok()?
        .flatten()
        .map(|dir| dir.path().join("webkit2gtk-4.1/MiniBrowser"))
        .find(|p| p.is_file())
}
