//! The envelope every payload travels in, its bodies, and the encoder.
//!
//! Decoding lives in `decode.rs`; this file defines the in-memory shape and
//! how we write it. Encoding goes through `serde_json::Value`, whose
//! rendering cannot fail, so `encode` needs no error path.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::error::DecodeError;
use super::ids::UserId;
use super::{MAX_ENVELOPE_BYTES, PROTOCOL_VERSION};
use crate::model::PresenceState;

/// Globally unique message id (UUIDv7 when we create it); the de-duplication key.
pub type MessageId = uuid::Uuid;

/// Most ids one receipt may acknowledge.
pub const MAX_RECEIPT_IDS: usize = 1000;

/// Longest room display name, in bytes.
pub const MAX_ROOM_NAME_BYTES: usize = 128;

/// Longest room topic, in bytes.
pub const MAX_ROOM_TOPIC_BYTES: usize = 512;

/// Wire names of the kinds this version understands.
pub mod kind {
    pub const MSG: &str = "msg";
    pub const RECEIPT: &str = "receipt";
    pub const TYPING: &str = "typing";
    pub const PRESENCE: &str = "presence";
    pub const ROOM_META: &str = "room_meta";
    pub const SMS: &str = "sms";
    pub const SMS_STATUS: &str = "sms_status";
    pub const EDIT: &str = "edit";
    pub const DELETE: &str = "delete";
    pub const REACTION: &str = "reaction";
}

/// One protocol message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// Protocol version; always [`PROTOCOL_VERSION`] when we build one.
    pub v: u32,
    pub id: MessageId,
    /// Sender's wall clock, ms since the Unix epoch.
    pub ts: i64,
    /// Extension: the sender's own claim. Receivers trust the topic and drop
    /// envelopes whose claim disagrees with it.
    pub from: Option<UserId>,
    /// Per (sender, conversation) counter; required (≥ 1) on `msg`.
    pub seq: Option<u64>,
    pub reply_to: Option<MessageId>,
    pub body: Body,
}

/// The kind-specific part of an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Msg(MsgBody),
    Receipt(ReceiptBody),
    Typing(TypingBody),
    Presence(PresenceBody),
    RoomMeta(RoomMetaBody),
    Sms(super::sms::SmsBody),
    SmsStatus(super::sms::SmsStatusBody),
    Edit(super::change::EditBody),
    Delete(super::change::DeleteBody),
    Reaction(super::change::ReactionBody),
}

/// `msg`: chat text, kept verbatim (rendering safely is the UI's job).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MsgBody {
    pub text: String,
    /// The file this message announces (extension 12); `text` is then its
    /// caption, possibly empty.
    pub file: Option<Box<super::file::FileBody>>,
}

impl MsgBody {
    /// A message of text alone.
    pub fn text(text: impl Into<String>) -> MsgBody {
        MsgBody {
            text: text.into(),
            file: None,
        }
    }
}

/// `receipt`: acknowledges messages to their original sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptBody {
    pub ids: Vec<MessageId>,
    pub status: ReceiptStatus,
}

/// How far a message got; ordered so that `Read > Delivered`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "lowercase")]
pub enum ReceiptStatus {
    /// Durably stored by the receiver.
    Delivered,
    /// Shown in a focused window.
    Read,
}

impl ReceiptStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptStatus::Delivered => "delivered",
            ReceiptStatus::Read => "read",
        }
    }
}

/// `typing` (extension: the design brief leaves this body open).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypingBody {
    pub active: bool,
}

/// `presence`, retained on `P/p/{user}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceBody {
    pub state: PresenceState,
    /// When the state began (ms since epoch); absent in the Last Will.
    pub ts: Option<i64>,
}

/// `room_meta` (extension), retained on `P/r/{room}/meta/{me}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomMetaBody {
    pub joined: bool,
    /// The member's idea of the room's display name (≤ 128 bytes).
    pub name: Option<String>,
    /// The room's topic as the member set it (≤ 512 bytes; extension 3).
    pub topic: Option<String>,
}

