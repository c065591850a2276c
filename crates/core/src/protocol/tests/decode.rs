//! One test per decoding rule and per `DecodeError` reason.

use serde_json::{Value, json};
use uuid::Uuid;

use super::{bytes, envelope, msg_json};
use crate::model::PresenceState;
use crate::protocol::*;

fn decode_err(v: &Value) -> DecodeError {
    match Envelope::decode(&bytes(v)) {
        Err(e) => e,
        Ok(d) => panic!("expected an error, got {d:?}"),
    }
}

fn with(field: &str, value: Value) -> Value {
    let mut v = msg_json();
    v[field] = value;
    v
}

fn without(field: &str) -> Value {
    let mut v = msg_json();
    v.as_object_mut().unwrap().remove(field);
    v
}

fn kind_body(kind: &str, body: Value) -> Value {
    let mut v = with("kind", json!(kind));
    v["body"] = body;
    v
}

fn bad_field(v: &Value) -> &'static str {
    match decode_err(v) {
        DecodeError::BadField { field, .. } => field,
        other => panic!("expected BadField, got {other:?}"),
    }
}

#[test]
fn decodes_a_full_msg() {
    let reply = "0193a0c4-0000-7000-8000-0000000000ff";
    let e = envelope(&with("reply_to", json!(reply)));
    assert_eq!(e.v, 1);
    assert_eq!(e.id.to_string(), "0193a0c4-0000-7000-8000-000000000001");
    assert_eq!(e.ts, 1_732_233_600_123);
    assert_eq!(e.from, Some(UserId::new("alice").unwrap()));
    assert_eq!(e.seq, Some(42));
    assert_eq!(e.reply_to, Some(Uuid::parse_str(reply).unwrap()));
    assert_eq!(e.body, Body::Msg(MsgBody::text("hi")));
}

#[test]
fn size_is_checked_before_anything_else() {
    let big = vec![0xff; MAX_ENVELOPE_BYTES + 1];
    let err = Envelope::decode(&big).unwrap_err();
    assert_eq!(
        err,
        DecodeError::TooLarge {
            len: MAX_ENVELOPE_BYTES + 1
        }
    );
    assert_eq!(err.reason(), "too_large");
}

#[test]
fn utf8_json_and_object_are_required() {
    let err = Envelope::decode(b"{\"v\":1,\"x\":\"\xc3\x28\"}").unwrap_err();
    assert_eq!(
        (err.clone(), err.reason()),
        (DecodeError::NotUtf8, "not_utf8")
    );
    for bad in ["", "{", "hi", "{\"v\":1,}", "{'v':1}"] {
        let err = Envelope::decode(bad.as_bytes()).unwrap_err();
        assert_eq!(
            (err.clone(), err.reason()),
            (DecodeError::NotJson, "not_json"),
            "{bad}"
        );
    }
    for bad in ["[]", "1", "\"x\"", "null", "true"] {
        let err = Envelope::decode(bad.as_bytes()).unwrap_err();
        assert_eq!(
            (err.clone(), err.reason()),
            (DecodeError::NotObject, "not_object"),
            "{bad}"
        );
    }
}

#[test]
fn deep_nesting_is_rejected_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(Envelope::decode(deep.as_bytes()), Err(DecodeError::NotJson));
}

#[test]
fn version_rules() {
    let err = decode_err(&without("v"));
    assert_eq!(
        (err.clone(), err.reason()),
        (DecodeError::MissingField("v"), "missing_field")
    );
    assert_eq!(
        decode_err(&with("v", Value::Null)),
        DecodeError::MissingField("v")
    );
    for bad in [
        json!("1"),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(4_294_967_296_u64),
    ] {
        let err = decode_err(&with("v", bad.clone()));
        assert_eq!(err.reason(), "bad_field", "{bad}");
        assert!(matches!(err, DecodeError::BadField { field: "v", .. }));
    }
}

#[test]
fn higher_versions_are_kept_raw() {
    let v2 = with("v", json!(2));
    let raw = v2.to_string();
    assert_eq!(
        Envelope::decode(raw.as_bytes()),
        Ok(Decoded::Unsupported {
            v: 2,
            id: Some(Uuid::parse_str("0193a0c4-0000-7000-8000-000000000001").unwrap()),
            raw: raw.clone(),
        })
    );
    // Nothing else about a later version is checked.
    let odd = r#"{"v":7,"id":42,"kind":[],"ts":"later"}"#;
    assert_eq!(
        Envelope::decode(odd.as_bytes()),
        Ok(Decoded::Unsupported {
            v: 7,
            id: None,
            raw: odd.into()
        })
    );
}

