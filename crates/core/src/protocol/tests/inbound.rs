//! One test per receiver rule and per `Rejection` reason.

use serde_json::json;
use uuid::Uuid;

use super::{bytes, msg_json};
use crate::model::PresenceState;
use crate::protocol::*;

fn p() -> Prefix {
    Prefix::default()
}
fn me() -> UserId {
    UserId::new("bob").unwrap()
}
fn alice() -> UserId {
    UserId::new("alice").unwrap()
}
fn room() -> RoomId {
    RoomId::new("rust").unwrap()
}

fn inbox() -> Topic {
    Topic::Inbox {
        to: me(),
        from: alice(),
    }
}
fn room_topic() -> Topic {
    Topic::Room {
        room: room(),
        from: alice(),
    }
}
fn presence() -> Topic {
    Topic::Presence { user: alice() }
}
fn meta() -> Topic {
    Topic::RoomMeta {
        room: room(),
        from: alice(),
    }
}

fn sample(body: Body) -> Envelope {
    let e = Envelope::new(body, &alice(), 1_000);
    if matches!(e.body, Body::Msg(_)) {
        e.with_seq(1)
    } else {
        e
    }
}

fn all_bodies() -> Vec<Body> {
    vec![
        Body::Msg(MsgBody::text("hi")),
        Body::Receipt(ReceiptBody {
            ids: vec![Uuid::from_u128(5)],
            status: ReceiptStatus::Delivered,
        }),
        Body::Typing(TypingBody { active: true }),
        Body::Presence(PresenceBody {
            state: PresenceState::Online,
            ts: Some(1),
        }),
        Body::RoomMeta(RoomMetaBody {
            joined: true,
            name: None,
            topic: None,
        }),
        Body::Sms(SmsBody {
            phone: "13800138000".parse().unwrap(),
            text: "hi".into(),
        }),
        Body::SmsStatus(SmsStatusBody {
            ids: vec![Uuid::from_u128(6)],
            delivery: crate::model::SmsDelivery {
                parts: 2,
                sent: 2,
                delivered: 1,
                failure: Some("MA:0001".into()),
                twice: crate::model::Twice::Maybe,
                scheduled: false,
                scheduled_for_ms: None,
            },
        }),
    ]
}

/// `P/s/bob/out/alice`: alice asks bob, the SMS gateway user.
fn sms_out() -> Topic {
    Topic::SmsOut {
        gateway: me(),
        from: alice(),
    }
}

/// `P/s/alice/in/bob`: alice, the SMS gateway user, tells bob.
fn sms_in() -> Topic {
    Topic::SmsIn {
        gateway: alice(),
        to: me(),
    }
}

fn run(topic: &Topic, payload: &[u8]) -> Result<Inbound, Rejection> {
    classify(&p(), &me(), &topic.render(&p()), payload)
}

#[test]
fn allowed_kinds_per_topic() {
    let table: [(Topic, &[&str]); 6] = [
        (inbox(), &["msg", "receipt", "typing"]),
        (room_topic(), &["msg", "typing"]),
        (presence(), &["presence"]),
        (meta(), &["room_meta"]),
        (sms_out(), &["sms"]),
        (sms_in(), &["sms", "sms_status"]),
    ];
    for (topic, allowed) in table {
        for body in all_bodies() {
            let envelope = sample(body);
            let kind = envelope.kind();
            let got = run(&topic, &envelope.encode());
            if allowed.contains(&kind) {
                let inbound = got.unwrap();
                assert_eq!(inbound.topic, topic);
                assert_eq!(inbound.decoded, Decoded::Envelope(envelope));
            } else {
                let err = got.unwrap_err();
                assert_eq!(
                    err,
                    Rejection::WrongTopic { kind: kind.into() },
                    "{kind} on {topic:?}"
                );
                assert_eq!(err.reason(), "wrong_topic");
            }
        }
    }
}

#[test]
fn bad_topic() {
    for (topic, inner) in [
        ("elsewhere/p/alice", TopicError::NotUnderPrefix),
        ("tether/v1/q/alice", TopicError::Malformed),
        (
            "tether/v1/p/al+ce",
            TopicError::BadId(IdError::BadChar { ch: '+' }),
        ),
    ] {
        let err = classify(&p(), &me(), topic, b"{}").unwrap_err();
        assert_eq!(err, Rejection::BadTopic(inner), "{topic}");
        assert_eq!(err.reason(), "bad_topic");
    }
}

#[test]
fn inbox_of_someone_else() {
    let topic = Topic::Inbox {
        to: UserId::new("carol").unwrap(),
        from: alice(),
    };
    let payload = sample(Body::Msg(MsgBody::text("x"))).encode();
    let err = run(&topic, &payload).unwrap_err();
    assert_eq!(
        (err.clone(), err.reason()),
        (Rejection::NotForMe, "not_for_me")
    );
}

