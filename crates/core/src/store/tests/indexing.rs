//! Messages wait to be indexed for search; a search or the engine indexes them.

use super::search::assert_indexes_match_messages;
use super::*;

fn store_texts(s: &mut Store, first: u128, texts: &[&str]) {
    let c = dm("bob");
    let batch: Vec<StoredMessage> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let id = first + i as u128;
            incoming(id, &c, "bob", id as i64, None, t)
        })
        .collect();
    s.store_incoming_batch(&batch).unwrap();
}

fn find(s: &mut Store, q: &str) -> Vec<u128> {
    ids(&s.search(q, 50).unwrap())
}

/// Rows in the word index matching `q`, read without catching up first.
fn indexed_matches(s: &Store, q: &str) -> i64 {
    s.conn
        .query_row(
            "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?1",
            [q],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn storing_does_not_index_and_a_search_catches_up_first() {
    let mut s = mem();
    store_texts(&mut s, 1, &["quiet zebra", "天气预报 zebra"]);
    assert_eq!(s.unindexed().unwrap(), 2);
    assert_eq!(indexed_matches(&s, "zebra"), 0);
    assert_eq!(find(&mut s, "zebra"), vec![2, 1]);
    assert_eq!(find(&mut s, "天气预"), vec![2]);
    assert_eq!(s.unindexed().unwrap(), 0);
    // Only the new ones are indexed next time, each once.
    store_texts(&mut s, 3, &["zebra again"]);
    assert_eq!(s.unindexed().unwrap(), 1);
    assert_eq!(find(&mut s, "zebra"), vec![3, 2, 1]);
    assert_eq!(indexed_matches(&s, "zebra"), 3);
    assert_indexes_match_messages(&s);
}

#[test]
fn indexing_goes_in_chunks_until_nothing_waits() {
    let mut s = mem();
    let texts: Vec<String> = (0..5_500).map(|i| format!("word{i} common")).collect();
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    store_texts(&mut s, 1, &texts);
    assert_eq!(s.index_pending().unwrap(), 5_000);
    assert_eq!(s.unindexed().unwrap(), 500);
    assert_eq!(s.index_pending().unwrap(), 500);
    assert_eq!(s.index_pending().unwrap(), 0);
    assert_eq!(indexed_matches(&s, "common"), 5_500);
    assert_eq!(find(&mut s, "word5499"), vec![5_500]);
}

#[test]
fn a_message_changed_before_it_is_indexed_is_indexed_once_with_its_new_text() {
    let mut s = mem();
    store_texts(&mut s, 1, &["old words"]);
    s.conn
        .execute(
            "UPDATE messages SET text = 'new words' WHERE id = ?1",
            [mid(1).as_bytes().as_slice()],
        )
        .unwrap();
    assert_eq!(indexed_matches(&s, "words"), 0, "the trigger left it alone");
    assert_eq!(find(&mut s, "new"), vec![1]);
    assert!(find(&mut s, "old").is_empty());
    assert_eq!(indexed_matches(&s, "words"), 1);
    assert_indexes_match_messages(&s);
}

#[test]
fn a_rowid_handed_out_again_after_deleting_the_newest_is_indexed() {
    let mut s = mem();
    store_texts(&mut s, 1, &["first", "second"]);
    s.index_all_pending().unwrap();
    s.conn
        .execute(
            "DELETE FROM messages WHERE id = ?1",
            [mid(2).as_bytes().as_slice()],
        )
        .unwrap();
    // SQLite reuses the deleted newest rowid for the next row.
    store_texts(&mut s, 3, &["third"]);
    assert_eq!(s.unindexed().unwrap(), 1);
    assert_eq!(find(&mut s, "third"), vec![3]);
    assert!(find(&mut s, "second").is_empty());
    assert_indexes_match_messages(&s);
}

#[test]
fn an_upgraded_store_counts_its_messages_as_indexed() {
    let mut s = mem();
    // Back to version 3, as a store written before V4, with one message
    // indexed at commit as V3 did.
    s.conn
        .execute_batch(
            "DROP TABLE files; DROP TABLE conversation_notify; ALTER TABLE rooms DROP COLUMN topic;
             ALTER TABLE rooms DROP COLUMN info_ts;
             DROP TABLE pending_changes; DROP TABLE reactions; DROP TABLE edits;
             ALTER TABLE messages DROP COLUMN edited_ts; ALTER TABLE messages DROP COLUMN edited_id;
             ALTER TABLE messages DROP COLUMN deleted;
             DROP TABLE drafts;
             DROP TABLE sms_remote; DROP TABLE sms_extra_ids; DROP TABLE sms_parts; DROP TABLE sms_reports;
             DROP TABLE sms_delivers; DROP TABLE sms_incoming_parts;
             DROP TABLE subscriptions; ALTER TABLE outbox DROP COLUMN strikes;
             ALTER TABLE outbox DROP COLUMN set_aside; DROP TABLE search_state;",
        )
        .unwrap();
    s.conn.pragma_update(None, "user_version", 3).unwrap();
    store_texts_v3(&mut s);
    schema::MIGRATIONS.to_latest(&mut s.conn).unwrap();
    assert_eq!(s.unindexed().unwrap(), 0);
    assert_eq!(find(&mut s, "legacy"), vec![1]);
    assert_eq!(indexed_matches(&s, "legacy"), 1);
}

/// A message stored and indexed the way version 3 did (in SQL: today's
/// code writes today's schema).
fn store_texts_v3(s: &mut Store) {
    s.conn
        .execute_batch(
            "INSERT INTO conversations(id, key) VALUES (1, 'u:bob');
             INSERT INTO messages(rid, id, conv, sender, ts, text, outgoing, status)
                  VALUES (1, X'00000000000000000000000000000001', 1, 'bob', 1, 'legacy text', 0, 10);
             INSERT INTO messages_fts(rowid, text) SELECT rid, text FROM messages;",
        )
        .unwrap();
}

#[test]
fn a_search_with_nothing_to_index_does_not_wait_for_the_writer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let mut writer = Store::open(&path).unwrap();
    store_texts(&mut writer, 1, &["indexed already"]);
    writer.index_all_pending().unwrap();
    let mut reader = Store::open(&path).unwrap();
    // The engine is in the middle of a transaction.
    writer.conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = std::time::Instant::now();
    assert_eq!(find(&mut reader, "indexed"), vec![1]);
    // Well under the 5 s busy timeout it would otherwise wait out and fail.
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    writer.conn.execute_batch("COMMIT").unwrap();
}

#[test]
fn deleting_the_newest_rows_at_once_keeps_their_rowids_indexable() {
    let mut s = mem();
    store_texts(&mut s, 1, &["one", "two"]);
    s.index_all_pending().unwrap();
    store_texts(&mut s, 3, &["three", "four"]);
    // Indexed and waiting rows go together, the mark's row among them.
    s.conn
        .execute("DELETE FROM messages WHERE ts >= 2", [])
        .unwrap();
    store_texts(&mut s, 5, &["five"]);
    assert_eq!(find(&mut s, "five"), vec![5]);
    assert!(find(&mut s, "two").is_empty());
    assert_indexes_match_messages(&s);
}
