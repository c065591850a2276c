//! Chaos: broker crashes, a killed CLI and a black-holed link lose nothing.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Peer, account, dm};
use rand::Rng;

use tether_tests::{BlackHoleProxy, Mosquitto, MosquittoOptions, tether_bin};

use tether_core::model::ConnectionState;
/// Persistence on, and a queue limit well above what the test sends, so
/// that losses could only come from crashes (the default of 1000 would drop
/// by design, which `seq` gaps report).
fn persistent() -> MosquittoOptions {
    MosquittoOptions {
        persistence: true,
        max_queued_messages: Some(100_000),
        ..Default::default()
    }
}

/// Waits until `peer` holds `n` messages from `from`, then checks there are
/// exactly `n`, with seqs 1..=n in display order.
async fn assert_complete(peer: &Peer, from: &str, n: u64, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let history = peer.history(&dm(from)).await;
        let theirs: Vec<_> = history.iter().filter(|m| !m.outgoing).collect();
        if theirs.len() as u64 >= n || Instant::now() > deadline {
            let seqs: Vec<u64> = theirs.iter().map(|m| m.seq.unwrap()).collect();
            assert_eq!(
                seqs.len() as u64,
                n,
                "lost or duplicated messages from {from}"
            );
            assert_eq!(
                seqs,
                (1..=n).collect::<Vec<_>>(),
                "order by (ts, id) follows seq"
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_broker_crashes_lose_and_duplicate_nothing() {
    const N: u64 = 2000;
    let mut broker = Mosquitto::start_with(persistent()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let alice = Peer::with_account(account(&broker.url(), "alice", 5), dir.path()).await;
    let bob = Peer::with_account(account(&broker.url(), "bob", 5), dir.path()).await;
    alice.connected().await;
    bob.connected().await;

    let send = |peer: &Peer, to: &'static str| {
        let client = peer.client.clone();
        tokio::spawn(async move {
            for i in 0..N {
                client.send(dm(to), format!("{to} {i}")).await.unwrap();
                if i % 50 == 0 {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        })
    };
    let a = send(&alice, "bob");
    let b = send(&bob, "alice");
    for _ in 0..10 {
        let up = rand::rng().random_range(300..1200);
        tokio::time::sleep(Duration::from_millis(up)).await;
        broker.kill9().unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
        broker.restart().unwrap();
    }
    a.await.unwrap();
    b.await.unwrap();
    assert_complete(&bob, "alice", N, Duration::from_secs(120)).await;
    assert_complete(&alice, "bob", N, Duration::from_secs(120)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_link_is_found_within_one_and_a_half_keep_alives_and_heals() {
    const KEEP_ALIVE: u64 = 5;
    let broker = Mosquitto::start().unwrap();
    let proxy = BlackHoleProxy::start(broker.port()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let via_proxy = format!("mqtt://127.0.0.1:{}", proxy.port());
    let alice =
        Peer::with_account(account(&via_proxy, "alice", KEEP_ALIVE as u16), dir.path()).await;
    let mut bob = Peer::start(&broker.url(), "bob", dir.path()).await;
    alice.connected().await;
    bob.connected().await;

    let mut state = alice.client.connection();
    proxy.set_black_hole(true);
    let cut = Instant::now();
    for i in 0..20 {
        alice
            .client
            .send(dm("bob"), format!("queued {i}"))
            .await
            .unwrap();
    }
    let limit = Duration::from_secs(KEEP_ALIVE * 3 / 2) + Duration::from_millis(500);
    tokio::time::timeout(
        limit + Duration::from_secs(5),
        state.wait_for(|s| !matches!(s, ConnectionState::Connected { .. })),
    )
    .await
    .expect("dead link never detected")
    .unwrap();
    let detected = cut.elapsed();
    assert!(
        detected <= limit,
        "detected after {detected:?}, limit {limit:?}"
    );

    proxy.set_black_hole(false);
    let got = bob.messages(20).await;
    let texts: HashSet<_> = got.into_iter().map(|m| m.text).collect();
    assert_eq!(texts.len(), 20);
    assert!(alice.client.flush(common::WAIT).await.unwrap());
}

/// Runs `tether send` for `lines`, killing it after `kill_after` (if any);
/// returns the texts it reported as committed.
fn cli_send(
    home: &std::path::Path,
    url: &str,
    lines: &[String],
    kill_after: Option<Duration>,
) -> Vec<String> {
    let mut child = Command::new(tether_bin())
        .args([
            "--broker", url, "--user", "alice", "send", "--to", "bob", "--wait", "20",
        ])
        .env("TETHER_HOME", home)
        .env_remove("TETHER_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run the tether binary (make test builds it first)");
    let mut stdin = child.stdin.take().unwrap();
    let input = lines.join("\n") + "\n";
    std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(&l).ok())
            .filter_map(|v| v["text"].as_str().map(str::to_owned))
            .collect::<Vec<_>>()
    });
    match kill_after {
        Some(after) => {
            std::thread::sleep(after);
            let _ = child.kill(); // SIGKILL
            let _ = child.wait();
        }
        None => assert!(child.wait().unwrap().success(), "final tether send failed"),
    }
    reader.join().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_killed_at_random_points_loses_nothing() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bob = Peer::start(&broker.url(), "bob", dir.path()).await;
    bob.connected().await;
    let home = dir.path().join("alice-home");
    let url = broker.url();

    let all: Vec<String> = (0..300).map(|i| format!("line {i}")).collect();
    let committed = tokio::task::spawn_blocking(move || {
        let mut committed = Vec::new();
        let mut rng = rand::rng();
        let mut rest = all.clone();
        for _ in 0..8 {
            let at = Duration::from_millis(rng.random_range(50..600));
            let done = cli_send(&home, &url, &rest, Some(at));
            rest.retain(|l| !done.contains(l));
            committed.extend(done);
        }
        // The last run sends what is left and flushes the outbox of the
        // killed runs as well.
        committed.extend(cli_send(&home, &url, &rest, None));
        committed
    })
    .await
    .unwrap();

    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let got: HashSet<String> = bob
            .history(&dm("alice"))
            .await
            .into_iter()
            .map(|m| m.text)
            .collect();
        let missing: Vec<_> = committed.iter().filter(|t| !got.contains(*t)).collect();
        if missing.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "lost after kill -9: {missing:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
