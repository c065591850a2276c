//! Incoming storage, dedupe, ordering, paging, summaries and read state.

use super::*;

#[test]
fn duplicate_id_changes_nothing() {
    let mut s = mem();
    let m = incoming(1, &dm("bob"), "bob", 10, Some(1), "hi");
    assert_eq!(
        s.store_incoming(&m).unwrap(),
        Stored::New {
            gap: None,
            filled: vec![],
            late: Default::default(),
        }
    );
    let mut again = m.clone();
    again.text = "tampered".into();
    again.ts = 99;
    assert_eq!(s.store_incoming(&again).unwrap(), Stored::Duplicate);
    assert_eq!(s.message(mid(1)).unwrap().unwrap(), m);
    assert_eq!(s.unread_total().unwrap(), 1);
    assert_eq!(s.history(&dm("bob"), None, 10).unwrap().len(), 1);
    // Same id claimed for another conversation: still a duplicate, and no
    // empty conversation appears in the list.
    let elsewhere = incoming(1, &room("dev"), "mallory", 5, Some(1), "x");
    assert_eq!(s.store_incoming(&elsewhere).unwrap(), Stored::Duplicate);
    assert_eq!(s.conversations().unwrap().len(), 1);
}

#[test]
fn history_orders_by_ts_then_id_not_arrival() {
    let mut s = mem();
    let c = dm("bob");
    // Arrival order deliberately scrambled, with equal timestamps.
    for (id, ts) in [(5, 30), (2, 10), (9, 20), (1, 20), (7, 10)] {
        s.store_incoming(&incoming(id, &c, "bob", ts, None, "x"))
            .unwrap();
    }
    assert_eq!(ids(&s.history(&c, None, 100).unwrap()), vec![2, 7, 1, 9, 5]);
}

#[test]
fn history_pages_across_equal_timestamps() {
    let mut s = mem();
    let c = room("dev");
    let batch: Vec<_> = (1..=25u128)
        .rev()
        .map(|i| incoming(i, &c, "bob", 1000 + (i as i64) / 10, None, "x"))
        .collect();
    s.store_incoming_batch(&batch).unwrap();
    // Unrelated conversation must not leak into pages.
    s.store_incoming(&incoming(100, &dm("zed"), "zed", 1001, None, "x"))
        .unwrap();

    let mut pages = Vec::new();
    let mut cursor = None;
    loop {
        let page = s.history(&c, cursor, 4).unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 4);
        cursor = Some((page[0].ts, page[0].id));
        pages.push(ids(&page));
    }
    assert_eq!(pages[0], vec![22, 23, 24, 25]);
    let all: Vec<u128> = pages.into_iter().rev().flatten().collect();
    assert_eq!(all, (1..=25).collect::<Vec<_>>());
}