#[test]
fn id_rules() {
    assert_eq!(decode_err(&without("id")), DecodeError::MissingField("id"));
    for bad in [
        json!(1),
        json!("nope"),
        json!("00000000-0000-0000-0000-000000000000"),
    ] {
        assert_eq!(bad_field(&with("id", bad.clone())), "id", "{bad}");
    }
    // Any version and the usual textual forms are accepted.
    let v4 = "F47AC10B-58CC-4372-A567-0E02B2C3D479";
    assert_eq!(
        envelope(&with("id", json!(v4))).id,
        Uuid::parse_str(v4).unwrap()
    );
}

#[test]
fn kind_rules() {
    assert_eq!(
        decode_err(&without("kind")),
        DecodeError::MissingField("kind")
    );
    assert_eq!(bad_field(&with("kind", json!(3))), "kind");
    // Unknown kinds are reported, not errors, and their other fields are not checked.
    let unknown = json!({"v": 1, "id": "0193a0c4-0000-7000-8000-000000000001", "kind": "poll"});
    assert_eq!(
        Envelope::decode(&bytes(&unknown)),
        Ok(Decoded::UnknownKind {
            id: Uuid::parse_str("0193a0c4-0000-7000-8000-000000000001").unwrap(),
            kind: "poll".into(),
        })
    );
}

#[test]
fn ts_rules() {
    assert_eq!(decode_err(&without("ts")), DecodeError::MissingField("ts"));
    for bad in [json!(-1), json!(1.5), json!("1"), json!(u64::MAX)] {
        assert_eq!(bad_field(&with("ts", bad.clone())), "ts", "{bad}");
    }
    assert_eq!(envelope(&with("ts", json!(0))).ts, 0);
    assert_eq!(envelope(&with("ts", json!(i64::MAX))).ts, i64::MAX);
}

#[test]
fn from_rules() {
    assert_eq!(envelope(&without("from")).from, None);
    assert_eq!(envelope(&with("from", Value::Null)).from, None);
    assert_eq!(bad_field(&with("from", json!("al/ice"))), "from");
    assert_eq!(bad_field(&with("from", json!(""))), "from");
    assert_eq!(bad_field(&with("from", json!(7))), "from");
}

#[test]
fn seq_rules() {
    assert_eq!(
        decode_err(&without("seq")),
        DecodeError::MissingField("seq")
    );
    for bad in [json!(0), json!(-1), json!("1"), json!(1.5)] {
        assert_eq!(bad_field(&with("seq", bad.clone())), "seq", "{bad}");
    }
    assert_eq!(envelope(&with("seq", json!(u64::MAX))).seq, Some(u64::MAX));
    // Only `msg` requires it.
    let mut typing = kind_body("typing", json!({"active": true}));
    typing.as_object_mut().unwrap().remove("seq");
    assert_eq!(envelope(&typing).seq, None);
}

#[test]
fn reply_to_rules() {
    assert_eq!(envelope(&without("reply_to")).reply_to, None);
    assert_eq!(bad_field(&with("reply_to", json!("x"))), "reply_to");
    assert_eq!(
        bad_field(&with(
            "reply_to",
            json!("00000000-0000-0000-0000-000000000000")
        )),
        "reply_to"
    );
}

#[test]
fn unknown_fields_are_ignored() {
    let mut v = with("future", json!({"anything": [1, 2]}));
    v["body"]["format"] = json!("markdown");
    assert_eq!(envelope(&v).body, Body::Msg(MsgBody::text("hi")));
}

#[test]
fn body_rules() {
    assert_eq!(
        decode_err(&without("body")),
        DecodeError::MissingField("body")
    );
    assert_eq!(
        decode_err(&with("body", Value::Null)),
        DecodeError::MissingField("body")
    );
    assert_eq!(bad_field(&with("body", json!("hi"))), "body");
}

#[test]
fn msg_text_rules() {
    assert_eq!(
        decode_err(&with("body", json!({}))),
        DecodeError::MissingField("body.text")
    );
    assert_eq!(bad_field(&with("body", json!({"text": 1}))), "body.text");
    let max = "é".repeat(MAX_TEXT_BYTES / 2);
    assert_eq!(
        envelope(&with("body", json!({"text": max}))).body,
        Body::Msg(MsgBody::text(max))
    );
    let err = decode_err(&with(
        "body",
        json!({"text": "x".repeat(MAX_TEXT_BYTES + 1)}),
    ));
    assert_eq!(
        err,
        DecodeError::TextTooLong {
            len: MAX_TEXT_BYTES + 1
        }
    );
    assert_eq!(err.reason(), "text_too_long");
}

#[test]
fn html_is_just_text() {
    let text = "<img src=x onerror=alert(1)><script>&amp;</script>";
    let e = envelope(&with("body", json!({ "text": text })));
    assert_eq!(e.body, Body::Msg(MsgBody::text(text)));
    let again = Envelope::decode(&e.encode()).unwrap();
    assert_eq!(again, Decoded::Envelope(e));
}

