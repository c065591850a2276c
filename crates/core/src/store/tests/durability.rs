//! On-disk behaviour: data survives closing and reopening; two connections.

use super::*;

#[test]
fn reopen_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/deeper/tether.db");
    let (a, b);
    {
        let mut s = Store::open(&path).unwrap();
        let mode: String = s
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(s.next_seq(&dm("bob")).unwrap(), 1);
        a = s
            .enqueue_message(&outgoing(1, &dm("bob"), 10, "first"), &entry("t/1"))
            .unwrap();
        b = s.enqueue(&entry("t/2")).unwrap();
        s.store_incoming(&incoming(2, &dm("bob"), "bob", 5, Some(2), "yo"))
            .unwrap();
        s.set_room_joined(&rid("dev"), true, Some("Dev")).unwrap();
        // Dropped without any explicit close or checkpoint, like a crash
        // after the commit returned.
    }
    let mut s = Store::open(&path).unwrap();
    let rows = s.outbox_after(0, 10).unwrap();
    assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![a, b]);
    assert_eq!(rows[0].entry, entry("t/1"));
    assert_eq!(s.next_seq(&dm("bob")).unwrap(), 2);
    assert_eq!(ids(&s.history(&dm("bob"), None, 10).unwrap()), vec![2, 1]);
    assert_eq!(s.gaps(&dm("bob")).unwrap().len(), 1);
    assert_eq!(s.unread_total().unwrap(), 1);
    assert_eq!(s.joined_rooms().unwrap().len(), 1);
    assert_eq!(s.search("first", 10).unwrap().len(), 1);
    assert!(s.enqueue(&entry("t/3")).unwrap() > b);
}

#[test]
fn reader_sees_writer_commits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tether.db");
    let mut writer = Store::open(&path).unwrap();
    let reader = Store::open(&path).unwrap();
    writer
        .store_incoming(&incoming(1, &dm("bob"), "bob", 5, None, "hi"))
        .unwrap();
    assert_eq!(reader.message(mid(1)).unwrap().unwrap().text, "hi");
    assert_eq!(reader.unread_total().unwrap(), 1);
}

#[test]
fn open_fails_cleanly_when_dir_cannot_be_created() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let err = Store::open(&file.join("sub/tether.db")).unwrap_err();
    assert!(matches!(err, StoreError::CreateDir { .. }), "{err}");
}

#[test]
fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tether.db");
    drop(Store::open(&path).unwrap());
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Migration(_)), "{err}");
}

/// Scale check, run by hand: `cargo test -p tether-core --lib store -- --ignored`.
/// Prints throughput; asserts that a history page stays fast at 1M rows.
#[test]
#[ignore]
fn million_rows_history_is_o_page() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("big.db")).unwrap();
    let convs = [dm("bob"), room("dev"), room("ops")];
    let start = std::time::Instant::now();
    for chunk in 0..1000u128 {
        let batch: Vec<_> = (0..1000u128)
            .map(|i| {
                let n = chunk * 1000 + i;
                let conv = &convs[(n % 3) as usize];
                incoming(n + 1, conv, "bob", (n / 7) as i64, None, "some words here")
            })
            .collect();
        s.store_incoming_batch(&batch).unwrap();
    }
    eprintln!("1M incoming in {:?}", start.elapsed());
    let t = std::time::Instant::now();
    let mut cursor = None;
    for _ in 0..100 {
        let page = s.history(&room("dev"), cursor, 50).unwrap();
        assert_eq!(page.len(), 50);
        cursor = Some((page[0].ts, page[0].id));
    }
    let per_page = t.elapsed() / 100;
    eprintln!("history page: {per_page:?}");
    assert!(per_page < std::time::Duration::from_millis(20));
    let t = std::time::Instant::now();
    assert_eq!(s.search("words", 20).unwrap().len(), 20);
    let search = t.elapsed();
    eprintln!("search (1M hits, newest 20): {search:?}");
    assert!(search < std::time::Duration::from_millis(500));
}
