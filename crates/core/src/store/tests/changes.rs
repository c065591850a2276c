//! Edits, deletes and reactions (extension 11): the sender rule, any
//! arrival order, duplicates, and what search and the list then show.

use super::*;
use crate::model::{Deletion, Reaction};

fn change(
    id: u128,
    of: u128,
    conv: &ConversationId,
    sender: &str,
    ts: i64,
    kind: ChangeKind,
) -> Change {
    Change {
        id: mid(id),
        of: mid(of),
        conversation: conv.clone(),
        sender: uid(sender),
        ts,
        kind,
    }
}

fn edit(id: u128, of: u128, sender: &str, ts: i64, text: &str) -> Change {
    change(
        id,
        of,
        &dm("bob"),
        sender,
        ts,
        ChangeKind::Edit(text.into()),
    )
}

fn react(id: u128, of: u128, sender: &str, ts: i64, emoji: &str, on: bool) -> Change {
    let kind = ChangeKind::React {
        emoji: emoji.into(),
        on,
    };
    change(id, of, &dm("bob"), sender, ts, kind)
}

fn delete(id: u128, of: u128, sender: &str, ts: i64) -> Change {
    change(
        id,
        of,
        &dm("bob"),
        sender,
        ts,
        ChangeKind::Delete(Deletion::Everyone),
    )
}

fn apply(s: &mut Store, c: Change) -> ChangeOutcome {
    s.apply_changes(&[c]).unwrap()[0]
}

/// bob's message 1 ("helo"), stored.
fn with_bobs_message() -> Store {
    let mut s = mem();
    s.store_incoming(&incoming(1, &dm("bob"), "bob", 10, Some(1), "helo world"))
        .unwrap();
    s
}

fn shown(s: &Store, id: u128) -> StoredMessage {
    s.message(mid(id)).unwrap().unwrap()
}

fn found(s: &mut Store, query: &str) -> Vec<u128> {
    s.search(query, 10)
        .unwrap()
        .iter()
        .map(|m| m.id.as_u128())
        .collect()
}

#[test]
fn an_edit_replaces_the_text_for_search_and_the_list_and_keeps_the_history() {
    let mut s = with_bobs_message();
    assert_eq!(found(&mut s, "helo"), vec![1]);
    assert_eq!(
        apply(&mut s, edit(100, 1, "bob", 20, "hello world")),
        ChangeOutcome::Applied
    );
    let m = shown(&s, 1);
    assert_eq!(
        (m.text.as_str(), m.changes.edited_ts),
        ("hello world", Some(20))
    );
    assert_eq!(found(&mut s, "hello"), vec![1]);
    assert!(found(&mut s, "helo").is_empty());
    assert_eq!(
        s.conversations().unwrap()[0].last_text.as_deref(),
        Some("hello world")
    );
    let history: Vec<(i64, String)> = s
        .edit_history(mid(1))
        .unwrap()
        .into_iter()
        .map(|e| (e.ts, e.text))
        .collect();
    assert_eq!(
        history,
        vec![(10, "helo world".into()), (20, "hello world".into())]
    );
}

#[test]
fn the_latest_edit_wins_whatever_the_order_and_duplicates_change_nothing() {
    let mut s = with_bobs_message();
    assert_eq!(
        apply(&mut s, edit(102, 1, "bob", 30, "third")),
        ChangeOutcome::Applied
    );
    assert_eq!(
        apply(&mut s, edit(101, 1, "bob", 20, "second")),
        ChangeOutcome::Unchanged
    );
    assert_eq!(
        apply(&mut s, edit(102, 1, "bob", 30, "third")),
        ChangeOutcome::Unchanged
    );
    assert_eq!(shown(&s, 1).text, "third");
    assert_eq!(s.edit_history(mid(1)).unwrap().len(), 3);
}

#[test]
fn only_the_author_edits_or_deletes_and_only_in_its_conversation() {
    let mut s = with_bobs_message();
    assert_eq!(
        apply(&mut s, edit(100, 1, "mallory", 20, "pwned")),
        ChangeOutcome::Refused("not_author")
    );
    assert_eq!(
        apply(&mut s, delete(101, 1, "mallory", 20)),
        ChangeOutcome::Refused("not_author")
    );
    // bob himself, but claiming it from another conversation.
    let elsewhere = change(
        102,
        1,
        &room("dev"),
        "bob",
        20,
        ChangeKind::Edit("x".into()),
    );
    assert_eq!(
        apply(&mut s, elsewhere),
        ChangeOutcome::Refused("wrong_conversation")
    );
    assert_eq!(shown(&s, 1).text, "helo world");
    assert!(s.edit_history(mid(1)).unwrap().is_empty());
}