impl Body {
    /// The wire name of this body's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Body::Msg(_) => kind::MSG,
            Body::Receipt(_) => kind::RECEIPT,
            Body::Typing(_) => kind::TYPING,
            Body::Presence(_) => kind::PRESENCE,
            Body::RoomMeta(_) => kind::ROOM_META,
            Body::Sms(_) => kind::SMS,
            Body::SmsStatus(_) => kind::SMS_STATUS,
            Body::Edit(_) => kind::EDIT,
            Body::Delete(_) => kind::DELETE,
            Body::Reaction(_) => kind::REACTION,
        }
    }

    fn to_value(&self) -> Value {
        match self {
            Body::Msg(b) => match &b.file {
                None => json!({ "text": b.text }),
                Some(file) => json!({ "text": b.text, "file": file.to_value() }),
            },
            Body::Receipt(b) => {
                let ids: Vec<Value> = b
                    .ids
                    .iter()
                    .map(|id| Value::String(id.to_string()))
                    .collect();
                json!({ "ids": ids, "status": b.status.as_str() })
            }
            Body::Typing(b) => json!({ "active": b.active }),
            Body::Presence(b) => {
                let mut m = Map::new();
                m.insert("state".into(), b.state.as_str().into());
                if let Some(ts) = b.ts {
                    m.insert("ts".into(), ts.into());
                }
                Value::Object(m)
            }
            Body::RoomMeta(b) => {
                let mut m = Map::new();
                m.insert("joined".into(), b.joined.into());
                if let Some(name) = &b.name {
                    m.insert("name".into(), name.as_str().into());
                }
                if let Some(topic) = &b.topic {
                    m.insert("topic".into(), topic.as_str().into());
                }
                Value::Object(m)
            }
            Body::Sms(b) => b.to_value(),
            Body::SmsStatus(b) => b.to_value(),
            Body::Edit(b) => b.to_value(),
            Body::Delete(b) => b.to_value(),
            Body::Reaction(b) => b.to_value(),
        }
    }
}

/// Appends `,"key":value` (`v` comes first and is written on its own).
fn push_field(out: &mut String, key: &str, value: &Value) {
    out.push_str(",\"");
    // Keys are our own ASCII constants: no escaping needed.
    out.push_str(key);
    out.push_str("\":");
    out.push_str(&value.to_string());
}

/// An envelope encoded but for its `seq`; see [`Envelope::encode_unsequenced`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsequenced {
    head: String,
    tail: String,
}

/// `,"seq":` and the longest seq there is.
const WIDEST_SEQ_FIELD: usize = ",\"seq\":18446744073709551615".len();

impl Unsequenced {
    /// The payload, with this seq.
    pub fn with_seq(&self, seq: u64) -> Vec<u8> {
        let mut out = String::with_capacity(self.widest_len());
        out.push_str(&self.head);
        push_field(&mut out, "seq", &seq.into());
        out.push_str(&self.tail);
        out.into_bytes()
    }

    /// Its length with the longest seq.
    fn widest_len(&self) -> usize {
        self.head.len() + WIDEST_SEQ_FIELD + self.tail.len()
    }
}

impl Envelope {
    /// A new envelope from `from` with a fresh UUIDv7 id, no seq, no reply.
    pub fn new(body: Body, from: &UserId, ts: i64) -> Envelope {
        Envelope {
            v: PROTOCOL_VERSION,
            id: uuid::Uuid::now_v7(),
            ts,
            from: Some(from.clone()),
            seq: None,
            reply_to: None,
            body,
        }
    }

    /// Sets `seq` (required on `msg`).
    pub fn with_seq(mut self, seq: u64) -> Envelope {
        self.seq = Some(seq);
        self
    }

    /// Sets `reply_to`.
    pub fn with_reply_to(mut self, id: MessageId) -> Envelope {
        self.reply_to = Some(id);
        self
    }