#[test]
fn sms_not_for_me_is_dropped() {
    let payload = sample(Body::Sms(SmsBody {
        phone: "13800138000".parse().unwrap(),
        text: "x".into(),
    }))
    .encode();
    // Asked of another gateway user, or told to another user.
    for topic in [
        Topic::SmsOut {
            gateway: UserId::new("carol").unwrap(),
            from: alice(),
        },
        Topic::SmsIn {
            gateway: alice(),
            to: UserId::new("carol").unwrap(),
        },
    ] {
        assert_eq!(run(&topic, &payload), Err(Rejection::NotForMe), "{topic:?}");
    }
}

#[test]
fn sms_status_counts_must_add_up() {
    for (parts, sent, delivered) in [(0, 0, 0), (1, 2, 0), (2, 1, 2)] {
        let payload = json!({"v":1,"id":Uuid::from_u128(1),"kind":"sms_status","ts":1,
            "body":{"ids":[Uuid::from_u128(2)],"parts":parts,"sent":sent,"delivered":delivered}});
        let err = run(&sms_in(), &bytes(&payload)).unwrap_err();
        assert_eq!(err.reason(), "bad_field", "{parts}/{sent}/{delivered}");
    }
    let bad_phone = json!({"v":1,"id":Uuid::from_u128(1),"kind":"sms","ts":1,
        "body":{"phone":"call me","text":"x"}});
    assert_eq!(
        run(&sms_in(), &bytes(&bad_phone)).unwrap_err().reason(),
        "bad_field"
    );
}

#[test]
fn sender_mismatch() {
    let mut spoof = sample(Body::Msg(MsgBody::text("I am carol")));
    spoof.from = Some(UserId::new("carol").unwrap());
    let err = run(&inbox(), &spoof.encode()).unwrap_err();
    assert_eq!(
        err,
        Rejection::SenderMismatch {
            topic_sender: alice(),
            claimed: UserId::new("carol").unwrap()
        }
    );
    assert_eq!(err.reason(), "sender_mismatch");
    assert_eq!(
        err.to_string(),
        "envelope claims to be from 'carol' but was published by 'alice'"
    );
    // The same check guards retained topics.
    let mut meta_spoof = sample(Body::RoomMeta(RoomMetaBody {
        joined: true,
        name: None,
        topic: None,
    }));
    meta_spoof.from = Some(me());
    assert!(matches!(
        run(&meta(), &meta_spoof.encode()),
        Err(Rejection::SenderMismatch { .. })
    ));
}

#[test]
fn absent_from_is_fine() {
    let mut e = sample(Body::Msg(MsgBody::text("hi")));
    e.from = None;
    assert_eq!(
        run(&room_topic(), &e.encode()).unwrap().decoded,
        Decoded::Envelope(e)
    );
}

#[test]
fn decode_errors_keep_their_reason() {
    let err = run(&inbox(), b"not json").unwrap_err();
    assert_eq!(err, Rejection::Decode(DecodeError::NotJson));
    assert_eq!(err.reason(), "not_json");
    let mut no_seq = msg_json();
    no_seq.as_object_mut().unwrap().remove("seq");
    let err = run(&inbox(), &bytes(&no_seq)).unwrap_err();
    assert_eq!(err, Rejection::Decode(DecodeError::MissingField("seq")));
    assert_eq!(err.reason(), "missing_field");
    let mut zero = msg_json();
    zero["seq"] = json!(0);
    assert_eq!(
        run(&inbox(), &bytes(&zero)).unwrap_err().reason(),
        "bad_field"
    );
}

#[test]
fn empty_payloads() {
    let cleared = run(&meta(), b"").unwrap();
    assert_eq!(
        cleared,
        Inbound {
            topic: meta(),
            decoded: Decoded::MetaCleared
        }
    );
    for topic in [presence(), inbox(), room_topic()] {
        let err = run(&topic, b"").unwrap_err();
        assert_eq!((err.clone(), err.reason()), (Rejection::Empty, "empty"));
    }
}

#[test]
fn unknown_kinds_and_versions_pass_through() {
    let mut unknown = msg_json();
    unknown["kind"] = json!("poll");
    let got = run(&room_topic(), &bytes(&unknown)).unwrap();
    assert!(matches!(got.decoded, Decoded::UnknownKind { ref kind, .. } if kind == "poll"));
    let mut v2 = msg_json();
    v2["v"] = json!(2);
    let got = run(&inbox(), &bytes(&v2)).unwrap();
    assert!(matches!(got.decoded, Decoded::Unsupported { v: 2, .. }));
}

#[test]
fn oversized_payload_is_rejected_with_a_label() {
    let big = vec![b' '; MAX_ENVELOPE_BYTES + 1];
    let err = run(&inbox(), &big).unwrap_err();
    assert_eq!(err.reason(), "too_large");
}

#[test]
fn kind_allowed_matches_classify() {
    assert!(kind_allowed(
        &inbox(),
        &Body::Typing(TypingBody { active: false })
    ));
    assert!(!kind_allowed(&room_topic(), &all_bodies()[1]));
}
