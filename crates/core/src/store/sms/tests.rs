//! The SMS tables: parts through the gateway's answers and reports,
//! incoming sets in any order.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::model::{ConversationId, MessageStatus, StoredMessage, Twice};
use crate::store::Store;

fn message(text: &str) -> StoredMessage {
    StoredMessage {
        id: uuid::Uuid::now_v7(),
        conversation: ConversationId::Phone("13800138000".parse().unwrap()),
        sender: "1065901234".parse().unwrap(),
        ts: 1,
        seq: None,
        text: text.into(),
        reply_to: None,
        outgoing: true,
        status: MessageStatus::Queued,
        unsupported: false,
        changes: Default::default(),
        file: None,
    }
}

fn parts(total: u8) -> Vec<NewPart> {
    (1..=total)
        .map(|part| NewPart {
            dest: "13800138000".into(),
            msg_fmt: 8,
            content: vec![part],
            udhi: total > 1,
            part,
            total,
            at_time: String::new(),
        })
        .collect()
}

fn answer(part_id: i64, msg_id: u64, result: u32) -> PartAnswer {
    PartAnswer {
        part_id,
        msg_id,
        result,
        repeated: false,
        again: false,
    }
}

fn queued(store: &mut Store, total: u8) -> (StoredMessage, Vec<SmsPart>) {
    let msg = message("hello");
    store.sms_enqueue(&msg, &parts(total)).unwrap();
    let waiting = store.sms_waiting(100).unwrap();
    (msg, waiting)
}

#[test]
fn a_long_message_is_delivered_when_every_part_is() {
    let mut store = Store::open_in_memory().unwrap();
    let (msg, waiting) = queued(&mut store, 2);
    assert_eq!(waiting.len(), 2);
    assert_eq!(store.sms_outbox_len().unwrap(), 2);
    assert_eq!(store.sms_outbox_messages().unwrap(), 1, "one text queued");
    store.sms_written(&[waiting[0].id, waiting[1].id]).unwrap();
    assert!(
        store.sms_waiting(100).unwrap().is_empty(),
        "written, not waiting"
    );
    let up = store
        .sms_answered(&[answer(waiting[0].id, 11, 0), answer(waiting[1].id, 12, 0)])
        .unwrap();
    assert_eq!(up[0].status, MessageStatus::Sent);
    assert_eq!(store.sms_outbox_messages().unwrap(), 0, "taken");
    let up = store.sms_report(11, "13800138000", "DELIVRD").unwrap();
    assert_eq!(up[0].status, MessageStatus::Sent, "one part of two");
    assert_eq!(up[0].delivery.delivered, 1);
    let up = store.sms_report(12, "13800138000", "DELIVRD").unwrap();
    assert_eq!(up[0].status, MessageStatus::Delivered);
    assert_eq!(
        store.message(msg.id).unwrap().unwrap().status,
        MessageStatus::Delivered
    );
    assert_eq!(up[0].delivery.twice, Twice::No);
}

#[test]
fn a_report_before_its_answer_is_kept_and_matched() {
    let mut store = Store::open_in_memory().unwrap();
    let (_, waiting) = queued(&mut store, 1);
    store.sms_written(&[waiting[0].id]).unwrap();
    assert!(
        store
            .sms_report(77, "13800138000", "UNDELIV")
            .unwrap()
            .is_empty()
    );
    let up = store.sms_answered(&[answer(waiting[0].id, 77, 0)]).unwrap();
    assert_eq!(up[0].status, MessageStatus::Failed);
    assert_eq!(
        up[0].delivery.failure.as_deref(),
        Some("UNDELIV"),
        "verbatim"
    );
    assert_eq!(up[0].delivery.sent, 1, "taken, then not delivered");
}

#[test]
fn result_8_queues_again_and_other_results_fail_with_their_meaning() {
    let mut store = Store::open_in_memory().unwrap();
    let (_, waiting) = queued(&mut store, 1);
    store.sms_written(&[waiting[0].id]).unwrap();
    assert!(
        store
            .sms_answered(&[answer(waiting[0].id, 0, 8)])
            .unwrap()
            .is_empty()
    );
    let again = store.sms_waiting(100).unwrap();
    assert_eq!(again.len(), 1, "waiting again after Result 8");
    let up = store.sms_written(&[again[0].id]).unwrap();
    assert!(
        up.is_empty(),
        "an answered Result 8 is no doubt about a second copy"
    );
    let up = store.sms_answered(&[answer(again[0].id, 0, 13)]).unwrap();
    assert_eq!(
        up[0].delivery.failure.as_deref(),
        Some("Result 13: destination number error")
    );
    let up = store.sms_retry(up[0].id).unwrap().unwrap();
    assert_eq!(up.status, MessageStatus::Queued);
    assert_eq!(store.sms_waiting(100).unwrap().len(), 1);
}

