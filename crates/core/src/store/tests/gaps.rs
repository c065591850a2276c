//! Sequence gap detection and filling.

use super::*;

fn new(gap: Option<Gap>, filled: Vec<u64>) -> Stored {
    Stored::New {
        gap,
        filled,
        late: Default::default(),
    }
}

fn gap(conv: &ConversationId, sender: &str, first: u64, last: u64) -> Gap {
    Gap {
        conversation: conv.clone(),
        sender: uid(sender),
        first,
        last,
    }
}

#[test]
fn direct_baseline_is_zero() {
    let mut s = mem();
    let c = dm("bob");
    assert_eq!(
        s.store_incoming(&incoming(1, &c, "bob", 1, Some(3), "x"))
            .unwrap(),
        new(Some(gap(&c, "bob", 1, 2)), vec![])
    );
    assert_eq!(s.gaps(&c).unwrap(), vec![gap(&c, "bob", 1, 2)]);
}

#[test]
fn room_baseline_is_first_seen() {
    let mut s = mem();
    let c = room("dev");
    let r = s
        .store_incoming(&incoming(1, &c, "bob", 1, Some(40), "x"))
        .unwrap();
    assert_eq!(r, new(None, vec![]));
    // Another sender has an independent baseline.
    let r = s
        .store_incoming(&incoming(2, &c, "carol", 1, Some(7), "x"))
        .unwrap();
    assert_eq!(r, new(None, vec![]));
    let r = s
        .store_incoming(&incoming(3, &c, "bob", 2, Some(41), "x"))
        .unwrap();
    assert_eq!(r, new(None, vec![]));
    let r = s
        .store_incoming(&incoming(4, &c, "bob", 3, Some(44), "x"))
        .unwrap();
    assert_eq!(r, new(Some(gap(&c, "bob", 42, 43)), vec![]));
    // Older than the baseline and not in a gap: nothing to report.
    let r = s
        .store_incoming(&incoming(5, &c, "bob", 0, Some(10), "x"))
        .unwrap();
    assert_eq!(r, new(None, vec![]));
    assert!(s.gaps(&room("other")).unwrap().is_empty());
}

#[test]
fn fill_splits_ranges() {
    let mut s = mem();
    let c = dm("bob");
    s.store_incoming(&incoming(1, &c, "bob", 1, Some(1), "x"))
        .unwrap();
    s.store_incoming(&incoming(2, &c, "bob", 2, Some(10), "x"))
        .unwrap();
    assert_eq!(s.gaps(&c).unwrap(), vec![gap(&c, "bob", 2, 9)]);

    let fill = |s: &mut Store, id: u128, seq: u64| {
        s.store_incoming(&incoming(id, &c, "bob", 5, Some(seq), "x"))
            .unwrap()
    };
    assert_eq!(fill(&mut s, 3, 5), new(None, vec![5]));
    assert_eq!(
        s.gaps(&c).unwrap(),
        vec![gap(&c, "bob", 2, 4), gap(&c, "bob", 6, 9)]
    );
    assert_eq!(fill(&mut s, 4, 2), new(None, vec![2]));
    assert_eq!(fill(&mut s, 5, 9), new(None, vec![9]));
    assert_eq!(
        s.gaps(&c).unwrap(),
        vec![gap(&c, "bob", 3, 4), gap(&c, "bob", 6, 8)]
    );
    // A different message with an already-present seq fills nothing.
    assert_eq!(fill(&mut s, 6, 5), new(None, vec![]));
    for (id, seq) in [(7, 3), (8, 4), (9, 6), (10, 7), (11, 8)] {
        assert_eq!(fill(&mut s, id, seq), new(None, vec![seq]));
    }
    assert!(s.gaps(&c).unwrap().is_empty());
    // A duplicate of a gap-filling message reports nothing.
    assert_eq!(fill(&mut s, 11, 8), Stored::Duplicate);
}

#[test]
fn batch_applies_the_same_rules() {
    let mut s = mem();
    let c = dm("bob");
    let res = s
        .store_incoming_batch(&[
            incoming(1, &c, "bob", 1, Some(1), "x"),
            incoming(2, &c, "bob", 2, Some(4), "x"),
            incoming(3, &c, "bob", 3, Some(3), "x"),
        ])
        .unwrap();
    assert_eq!(
        res,
        vec![
            new(None, vec![]),
            new(Some(gap(&c, "bob", 2, 3)), vec![]),
            new(None, vec![3]),
        ]
    );
    assert_eq!(s.gaps(&c).unwrap(), vec![gap(&c, "bob", 2, 2)]);
}

#[test]
fn messages_without_seq_and_huge_seq() {
    let mut s = mem();
    let c = dm("bob");
    let r = s
        .store_incoming(&incoming(1, &c, "bob", 1, None, "x"))
        .unwrap();
    assert_eq!(r, new(None, vec![]));
    let err = s
        .store_incoming(&incoming(2, &c, "bob", 1, Some(u64::MAX), "x"))
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid { .. }), "{err}");
    // The failed call rolled back: the id is still free.
    assert!(s.message(mid(2)).unwrap().is_none());
}
