//! Property tests: encode/decode round-trips for every kind, and no panic on
//! arbitrary input anywhere on the receive path.

use proptest::prelude::*;
use uuid::Uuid;

use crate::model::{PresenceState, SmsDelivery, Twice};
use crate::protocol::*;

fn arb_uuid() -> impl Strategy<Value = Uuid> {
    (1..=u128::MAX).prop_map(Uuid::from_u128)
}

fn arb_user() -> impl Strategy<Value = UserId> {
    "[A-Za-z0-9._-]{1,64}".prop_map(|s| UserId::new(s).unwrap())
}

fn arb_text() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..2000).prop_map(|cs| cs.into_iter().collect())
}

fn arb_body() -> impl Strategy<Value = Body> {
    let state = prop_oneof![
        Just(PresenceState::Online),
        Just(PresenceState::Away),
        Just(PresenceState::Offline),
    ];
    let status = prop_oneof![Just(ReceiptStatus::Delivered), Just(ReceiptStatus::Read)];
    prop_oneof![
        arb_text().prop_map(|text| Body::Msg(MsgBody::text(text))),
        (prop::collection::vec(arb_uuid(), 1..50), status)
            .prop_map(|(ids, status)| Body::Receipt(ReceiptBody { ids, status })),
        any::<bool>().prop_map(|active| Body::Typing(TypingBody { active })),
        (state, prop::option::of(0..=i64::MAX))
            .prop_map(|(state, ts)| Body::Presence(PresenceBody { state, ts })),
        // At most 32 chars of at most 4 bytes: within the 128-byte limit.
        (
            any::<bool>(),
            prop::option::of(".{0,32}"),
            prop::option::of(".{0,64}")
        )
            .prop_map(|(joined, name, topic)| Body::RoomMeta(RoomMetaBody {
                joined,
                name,
                topic
            })),
        ("\\+?[0-9]{3,20}", arb_text()).prop_map(|(phone, text)| Body::Sms(SmsBody {
            phone: phone.parse().unwrap(),
            text,
        })),
        (
            prop::collection::vec(arb_uuid(), 1..20),
            1..=255u8,
            any::<u8>(),
            any::<u8>(),
            prop::option::of(".{0,32}"),
            any::<bool>(),
        )
            .prop_map(|(ids, parts, sent, delivered, failure, scheduled)| {
                let sent = sent.min(parts);
                let delivered = delivered.min(sent);
                let twice = [Twice::No, Twice::Maybe, Twice::Yes][usize::from(parts % 3)];
                Body::SmsStatus(SmsStatusBody {
                    ids,
                    delivery: SmsDelivery {
                        parts,
                        sent,
                        delivered,
                        failure,
                        twice,
                        scheduled,
                        scheduled_for_ms: None,
                    },
                })
            }),
        (arb_uuid(), arb_text()).prop_map(|(of, text)| Body::Edit(EditBody { of, text })),
        arb_uuid().prop_map(|of| Body::Delete(DeleteBody { of })),
        // At most 16 chars of at most 4 bytes, none of them blank.
        (arb_uuid(), "[^\\s\\p{Cc}]{1,16}", any::<bool>())
            .prop_map(|(of, emoji, on)| Body::Reaction(ReactionBody { of, emoji, on })),
    ]
}

fn arb_envelope() -> impl Strategy<Value = Envelope> {
    (
        arb_uuid(),
        0..=i64::MAX,
        prop::option::of(arb_user()),
        1..=u64::MAX,
        any::<bool>(),
        prop::option::of(arb_uuid()),
        arb_body(),
    )
        .prop_map(|(id, ts, from, seq, other_has_seq, reply_to, body)| {
            // msg always carries seq; other kinds may or may not.
            let seq = (matches!(body, Body::Msg(_)) || other_has_seq).then_some(seq);
            Envelope {
                v: PROTOCOL_VERSION,
                id,
                ts,
                from,
                seq,
                reply_to,
                body,
            }
        })
}

