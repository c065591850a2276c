//! Passwords in the real OS keyring: inside a private D-Bus session with
//! gnome-keyring as the Secret Service, `tether account add --password-stdin`
//! stores alice's password, a later `tether send` logs in with it although
//! no `TETHER_PASSWORD` is set, and the password is in none of the files
//! Tether (or anything else in the test's home) wrote.
//!
//! Needs `dbus-run-session` and `gnome-keyring-daemon` (`make deps`).
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::cli::{Ran, run, tether, tether_env};
use tether_tests::{Mosquitto, MosquittoOptions, mosquitto_passwd, require_tether_bin};

const RUN: Duration = Duration::from_secs(60);

/// Runs inside `dbus-run-session`, so the keyring daemon and everything
/// stored in it vanish with the session. Each step reports its exit code on
/// stdout; the password arrives on this script's stdin and only tether's
/// `account add` reads it, so it is in no argument list or environment.
const SCRIPT: &str = r#"
# A non-empty unlock password matters: with an empty one gnome-keyring
# creates no login keyring, and without a default collection the Secret
# Service has nowhere to store an item.
printf 'unlock-the-test-keyring' |
    gnome-keyring-daemon --unlock --components=secrets >"$SCRATCH/daemon.log" 2>&1
echo "daemon=$?"
"$TETHER" --broker "$BROKER" --user alice account add --name work --password-stdin >/dev/null
echo "add=$?"
"$TETHER" --account work send --to bob "hi from the keyring" </dev/null >/dev/null
echo "send=$?"
"#;

/// Every file below `root`, recursively.
fn files(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                dirs.push(entry.path());
            } else {
                found.push(entry.path());
            }
        }
    }
    found
}

fn holds(file: &Path, needle: &[u8]) -> bool {
    // A socket or a file deleted meanwhile (a daemon's) holds nothing.
    let bytes = std::fs::read(file).unwrap_or_default();
    bytes.windows(needle.len()).any(|w| w == needle)
}

fn steps(ran: &Ran, daemon_log: &Path) -> String {
    let log = std::fs::read_to_string(daemon_log).unwrap_or_default();
    format!("{ran:#?}\ngnome-keyring-daemon said:\n{log}")
}

#[test]
fn the_password_comes_from_the_secret_service_and_is_never_written_to_disk() {
    // Unique, so finding it in a file cannot be a coincidence.
    let password = format!("kr-{}", uuid::Uuid::now_v7().simple());
    let scratch = tempfile::tempdir().unwrap();
    let passwd = scratch.path().join("passwd");
    mosquitto_passwd(&passwd, "alice", &password).unwrap();
    let broker = Mosquitto::start_with(MosquittoOptions {
        allow_anonymous: false,
        password_file: Some(passwd),
        ..Default::default()
    })
    .unwrap();

    // A home of its own, so a developer's real keyring is never touched.
    let home = scratch.path().join("home");
    let runtime = scratch.path().join("run");
    let tether_home = scratch.path().join("tether");
    for dir in [&home, &runtime, &tether_home] {
        std::fs::create_dir(dir).unwrap();
    }
    let isolate = |cmd: &mut Command| {
        tether_env(cmd, &tether_home);
        cmd.env("HOME", &home)
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env_remove("GNOME_KEYRING_CONTROL");
    };

    let mut session = Command::new("dbus-run-session");
    session
        .args(["--", "sh", "-c", SCRIPT])
        .env("TETHER", require_tether_bin().unwrap())
        .env("BROKER", broker.url())
        .env("SCRATCH", scratch.path());
    isolate(&mut session);
    let ran = run(session, &format!("{password}\n"), RUN);
    let daemon_log = scratch.path().join("daemon.log");
    assert!(
        ran.status.success() && ran.stdout.lines().eq(["daemon=0", "add=0", "send=0"]),
        "a step failed (is `make deps` done?): {}",
        steps(&ran, &daemon_log)
    );

    // The control: without the Secret Service there is no password, and
    // the broker refuses alice. So the send above used the keyring's.
    let mut without = tether(&tether_home, &["--account", "work", "send", "--to", "bob"]);
    without.arg("no keyring, no password");
    isolate(&mut without);
    let no_bus = format!("unix:path={}", scratch.path().join("no-bus").display());
    without.env("DBUS_SESSION_BUS_ADDRESS", no_bus);
    let refused = run(without, "", RUN);
    refused.expect_code(3);

    let written: Vec<_> = files(&tether_home)
        .into_iter()
        .chain(files(&home))
        .collect();
    assert!(
        written.iter().any(|f| f.ends_with("accounts.json")),
        "the scan would prove nothing: {written:?}"
    );
    let leaks: Vec<_> = written
        .iter()
        .filter(|f| holds(f, password.as_bytes()))
        .collect();
    assert!(leaks.is_empty(), "the password is in {leaks:?}");
}