#[test]
fn a_delete_empties_the_message_everywhere_and_is_final() {
    let mut s = with_bobs_message();
    apply(&mut s, edit(100, 1, "bob", 20, "edited words"));
    apply(&mut s, react(101, 1, "me", 21, "👍", true));
    assert_eq!(
        apply(&mut s, delete(102, 1, "bob", 30)),
        ChangeOutcome::Applied
    );
    let m = shown(&s, 1);
    assert_eq!(m.text, "");
    assert_eq!(m.changes.deleted, Some(Deletion::Everyone));
    assert!(m.changes.reactions.is_empty());
    assert!(found(&mut s, "edited").is_empty());
    assert!(found(&mut s, "helo").is_empty());
    assert!(s.edit_history(mid(1)).unwrap().is_empty());
    let listed = &s.conversations().unwrap()[0];
    assert_eq!(
        (listed.last_text.as_deref(), listed.last_deleted),
        (None, true)
    );
    // Nothing after it shows, a late edit included.
    assert_eq!(
        apply(&mut s, edit(103, 1, "bob", 40, "back")),
        ChangeOutcome::Unchanged
    );
    assert_eq!(
        apply(&mut s, react(104, 1, "me", 41, "👍", true)),
        ChangeOutcome::Unchanged
    );
    assert_eq!(shown(&s, 1).text, "");
    // But its "message deleted" line can still go from our history.
    let hide = change(
        105,
        1,
        &dm("bob"),
        "me",
        50,
        ChangeKind::Delete(Deletion::Me),
    );
    assert_eq!(
        s.apply_own_change(&hide, None).unwrap(),
        ChangeOutcome::Applied
    );
    assert!(s.history(&dm("bob"), None, 10).unwrap().is_empty());
}

#[test]
fn reactions_are_counted_per_emoji_with_who_and_the_latest_of_each_wins() {
    let mut s = mem();
    s.store_incoming(&incoming(1, &room("dev"), "bob", 10, Some(1), "ship it?"))
        .unwrap();
    let r = |id, user: &str, ts, emoji: &str, on| {
        let kind = ChangeKind::React {
            emoji: emoji.into(),
            on,
        };
        change(id, 1, &room("dev"), user, ts, kind)
    };
    assert_eq!(
        apply(&mut s, r(100, "carol", 20, "👍", true)),
        ChangeOutcome::Applied
    );
    assert_eq!(
        apply(&mut s, r(101, "dave", 21, "🎉", true)),
        ChangeOutcome::Applied
    );
    assert_eq!(
        apply(&mut s, r(102, "dave", 22, "👍", true)),
        ChangeOutcome::Applied
    );
    // A duplicate, and an older "add" arriving after a newer "remove".
    assert_eq!(
        apply(&mut s, r(102, "dave", 22, "👍", true)),
        ChangeOutcome::Unchanged
    );
    assert_eq!(
        apply(&mut s, r(104, "carol", 40, "🎉", false)),
        ChangeOutcome::Unchanged
    );
    assert_eq!(
        apply(&mut s, r(103, "carol", 30, "🎉", true)),
        ChangeOutcome::Unchanged
    );
    assert_eq!(
        shown(&s, 1).changes.reactions,
        vec![
            Reaction {
                emoji: "👍".into(),
                users: vec![uid("carol"), uid("dave")]
            },
            Reaction {
                emoji: "🎉".into(),
                users: vec![uid("dave")]
            },
        ]
    );
    assert_eq!(
        apply(&mut s, r(105, "dave", 50, "🎉", false)),
        ChangeOutcome::Applied
    );
    assert_eq!(shown(&s, 1).changes.reactions.len(), 1);
    // The history page carries them too.
    assert_eq!(
        s.history(&room("dev"), None, 10).unwrap()[0]
            .changes
            .reactions
            .len(),
        1
    );
}

#[test]
fn one_user_cannot_pile_up_reactions_on_a_message() {
    let mut s = with_bobs_message();
    for i in 0..MAX_REACTIONS_PER_USER {
        let emoji = format!("e{i}");
        let ts = 20 + i;
        assert_eq!(
            apply(&mut s, react(100 + i as u128, 1, "bob", ts, &emoji, true)),
            ChangeOutcome::Applied
        );
    }
    assert_eq!(
        apply(&mut s, react(999, 1, "bob", 99, "one-more", true)),
        ChangeOutcome::Refused("too_many_reactions")
    );
}

