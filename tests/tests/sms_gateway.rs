//! `tether sms-gateway` between a real Mosquitto and the gateway
//! simulator: a chat user texts a phone through the team's SMS gateway
//! user and sees the report; the phone's answer comes back to them; the
//! gateway killed and started again loses nothing asked of it meanwhile.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use std::path::Path;

use common::cli::{Running, run, tether};
use common::{Peer, WAIT};
use tether_core::Event;
use tether_core::model::{ConversationId, MessageStatus, PhoneNumber};
use tether_testbed::Mosquitto;
use tether_testbed::ismg::{Ismg, IsmgOptions, Mo};

const PHONE: &str = "13800138000";

fn phone() -> PhoneNumber {
    PHONE.parse().unwrap()
}

/// The gateway process for `home`, as the chat user `sms`.
fn gateway(home: &Path, broker: &str) -> Running {
    let mut cmd = tether(
        home,
        &[
            "--broker",
            broker,
            "--user",
            "sms",
            "sms-gateway",
            "--default-user",
            "alice",
        ],
    );
    cmd.env("TETHER_SMS_SECRET", "s3cret");
    Running::spawn(cmd)
}

async fn ready(gateway: &mut Running) {
    gateway
        .wait_json("the gateway ready", |v| {
            v["type"] == "sms_gateway" && v["chat_connected"] == true
        })
        .await;
}

async fn delivered(alice: &mut Peer, id: uuid::Uuid) {
    alice
        .wait_for(
            |e| matches!(e, Event::Status { id: i, status: MessageStatus::Delivered } if *i == id),
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_user_texts_a_phone_through_the_gateway_user_and_hears_back() {
    let broker = Mosquitto::start().unwrap();
    let ismg = Ismg::start(IsmgOptions::new()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("gateway");
    let port = ismg.port().to_string();
    run(
        tether(
            &home,
            &[
                "sms",
                "account",
                "add",
                "--name",
                "operator",
                "--host",
                "127.0.0.1",
                "--port",
                &port,
                "--sp-id",
                "901234",
                "--src-id",
                "1065901234",
            ],
        ),
        "",
        WAIT,
    )
    .expect_code(0);
    let mut bridge = gateway(&home, &broker.url());
    ready(&mut bridge).await;

    let mut account = common::account(&broker.url(), "alice", 30);
    account.sms_gateway = Some("sms".parse().unwrap());
    let mut alice = Peer::with_account(account, dir.path()).await;
    alice.connected().await;

    // Out: through the gateway user to the phone, the report back.
    let sent = alice
        .client
        .send(
            ConversationId::Phone(phone()),
            "hello through the team's gateway",
        )
        .await
        .unwrap();
    delivered(&mut alice, sent.id).await;
    let seen = ismg.seen();
    assert_eq!(seen.to(PHONE).len(), 1);
    assert_eq!(seen.to(PHONE)[0].text(), "hello through the team's gateway");
    let delivery = alice.client.sms_delivery(sent.id).await.unwrap().unwrap();
    assert_eq!((delivery.parts, delivery.delivered), (1, 1));

    // In: the phone answers; it reaches the user who texted that number.
    ismg.send_mo(Mo::new(PHONE, "1065901234", "got it, thanks"));
    let answer = alice.next_message().await;
    assert_eq!(answer.text, "got it, thanks");
    assert_eq!(answer.conversation, ConversationId::Phone(phone()));
    assert_eq!(answer.sender.as_str(), PHONE);

    // The gateway dies; what alice asks meanwhile waits at the broker and
    // goes once the gateway is back.
    drop(bridge);
    let meanwhile = alice
        .client
        .send(ConversationId::Phone(phone()), "while the gateway was down")
        .await
        .unwrap();
    let mut bridge = gateway(&home, &broker.url());
    ready(&mut bridge).await;
    delivered(&mut alice, meanwhile.id).await;
    let texts: Vec<String> = ismg.seen().to(PHONE).iter().map(|s| s.text()).collect();
    assert_eq!(
        texts,
        [
            "hello through the team's gateway",
            "while the gateway was down"
        ],
        "each request went once"
    );
}
