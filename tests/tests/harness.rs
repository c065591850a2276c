//! Self-tests of the harness: the per-test broker, its crash/restart
//! handling and the black-hole proxy must behave as the chaos tests assume.

use std::net::TcpStream as StdTcpStream;
use std::time::Duration;

use rumqttc::{QoS, SubscribeReasonCode};
use tether_tests::{
    BlackHoleProxy, LinkEvent, Mosquitto, MosquittoOptions, RawClient, free_port, raw_options,
    tether_bin,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::timeout;

const WAIT: Duration = Duration::from_secs(5);

#[test]
fn free_port_is_bindable() {
    let port = free_port();
    assert_ne!(port, 0);
    std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
}

#[test]
fn tether_bin_points_into_the_target_dir() {
    let bin = tether_bin();
    assert_eq!(bin.file_stem().unwrap(), "tether");
    // …/target/<profile>/tether: the profile dir, not `deps`.
    assert_ne!(bin.parent().unwrap().file_name().unwrap(), "deps");
}

#[tokio::test]
async fn mosquitto_relays_messages_on_its_own_port() {
    let broker = Mosquitto::start().unwrap();
    assert_eq!(broker.url(), format!("mqtt://127.0.0.1:{}", broker.port()));

    let mut sub = RawClient::connect(raw_options(broker.port(), "sub", None))
        .await
        .unwrap();
    let code = sub.subscribe("harness/+", QoS::AtLeastOnce).await.unwrap();
    assert_eq!(code, SubscribeReasonCode::Success(QoS::AtLeastOnce));

    let mut publisher = RawClient::connect(raw_options(broker.port(), "pub", None))
        .await
        .unwrap();
    publisher
        .publish("harness/hello", "hi", QoS::AtLeastOnce, false)
        .await
        .unwrap();

    let msg = sub.recv(WAIT).await.expect("message relayed");
    assert_eq!(msg.topic, "harness/hello");
    assert_eq!(&msg.payload[..], b"hi");
    assert!(broker.log().contains("running"), "{}", broker.log());
}

#[tokio::test]
async fn kill9_and_restart_keep_port_and_autosaved_state() {
    let mut broker = Mosquitto::start_with(MosquittoOptions {
        persistence: true,
        ..MosquittoOptions::default()
    })
    .unwrap();
    let port = broker.port();

    // A persistent session that goes offline: the broker must queue for it.
    let mut options = raw_options(port, "offline-sub", None);
    options.set_clean_session(false);
    let mut sub = RawClient::connect(options.clone()).await.unwrap();
    sub.subscribe("queued/#", QoS::AtLeastOnce).await.unwrap();
    sub.disconnect().await.unwrap();
    drop(sub);

    let mut publisher = RawClient::connect(raw_options(port, "pub", None))
        .await
        .unwrap();
    publisher
        .publish("queued/1", "while offline", QoS::AtLeastOnce, false)
        .await
        .unwrap();
    publisher
        .publish("retained/x", "kept", QoS::AtLeastOnce, true)
        .await
        .unwrap();
    drop(publisher);
    // Autosave runs every second; give it time to write the database.
    tokio::time::sleep(Duration::from_millis(2500)).await;

    broker.kill9().unwrap();
    assert!(!broker.is_running());
    assert!(StdTcpStream::connect(("127.0.0.1", port)).is_err());

    broker.restart().unwrap();
    assert_eq!(broker.port(), port);
    assert!(broker.is_running());

    let mut sub = RawClient::connect(options).await.unwrap();
    let queued = sub.recv(WAIT).await.expect("queued message survived");
    assert_eq!(&queued.payload[..], b"while offline", "{}", broker.log());

    let mut fresh = RawClient::connect(raw_options(port, "fresh", None))
        .await
        .unwrap();
    fresh
        .subscribe("retained/#", QoS::AtLeastOnce)
        .await
        .unwrap();
    let retained = fresh.recv(WAIT).await.expect("retained message survived");
    assert_eq!(&retained.payload[..], b"kept");
}

#[test]
fn stop_then_restart_works() {
    let mut broker = Mosquitto::start().unwrap();
    broker.stop().unwrap();
    assert!(!broker.is_running());
    assert!(broker.log().contains("terminating"), "{}", broker.log());
    broker.restart().unwrap();
    StdTcpStream::connect(("127.0.0.1", broker.port())).unwrap();
}

/// What the echo server behind the proxy observed.
#[derive(Debug, PartialEq)]
enum Seen {
    Data(Vec<u8>),
    Eof,
}

/// A TCP server that echoes everything, except that `delay` is answered
/// with `delayed` after 500 ms (to send while the proxy is a black hole).
/// Socket errors just end a connection: the assertions are on what it saw.
async fn echo_server() -> std::io::Result<(u16, mpsc::UnboundedReceiver<Seen>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(echo(socket, tx.clone()));
        }
    });
    Ok((port, rx))
}

