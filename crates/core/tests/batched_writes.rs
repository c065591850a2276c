//! rumqttc as Tether builds it (the patched copy in vendor/rumqttc), with
//! `set_max_request_batch` as the engine sets it (64), writes the requests
//! already queued together, in one flush, where the published 0.25.1
//! writes and flushes each on its own: with TCP_NODELAY up to a segment
//! per MQTT packet, which cost P1 ~10 µs of CPU a message
//! (docs/BENCHMARKS.md). Without the patch Tether does not build (the
//! setter is the patch's); a rumqttc change that loses the behaviour
//! fails this test.
//!
//! The server side is a plain socket that answers CONNECT with a CONNACK
//! and then only reads; segments are counted by the kernel (`ss`, from
//! iproute2), so how the reads happen to coalesce does not matter.

use std::process::Command;
use std::time::Duration;

use rumqttc::{AsyncClient, Event, Incoming, MqttOptions, NetworkOptions, Outgoing, QoS};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const PUBLISHES: usize = 50;
const TOPIC: &str = "t";
const PAYLOAD: usize = 20;
/// A QoS 0 PUBLISH: fixed header, topic length and topic, payload.
const PUBLISH_LEN: usize = 2 + 2 + TOPIC.len() + PAYLOAD;
/// CONNACK, session not present, accepted.
const CONNACK: [u8; 4] = [0x20, 0x02, 0x00, 0x00];

/// TCP segments the accepted socket on `port` has received so far.
fn segments_in(port: u16) -> u64 {
    let filter = format!("( sport = :{port} )");
    let out = Command::new("ss")
        .args(["-tin", "state", "established", &filter])
        .output()
        .expect("running ss (iproute2)");
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .find_map(|word| word.strip_prefix("segs_in:"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no segs_in in ss's output:\n{text}"))
}

/// Accepts one client, answers its CONNECT, and returns the socket.
async fn accept_and_connack(listener: TcpListener) -> TcpStream {
    let (mut socket, _) = listener.accept().await.expect("accepting the client");
    let mut connect = [0u8; 256];
    let n = socket.read(&mut connect).await.expect("reading CONNECT");
    assert!(n > 0 && connect[0] == 0x10, "expected a CONNECT first");
    socket.write_all(&CONNACK).await.expect("writing CONNACK");
    socket
}

#[tokio::test]
async fn queued_publishes_leave_in_one_write() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(accept_and_connack(listener));

    let mut options = MqttOptions::new("batched-writes", "127.0.0.1", port);
    options
        .set_keep_alive(Duration::from_secs(60))
        .set_max_request_batch(64);
    let (client, mut eventloop) = AsyncClient::new(options, PUBLISHES * 2);
    let mut network = NetworkOptions::new();
    network.set_tcp_nodelay(true);
    eventloop.set_network_options(network);
    loop {
        if let Event::Incoming(Incoming::ConnAck(_)) = eventloop.poll().await.unwrap() {
            break;
        }
    }
    let mut socket = server.await.unwrap();
    // Let the handshake's last ACKs land before counting.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let before = segments_in(port);

    for i in 0..PUBLISHES {
        client
            .try_publish(TOPIC, QoS::AtMostOnce, false, vec![i as u8; PAYLOAD])
            .unwrap();
    }
    let mut written = 0;
    while written < PUBLISHES {
        if let Event::Outgoing(Outgoing::Publish(_)) = eventloop.poll().await.unwrap() {
            written += 1;
        }
    }
    let mut received = vec![0u8; PUBLISHES * PUBLISH_LEN];
    tokio::time::timeout(Duration::from_secs(5), socket.read_exact(&mut received))
        .await
        .expect("all publishes reach the server")
        .unwrap();
    let segments = segments_in(port) - before;

    // One segment for the lot (1,250 bytes); a pure ACK may come along.
    // The published rumqttc took 12 here: a write per PUBLISH, of which
    // the kernel's autocorking merged some.
    assert!(
        segments <= 3,
        "{PUBLISHES} queued publishes took {segments} TCP segments"
    );
}
