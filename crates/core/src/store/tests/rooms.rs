//! Rooms, membership and presence.

use super::*;

use crate::model::PresenceState;
#[test]
fn join_leave_and_members() {
    let mut s = mem();
    let dev = rid("dev");
    s.set_room_joined(&dev, true, Some("Developers")).unwrap();
    s.set_room_joined(&rid("ops"), true, None).unwrap();
    s.set_member(&dev, &uid("carol"), true, Some("Carol"))
        .unwrap();
    s.set_member(&dev, &uid("bob"), true, None).unwrap();
    s.set_member(&dev, &uid("dave"), true, None).unwrap();
    s.set_member(&dev, &uid("dave"), false, None).unwrap();
    // Metadata for a room we never joined is kept but not listed.
    s.set_member(&rid("elsewhere"), &uid("x"), true, None)
        .unwrap();

    let rooms = s.joined_rooms().unwrap();
    assert_eq!(
        rooms,
        vec![
            Room {
                id: dev.clone(),
                name: Some("Developers".into()),
                topic: None,
                members: vec![uid("bob"), uid("carol")],
            },
            Room {
                id: rid("ops"),
                name: None,
                topic: None,
                members: vec![],
            },
        ]
    );

    // Re-joining without a name keeps the old one; leaving keeps the history.
    s.set_room_joined(&dev, false, None).unwrap();
    s.set_room_joined(&dev, true, None).unwrap();
    assert_eq!(
        s.joined_rooms().unwrap()[0].name.as_deref(),
        Some("Developers")
    );
    s.set_room_joined(&dev, false, None).unwrap();
    assert_eq!(s.joined_rooms().unwrap().len(), 1);
    let keys: Vec<String> = s
        .conversations()
        .unwrap()
        .iter()
        .map(|c| c.id.key())
        .collect();
    assert!(keys.contains(&"r:dev".to_string()));
}

#[test]
fn presence_keeps_the_latest_arrival() {
    let mut s = mem();
    let rec = |u: &str, state, ts| PresenceRecord {
        user: uid(u),
        state,
        ts,
    };
    s.set_presence(&rec("bob", PresenceState::Online, 100))
        .unwrap();
    s.set_presence(&rec("bob", PresenceState::Offline, 50))
        .unwrap();
    s.set_presence(&rec("alice", PresenceState::Away, 1))
        .unwrap();
    // The later arrival wins even with an older ts (a Last Will is made
    // when its connection opens; docs/protocol.md, "Presence order").
    assert_eq!(
        s.presence().unwrap(),
        vec![
            rec("alice", PresenceState::Away, 1),
            rec("bob", PresenceState::Offline, 50)
        ]
    );
    s.set_presence(&rec("bob", PresenceState::Away, 100))
        .unwrap();
    s.set_presence(&rec("bob", PresenceState::Offline, 200))
        .unwrap();
    assert_eq!(
        s.presence().unwrap()[1],
        rec("bob", PresenceState::Offline, 200)
    );
}

#[test]
fn the_newest_name_and_topic_win_whatever_order_they_come_in() {
    let mut s = mem();
    s.set_room_joined(&rid("dev"), true, None).unwrap();
    assert!(
        s.set_room_info(&rid("dev"), Some("Dev"), Some("ship it"), 20)
            .unwrap()
    );
    // An older announcement (a retained meta read later) changes nothing.
    assert!(
        !s.set_room_info(&rid("dev"), Some("Old"), Some("old"), 10)
            .unwrap()
    );
    // A newer one with only a topic keeps the name.
    assert!(
        s.set_room_info(&rid("dev"), None, Some("release week"), 30)
            .unwrap()
    );
    let room = &s.joined_rooms().unwrap()[0];
    assert_eq!(room.name.as_deref(), Some("Dev"));
    assert_eq!(room.topic.as_deref(), Some("release week"));
    let list = s.conversations().unwrap();
    assert_eq!(list[0].title.as_deref(), Some("Dev"));
}

#[test]
fn notification_settings_are_kept_per_conversation_and_the_default_is_not_stored() {
    use crate::model::{ConversationNotify, NotifyLevel};
    let mut s = mem();
    let muted = ConversationNotify {
        conversation: room("dev"),
        level: NotifyLevel::Muted,
        until_ms: Some(5_000),
        mute_mentions: true,
    };
    s.set_conversation_notify(&muted).unwrap();
    assert_eq!(
        s.conversation_notify(&room("dev")).unwrap(),
        Some(muted.clone())
    );
    assert_eq!(s.conversation_notifies().unwrap(), vec![muted.clone()]);
    let back = ConversationNotify {
        level: NotifyLevel::All,
        until_ms: None,
        mute_mentions: false,
        ..muted
    };
    s.set_conversation_notify(&back).unwrap();
    assert_eq!(s.conversation_notify(&room("dev")).unwrap(), None);
}