#[test]
fn history_after_walks_forward_from_a_message() {
    let mut s = mem();
    let c = room("dev");
    let batch: Vec<_> = (1..=25u128)
        .map(|i| incoming(i, &c, "bob", 1000 + (i as i64) / 10, None, "x"))
        .collect();
    s.store_incoming_batch(&batch).unwrap();
    s.store_incoming(&incoming(100, &dm("zed"), "zed", 1001, None, "x"))
        .unwrap();
    // From message 9 (ts 1000, the last of its timestamp): 10.. follow,
    // across the equal-timestamp boundary, oldest first.
    let from = s.message(mid(9)).unwrap().unwrap();
    let mut cursor = (from.ts, from.id);
    let mut seen = Vec::new();
    loop {
        let page = s.history_after(&c, cursor, 4).unwrap();
        if page.is_empty() {
            break;
        }
        let last = page.last().unwrap();
        cursor = (last.ts, last.id);
        seen.extend(ids(&page));
    }
    assert_eq!(seen, (10..=25).collect::<Vec<_>>());
    assert!(
        s.history_after(&dm("nobody"), cursor, 4)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn history_uses_the_conversation_index() {
    let s = mem();
    use super::super::messages::{Direction, history_sql};
    for (direction, with_cursor) in [
        (Direction::Older, true),
        (Direction::Older, false),
        (Direction::Newer, true),
    ] {
        use rusqlite::types::Value;
        let sql = history_sql(direction, with_cursor);
        let mut args = vec![Value::Integer(1), Value::Integer(50)];
        if with_cursor {
            args.extend([Value::Integer(5), Value::Blob(vec![0; 16])]);
        }
        let plan: Vec<String> = s
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap()
            .query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let plan = plan.join("\n");
        assert!(plan.contains("messages_conv_ts"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    }
}

#[test]
fn incoming_updates_summary_and_unread() {
    let mut s = mem();
    s.store_incoming(&incoming(3, &dm("bob"), "bob", 300, None, "newest"))
        .unwrap();
    // A late, older message must not replace the last-message preview.
    s.store_incoming(&incoming(1, &dm("bob"), "bob", 100, None, "older"))
        .unwrap();
    s.store_incoming(&incoming(2, &room("dev"), "carol", 200, None, "room"))
        .unwrap();
    s.set_room_joined(&rid("empty"), true, Some("Empty"))
        .unwrap();
    let convs = s.conversations().unwrap();
    let keys: Vec<String> = convs.iter().map(|c| c.id.key()).collect();
    assert_eq!(keys, vec!["u:bob", "r:dev", "r:empty"]);
    assert_eq!(convs[0].last_text.as_deref(), Some("newest"));
    assert_eq!(convs[0].last_ts, Some(300));
    assert_eq!(convs[0].last_sender, Some(uid("bob")));
    assert_eq!(convs[0].unread, 2);
    assert_eq!(convs[0].title, None);
    assert_eq!(convs[2].title.as_deref(), Some("Empty"));
    assert_eq!(convs[2].last_ts, None);
    assert_eq!(s.unread_total().unwrap(), 3);
}

#[test]
fn unsupported_messages_are_kept_raw_without_preview() {
    let mut s = mem();
    let mut m = incoming(1, &dm("bob"), "bob", 1, None, r#"{"v":2,"id":"x"}"#);
    m.unsupported = true;
    s.store_incoming(&m).unwrap();
    assert_eq!(s.message(mid(1)).unwrap().unwrap(), m);
    let conv = &s.conversations().unwrap()[0];
    assert_eq!(conv.last_text, None);
    assert_eq!(conv.last_ts, Some(1));
}

#[test]
fn mark_read_returns_each_message_once() {
    let mut s = mem();
    let c = room("dev");
    s.store_incoming_batch(&[
        incoming(4, &c, "carol", 40, None, "c2"),
        incoming(1, &c, "bob", 10, None, "b1"),
        incoming(3, &c, "bob", 30, None, "b2"),
        incoming(2, &c, "carol", 20, None, "c1"),
    ])
    .unwrap();
    s.enqueue_message(&outgoing(5, &c, 50, "mine"), &entry("t"))
        .unwrap();
    s.store_incoming(&incoming(9, &dm("bob"), "bob", 5, None, "dm"))
        .unwrap();

    let acks = s.mark_read(&c).unwrap();
    assert_eq!(
        acks,
        vec![
            (uid("bob"), vec![mid(1), mid(3)]),
            (uid("carol"), vec![mid(2), mid(4)]),
        ]
    );
    assert!(s.mark_read(&c).unwrap().is_empty());
    assert_eq!(s.unread_total().unwrap(), 1, "the DM is still unread");

    s.store_incoming(&incoming(6, &c, "bob", 60, None, "new"))
        .unwrap();
    assert_eq!(s.mark_read(&c).unwrap(), vec![(uid("bob"), vec![mid(6)])]);
    assert!(s.mark_read(&room("nowhere")).unwrap().is_empty());
    assert_eq!(s.unread_total().unwrap(), 1);
}

#[test]
fn batch_reports_duplicates_within_itself() {
    let mut s = mem();
    let m = incoming(1, &dm("bob"), "bob", 1, Some(1), "x");
    let res = s.store_incoming_batch(&[m.clone(), m]).unwrap();
    assert!(matches!(res[0], Stored::New { .. }));
    assert_eq!(res[1], Stored::Duplicate);
}
