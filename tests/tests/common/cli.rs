//! Driving the real `tether` binary (and other programs) as processes:
//! one-shot runs with a time limit, and long-running ones such as `listen`
//! whose JSON lines a test waits for.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

use serde_json::Value;
use tether_tests::require_tether_bin;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use super::WAIT;

/// `tether ARGS` keeping its files under `home`, with none of the caller's
/// `TETHER_*` settings.
pub fn tether(home: &Path, args: &[&str]) -> Command {
    let bin = require_tether_bin().unwrap();
    let mut cmd = Command::new(bin);
    cmd.args(args);
    tether_env(&mut cmd, home);
    cmd
}

/// Points `cmd` (tether, or a wrapper that runs it) at `home` and removes
/// settings a developer may have exported that would change what a test
/// means: another account, a password, debug logs on stderr.
pub fn tether_env(cmd: &mut Command, home: &Path) {
    cmd.env("TETHER_HOME", home);
    for var in [
        "TETHER_ACCOUNT",
        "TETHER_BROKER",
        "TETHER_USER",
        "TETHER_PASSWORD",
        "TETHER_LOG",
        "TETHER_SMS_SECRET",
    ] {
        cmd.env_remove(var);
    }
}

/// What a finished process left behind.
#[derive(Debug)]
pub struct Ran {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

impl Ran {
    /// The exit code (None if killed by a signal).
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// Stdout parsed as JSON lines; a line that is not JSON fails the test,
    /// since scripts are promised JSON lines.
    pub fn json(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }

    /// Asserts the exit code, showing everything the process said if not.
    pub fn expect_code(&self, code: i32) -> &Ran {
        assert_eq!(self.code(), Some(code), "unexpected exit: {self:#?}");
        self
    }
}

/// Collects a pipe in a thread. The result comes through a channel rather
/// than a join, so a grandchild that keeps the pipe open (a daemon) cannot
/// hang the test.
fn drain(mut pipe: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        let _ = tx.send(String::from_utf8_lossy(&bytes).into_owned());
    });
    rx
}

