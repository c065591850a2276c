//! The connection state behind the app's banner stays honest: when the
//! broker comes back while the client waits out a long backoff, the retry
//! time it reported moves forward before the new attempt starts.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use std::time::Duration;

use common::Peer;
use tether_core::Event;
use tether_core::model::ConnectionState;

use tether_tests::Mosquitto;

/// The next connection state the client reports.
async fn next_state(peer: &mut Peer, within: Duration) -> ConnectionState {
    match peer
        .wait_for_within(within, |e| matches!(e, Event::Connection { .. }))
        .await
    {
        Event::Connection { state } => state,
        _ => unreachable!(),
    }
}

fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_retry_time_moves_forward_when_the_broker_is_back_early() {
    let mut broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut peer = Peer::start(&broker.url(), "alice", dir.path()).await;
    peer.connected().await;
    broker.stop().unwrap();
    // Failures until a retry is due far enough ahead that the broker can
    // be back well before it (backoff with full jitter: a few attempts).
    let promised = loop {
        if let ConnectionState::Waiting { retry_at_ms, .. } =
            next_state(&mut peer, Duration::from_secs(90)).await
            && retry_at_ms - now_ms() >= 6_000
        {
            break retry_at_ms;
        }
    };
    broker.restart().unwrap();
    // What the banner shows next is the earlier retry, then the attempt.
    match next_state(&mut peer, Duration::from_secs(5)).await {
        ConnectionState::Waiting { retry_at_ms, .. } => assert!(
            retry_at_ms < promised - 3_000,
            "the retry moved only to {retry_at_ms} from {promised}"
        ),
        other => panic!("the retry time was not updated before {other:?}"),
    }
    assert!(matches!(
        next_state(&mut peer, Duration::from_secs(5)).await,
        ConnectionState::Connecting { .. }
    ));
}
