//! Full-text search, including hostile input.

use super::*;

fn seeded() -> Store {
    let mut s = mem();
    let c = dm("bob");
    s.store_incoming_batch(&[
        incoming(1, &c, "bob", 10, None, "Hello world"),
        incoming(2, &c, "bob", 30, None, "hello again, café time"),
        incoming(
            3,
            &c,
            "bob",
            20,
            None,
            "say \"quoted\" NEAR(this) and - dash * star",
        ),
        incoming(4, &room("dev"), "carol", 40, None, "你好世界，今天天气很好"),
        incoming(
            5,
            &room("dev"),
            "carol",
            50,
            None,
            "100% sure_thing; DROP TABLE messages",
        ),
        incoming(6, &c, "bob", 60, None, "helicopter"),
    ])
    .unwrap();
    let mut raw = incoming(7, &c, "bob", 70, None, r#"{"v":2,"text":"hello"}"#);
    raw.unsupported = true;
    s.store_incoming(&raw).unwrap();
    // As the engine leaves a store once the stream pauses.
    s.index_all_pending().unwrap();
    s
}

/// FTS5's own check that both indexes hold exactly the rows they should.
pub(super) fn assert_indexes_match_messages(s: &Store) {
    for table in ["messages_fts", "messages_tri"] {
        s.conn
            .execute(
                &format!("INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)"),
                [],
            )
            .unwrap();
    }
}

fn find(s: &mut Store, q: &str) -> Vec<u128> {
    ids(&s.search(q, 50).unwrap())
}

#[test]
fn words_newest_first() {
    let mut s = seeded();
    assert_eq!(find(&mut s, "hello"), vec![2, 1]);
    assert_eq!(find(&mut s, "HELLO world"), vec![1]);
    assert_eq!(find(&mut s, "cafe"), vec![2], "diacritics folded");
    assert_eq!(
        find(&mut s, "hel*"),
        vec![6, 2, 1],
        "trailing * is a prefix search"
    );
    // As people type: every word is a prefix.
    assert_eq!(find(&mut s, "hel"), vec![6, 2, 1]);
    assert_eq!(find(&mut s, "heli"), vec![6]);
    assert_eq!(find(&mut s, "hello wor"), vec![1]);
    assert_eq!(ids(&s.search("hello", 1).unwrap()), vec![2]);
    assert!(s.search("hello", 0).unwrap().is_empty());
}

#[test]
fn hostile_queries_are_plain_text() {
    let mut s = seeded();
    for q in [
        "",
        "   ",
        "\"",
        "\"\"",
        "*",
        "-",
        "NEAR(",
        "NEAR(a b",
        "'; DROP TABLE messages; --",
        "AND",
        "OR NOT",
        "a:b",
        "col:hello",
        "^hello",
        "(",
        ")",
        "{}",
        "+",
        "\0",
        "\\",
        "%",
        "_",
        "🙂",
        "\u{202e}",
        "\"hello",
        "hello\"",
        "hello*world",
    ] {
        let res = s.search(q, 10);
        assert!(res.is_ok(), "{q:?}: {res:?}");
    }
    assert!(find(&mut s, "").is_empty());
    assert!(find(&mut s, "\"").is_empty());
    assert!(find(&mut s, "*").is_empty());
    assert!(find(&mut s, "-").is_empty());
    assert_eq!(find(&mut s, "NEAR("), vec![3]);
    assert_eq!(find(&mut s, "\"quoted\""), vec![3]);
    assert_eq!(find(&mut s, "'; DROP TABLE messages; --"), vec![5]);
    assert_eq!(
        find(&mut s, "AND"),
        vec![3],
        "operators are searched as words"
    );
    assert_eq!(find(&mut s, "col:hello"), Vec::<u128>::new());
    // The table survived.
    assert_eq!(s.history(&dm("bob"), None, 100).unwrap().len(), 5);
}

#[test]
fn cjk_substrings() {
    let mut s = seeded();
    assert_eq!(find(&mut s, "世界"), vec![4], "short CJK term (LIKE path)");
    assert_eq!(
        find(&mut s, "今天天气"),
        vec![4],
        "long CJK term (trigram path)"
    );
    assert_eq!(find(&mut s, "你好 天气很好"), vec![4]);
    assert!(find(&mut s, "世界 hello").is_empty());
    assert!(find(&mut s, "明天").is_empty());
}

#[test]
fn latin_words_with_cjk_terms() {
    let mut s = seeded();
    s.store_incoming(&incoming(
        8,
        &room("dev"),
        "carol",
        80,
        None,
        "team 你好世界 sync",
    ))
    .unwrap();
    assert_eq!(find(&mut s, "team 你好世界"), vec![8], "words and trigrams");
    assert_eq!(
        find(&mut s, "sync 世界"),
        vec![8],
        "words and a short CJK term"
    );
    assert_eq!(
        find(&mut s, "team 世界 你好世界"),
        vec![8],
        "all three kinds"
    );
    assert!(find(&mut s, "hello 你好世界").is_empty());
    assert!(find(&mut s, "hello 世界").is_empty());
}

#[test]
fn like_wildcards_in_short_cjk_terms_are_literal() {
    let mut s = mem();
    s.store_incoming(&incoming(1, &dm("bob"), "bob", 1, None, "好x"))
        .unwrap();
    assert!(find(&mut s, "好%").is_empty());
    assert!(find(&mut s, "好_").is_empty());
    assert_eq!(find(&mut s, "好"), vec![1]);
}

#[test]
fn unsupported_raw_json_is_not_searchable() {
    let mut s = seeded();
    assert!(!find(&mut s, "v").contains(&7));
    assert!(!find(&mut s, "hello").contains(&7));
}

#[test]
fn fts_indexes_stay_consistent_with_messages() {
    let mut s = seeded();
    // Exercise the update triggers too: a message turning unsupported leaves
    // the word index, and its text change is reflected in both indexes.
    s.conn
        .execute(
            "UPDATE messages SET text = '天气预报 forecast' WHERE id = ?1",
            [mid(2).as_bytes().as_slice()],
        )
        .unwrap();
    s.conn
        .execute(
            "UPDATE messages SET unsupported = 1 WHERE id = ?1",
            [mid(6).as_bytes().as_slice()],
        )
        .unwrap();
    assert_indexes_match_messages(&s);
    assert_eq!(find(&mut s, "forecast"), vec![2]);
    assert_eq!(find(&mut s, "天气预"), vec![2]);
    assert_eq!(find(&mut s, "hel*"), vec![1]);
}

#[test]
fn our_own_messages_are_searchable_alone_or_in_a_burst() {
    let mut s = mem();
    let c = dm("bob");
    s.enqueue_message(&outgoing(1, &c, 10, "lonely zebra"), &entry("t/1"))
        .unwrap();
    let convs = vec![c.clone(); 3];
    let texts = ["zebra crossing", "no match here", "天气预报 zebra"];
    s.enqueue_messages(&convs, &[], |i, _seq| {
        (
            outgoing(10 + i as u128, &c, 20 + i as i64, texts[i]),
            entry("t/2"),
        )
    })
    .unwrap();
    assert_eq!(find(&mut s, "zebra"), vec![12, 10, 1]);
    assert_eq!(find(&mut s, "天气预"), vec![12]);
    assert_indexes_match_messages(&s);
}