#[test]
fn a_part_written_again_after_no_answer_may_have_gone_twice() {
    let mut store = Store::open_in_memory().unwrap();
    let (_, waiting) = queued(&mut store, 1);
    let id = waiting[0].id;
    store.sms_written(&[id]).unwrap();
    // The link was lost before the answer (or at start after a crash).
    store.sms_unanswered(None).unwrap();
    let up = store.sms_written(&[id]).unwrap();
    assert_eq!(up[0].delivery.twice, Twice::Maybe);
    let up = store.sms_answered(&[answer(id, 5, 0)]).unwrap();
    assert_eq!(up[0].delivery.twice, Twice::Maybe);
    // Both writes answered: it went twice, and either copy's report counts.
    let mut second = answer(id, 6, 0);
    second.again = true;
    let up = store.sms_answered(&[second]).unwrap();
    assert_eq!(up[0].delivery.twice, Twice::Yes);
    let up = store.sms_report(6, "13800138000", "DELIVRD").unwrap();
    assert_eq!(up[0].status, MessageStatus::Delivered);
}

fn incoming(deliver_id: u64, part: Option<(u8, u8)>, text: &str) -> IncomingSms {
    incoming_bytes(deliver_id, part, 0, text.as_bytes())
}

fn incoming_bytes(
    deliver_id: u64,
    part: Option<(u8, u8)>,
    msg_fmt: u8,
    payload: &[u8],
) -> IncomingSms {
    IncomingSms {
        deliver_id,
        from: "13800138000".parse().unwrap(),
        dest_id: "1065901234".into(),
        part_of: part.map(|(number, total)| PartOf {
            reference: 7,
            total,
            number,
        }),
        payload: payload.to_vec(),
        msg_fmt,
        at: 1000 + i64::try_from(deliver_id).unwrap(),
    }
}

#[test]
fn incoming_parts_join_in_any_order_and_repeats_are_ignored() {
    let mut store = Store::open_in_memory().unwrap();
    let got = store
        .sms_store_incoming(&[
            incoming(3, Some((3, 3)), "!"),
            incoming(1, Some((1, 3)), "Hel"),
            incoming(1, Some((1, 3)), "Hel"),
        ])
        .unwrap();
    assert!(got.is_empty());
    assert_eq!(store.sms_incoming_waiting().unwrap(), 2);
    let got = store
        .sms_store_incoming(&[incoming(2, Some((2, 3)), "lo")])
        .unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].text, "Hello!");
    assert_eq!(got[0].sender.as_str(), "13800138000");
    // The same DELIVER again (a resend): nothing new.
    assert!(
        store
            .sms_store_incoming(&[incoming(2, Some((2, 3)), "lo")])
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .sms_store_incoming(&[incoming(9, None, "hi")])
            .unwrap()
            .len()
            == 1
    );
    let convs = store.conversations().unwrap();
    assert_eq!(convs[0].unread, 2);
}

#[test]
fn an_incomplete_set_is_shown_after_a_while_with_what_arrived() {
    let mut store = Store::open_in_memory().unwrap();
    store
        .sms_store_incoming(&[
            incoming(1, Some((1, 3)), "Hel"),
            incoming(3, Some((3, 3)), "!"),
        ])
        .unwrap();
    assert!(
        store.sms_expire_incomplete(1000).unwrap().is_empty(),
        "not old yet"
    );
    let got = store.sms_expire_incomplete(5000).unwrap();
    assert_eq!(got[0].text, "Hel [part 2 of 3 never arrived] !");
    assert_eq!(store.sms_incoming_waiting().unwrap(), 0);
}

#[test]
fn a_refused_second_copy_changes_nothing_and_a_delivered_copy_wins() {
    let mut store = Store::open_in_memory().unwrap();
    let (_, waiting) = queued(&mut store, 1);
    let id = waiting[0].id;
    store.sms_written(&[id]).unwrap();
    store.sms_answered(&[answer(id, 5, 0)]).unwrap();
    let mut refused = answer(id, 0, 8);
    refused.again = true;
    assert!(store.sms_answered(&[refused]).unwrap().is_empty());
    let mut taken = answer(id, 6, 0);
    taken.again = true;
    let up = store.sms_answered(&[taken]).unwrap();
    assert_eq!(up[0].delivery.twice, Twice::Yes);
    // One copy fails, the other is delivered: delivered.
    let up = store.sms_report(6, "13800138000", "UNDELIV").unwrap();
    assert_eq!(up[0].status, MessageStatus::Failed);
    let up = store.sms_report(5, "13800138000", "DELIVRD").unwrap();
    assert_eq!(up[0].status, MessageStatus::Delivered);
    assert_eq!(up[0].delivery.failure, None);
}

#[test]
fn a_result_8_after_an_unanswered_try_is_flagged() {
    let mut store = Store::open_in_memory().unwrap();
    let (_, waiting) = queued(&mut store, 1);
    let id = waiting[0].id;
    store.sms_written(&[id]).unwrap();
    let mut throttled = answer(id, 0, 8);
    throttled.repeated = true;
    store.sms_answered(&[throttled]).unwrap();
    assert_eq!(
        store
            .sms_delivery(waiting[0].message_id)
            .unwrap()
            .unwrap()
            .twice,
        Twice::Maybe,
        "the first try may have been taken"
    );
}

