//! Files in chats (extension 12) between clients on a real Mosquitto:
//! pushed through the broker to a peer who is away (without pushing chat
//! out of its queue), fetched from the sender when large, across a
//! black-holed link and a broker restart, byte-identical and verified.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{Peer, dm, room};
use sha2::{Digest, Sha256};
use tether_core::Event;
use tether_core::model::{MessageStatus, StoredMessage, TransferState};
use tether_core::protocol::MessageId;
use tether_tests::{BlackHoleProxy, Mosquitto, MosquittoOptions};

/// Long enough for 50 MB through a loopback broker on a slow CI machine.
const TRANSFER: Duration = Duration::from_secs(120);

/// A file of `len` bytes that no two tests share, and its SHA-256.
fn make_file(dir: &Path, name: &str, len: usize, seed: u8) -> (PathBuf, [u8; 32]) {
    let path = dir.join(name);
    let bytes: Vec<u8> = (0..len)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[i % 4] ^ seed)
        .collect();
    std::fs::write(&path, &bytes).unwrap();
    (path, Sha256::digest(&bytes).into())
}

fn digest(path: &Path) -> [u8; 32] {
    Sha256::digest(std::fs::read(path).unwrap()).into()
}

/// Waits until the file of message `id` is here whole; its path.
async fn downloaded(peer: &mut Peer, id: MessageId) -> PathBuf {
    // It may be here already (a one-chunk file can come with its message).
    if let Ok(path) = peer.client.file_path(id).await {
        return path;
    }
    peer.wait_for_within(TRANSFER, |e| {
        matches!(e, Event::Transfer { message, file, .. }
            if *message == id && file.state == TransferState::Downloaded)
    })
    .await;
    peer.client.file_path(id).await.unwrap()
}

