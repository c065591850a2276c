//! Store unit tests, split by area; shared fixtures live here.

mod changes;
mod durability;
mod gaps;
mod indexing;
mod messages;
mod outbox;
mod receipts;
mod rooms;
mod search;
mod set_aside;

use super::*;
use crate::protocol::{MessageId, RoomId, UserId};

pub(super) fn uid(s: &str) -> UserId {
    UserId::new(s).unwrap()
}

pub(super) fn rid(s: &str) -> RoomId {
    RoomId::new(s).unwrap()
}

pub(super) fn dm(s: &str) -> ConversationId {
    ConversationId::Direct(uid(s))
}

pub(super) fn room(s: &str) -> ConversationId {
    ConversationId::Room(rid(s))
}

/// Deterministic ids whose byte order equals numeric order.
pub(super) fn mid(n: u128) -> MessageId {
    MessageId::from_u128(n)
}

pub(super) fn incoming(
    id: u128,
    conv: &ConversationId,
    sender: &str,
    ts: i64,
    seq: Option<u64>,
    text: &str,
) -> StoredMessage {
    StoredMessage {
        id: mid(id),
        conversation: conv.clone(),
        sender: uid(sender),
        ts,
        seq,
        text: text.to_string(),
        reply_to: None,
        outgoing: false,
        status: MessageStatus::Received,
        unsupported: false,
        changes: Default::default(),
        file: None,
    }
}

pub(super) fn outgoing(id: u128, conv: &ConversationId, ts: i64, text: &str) -> StoredMessage {
    StoredMessage {
        sender: uid("me"),
        outgoing: true,
        status: MessageStatus::Queued,
        ..incoming(id, conv, "me", ts, None, text)
    }
}

/// Our message `id` to bob, queued with its outbox row; the row's id.
pub(super) fn queue_to_bob(s: &mut Store, id: u128, text: &str) -> i64 {
    let ts = i64::try_from(id).unwrap();
    s.enqueue_message(
        &outgoing(id, &dm("bob"), ts, text),
        &entry(&format!("t/{id}")),
    )
    .unwrap()
}

pub(super) fn entry(topic: &str) -> OutboxEntry {
    OutboxEntry {
        topic: topic.to_string(),
        payload: topic.as_bytes().to_vec(),
        qos: 1,
        retain: false,
    }
}

pub(super) fn mem() -> Store {
    Store::open_in_memory().unwrap()
}

pub(super) fn ids(msgs: &[StoredMessage]) -> Vec<u128> {
    msgs.iter().map(|m| m.id.as_u128()).collect()
}

#[test]
fn migrations_validate() {
    schema::MIGRATIONS.validate().unwrap();
}

#[test]
fn conversation_key_roundtrip_and_serde() {
    for c in [dm("bob"), room("dev")] {
        assert_eq!(ConversationId::parse_key(&c.key()).unwrap(), c);
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, format!("\"{}\"", c.key()));
        assert_eq!(serde_json::from_str::<ConversationId>(&json).unwrap(), c);
    }
    assert_eq!(dm("bob").key(), "u:bob");
    assert_eq!(room("dev").key(), "r:dev");
    for bad in ["", "bob", "x:bob", "u:", "u:a/b", "r:#"] {
        assert!(
            matches!(
                ConversationId::parse_key(bad),
                Err(crate::model::KeyError(key)) if key == bad
            ),
            "{bad}"
        );
    }
}

#[test]
fn stored_message_serializes_for_ui() {
    let m = incoming(1, &dm("bob"), "bob", 5, Some(1), "hi");
    let v: serde_json::Value = serde_json::to_value(&m).unwrap();
    assert_eq!(v["conversation"], "u:bob");
    assert_eq!(v["sender"], "bob");
    assert_eq!(v["status"], "received");
    assert_eq!(v["seq"], 1);
    assert_eq!(MessageStatus::Delivered.as_str(), "delivered");
}