    /// The wire name of the kind.
    pub fn kind(&self) -> &'static str {
        self.body.kind()
    }

    /// Compact JSON, keys in the documented order
    /// (`v,id,kind,ts,from,seq,body,reply_to`) so wire dumps read like the
    /// spec. `from` and `seq` are omitted when `None`; `reply_to` is `null`.
    ///
    /// This does not check limits (text size, 256 KiB total): use
    /// [`Envelope::encode_unsequenced`] for anything built from user input.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.head();
        if let Some(seq) = self.seq {
            push_field(&mut out, "seq", &seq.into());
        }
        out.push_str(&self.tail());
        out.into_bytes()
    }

    /// Everything but `seq` encoded, for a message that gets its seq only
    /// when it is committed; fails if even the longest seq would push it
    /// past the size receivers accept (text whose JSON escaping makes it
    /// grow past 256 KiB). The check comes first so that a message refused
    /// here never takes a seq (which its receivers would see as a gap), and
    /// the envelope is encoded once.
    pub fn encode_unsequenced(&self) -> Result<Unsequenced, DecodeError> {
        let unsequenced = Unsequenced {
            head: self.head(),
            tail: self.tail(),
        };
        let widest = unsequenced.widest_len();
        if widest > MAX_ENVELOPE_BYTES {
            return Err(DecodeError::TooLarge { len: widest });
        }
        Ok(unsequenced)
    }

    /// `{` and the fields before `seq`.
    fn head(&self) -> String {
        // Built by hand around `Value` renderings because a `serde_json::Map`
        // sorts its keys unless a crate-wide feature is enabled.
        let mut out = format!("{{\"v\":{}", self.v);
        push_field(&mut out, "id", &self.id.to_string().into());
        push_field(&mut out, "kind", &self.kind().into());
        push_field(&mut out, "ts", &self.ts.into());
        if let Some(from) = &self.from {
            push_field(&mut out, "from", &from.as_str().into());
        }
        out
    }

    /// The fields after `seq`, and `}`.
    fn tail(&self) -> String {
        let mut out = String::new();
        push_field(&mut out, "body", &self.body.to_value());
        let reply_to = self
            .reply_to
            .map_or(Value::Null, |id| Value::String(id.to_string()));
        push_field(&mut out, "reply_to", &reply_to);
        out.push('}');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> UserId {
        UserId::new("alice").unwrap()
    }

    #[test]
    fn new_fills_defaults() {
        let e = Envelope::new(Body::Typing(TypingBody { active: true }), &alice(), 5);
        assert_eq!(e.v, 1);
        assert_eq!(e.id.get_version_num(), 7);
        assert_eq!(e.from, Some(alice()));
        assert_eq!((e.seq, e.reply_to, e.ts), (None, None, 5));
        assert_eq!(e.kind(), "typing");
    }

    #[test]
    fn encodes_in_documented_order() {
        let id = uuid::Uuid::from_u128(1);
        let e = Envelope {
            v: 1,
            id,
            ts: 1_732_233_600_123,
            from: Some(alice()),
            seq: Some(42),
            reply_to: None,
            body: Body::Msg(MsgBody::text("hi \"there\"")),
        };
        let text = String::from_utf8(e.encode()).unwrap();
        assert_eq!(
            text,
            format!(
                r#"{{"v":1,"id":"{id}","kind":"msg","ts":1732233600123,"from":"alice","seq":42,"body":{{"text":"hi \"there\""}},"reply_to":null}}"#
            )
        );
    }

    #[test]
    fn omits_absent_optionals() {
        let mut e = Envelope::new(
            Body::Presence(PresenceBody {
                state: PresenceState::Offline,
                ts: None,
            }),
            &alice(),
            0,
        );
        e.from = None;
        let text = String::from_utf8(e.encode()).unwrap();
        assert!(!text.contains("\"from\""));
        assert!(!text.contains("\"seq\""));
        assert!(text.contains(r#""body":{"state":"offline"}"#));
        let reply = uuid::Uuid::from_u128(7);
        let text = String::from_utf8(e.with_reply_to(reply).encode()).unwrap();
        assert!(text.contains(&format!(r#""reply_to":"{reply}""#)));
    }

    #[test]
    fn encodes_every_body() {
        let id = uuid::Uuid::from_u128(9);
        let bodies = [
            (
                Body::Receipt(ReceiptBody {
                    ids: vec![id],
                    status: ReceiptStatus::Read,
                }),
                format!(r#"{{"ids":["{id}"],"status":"read"}}"#),
            ),
            (
                Body::Typing(TypingBody { active: false }),
                r#"{"active":false}"#.into(),
            ),
            (
                Body::Presence(PresenceBody {
                    state: PresenceState::Away,
                    ts: Some(3),
                }),
                r#"{"state":"away","ts":3}"#.into(),
            ),
            (
                Body::RoomMeta(RoomMetaBody {
                    joined: true,
                    name: Some("Rust".into()),
                    topic: None,
                }),
                r#"{"joined":true,"name":"Rust"}"#.into(),
            ),
        ];
        for (body, expected) in bodies {
            assert_eq!(body.to_value().to_string(), expected);
        }
    }

    #[test]
    fn status_order_and_serde() {
        assert!(ReceiptStatus::Read > ReceiptStatus::Delivered);
        assert_eq!(
            serde_json::to_string(&ReceiptStatus::Read).unwrap(),
            "\"read\""
        );
        assert_eq!(
            serde_json::to_string(&PresenceState::Away).unwrap(),
            "\"away\""
        );
        let s: PresenceState = serde_json::from_str("\"offline\"").unwrap();
        assert_eq!(s, PresenceState::Offline);
    }

    #[test]
    fn encode_unsequenced_catches_escape_blowup() {
        // 64 KiB of control characters is legal text but escapes to 6 bytes
        // each, far past the 256 KiB envelope limit.
        let text = "\u{1}".repeat(crate::protocol::MAX_TEXT_BYTES);
        let e = Envelope::new(Body::Msg(MsgBody::text(text)), &alice(), 1);
        assert!(matches!(
            e.encode_unsequenced(),
            Err(DecodeError::TooLarge { .. })
        ));
    }

    #[test]
    fn encode_unsequenced_refuses_what_only_a_long_seq_would_tip_over() {
        let fill = |n: usize| Envelope::new(Body::Msg(MsgBody::text("x".repeat(n))), &alice(), 1);
        let base = fill(0).with_seq(u64::MAX).encode().len();
        let fits = fill(MAX_ENVELOPE_BYTES - base);
        assert_eq!(
            fits.clone().with_seq(u64::MAX).encode().len(),
            MAX_ENVELOPE_BYTES
        );
        assert!(fits.encode_unsequenced().is_ok());
        // One byte more fits with seq 1, but not with every seq it could get.
        let over = fill(MAX_ENVELOPE_BYTES - base + 1);
        assert!(over.clone().with_seq(1).encode().len() <= MAX_ENVELOPE_BYTES);
        assert_eq!(
            over.encode_unsequenced(),
            Err(DecodeError::TooLarge {
                len: MAX_ENVELOPE_BYTES + 1
            })
        );
    }

    #[test]
    fn unsequenced_with_seq_is_the_full_encoding() {
        for seq in [1, 42, u64::MAX] {
            let e = Envelope::new(Body::Msg(MsgBody::text("hé \"x\"")), &alice(), 7)
                .with_reply_to(uuid::Uuid::now_v7());
            let payload = e.encode_unsequenced().unwrap().with_seq(seq);
            let full = e.with_seq(seq);
            assert_eq!(payload, full.encode());
            assert!(
                matches!(Envelope::decode(&payload), Ok(crate::protocol::Decoded::Envelope(d)) if d == full)
            );
        }
    }
}