/// The next message from someone else that announces a file.
async fn next_file_message(peer: &mut Peer) -> StoredMessage {
    match peer
        .wait_for(|e| matches!(e, Event::Message { message } if !message.outgoing && message.file.is_some()))
        .await
    {
        Event::Message { message } => message,
        _ => unreachable!(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_file_reaches_a_peer_who_is_away_and_chat_keeps_its_place_in_the_queue() {
    // A queue of 100 per client: 48 chunks and 80 chat messages in one
    // queue would lose chat; in two sessions, each fits.
    let broker = Mosquitto::start_with(MosquittoOptions {
        max_queued_messages: Some(100),
        ..MosquittoOptions::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut alice = Peer::start(&broker.url(), "alice", dir.path()).await;
    let bob = Peer::start(&broker.url(), "bob", dir.path()).await;
    alice.connected().await;
    bob.connected().await;
    // Bob's sessions exist on the broker (the file session subscribed on
    // its own link); now he is away.
    let bob_account = bob.account.clone();
    let subscribed = format!("Received SUBSCRIBE from {}", bob_account.files_client_id());
    for _ in 0..200 {
        if broker.log().contains(&subscribed) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        broker.log().contains(&subscribed),
        "bob's file session never subscribed"
    );
    bob.client.shutdown().await;
    drop(bob);
    // Both of bob's links end with a DISCONNECT, not by timing out.
    let files_link = format!("Client {} disconnected.", bob_account.files_client_id());
    for _ in 0..100 {
        if broker.log().contains(&files_link) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(broker.log().contains(&files_link), "{}", broker.log());

    let (path, sha) = make_file(dir.path(), "report.bin", 12 * 1024 * 1024, 1);
    let sent = alice
        .client
        .send_file(dm("bob"), path, "the report", None)
        .await
        .unwrap();
    let file = sent.file.clone().unwrap();
    assert!(file.queued, "12 MB is pushed in a direct chat");
    assert_eq!(
        (file.name.as_str(), file.size),
        ("report.bin", 12 * 1024 * 1024)
    );
    for i in 0..80 {
        alice
            .client
            .send(dm("bob"), format!("chat {i}"))
            .await
            .unwrap();
    }
    // Everything on the broker: the chunks, then the messages.
    alice
        .wait_for_within(TRANSFER, |e| {
            matches!(e, Event::Transfer { message, file, .. }
                if *message == sent.id && file.state == TransferState::Uploaded)
        })
        .await;
    assert!(alice.client.flush(Duration::from_secs(20)).await.unwrap());

    let mut bob = Peer::with_account(bob_account, dir.path()).await;
    let got = downloaded(&mut bob, sent.id).await;
    assert_eq!(digest(&got), sha);
    let history = bob.history(&dm("alice")).await;
    let chat = history
        .iter()
        .filter(|m| m.text.starts_with("chat "))
        .count();
    assert_eq!(chat, 80, "no chat message was pushed out by the file");
    let announced = history.iter().find(|m| m.id == sent.id).unwrap();
    assert_eq!(announced.text, "the report");
    assert_eq!(
        announced.file.as_ref().unwrap().state,
        TransferState::Downloaded
    );
    // Delivered means the file is there.
    alice
        .wait_for(|e| matches!(e, Event::Status { id, status } if *id == sent.id && *status == MessageStatus::Delivered))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_file_is_fetched_through_a_black_holed_link_and_a_broker_restart() {
    let mut broker = Mosquitto::start_with(MosquittoOptions {
        persistence: true,
        ..MosquittoOptions::default()
    })
    .unwrap();
    let proxy = BlackHoleProxy::start(broker.port()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let alice = Peer::start(&broker.url(), "alice", dir.path()).await;
    let bob_account = common::account(&proxy.url(), "bob", 5);
    let mut bob = Peer::with_account(bob_account, dir.path()).await;
    alice.connected().await;
    bob.connected().await;

    let len = 50 * 1024 * 1024;
    let (path, sha) = make_file(dir.path(), "big.bin", len, 2);
    let sent = alice
        .client
        .send_file(dm("bob"), path, "", None)
        .await
        .unwrap();
    assert!(
        !sent.file.as_ref().unwrap().queued,
        "50 MB is fetched, not pushed"
    );
    let announced = next_file_message(&mut bob).await;
    assert_eq!(announced.id, sent.id);

    // Some of it arrives, then bob's link goes silent.
    bob.wait_for_within(
        TRANSFER,
        |e| matches!(e, Event::Transfer { file, .. } if file.done > 5 * 1024 * 1024),
    )
    .await;
    proxy.set_black_hole(true);
    tokio::time::sleep(Duration::from_secs(6)).await;
    proxy.set_black_hole(false);
    // More of it, then the broker goes down and comes back.
    bob.wait_for_within(
        TRANSFER,
        |e| matches!(e, Event::Transfer { file, .. } if file.done > 25 * 1024 * 1024),
    )
    .await;
    broker.restart().unwrap();

    let got = downloaded(&mut bob, sent.id).await;
    assert_eq!(digest(&got), sha);
    assert_eq!(std::fs::metadata(&got).unwrap().len(), len as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_gets_a_pushed_file_and_an_image_comes_with_its_thumbnail() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let [alice, mut bob, mut carol] = common::room_of_three(&broker.url(), dir.path()).await;
    // A PNG screenshot.
    let png = dir.path().join("shot.png");
    image::RgbImage::from_fn(800, 400, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 40])
    })
    .save(&png)
    .unwrap();
    let sha: [u8; 32] = Sha256::digest(std::fs::read(&png).unwrap()).into();
    let sent = alice
        .client
        .send_file(room("dev"), png, "look", None)
        .await
        .unwrap();
    let file = sent.file.clone().unwrap();
    assert_eq!(file.mime, "image/png");
    let thumb = file.thumb.unwrap();
    assert!(thumb.url.starts_with("data:image/jpeg;base64,"));
    assert_eq!((thumb.width, thumb.height), (320, 160));
    for peer in [&mut bob, &mut carol] {
        let message = next_file_message(peer).await;
        assert!(message.file.as_ref().unwrap().thumb.is_some());
        let got = downloaded(peer, sent.id).await;
        assert_eq!(digest(&got), sha);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_frames_are_dropped_and_counted_and_lying_files_are_shown_safely() {
    use rumqttc::QoS;
    use tether_core::protocol::frame::{Layout, MAX_FRAME_BYTES, encode_chunk};
    use tether_tests::{RawClient, raw_options};

    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut bob = Peer::start(&broker.url(), "bob", dir.path()).await;
    bob.connected().await;
    // Mallory, on a broker without an ACL, writes as "alice".
    let mut mallory = RawClient::connect(raw_options(broker.port(), "mallory", None))
        .await
        .unwrap();
    let files = "tether/v1/u/bob/file/alice";
    // Not a frame, until bob's file session (a link of its own) counts
    // one: then it is subscribed and nothing mallory sends next is lost.
    let start = bob.client.dropped_count();
    for _ in 0..100 {
        let garbage = b"<svg onload=alert(1)>".to_vec();
        mallory
            .publish(files, garbage, QoS::AtLeastOnce, false)
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        if bob.client.dropped_count() > start {
            break;
        }
    }
    assert!(
        bob.client.dropped_count() > start,
        "bob's file session never read"
    );
    // A frame too large; a chunk whose data was changed.
    let before = bob.client.dropped_count();
    let mut huge = b"TF\x01\x01".to_vec();
    huge.resize(MAX_FRAME_BYTES + 1, 0);
    mallory
        .publish(files, huge, QoS::AtLeastOnce, false)
        .await
        .unwrap();
    let layout = Layout::new(20_000, 16_384).unwrap();
    let mut forged = encode_chunk(uuid::Uuid::now_v7(), layout, 0, &[1; 16_384]);
    let last = forged.len() - 1;
    forged[last] ^= 0xff;
    mallory
        .publish(files, forged, QoS::AtLeastOnce, false)
        .await
        .unwrap();

    // A real PNG announced as a text file under a name that tries to
    // climb out of the download folder and to hide its extension.
    let png = dir.path().join("real.png");
    image::RgbImage::from_fn(64, 64, |x, _| image::Rgb([x as u8, 0, 0]))
        .save(&png)
        .unwrap();
    let bytes = std::fs::read(&png).unwrap();
    let sha: [u8; 32] = Sha256::digest(&bytes).into();
    let hex: String = sha.iter().map(|b| format!("{b:02x}")).collect();
    let (message, transfer) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    let envelope = serde_json::json!({
        "v": 1, "id": message.to_string(), "kind": "msg", "ts": 1_700_000_000_000_i64,
        "from": "alice", "seq": 1,
        "body": {"text": "", "file": {
            "id": transfer.to_string(), "name": "../../.bashrc\u{202e}txt.exe",
            "size": bytes.len(), "mime": "text/plain", "sha256": hex,
            "chunk": 16_384, "queued": true}},
        "reply_to": null
    });
    let layout = Layout::new(bytes.len() as u64, 16_384).unwrap();
    for (index, data) in bytes.chunks(16_384).enumerate() {
        let frame = encode_chunk(transfer, layout, index as u32, data);
        mallory
            .publish(files, frame, QoS::AtLeastOnce, false)
            .await
            .unwrap();
    }
    mallory
        .publish(
            "tether/v1/u/bob/inbox/alice",
            serde_json::to_vec(&envelope).unwrap(),
            QoS::AtLeastOnce,
            false,
        )
        .await
        .unwrap();
    let id: MessageId = message;
    let got = downloaded(&mut bob, id).await;
    assert_eq!(digest(&got), sha);
    let shown = bob.history(&dm("alice")).await;
    let file = shown
        .iter()
        .find(|m| m.id == id)
        .unwrap()
        .file
        .clone()
        .unwrap();
    assert_eq!(file.name, ".bashrc_txt.exe");
    assert_eq!(file.mime, "image/png", "the bytes decide, not the claim");
    assert!(file.executable, "an .exe name is opened only after asking");
    assert!(
        got.starts_with(dir.path()),
        "stored inside the account's files"
    );
    assert!(
        bob.client.dropped_count() >= before + 2,
        "{} dropped",
        bob.client.dropped_count() - before
    );
    // And the link is still up: chat goes on.
    let alice = Peer::start(&broker.url(), "alice", dir.path()).await;
    alice.connected().await;
    alice.client.send(dm("bob"), "still there?").await.unwrap();
    assert_eq!(bob.next_message().await.text, "still there?");
}