#[test]
fn receipt_rules() {
    let id = "0193a0c4-0000-7000-8000-000000000002";
    let ok = envelope(&kind_body(
        "receipt",
        json!({"ids": [id], "status": "read"}),
    ));
    assert_eq!(
        ok.body,
        Body::Receipt(ReceiptBody {
            ids: vec![Uuid::parse_str(id).unwrap()],
            status: ReceiptStatus::Read,
        })
    );
    let thousand = vec![json!(id); MAX_RECEIPT_IDS];
    assert!(matches!(
        envelope(&kind_body(
            "receipt",
            json!({"ids": thousand, "status": "delivered"})
        ))
        .body,
        Body::Receipt(ReceiptBody {
            status: ReceiptStatus::Delivered,
            ..
        })
    ));
    let too_many = vec![json!(id); MAX_RECEIPT_IDS + 1];
    for (body, field) in [
        (json!({"ids": [], "status": "read"}), "body.ids"),
        (json!({"ids": too_many, "status": "read"}), "body.ids"),
        (json!({"ids": id, "status": "read"}), "body.ids"),
        (json!({"ids": [id, "x"], "status": "read"}), "body.ids"),
        (json!({"ids": [id], "status": "seen"}), "body.status"),
        (json!({"ids": [id], "status": 1}), "body.status"),
    ] {
        assert_eq!(
            bad_field(&kind_body("receipt", body.clone())),
            field,
            "{body}"
        );
    }
    assert_eq!(
        decode_err(&kind_body("receipt", json!({"status": "read"}))),
        DecodeError::MissingField("body.ids")
    );
    assert_eq!(
        decode_err(&kind_body("receipt", json!({"ids": [id]}))),
        DecodeError::MissingField("body.status")
    );
}

#[test]
fn typing_rules() {
    let active = |body: Value| match envelope(&kind_body("typing", body)).body {
        Body::Typing(t) => t.active,
        other => panic!("{other:?}"),
    };
    assert!(!active(json!({"active": false})));
    assert!(active(json!({"active": true})));
    // Extension leniency: the brief leaves typing's body open.
    assert!(active(json!({})));
    assert!(active(Value::Null));
    assert_eq!(
        bad_field(&kind_body("typing", json!({"active": "yes"}))),
        "body.active"
    );
}

#[test]
fn presence_rules() {
    let ok = envelope(&kind_body("presence", json!({"state": "away", "ts": 5})));
    assert_eq!(
        ok.body,
        Body::Presence(PresenceBody {
            state: PresenceState::Away,
            ts: Some(5)
        })
    );
    let will = envelope(&kind_body("presence", json!({"state": "offline"})));
    assert_eq!(
        will.body,
        Body::Presence(PresenceBody {
            state: PresenceState::Offline,
            ts: None
        })
    );
    assert_eq!(
        decode_err(&kind_body("presence", json!({}))),
        DecodeError::MissingField("body.state")
    );
    assert_eq!(
        bad_field(&kind_body("presence", json!({"state": "busy"}))),
        "body.state"
    );
    assert_eq!(
        bad_field(&kind_body("presence", json!({"state": "online", "ts": -5}))),
        "body.ts"
    );
}

#[test]
fn room_meta_rules() {
    let name = "n".repeat(MAX_ROOM_NAME_BYTES);
    let ok = envelope(&kind_body(
        "room_meta",
        json!({"joined": true, "name": name}),
    ));
    assert_eq!(
        ok.body,
        Body::RoomMeta(RoomMetaBody {
            joined: true,
            name: Some(name),
            topic: None,
        })
    );
    let left = envelope(&kind_body(
        "room_meta",
        json!({"joined": false, "name": null}),
    ));
    assert_eq!(
        left.body,
        Body::RoomMeta(RoomMetaBody {
            joined: false,
            name: None,
            topic: None,
        })
    );
    assert_eq!(
        decode_err(&kind_body("room_meta", json!({"name": "x"}))),
        DecodeError::MissingField("body.joined")
    );
    assert_eq!(
        bad_field(&kind_body("room_meta", json!({"joined": 1}))),
        "body.joined"
    );
    let long = "n".repeat(MAX_ROOM_NAME_BYTES + 1);
    assert_eq!(
        bad_field(&kind_body(
            "room_meta",
            json!({"joined": true, "name": long})
        )),
        "body.name"
    );
    assert_eq!(
        bad_field(&kind_body("room_meta", json!({"joined": true, "name": 3}))),
        "body.name"
    );
}

#[test]
fn error_messages_are_short_and_specific() {
    assert_eq!(
        DecodeError::MissingField("body.text").to_string(),
        "envelope lacks the required field `body.text`"
    );
    let err = decode_err(&with("from", json!("a#")));
    assert!(
        err.to_string()
            .starts_with("envelope field `from` is invalid: user and room ids")
    );
}
