//! Publishes the broker keeps refusing: strikes, set aside, retry, delete.

use super::*;

/// One of our messages to bob, queued; returns it and its outbox row id.
fn queued(s: &mut Store, n: u128, text: &str) -> (StoredMessage, i64) {
    let msg = outgoing(n, &dm("bob"), 100 + n as i64, text);
    let entry = OutboxEntry {
        topic: format!("t/{n}"),
        payload: text.as_bytes().to_vec(),
        qos: 1,
        retain: false,
    };
    let id = s.enqueue_message(&msg, &entry).unwrap();
    (msg, id)
}

#[test]
fn a_set_aside_message_is_failed_and_leaves_the_queue_to_the_rest() {
    let mut s = mem();
    let (big, big_row) = queued(&mut s, 1, "too big");
    let (_, next_row) = queued(&mut s, 2, "next");
    assert_eq!(s.outbox_strike(big_row).unwrap(), 1);
    assert_eq!(s.outbox_strike(big_row).unwrap(), 2);
    let rows = s.outbox_after(0, 10).unwrap();
    assert_eq!((rows[0].id, rows[0].strikes), (big_row, 2));
    assert_eq!(s.set_aside(big_row).unwrap(), Some(big.id));
    let rows: Vec<i64> = s
        .outbox_after(0, 10)
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(rows, [next_row], "only the rest is published");
    assert_eq!(s.outbox_len().unwrap(), 1);
    assert_eq!(s.set_aside_len().unwrap(), 1);
    assert_eq!(
        s.message(big.id).unwrap().unwrap().status,
        MessageStatus::Failed
    );
    let failed: Vec<_> = s.failed_messages().unwrap().iter().map(|m| m.id).collect();
    assert_eq!(failed, [big.id]);
}

#[test]
fn a_retry_queues_it_last_with_no_strikes() {
    let mut s = mem();
    let (big, big_row) = queued(&mut s, 1, "too big");
    let (_, next_row) = queued(&mut s, 2, "next");
    let (_, sent_row) = queued(&mut s, 3, "sent already");
    // Acknowledged and gone: its id must never come back (the publisher's
    // cursor may be past it on this link).
    s.outbox_acked(sent_row).unwrap();
    s.outbox_strike(big_row).unwrap();
    s.set_aside(big_row).unwrap();
    assert!(s.retry_failed(big.id).unwrap());
    assert!(!s.retry_failed(big.id).unwrap(), "not failed any more");
    let rows = s.outbox_after(0, 10).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].id, next_row);
    assert!(rows[1].id > sent_row, "behind every id used, none reused");
    assert_eq!((rows[1].message_id, rows[1].strikes), (Some(big.id), 0));
    assert_eq!(
        s.message(big.id).unwrap().unwrap().status,
        MessageStatus::Queued
    );
}

#[test]
fn a_delete_removes_it_and_the_preview_falls_back() {
    let mut s = mem();
    let (first, _) = queued(&mut s, 1, "first");
    let (big, big_row) = queued(&mut s, 2, "too big");
    s.set_aside(big_row).unwrap();
    assert_eq!(s.delete_failed(big.id).unwrap(), Some(dm("bob")));
    assert_eq!(s.delete_failed(big.id).unwrap(), None, "gone already");
    assert_eq!(s.delete_failed(first.id).unwrap(), None, "only failed ones");
    assert!(s.message(big.id).unwrap().is_none());
    assert_eq!(s.set_aside_len().unwrap(), 0);
    let summary = s.conversations().unwrap();
    assert_eq!(summary[0].last_text.as_deref(), Some("first"));
}

#[test]
fn a_publish_without_a_message_is_dropped_when_set_aside() {
    let mut s = mem();
    let row = s
        .enqueue(&OutboxEntry {
            topic: "t/receipt".into(),
            payload: b"{}".to_vec(),
            qos: 1,
            retain: false,
        })
        .unwrap();
    assert_eq!(s.set_aside(row).unwrap(), None);
    assert_eq!(s.outbox_len().unwrap(), 0);
    assert_eq!(s.set_aside_len().unwrap(), 0);
    assert_eq!(s.outbox_strike(row).unwrap(), 0, "a row that is gone");
}

#[test]
fn a_resend_of_a_message_already_sent_is_dropped_not_failed() {
    let mut s = mem();
    let (sent, row) = queued(&mut s, 1, "acknowledged once");
    s.outbox_acked(row).unwrap();
    // Its end-to-end resend (see engine/resend.rs), refused by the broker.
    let resend = s
        .enqueue(&OutboxEntry {
            topic: "t/1".into(),
            payload: b"again".to_vec(),
            qos: 1,
            retain: false,
        })
        .unwrap();
    s.conn
        .execute(
            "UPDATE outbox SET message_id = ?1 WHERE id = ?2",
            rusqlite::params![sent.id.as_bytes().as_slice(), resend],
        )
        .unwrap();
    assert_eq!(s.set_aside(resend).unwrap(), None);
    assert_eq!(
        s.message(sent.id).unwrap().unwrap().status,
        MessageStatus::Sent
    );
    assert_eq!(
        (s.outbox_len().unwrap(), s.set_aside_len().unwrap()),
        (0, 0)
    );
    assert!(!s.retry_failed(sent.id).unwrap());
}
