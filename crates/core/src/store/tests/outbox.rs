//! Sending: seq allocation, outbox order and acknowledgement.

use super::*;

#[test]
fn next_seq_counts_per_conversation() {
    let mut s = mem();
    assert_eq!(s.next_seq(&dm("bob")).unwrap(), 1);
    assert_eq!(s.next_seq(&dm("bob")).unwrap(), 2);
    assert_eq!(s.next_seq(&room("dev")).unwrap(), 1);
    assert_eq!(s.next_seq(&dm("bob")).unwrap(), 3);
}

#[test]
fn outbox_order_and_ack() {
    let mut s = mem();
    let c = dm("bob");
    let mut m = outgoing(1, &c, 10, "hello");
    // Whatever the caller set, an enqueued message starts Queued.
    m.status = MessageStatus::Read;
    let a = s.enqueue_message(&m, &entry("t/1")).unwrap();
    let b = s.enqueue(&entry("t/receipt")).unwrap();
    let c2 = s
        .enqueue_message(&outgoing(2, &c, 11, "again"), &entry("t/2"))
        .unwrap();
    assert!(a < b && b < c2);
    assert_eq!(s.outbox_len().unwrap(), 3);
    assert_eq!(
        s.message(mid(1)).unwrap().unwrap().status,
        MessageStatus::Queued
    );

    let rows = s.outbox_after(0, 10).unwrap();
    let topics: Vec<&str> = rows.iter().map(|r| r.entry.topic.as_str()).collect();
    assert_eq!(topics, vec!["t/1", "t/receipt", "t/2"]);
    assert_eq!(rows[0].message_id, Some(mid(1)));
    assert_eq!(rows[1].message_id, None);
    assert_eq!(rows[0].entry, entry("t/1"));
    assert_eq!(s.outbox_after(a, 1).unwrap()[0].id, b);
    assert!(s.outbox_after(c2, 10).unwrap().is_empty());

    assert_eq!(s.outbox_acked(b).unwrap(), None);
    assert_eq!(s.outbox_acked(a).unwrap(), Some(mid(1)));
    assert_eq!(
        s.message(mid(1)).unwrap().unwrap().status,
        MessageStatus::Sent
    );
    // A second PUBACK for the same row is harmless.
    assert_eq!(s.outbox_acked(a).unwrap(), None);
    assert_eq!(s.outbox_len().unwrap(), 1);

    // A receipt that beat the PUBACK is not downgraded by it.
    s.apply_receipt(
        &uid("bob"),
        &[mid(2)],
        crate::protocol::ReceiptStatus::Read,
        5,
    )
    .unwrap();
    assert_eq!(s.outbox_acked(c2).unwrap(), None);
    assert_eq!(
        s.message(mid(2)).unwrap().unwrap().status,
        MessageStatus::Read
    );

    // Ids are never reused after deletion: the publisher's cursor stays valid.
    let d = s.enqueue(&entry("t/3")).unwrap();
    assert!(d > c2);
}

#[test]
fn enqueue_message_is_atomic() {
    let mut s = mem();
    let m = outgoing(1, &dm("bob"), 10, "hello");
    s.enqueue_message(&m, &entry("t/1")).unwrap();
    // Same message id again: rejected, and no orphan outbox row is left.
    assert!(s.enqueue_message(&m, &entry("t/dup")).is_err());
    assert_eq!(s.outbox_len().unwrap(), 1);
    let conv = &s.conversations().unwrap()[0];
    assert_eq!(conv.last_text.as_deref(), Some("hello"));
    assert_eq!(conv.unread, 0, "own messages are never unread");
    // Our own message echoed back by a room subscription is a duplicate.
    assert_eq!(s.store_incoming(&m).unwrap(), Stored::Duplicate);
}

