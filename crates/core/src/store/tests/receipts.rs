//! Receipts: monotonic status, per-user record, anti-spoofing.

use super::*;
use crate::protocol::ReceiptStatus;

fn status(s: &Store, id: u128) -> MessageStatus {
    s.message(mid(id)).unwrap().unwrap().status
}

#[test]
fn status_only_rises() {
    let mut s = mem();
    let c = dm("bob");
    let o = s
        .enqueue_message(&outgoing(1, &c, 1, "hi"), &entry("t"))
        .unwrap();
    s.outbox_acked(o).unwrap();
    let bob = uid("bob");

    assert_eq!(
        s.apply_receipt(&bob, &[mid(1)], ReceiptStatus::Delivered, 10)
            .unwrap(),
        vec![(mid(1), MessageStatus::Delivered)]
    );
    assert_eq!(
        s.apply_receipt(&bob, &[mid(1)], ReceiptStatus::Read, 20)
            .unwrap(),
        vec![(mid(1), MessageStatus::Read)]
    );
    // A late "delivered" changes nothing, neither status nor the receipt record.
    assert!(
        s.apply_receipt(&bob, &[mid(1)], ReceiptStatus::Delivered, 30)
            .unwrap()
            .is_empty()
    );
    assert_eq!(status(&s, 1), MessageStatus::Read);
    assert_eq!(
        s.receipts_for(mid(1)).unwrap(),
        vec![(bob, ReceiptStatus::Read, 20)]
    );
}

#[test]
fn read_can_skip_delivered_and_queued() {
    let mut s = mem();
    let c = dm("bob");
    s.enqueue_message(&outgoing(1, &c, 1, "hi"), &entry("t"))
        .unwrap();
    let changed = s
        .apply_receipt(
            &uid("bob"),
            &[mid(1), mid(1), mid(99)],
            ReceiptStatus::Read,
            5,
        )
        .unwrap();
    assert_eq!(changed, vec![(mid(1), MessageStatus::Read)]);
    assert!(s.receipts_for(mid(99)).unwrap().is_empty());
}

#[test]
fn receipt_from_wrong_peer_is_ignored() {
    let mut s = mem();
    s.enqueue_message(&outgoing(1, &dm("bob"), 1, "to bob"), &entry("t"))
        .unwrap();
    let carol = uid("carol");
    assert!(
        s.apply_receipt(&carol, &[mid(1)], ReceiptStatus::Read, 5)
            .unwrap()
            .is_empty()
    );
    assert_eq!(status(&s, 1), MessageStatus::Queued);
    assert!(s.receipts_for(mid(1)).unwrap().is_empty());
}

#[test]
fn receipts_for_incoming_messages_are_ignored() {
    let mut s = mem();
    s.store_incoming(&incoming(1, &dm("bob"), "bob", 1, None, "hi"))
        .unwrap();
    assert!(
        s.apply_receipt(&uid("bob"), &[mid(1)], ReceiptStatus::Read, 5)
            .unwrap()
            .is_empty()
    );
    assert_eq!(status(&s, 1), MessageStatus::Received);
}

#[test]
fn room_receipts_from_any_member() {
    let mut s = mem();
    let c = room("dev");
    s.enqueue_message(&outgoing(1, &c, 1, "hi all"), &entry("t"))
        .unwrap();
    let (bob, carol) = (uid("bob"), uid("carol"));
    assert_eq!(
        s.apply_receipt(&carol, &[mid(1)], ReceiptStatus::Delivered, 7)
            .unwrap(),
        vec![(mid(1), MessageStatus::Delivered)]
    );
    // Same level from someone else: recorded, but the message status is unchanged.
    assert!(
        s.apply_receipt(&bob, &[mid(1)], ReceiptStatus::Delivered, 8)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        s.receipts_for(mid(1)).unwrap(),
        vec![
            (bob, ReceiptStatus::Delivered, 8),
            (carol, ReceiptStatus::Delivered, 7)
        ]
    );
}

#[test]
fn settling_applies_acks_then_receipts_in_one_go() {
    let mut s = mem();
    let (bob, carol) = (dm("bob"), dm("carol"));
    let a = s
        .enqueue_message(&outgoing(1, &bob, 1, "one"), &entry("t"))
        .unwrap();
    let b = s
        .enqueue_message(&outgoing(2, &bob, 2, "two"), &entry("t"))
        .unwrap();
    let c = s
        .enqueue_message(&outgoing(3, &carol, 3, "three"), &entry("t"))
        .unwrap();
    let receipt = |from: &str, ids: &[u128], status| {
        (
            uid(from),
            crate::protocol::ReceiptBody {
                ids: ids.iter().map(|&n| mid(n)).collect(),
                status,
            },
        )
    };
    let settled = s
        .settle(
            &[a, b, c],
            None,
            &[
                receipt("bob", &[1], ReceiptStatus::Delivered),
                // Not carol's to confirm.
                receipt("carol", &[2], ReceiptStatus::Read),
                receipt("bob", &[2], ReceiptStatus::Read),
            ],
            50,
        )
        .unwrap();
    assert_eq!(settled.sent, vec![mid(1), mid(2), mid(3)]);
    assert_eq!(
        settled.raised,
        vec![
            (mid(1), MessageStatus::Delivered),
            (mid(2), MessageStatus::Read)
        ]
    );
    assert_eq!(s.outbox_len().unwrap(), 0);
    assert_eq!(
        [status(&s, 1), status(&s, 2), status(&s, 3)],
        [
            MessageStatus::Delivered,
            MessageStatus::Read,
            MessageStatus::Sent
        ]
    );
    assert_eq!(
        s.receipts_for(mid(2)).unwrap(),
        vec![(uid("bob"), ReceiptStatus::Read, 50)]
    );
    assert_eq!(s.settle(&[], None, &[], 60).unwrap(), Settled::default());
}

#[test]
fn a_receipt_drops_the_resend_plan() {
    let mut s = mem();
    let o = s
        .enqueue_message(&outgoing(1, &dm("bob"), 1, "hi"), &entry("t"))
        .unwrap();
    s.outbox_acked_many(&[o], Some(1_000)).unwrap();
    let planned = |s: &Store| -> Option<i64> {
        s.conn
            .query_row("SELECT resend_due FROM messages", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(planned(&s), Some(1_000));
    s.apply_receipt(&uid("bob"), &[mid(1)], ReceiptStatus::Delivered, 5)
        .unwrap();
    assert_eq!(planned(&s), None);
}
