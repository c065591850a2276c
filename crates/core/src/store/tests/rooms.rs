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
                members: vec![uid("bob"), uid("carol")],
            },
            Room {
                id: rid("ops"),
                name: None,
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
