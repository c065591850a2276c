//! P8: the app from process start to interactive, and its idle memory.
//!
//! "Interactive" is the signed-in main view with the chat list drawn (a
//! remembered account, as on every start but the first). The clock starts
//! when tauri-driver is asked for a session, which is when it spawns the
//! app, so WebDriver's own set-up counts against the app: an upper bound.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::error::AppBenchError;
use crate::procs::Memory;
use crate::scene::{Scene, wait_js};

const CHAT_LIST_SHOWN: &str = "return [...document.querySelectorAll('nav.conversations button')]\
    .some(b => b.textContent.includes(arguments[0]))";

#[derive(Debug, Clone, Copy)]
pub struct StartSample {
    pub to_interactive: Duration,
    pub idle: Memory,
}

/// Starts the app, waits for its chat list, lets it idle for `idle`,
/// measures its memory and quits it.
pub async fn cold_start(scene: &Scene, idle: Duration) -> Result<StartSample, AppBenchError> {
    let started = Instant::now();
    let session = scene.open_app().await?;
    let shown = wait_js(
        &session,
        "the chat list",
        CHAT_LIST_SHOWN,
        vec![json!("bob")],
        Duration::from_millis(5),
        Duration::from_secs(60),
    )
    .await?;
    tokio::time::sleep(idle).await;
    let memory = scene.app_memory()?;
    scene.quit_app(session).await?;
    Ok(StartSample {
        to_interactive: shown - started,
        idle: memory,
    })
}
