//! What every app benchmark stands on: a Mosquitto on a free port, a test
//! desktop (Xvfb, a session bus with gnome-keyring, tauri-driver), alice's
//! profile with a remembered account and some history from bob, and bob as
//! a Tether client in this process.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::json;
use tempfile::TempDir;
use tether_bench::peer::Peer;

use tether_testbed::Mosquitto;
use tether_tests::desktop::{Desktop, app_bin};

use crate::error::AppBenchError;
use crate::procs::{self, Memory};

use tether_core::model::ConversationId;
/// How long the app may take to show up or go away before it is an error.
const APP_WAIT: Duration = Duration::from_secs(60);

pub struct Scene {
    pub desktop: Desktop,
    pub bob: Peer,
    pub alice: ConversationId,
    alice_home: PathBuf,
    _broker: Mosquitto,
    _scratch: TempDir,
}

impl Scene {
    /// Everything up, with `history` messages from bob in alice's store.
    pub async fn start(history: usize) -> Result<Scene, AppBenchError> {
        let scratch = tempfile::tempdir().map_err(AppBenchError::io("scratch directory"))?;
        let broker = Mosquitto::start().map_err(AppBenchError::io("starting mosquitto"))?;
        let url = broker.url();
        let alice_home = scratch.path().join("alice");
        let desktop =
            Desktop::start(&alice_home).map_err(AppBenchError::io("starting the desktop"))?;
        let scene_cli = |args: &[&str], stdin: &str| -> Result<(), AppBenchError> {
            cli(&desktop, &alice_home, args, stdin)
        };
        // Remembered: the password in the desktop's Secret Service, the
        // account the default, so the app signs in by itself.
        scene_cli(
            &[
                "--broker",
                &url,
                "--user",
                "alice",
                "account",
                "add",
                "--name",
                "alice",
                "--password-stdin",
            ],
            "app-bench\n",
        )?;
        scene_cli(&["account", "default", "alice"], "")?;
        // A persistent session first, so the broker keeps bob's messages.
        scene_cli(&["--account", "alice", "listen", "--timeout", "1"], "")?;
        let bob = Peer::start("bob", &url, 30, scratch.path()).await?;
        bob.connected(APP_WAIT).await?;
        let alice = ConversationId::Direct(
            "alice"
                .parse()
                .map_err(|e| AppBenchError::Setup(format!("user id: {e}")))?,
        );
        if history > 0 {
            let texts = (0..history).map(|i| format!("history {i}"));
            bob.client.send_many(alice.clone(), texts).await?;
            let count = history.to_string();
            scene_cli(
                &[
                    "--account",
                    "alice",
                    "listen",
                    "--count",
                    &count,
                    "--timeout",
                    "120",
                ],
                "",
            )?;
        }
        Ok(Scene {
            desktop,
            bob,
            alice,
            alice_home,
            _broker: broker,
            _scratch: scratch,
        })
    }

    /// Starts the app (through tauri-driver) with a WebDriver session.
    pub async fn open_app(&self) -> Result<fantoccini::Client, AppBenchError> {
        self.desktop
            .open_app(&app_bin())
            .await
            .map_err(AppBenchError::io("starting the app"))
    }

    /// Ends the app and waits until its process is gone.
    pub async fn quit_app(&self, session: fantoccini::Client) -> Result<(), AppBenchError> {
        session.close().await?;
        let deadline = Instant::now() + APP_WAIT;
        while self.app_pid()?.is_some() {
            if Instant::now() > deadline {
                return Err(AppBenchError::Timeout("the app exiting".into(), APP_WAIT));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(())
    }

    pub fn app_pid(&self) -> Result<Option<u32>, AppBenchError> {
        procs::find_app(&app_bin(), &self.alice_home).map_err(AppBenchError::io("finding the app"))
    }

    /// The app's memory with its WebKit processes.
    pub fn app_memory(&self) -> Result<Memory, AppBenchError> {
        let pid = self
            .app_pid()?
            .ok_or_else(|| AppBenchError::Setup("the app is not running".into()))?;
        procs::tree_memory(pid).map_err(AppBenchError::io("reading the app's memory"))
    }
}

/// Polls `script` (a JS function body) every `every` until it returns
/// true; returns when it did.
pub async fn wait_js(
    session: &fantoccini::Client,
    what: &str,
    script: &str,
    args: Vec<serde_json::Value>,
    every: Duration,
    within: Duration,
) -> Result<Instant, AppBenchError> {
    let deadline = Instant::now() + within;
    loop {
        if session.execute(script, args.clone()).await? == json!(true) {
            return Ok(Instant::now());
        }
        if Instant::now() > deadline {
            return Err(AppBenchError::Timeout(what.to_owned(), within));
        }
        tokio::time::sleep(every).await;
    }
}

/// The `tether` CLI as alice, on the desktop's session bus (its keyring).
fn cli(desktop: &Desktop, home: &Path, args: &[&str], stdin: &str) -> Result<(), AppBenchError> {
    let bin = tether_tests::require_tether_bin().map_err(AppBenchError::io("the tether CLI"))?;
    let mut child = desktop
        .command(&bin.to_string_lossy())
        .map_err(AppBenchError::io("the desktop's bus"))?
        .env("TETHER_HOME", home)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(AppBenchError::io("starting the tether CLI"))?;
    if let Some(mut input) = child.stdin.take() {
        input
            .write_all(stdin.as_bytes())
            .map_err(AppBenchError::io("writing to the tether CLI"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(AppBenchError::io("running the tether CLI"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(AppBenchError::Setup(format!(
            "tether {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        )))
    }
}