#[test]
fn changes_before_their_message_wait_for_it_and_forged_ones_are_refused_then() {
    let mut s = mem();
    assert_eq!(
        apply(&mut s, edit(100, 1, "bob", 20, "fixed")),
        ChangeOutcome::Pending
    );
    assert_eq!(
        apply(&mut s, react(101, 1, "me", 21, "👀", true)),
        ChangeOutcome::Pending
    );
    assert_eq!(
        apply(&mut s, edit(102, 1, "mallory", 22, "forged")),
        ChangeOutcome::Pending
    );
    // The same change twice waits once.
    assert_eq!(
        apply(&mut s, edit(100, 1, "bob", 20, "fixed")),
        ChangeOutcome::Pending
    );
    let stored = s
        .store_incoming_batch(&[incoming(1, &dm("bob"), "bob", 10, Some(1), "fxied")])
        .unwrap();
    let Stored::New { late, .. } = &stored[0] else {
        panic!("{stored:?}");
    };
    assert!(late.applied);
    assert_eq!(late.refused, vec!["not_author"]);
    let m = shown(&s, 1);
    assert_eq!(m.text, "fixed");
    assert_eq!(m.changes.reactions[0].emoji, "👀");
    assert_eq!(
        s.conversations().unwrap()[0].last_text.as_deref(),
        Some("fixed")
    );
    // Settled ones are forgotten: a redelivered message finds nothing waiting.
    assert!(!crate::store::changes::any_pending(&s.conn).unwrap());
}

#[test]
fn a_delete_before_its_message_means_it_never_shows_its_text() {
    let mut s = mem();
    assert_eq!(
        apply(&mut s, delete(100, 1, "bob", 20)),
        ChangeOutcome::Pending
    );
    s.store_incoming_batch(&[incoming(1, &dm("bob"), "bob", 10, Some(1), "oops, secret")])
        .unwrap();
    let m = shown(&s, 1);
    assert_eq!(
        (m.text.as_str(), m.changes.deleted),
        ("", Some(Deletion::Everyone))
    );
    assert!(found(&mut s, "secret").is_empty());
}

#[test]
fn deleted_for_me_leaves_the_history_pages() {
    let mut s = with_bobs_message();
    s.store_incoming(&incoming(2, &dm("bob"), "bob", 11, Some(2), "keep"))
        .unwrap();
    let mine = change(
        100,
        1,
        &dm("bob"),
        "me",
        20,
        ChangeKind::Delete(Deletion::Me),
    );
    assert_eq!(
        s.apply_own_change(&mine, None).unwrap(),
        ChangeOutcome::Applied
    );
    assert_eq!(ids(&s.history(&dm("bob"), None, 10).unwrap()), vec![2]);
    assert!(found(&mut s, "helo").is_empty());
}

#[test]
fn our_own_change_queues_its_publish_only_when_it_changed_something() {
    let mut s = mem();
    queue_to_bob(&mut s, 1, "draft");
    let before = s.outbox_len().unwrap();
    let mine = change(
        100,
        1,
        &dm("bob"),
        "me",
        20,
        ChangeKind::Edit("final".into()),
    );
    assert_eq!(
        s.apply_own_change(&mine, Some(&entry("t/edit"))).unwrap(),
        ChangeOutcome::Applied
    );
    assert_eq!(s.outbox_len().unwrap(), before + 1);
    assert_eq!(
        s.apply_own_change(&mine, Some(&entry("t/edit"))).unwrap(),
        ChangeOutcome::Unchanged
    );
    assert_eq!(s.outbox_len().unwrap(), before + 1);
}

#[test]
fn hostile_senders_cannot_fill_the_disk_with_changes_for_nothing() {
    let mut s = mem();
    let many: Vec<Change> = (0..crate::store::changes::MAX_PENDING_PER_SENDER as u128)
        .map(|i| react(1000 + i, 5_000_000 + i, "mallory", 1, "x", true))
        .collect();
    s.apply_changes(&many).unwrap();
    assert_eq!(
        apply(&mut s, react(1, 2, "mallory", 1, "x", true)),
        ChangeOutcome::Refused("too_many_pending")
    );
    assert_eq!(
        apply(&mut s, react(2, 2, "carol", 1, "x", true)),
        ChangeOutcome::Pending
    );
}

#[test]
fn marking_unread_counts_the_messages_from_others_from_there_on() {
    let mut s = with_bobs_message();
    s.store_incoming(&incoming(2, &dm("bob"), "bob", 11, Some(2), "two"))
        .unwrap();
    queue_to_bob(&mut s, 12, "mine");
    s.store_incoming(&incoming(3, &dm("bob"), "bob", 13, Some(3), "three"))
        .unwrap();
    s.mark_read(&dm("bob")).unwrap();
    assert_eq!(s.conversations().unwrap()[0].unread, 0);
    // From bob's second message: his two, not ours.
    assert_eq!(s.mark_unread(&dm("bob"), mid(2)).unwrap(), 2);
    assert_eq!(s.conversations().unwrap()[0].unread, 2);
    // A message of another conversation marks nothing.
    assert_eq!(s.mark_unread(&room("dev"), mid(2)).unwrap(), 0);
    // Nothing new to acknowledge: what was read stays read.
    assert!(s.mark_read(&dm("bob")).unwrap().is_empty());
}