/// Runs `cmd` to completion with `stdin` as its input. Past `within` the
/// process is killed and the test fails with whatever it printed.
pub fn run(mut cmd: Command, stdin: &str, within: Duration) -> Ran {
    let started = Instant::now();
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_owned();
    // A writer thread: a process that does not read its input must not
    // block us on a full pipe. Dropping `input` afterwards sends EOF.
    std::thread::spawn(move || {
        let _ = input.write_all(stdin.as_bytes());
    });
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > within {
            let _ = child.kill();
            let _ = child.wait();
            let out = stdout
                .recv_timeout(Duration::from_secs(1))
                .unwrap_or_default();
            let err = stderr
                .recv_timeout(Duration::from_secs(1))
                .unwrap_or_default();
            panic!("{cmd:?} still running after {within:?}; stdout:\n{out}\nstderr:\n{err}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = started.elapsed();
    // Output written before exit is in the pipe already; a second is plenty.
    let grace = Duration::from_secs(1);
    Ran {
        status,
        stdout: stdout.recv_timeout(grace).unwrap_or_default(),
        stderr: stderr.recv_timeout(grace).unwrap_or_default(),
        took,
    }
}

/// [`run`] off the async worker threads, so peers in the same test keep
/// running while the process does.
pub async fn run_async(cmd: Command, stdin: &str, within: Duration) -> Ran {
    let stdin = stdin.to_owned();
    tokio::task::spawn_blocking(move || run(cmd, &stdin, within))
        .await
        .unwrap()
}

/// A process left running (e.g. `tether listen`) whose stdout lines a test
/// reads as they come. Dropping it kills the process.
pub struct Running {
    child: Child,
    lines: UnboundedReceiver<String>,
    /// Every stdout line so far, for failure messages.
    seen: Vec<String>,
    stderr: Arc<Mutex<String>>,
}

impl Running {
    pub fn spawn(mut cmd: Command) -> Running {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
        let (tx, lines) = unbounded_channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        let pipe = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let mut text = sink.lock().unwrap_or_else(PoisonError::into_inner);
                text.push_str(&line);
                text.push('\n');
            }
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
            stderr,
        }
    }

    /// Everything printed so far, for assertion messages.
    pub fn transcript(&self) -> String {
        let err = self.stderr.lock().unwrap_or_else(PoisonError::into_inner);
        format!("stdout:\n{}\nstderr:\n{err}", self.seen.join("\n"))
    }

    /// The next stdout JSON line matching `pred` (others are skipped), or a
    /// test failure naming `what` after [`WAIT`].
    pub async fn wait_json(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let line = match tokio::time::timeout_at(deadline, self.lines.recv()).await {
                Ok(Some(line)) => line,
                Ok(None) => panic!("output ended before {what}; {}", self.transcript()),
                Err(_) => panic!("no {what} within {WAIT:?}; {}", self.transcript()),
            };
            self.seen.push(line.clone());
            let value: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {line}; {}", self.transcript()));
            if pred(&value) {
                return value;
            }
        }
    }

    /// Waits up to `within` for the process to exit by itself; then drains
    /// the rest of its output into the transcript.
    pub async fn wait_exit(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "still running after {within:?}; {}",
                self.transcript()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        // The reader thread ends at EOF; take what it forwarded.
        while let Ok(Some(line)) =
            tokio::time::timeout(Duration::from_secs(1), self.lines.recv()).await
        {
            self.seen.push(line);
        }
        status
    }

    /// Every stdout line read so far, parsed (call after [`Running::wait_exit`]
    /// to get them all).
    pub fn json(&self) -> Vec<Value> {
        self.seen
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// SIGKILL: the process gets no chance to say goodbye.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGINT, as Ctrl-C would send: `tether listen` shuts down cleanly.
    /// std cannot send it and the tests avoid libc, so use kill(1).
    pub fn interrupt(&self) {
        self.signal("INT");
    }

    /// Sends signal `name` (`STOP`, `CONT`, …) with kill(1).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success(), "kill -{name} failed: {status}");
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// Whether a `tether listen` line says the link is up (and, on a fresh
/// session, subscribed: the core reports "connected" only after the SUBACK).
pub fn is_connected(line: &Value) -> bool {
    line["type"] == "connection" && line["state"]["state"] == "connected"
}

/// Waits until the CLI user `run` stands for sees each of `texts` (their
/// own messages to `with`) as "read" in their history, collecting
/// receipts with a short `listen` between looks.
pub async fn wait_read_receipts(run: impl Fn(&[&str]) -> Ran, with: &str, texts: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let history = run(&["history", "--with", with]);
        history.expect_code(0);
        let statuses: Vec<(String, Value)> = history
            .json()
            .into_iter()
            .filter(|l| l["outgoing"] == true)
            .map(|l| {
                (
                    l["text"].as_str().unwrap_or_default().to_owned(),
                    l["status"].clone(),
                )
            })
            .collect();
        let read = |text: &&str| {
            statuses
                .iter()
                .any(|(t, status)| t == text && status == "read")
        };
        if texts.iter().all(read) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "never all read: {texts:?}; history says {statuses:?}"
        );
        run(&["listen", "--timeout", "2"]).expect_code(0);
    }
}

/// A person at the CLI: each call runs `tether --broker URL --user NAME
/// ARGS` with their files under `home` (and `password` as
/// `TETHER_PASSWORD` when given), for at most a minute.
pub fn cli_user(
    home: PathBuf,
    url: &str,
    name: &str,
    password: Option<&str>,
) -> impl Fn(&[&str]) -> Ran + use<> {
    let (url, name, password) = (url.to_owned(), name.to_owned(), password.map(str::to_owned));
    move |args: &[&str]| {
        let mut all = vec!["--broker", url.as_str(), "--user", name.as_str()];
        all.extend_from_slice(args);
        let mut cmd = tether(&home, &all);
        if let Some(password) = &password {
            cmd.env("TETHER_PASSWORD", password);
        }
        run(cmd, "", Duration::from_secs(60))
    }
}