#[test]
fn a_burst_of_messages_is_queued_together_with_its_own_seqs() {
    let mut s = mem();
    let (bob, dev) = (dm("bob"), room("dev"));
    s.next_seq(&bob).unwrap();
    let convs = [bob.clone(), dev.clone(), bob.clone()];
    let stored = s
        .enqueue_messages(&convs, &[], |i, seq| {
            let mut m = outgoing(10 + i as u128, &convs[i], 100, "x");
            m.seq = Some(seq);
            (m, entry(&format!("t/{i}")))
        })
        .unwrap();
    let seqs: Vec<_> = stored.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, vec![Some(2), Some(1), Some(3)]);
    assert!(
        stored
            .iter()
            .all(|m| m.outgoing && m.status == MessageStatus::Queued)
    );
    let rows = s.outbox_after(0, 10).unwrap();
    let topics: Vec<_> = rows.iter().map(|r| r.entry.topic.as_str()).collect();
    assert_eq!(topics, vec!["t/0", "t/1", "t/2"]);
    // Acked together: one answer per row, in order; unknown rows are None.
    let ids: Vec<i64> = rows.iter().map(|r| r.id).chain([999]).collect();
    let changed = s.outbox_acked_many(&ids, None).unwrap();
    assert_eq!(
        changed,
        vec![Some(mid(10)), Some(mid(11)), Some(mid(12)), None]
    );
    assert_eq!(s.outbox_len().unwrap(), 0);
    assert_eq!(s.next_resend_due().unwrap(), None, "no check asked for");
}

#[test]
fn acks_on_a_young_link_plan_a_check_of_what_they_sent() {
    let mut s = mem();
    let a = queue_to_bob(&mut s, 1, "first");
    let b = queue_to_bob(&mut s, 2, "second");
    // The second was already confirmed by a receipt: nothing to check.
    s.apply_receipt(
        &uid("bob"),
        &[mid(2)],
        crate::protocol::ReceiptStatus::Delivered,
        5,
    )
    .unwrap();
    let changed = s.outbox_acked_many(&[a, b], Some(1_000)).unwrap();
    assert_eq!(changed, vec![Some(mid(1)), None]);
    assert_eq!(s.next_resend_due().unwrap(), Some(1_000));
    let due = s.due_resends(1_000, 10).unwrap();
    assert_eq!(ids(&due), vec![1]);
}

#[test]
fn a_burst_with_a_duplicate_id_stores_nothing() {
    let mut s = mem();
    let c = dm("bob");
    s.enqueue_message(&outgoing(1, &c, 1, "first"), &entry("t/1"))
        .unwrap();
    let result = s.enqueue_messages(&[c.clone(), c.clone()], &[], |i, seq| {
        // The second reuses message 1's id: the whole burst rolls back.
        let mut m = outgoing(if i == 0 { 2 } else { 1 }, &c, 2, "x");
        m.seq = Some(seq);
        (m, entry("t/burst"))
    });
    assert!(result.is_err());
    assert_eq!(s.outbox_len().unwrap(), 1);
    assert!(s.message(mid(2)).unwrap().is_none());
    // No seq was used up either.
    assert_eq!(s.next_seq(&c).unwrap(), 1);
}

#[test]
fn a_new_limit_does_not_prepare_the_statement_again() {
    let mut s = mem();
    for i in 0..3 {
        s.enqueue(&entry(&format!("t/{i}"))).unwrap();
    }
    for limit in 1..=3 {
        assert_eq!(s.outbox_after(0, limit).unwrap().len(), limit);
    }
    let stmt = s
        .conn
        .prepare_cached(super::super::outbox::OUTBOX_AFTER)
        .unwrap();
    assert_eq!(
        stmt.get_status(rusqlite::StatementStatus::RePrepare),
        0,
        "the statement was prepared again for a different LIMIT"
    );
}

#[test]
fn a_resends_ack_answers_again_and_keeps_its_budget() {
    let mut s = mem();
    let a = queue_to_bob(&mut s, 1, "first");
    assert_eq!(s.outbox_acked_many(&[a], None).unwrap(), vec![Some(mid(1))]);
    let message = s.message(mid(1)).unwrap().unwrap();
    let plan = crate::store::ResendPlan {
        max_resends: 4,
        base_ms: 1_000,
    };
    s.queue_resend(&message, &entry("t/1"), 10_000, plan)
        .unwrap();
    let again = s.outbox_after(a, 10).unwrap()[0].id;
    let planned = s.next_resend_due().unwrap();
    // Still Sent, so it answers; a young link's plan does not reset the
    // budget of a message that was Sent already.
    assert_eq!(
        s.outbox_acked_many(&[again], Some(1)).unwrap(),
        vec![Some(mid(1))]
    );
    assert_eq!(s.next_resend_due().unwrap(), planned);
    assert_eq!(
        s.message(mid(1)).unwrap().unwrap().status,
        MessageStatus::Sent
    );
}