/// Topic names that are mostly near-misses of real ones.
fn arb_topic_name() -> impl Strategy<Value = String> {
    let level = prop_oneof![
        Just("u".to_owned()),
        Just("r".to_owned()),
        Just("p".to_owned()),
        Just("m".to_owned()),
        Just("inbox".to_owned()),
        Just("meta".to_owned()),
        Just("bob".to_owned()),
        Just(String::new()),
        "[A-Za-z0-9._+#-]{0,8}",
        any::<String>(),
    ];
    prop_oneof![
        prop::collection::vec(level, 0..7).prop_map(|ls| format!("tether/v1/{}", ls.join("/"))),
        any::<String>(),
    ]
}

/// Payloads that are mostly near-misses of valid envelopes.
fn arb_payload() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..600),
        // Printable JSON soup: exercises the parser and the field checks.
        r#"[{}\[\]":,0-9a-z\-. ]{0,200}"#.prop_map(String::into_bytes),
        // A valid envelope with one byte changed or the tail cut off.
        (
            arb_envelope(),
            any::<prop::sample::Index>(),
            any::<u8>(),
            any::<bool>()
        )
            .prop_map(|(e, at, byte, cut)| {
                let mut bytes = e.encode();
                let i = at.index(bytes.len());
                if cut {
                    bytes.truncate(i);
                } else {
                    bytes[i] = byte;
                }
                bytes
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn encode_decode_round_trip(envelope in arb_envelope()) {
        let bytes = envelope.encode();
        prop_assert_eq!(Envelope::decode(&bytes), Ok(Decoded::Envelope(envelope.clone())));
        // Encoding all but the seq, then adding it, gives the same bytes.
        if let Some(seq) = envelope.seq {
            let unsequenced = Envelope { seq: None, ..envelope };
            prop_assert_eq!(unsequenced.encode_unsequenced().map(|u| u.with_seq(seq)), Ok(bytes));
        }
    }

    #[test]
    fn decode_never_panics(payload in arb_payload()) {
        let _ = Envelope::decode(&payload);
    }

    #[test]
    fn classify_never_panics(topic in arb_topic_name(), payload in arb_payload()) {
        let me = UserId::new("bob").unwrap();
        match classify(&Prefix::default(), &me, &topic, &payload) {
            Ok(inbound) => {
                // Accepted envelopes really satisfy the receiver rules.
                if let Decoded::Envelope(e) = &inbound.decoded {
                    prop_assert!(kind_allowed(&inbound.topic, &e.body));
                    if let Some(from) = &e.from {
                        prop_assert_eq!(from, inbound.topic.sender());
                    }
                }
            }
            Err(rejection) => prop_assert!(!rejection.reason().is_empty()),
        }
    }

    #[test]
    fn classify_accepts_what_we_send(envelope in arb_envelope(), to_room in any::<bool>()) {
        let me = UserId::new("bob").unwrap();
        let from = envelope.from.clone().unwrap_or_else(|| UserId::new("x").unwrap());
        let topic = match (&envelope.body, to_room) {
            (Body::Msg(_) | Body::Typing(_) | Body::Edit(_) | Body::Delete(_) | Body::Reaction(_), true) => {
                Topic::Room { room: RoomId::new("room").unwrap(), from }
            }
            (Body::Msg(_) | Body::Typing(_) | Body::Receipt(_) | Body::Edit(_) | Body::Delete(_) | Body::Reaction(_), _) => {
                Topic::Inbox { to: me.clone(), from }
            }
            (Body::Presence(_), _) => Topic::Presence { user: from },
            (Body::RoomMeta(_), _) => Topic::RoomMeta { room: RoomId::new("room").unwrap(), from },
            // Asked of us as the SMS gateway user, or told to us by one.
            (Body::Sms(_), true) => Topic::SmsOut { gateway: me.clone(), from },
            (Body::Sms(_) | Body::SmsStatus(_), _) => Topic::SmsIn { gateway: from, to: me.clone() },
        };
        let name = topic.render(&Prefix::default());
        let inbound = classify(&Prefix::default(), &me, &name, &envelope.encode()).unwrap();
        prop_assert_eq!(inbound, Inbound { topic, decoded: Decoded::Envelope(envelope) });
    }
}
