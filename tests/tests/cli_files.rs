//! `tether send --file` and `tether files` against a real Mosquitto, with
//! each side killed (`kill -9`) in the middle of a transfer: the file
//! arrives byte-identical, and a spy on the file topic counts that no chunk
//! crossed the link more often than a window of retries allows.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::cli::{Running, is_connected, run_async, tether};
use rumqttc::QoS;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tether_tests::{Mosquitto, RawClient, raw_options};

/// Limit for one CLI run that should end by itself; generous for slow CI.
const RUN: Duration = Duration::from_secs(120);
/// Chunks the file session keeps in flight (or asks for) at once.
const WINDOW: usize = 32;
/// The size files are cut into (255 KiB).
const CHUNK: usize = 255 * 1024;

fn write_file(path: &Path, len: usize, seed: u8) -> String {
    let bytes: Vec<u8> = (0..len)
        .map(|i| ((i * 31 + i / 977) as u8) ^ seed)
        .collect();
    std::fs::write(path, &bytes).unwrap();
    hex(&Sha256::digest(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Counts the chunk frames published on a file topic, by index.
struct Spy {
    seen: Arc<Mutex<HashMap<u32, usize>>>,
}

impl Spy {
    async fn on(broker: &Mosquitto, topic: &str) -> Spy {
        let mut raw = RawClient::connect(raw_options(broker.port(), "spy", None))
            .await
            .unwrap();
        raw.subscribe(topic, QoS::AtMostOnce).await.unwrap();
        let seen = Arc::new(Mutex::new(HashMap::new()));
        let sink = Arc::clone(&seen);
        tokio::spawn(async move {
            // Until the test ends (the runtime drops this task).
            loop {
                let Some(p) = raw.recv(Duration::from_secs(3600)).await else {
                    continue;
                };
                // A chunk frame: "TF", 1, type 1; the index at 32..36.
                if p.payload.len() > 36 && p.payload[..4] == [b'T', b'F', 1, 1] {
                    let index = u32::from_be_bytes(p.payload[32..36].try_into().unwrap());
                    *sink.lock().unwrap().entry(index).or_insert(0) += 1;
                }
            }
        });
        Spy { seen }
    }

    fn distinct(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    fn total(&self) -> usize {
        self.seen.lock().unwrap().values().sum()
    }

    async fn until_distinct(&self, n: usize) {
        let deadline = tokio::time::Instant::now() + RUN;
        while self.distinct() < n {
            assert!(
                tokio::time::Instant::now() < deadline,
                "only {} chunks seen",
                self.distinct()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Waits (from the broker's log) until `user`'s file session subscribed:
/// "connected" is the chat link, and chunks pushed before the file link's
/// SUBSCRIBE would not be queued for them.
async fn files_subscribed(broker: &Mosquitto, user: &str) {
    let filter = format!("tether/v1/u/{user}/file/+ (QoS 1)");
    for _ in 0..200 {
        if broker.log().contains(&filter) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{user}'s file session never subscribed");
}

fn downloaded(id: &str) -> impl Fn(&Value) -> bool + '_ {
    move |l: &Value| {
        l["type"] == "transfer" && l["message"] == id && l["file"]["state"] == "downloaded"
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sender_killed_mid_push_finishes_on_its_next_run_and_the_file_is_saved_intact() {
    let broker = Mosquitto::start().unwrap();
    let url = broker.url();
    let (alice_home, bob_home) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let as_user = |home: &Path, user: &str, args: &[&str]| {
        let mut cmd = tether(home, &["--broker", url.as_str(), "--user", user]);
        cmd.args(args);
        cmd
    };
    let mut bob = Running::spawn(as_user(bob_home.path(), "bob", &["listen"]));
    bob.wait_json("bob connected", is_connected).await;
    files_subscribed(&broker, "bob").await;
    let spy = Spy::on(&broker, "tether/v1/u/bob/file/alice").await;

    let source = alice_home.path().join("notes.bin");
    let len = 12 * 1024 * 1024;
    let sha = write_file(&source, len, 3);
    let chunks = len.div_ceil(CHUNK);
    let mut send = Running::spawn(as_user(
        alice_home.path(),
        "alice",
        &[
            "send",
            "--to",
            "bob",
            "--file",
            source.to_str().unwrap(),
            "the",
            "notes",
        ],
    ));
    let line = send
        .wait_json("the message", |l| l["file"].is_object())
        .await;
    let id = line["id"].as_str().unwrap().to_owned();
    spy.until_distinct(10).await;
    send.kill9();

    // The next run of alice's (any command that connects) pushes the rest.
    let mut alice = Running::spawn(as_user(alice_home.path(), "alice", &["listen"]));
    alice.wait_json("alice connected", is_connected).await;
    bob.wait_json("the whole file", downloaded(&id)).await;
    assert_eq!(spy.distinct(), chunks);
    // Again at most: the window in flight when alice died (pushed again),
    // and what bob asked for while she was gone (answered once she is back).
    assert!(
        spy.total() <= chunks + 2 * WINDOW,
        "{} chunk frames for {chunks} chunks",
        spy.total()
    );

    let listed = run_async(as_user(bob_home.path(), "bob", &["files"]), "", RUN).await;
    listed.expect_code(0);
    let file = listed
        .json()
        .into_iter()
        .find(|l| l["message"] == id.as_str())
        .unwrap();
    assert_eq!(file["name"], "notes.bin");
    assert_eq!(file["state"], "downloaded");
    assert_eq!(file["sha256"], sha.as_str());
    let out = tempfile::tempdir().unwrap();
    let save = ["files", "--id", &id, "--save", out.path().to_str().unwrap()];
    run_async(as_user(bob_home.path(), "bob", &save), "", RUN)
        .await
        .expect_code(0);
    let saved = std::fs::read(out.path().join("notes.bin")).unwrap();
    assert_eq!(hex(&Sha256::digest(&saved)), sha);
    // Saved again: beside it, never over it.
    run_async(as_user(bob_home.path(), "bob", &save), "", RUN)
        .await
        .expect_code(0);
    assert!(out.path().join("notes (2).bin").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_killed_mid_fetch_asks_only_for_what_it_lacks() {
    let broker = Mosquitto::start().unwrap();
    let url = broker.url();
    let (alice_home, bob_home) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let as_user = |home: &Path, user: &str, args: &[&str]| {
        let mut cmd = tether(home, &["--broker", url.as_str(), "--user", user]);
        cmd.args(args);
        cmd
    };
    let mut bob = Running::spawn(as_user(bob_home.path(), "bob", &["listen"]));
    bob.wait_json("bob connected", is_connected).await;
    files_subscribed(&broker, "bob").await;
    let spy = Spy::on(&broker, "tether/v1/u/bob/file/alice").await;

    // 40 MB: above the push limit, so bob fetches it from alice.
    let source = alice_home.path().join("dump.bin");
    let len = 40 * 1024 * 1024;
    let sha = write_file(&source, len, 4);
    let chunks = len.div_ceil(CHUNK);
    let mut send = Running::spawn(as_user(
        alice_home.path(),
        "alice",
        &[
            "send",
            "--to",
            "bob",
            "--file",
            source.to_str().unwrap(),
            "--wait",
            "60",
        ],
    ));
    let line = send
        .wait_json("the message", |l| l["file"].is_object())
        .await;
    let id = line["id"].as_str().unwrap().to_owned();
    assert_eq!(line["file"]["queued"], false);
    spy.until_distinct(40).await;
    bob.kill9();

    let mut bob = Running::spawn(as_user(bob_home.path(), "bob", &["listen"]));
    bob.wait_json("the whole file", downloaded(&id)).await;
    // The sender's `send` ends once the file was fetched (delivered).
    assert!(send.wait_exit(RUN).await.success(), "{}", send.transcript());
    assert_eq!(spy.distinct(), chunks);
    assert!(
        spy.total() <= chunks + 2 * WINDOW,
        "{} chunk frames for {chunks} chunks",
        spy.total()
    );
    let listed = run_async(as_user(bob_home.path(), "bob", &["files"]), "", RUN).await;
    let file = listed
        .json()
        .into_iter()
        .find(|l| l["message"] == id.as_str())
        .unwrap();
    assert_eq!(file["sha256"], sha.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_files_and_directories_are_refused_in_words() {
    let broker = Mosquitto::start().unwrap();
    let url = broker.url();
    let home = tempfile::tempdir().unwrap();
    let empty = home.path().join("empty.txt");
    std::fs::write(&empty, b"").unwrap();
    for (path, words) in [
        (empty.to_str().unwrap(), "empty"),
        (home.path().to_str().unwrap(), "cannot read"),
        ("/nonexistent/file", "cannot read"),
    ] {
        let mut cmd = tether(home.path(), &["--broker", url.as_str(), "--user", "alice"]);
        cmd.args(["send", "--to", "bob", "--file", path]);
        let ran = run_async(cmd, "", RUN).await;
        ran.expect_code(2);
        assert!(ran.stderr.contains(words), "{path}: {}", ran.stderr);
    }
}