#[test]
fn an_emoji_cut_between_two_parts_is_joined_whole() {
    let mut store = Store::open_in_memory().unwrap();
    // "a😀" in UTF-16BE: 00 61 | D8 3D DE 00, cut inside the pair.
    let got = store
        .sms_store_incoming(&[
            incoming_bytes(1, Some((1, 2)), 8, &[0x00, 0x61, 0xd8, 0x3d]),
            incoming_bytes(2, Some((2, 2)), 8, &[0xde, 0x00]),
        ])
        .unwrap();
    assert_eq!(got[0].text, "a😀");
}

#[test]
fn the_sms_writer_can_sync_every_commit() {
    let store = Store::open_in_memory().unwrap();
    let level = |s: &Store| -> i64 {
        s.conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(level(&store), 1, "NORMAL by default");
    store.sync_every_commit().unwrap();
    assert_eq!(level(&store), 2, "FULL");
}

#[test]
fn a_message_queued_twice_goes_once() {
    let mut store = Store::open_in_memory().unwrap();
    let msg = message("once");
    let row = (msg.clone(), parts(2));
    // Twice in one burst, then again in a later one (a request the SMS
    // gateway user saw twice).
    let queued = store
        .sms_enqueue_many(&[row.clone(), (message("other"), parts(1)), row.clone()])
        .unwrap();
    assert_eq!(queued, [true, true, false]);
    assert_eq!(store.sms_enqueue_many(&[row]).unwrap(), [false]);
    assert_eq!(store.sms_outbox_len().unwrap(), 3);
    assert_eq!(store.sms_outbox_messages().unwrap(), 2);
}

#[test]
fn a_turn_queues_what_was_sent_and_reserves_it_at_once() {
    let mut store = Store::open_in_memory().unwrap();
    let msg = message("with the turn");
    let outcome = store
        .sms_turn(&Turn {
            queue: &[(msg.clone(), parts(2))],
            take: 16,
            ..Turn::default()
        })
        .unwrap();
    assert_eq!(outcome.queued, [true]);
    let taken: Vec<_> = outcome
        .parts
        .iter()
        .map(|p| (p.message_id, p.part))
        .collect();
    assert_eq!(taken, [(msg.id, 1), (msg.id, 2)]);
    // Reserved: marked written, and given back as they were.
    let ids: Vec<i64> = outcome.parts.iter().map(|p| p.id).collect();
    store.sms_unreserve(&ids).unwrap();
    let again = store.sms_written(&ids).unwrap();
    assert!(again.is_empty(), "not flagged: never written before");
    assert_eq!(
        store.sms_delivery(msg.id).unwrap().unwrap().twice,
        Twice::No
    );
}

#[test]
fn a_cancelled_text_retried_after_its_time_goes_now() {
    let mut store = Store::open_in_memory().unwrap();
    let (past, future) = (message("too late"), message("still ahead"));
    let at = |time: &str| {
        let mut p = parts(1);
        p[0].at_time = time.into();
        p
    };
    // 2001 has passed; 2099 has not.
    store.sms_enqueue(&past, &at("010101120000032+")).unwrap();
    store.sms_enqueue(&future, &at("990101120000032+")).unwrap();
    for msg in [&past, &future] {
        store.sms_cancel_unsent(msg.id).unwrap();
        store.sms_retry(msg.id).unwrap().unwrap();
    }
    let waiting = store.sms_waiting(10).unwrap();
    let times: Vec<_> = waiting.iter().map(|p| p.at_time.as_str()).collect();
    assert_eq!(times, ["", "990101120000032+"]);
    assert!(!store.sms_delivery(past.id).unwrap().unwrap().scheduled);
    let ahead = store.sms_delivery(future.id).unwrap().unwrap();
    assert!(ahead.scheduled && ahead.scheduled_for_ms.is_some());
}

#[test]
fn a_retried_text_is_sent_only_by_what_its_new_copy_does() {
    let mut store = Store::open_in_memory().unwrap();
    let (msg, waiting) = queued(&mut store, 1);
    let part = waiting[0].id;
    store.sms_written(&[part]).unwrap();
    store.sms_answered(&[answer(part, 41, 0)]).unwrap();
    store.sms_report(41, "13800138000", "EXPIRED").unwrap();
    assert_eq!(store.sms_delivery(msg.id).unwrap().unwrap().sent, 1);
    store.sms_retry(msg.id).unwrap().unwrap();
    // Queued again: not taken until the new copy is.
    assert_eq!(store.sms_delivery(msg.id).unwrap().unwrap().sent, 0);
    store.sms_written(&[part]).unwrap();
    let up = store.sms_answered(&[answer(part, 0, 13)]).unwrap();
    assert_eq!(up[0].delivery.sent, 0, "the new copy was refused");
    // The first copy's late report still finds its part.
    let up = store.sms_report(41, "13800138000", "DELIVRD").unwrap();
    assert_eq!(up.len(), 1, "matched through the earlier Msg_Id");
}