async fn echo(mut socket: TcpStream, seen: mpsc::UnboundedSender<Seen>) {
    let mut buf = [0u8; 1024];
    loop {
        let n = socket.read(&mut buf).await.unwrap_or(0);
        if n == 0 {
            let _ = seen.send(Seen::Eof);
            return;
        }
        let _ = seen.send(Seen::Data(buf[..n].to_vec()));
        let reply: &[u8] = if &buf[..n] == b"delay" {
            tokio::time::sleep(Duration::from_millis(500)).await;
            b"delayed"
        } else {
            &buf[..n]
        };
        if socket.write_all(reply).await.is_err() {
            return;
        }
    }
}

async fn read_some(socket: &mut TcpStream, within: Duration) -> Option<Vec<u8>> {
    let mut buf = [0u8; 1024];
    match timeout(within, socket.read(&mut buf)).await {
        Ok(Ok(n)) => Some(buf[..n].to_vec()),
        Ok(Err(e)) => panic!("read failed: {e}"),
        Err(_) => None,
    }
}

#[tokio::test]
async fn black_hole_swallows_both_ways_without_closing() {
    let (port, mut seen) = echo_server().await.unwrap();
    let proxy = BlackHoleProxy::start(port).unwrap();
    let mut client = TcpStream::connect(("127.0.0.1", proxy.port()))
        .await
        .unwrap();

    client.write_all(b"ping").await.unwrap();
    assert_eq!(read_some(&mut client, WAIT).await.unwrap(), b"ping");
    assert_eq!(seen.recv().await, Some(Seen::Data(b"ping".to_vec())));

    // Server to client: the reply comes while the hole is open.
    client.write_all(b"delay").await.unwrap();
    assert_eq!(seen.recv().await, Some(Seen::Data(b"delay".to_vec())));
    proxy.set_black_hole(true);
    // Client to server.
    client.write_all(b"lost").await.unwrap();
    // `None` is a timeout: no data, and no EOF either (that would be Some([])).
    assert_eq!(read_some(&mut client, Duration::from_secs(1)).await, None);
    assert!(seen.try_recv().is_err(), "server saw traffic or a close");
    assert_eq!(proxy.connections(), 1);

    proxy.set_black_hole(false);
    client.write_all(b"back").await.unwrap();
    assert_eq!(read_some(&mut client, WAIT).await.unwrap(), b"back");
    assert_eq!(seen.recv().await, Some(Seen::Data(b"back".to_vec())));

    proxy.cut_all();
    assert_eq!(read_some(&mut client, WAIT).await.unwrap(), b"");
    assert_eq!(seen.recv().await, Some(Seen::Eof));
}

#[tokio::test]
async fn black_hole_hides_a_close_until_the_link_returns() {
    let (port, mut seen) = echo_server().await.unwrap();
    let proxy = BlackHoleProxy::start(port).unwrap();
    let mut client = TcpStream::connect(("127.0.0.1", proxy.port()))
        .await
        .unwrap();
    client.write_all(b"hi").await.unwrap();
    assert_eq!(read_some(&mut client, WAIT).await.unwrap(), b"hi");
    assert_eq!(seen.recv().await, Some(Seen::Data(b"hi".to_vec())));

    proxy.set_black_hole(true);
    drop(client);
    assert!(
        timeout(Duration::from_millis(700), seen.recv())
            .await
            .is_err(),
        "the server learnt about the close through a black hole"
    );

    proxy.set_black_hole(false);
    assert_eq!(timeout(WAIT, seen.recv()).await.unwrap(), Some(Seen::Eof));
}

#[tokio::test]
async fn mqtt_client_detects_black_hole_and_reconnects_after() {
    let broker = Mosquitto::start().unwrap();
    let proxy = BlackHoleProxy::start(broker.port()).unwrap();
    let mut options = raw_options(proxy.port(), "through-proxy", None);
    options.set_keep_alive(Duration::from_secs(1));
    let mut client = RawClient::connect(options).await.unwrap();

    proxy.set_black_hole(true);
    // Pings go unanswered: rumqttc gives up after about two keep-alives.
    match client.link_event(Duration::from_secs(6)).await {
        Some(LinkEvent::Lost(_)) => {}
        other => panic!("expected the link to be declared lost, got {other:?}"),
    }

    proxy.set_black_hole(false);
    // Reconnect attempts made inside the hole time out after 2 s each.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        match client
            .link_event(deadline - tokio::time::Instant::now())
            .await
        {
            Some(LinkEvent::Connected) => break,
            Some(LinkEvent::Lost(_)) => continue,
            None => panic!("no reconnect; broker log:\n{}", broker.log()),
        }
    }
    client.subscribe("after/#", QoS::AtLeastOnce).await.unwrap();
    client
        .publish("after/x", "ok", QoS::AtLeastOnce, false)
        .await
        .unwrap();
    assert_eq!(&client.recv(WAIT).await.unwrap().payload[..], b"ok");
}
