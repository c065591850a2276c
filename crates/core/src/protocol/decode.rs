//! Envelope decoding: untrusted bytes in, a validated [`Envelope`] (or a
//! precise reason to drop it) out.
//!
//! Rules, in order: size limit before any parsing, UTF-8, a JSON object,
//! `v` (a higher version is kept raw, not rejected), `id`, `kind` (unknown
//! kinds are reported, not rejected), then `ts`, the optional fields and the
//! kind's body. Unknown extra fields are ignored so later versions can add
//! fields without breaking us.

use serde_json::{Map, Value};
use uuid::Uuid;

use super::PROTOCOL_VERSION;
use super::change::{DeleteBody, EditBody, ReactionBody};
use super::envelope::{
    Body, Envelope, MAX_RECEIPT_IDS, MAX_ROOM_NAME_BYTES, MAX_ROOM_TOPIC_BYTES, MessageId, MsgBody,
    PresenceBody, ReceiptBody, ReceiptStatus, RoomMetaBody, TypingBody, kind,
};
use super::error::DecodeError;
use super::file::FileBody;
use super::ids::UserId;
use super::sms::{SmsBody, SmsStatusBody};
use super::{MAX_ENVELOPE_BYTES, MAX_TEXT_BYTES};
use crate::model::PresenceState;

impl Envelope {
    /// Parses a payload; see the module docs for the rules.
    pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
        decode(bytes)
    }
}

/// The outcome of decoding a well-formed payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    Envelope(Envelope),
    /// A kind this version does not know; receivers ignore it.
    UnknownKind {
        id: MessageId,
        kind: String,
    },
    /// `v` above ours: kept raw so the UI can show "unsupported message".
    Unsupported {
        v: u32,
        id: Option<MessageId>,
        raw: String,
    },
    /// An empty retained payload on a room meta topic: the member left.
    /// Only [`classify`](super::inbound::classify) produces this; it exists
    /// here so callers need not invent a fake envelope (a nil id would
    /// collide in de-duplication).
    MetaCleared,
}

pub(super) fn bad(field: &'static str, why: impl Into<String>) -> DecodeError {
    DecodeError::BadField {
        field,
        why: why.into(),
    }
}

/// `null` and absence are the same thing for optional fields: other
/// clients write either.
pub(super) fn opt<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

/// A required field; `field` is the name reported on error (`body.text`
/// for `text` inside the body).
pub(super) fn req<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    field: &'static str,
) -> Result<&'a Value, DecodeError> {
    opt(obj, key).ok_or(DecodeError::MissingField(field))
}

pub(super) fn as_str<'a>(v: &'a Value, field: &'static str) -> Result<&'a str, DecodeError> {
    v.as_str().ok_or_else(|| bad(field, "expected a string"))
}

fn as_bool(v: &Value, field: &'static str) -> Result<bool, DecodeError> {
    v.as_bool()
        .ok_or_else(|| bad(field, "expected true or false"))
}

/// A millisecond timestamp: an integer ≥ 0 that fits in i64.
fn as_ts(v: &Value, field: &'static str) -> Result<i64, DecodeError> {
    v.as_i64()
        .filter(|ts| *ts >= 0)
        .ok_or_else(|| bad(field, "expected a non-negative integer (ms since epoch)"))
}

/// Any UUID version, but never nil: nil is what a careless client sends for
/// "no id", and it would collide in de-duplication.
pub(super) fn as_uuid(v: &Value, field: &'static str) -> Result<Uuid, DecodeError> {
    let id = Uuid::try_parse(as_str(v, field)?).map_err(|_| bad(field, "expected a UUID"))?;
    if id.is_nil() {
        return Err(bad(field, "the nil UUID is not a message id"));
    }
    Ok(id)
}

/// Decodes one payload. See the module doc for the order of the rules.
pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.len() > MAX_ENVELOPE_BYTES {
        return Err(DecodeError::TooLarge { len: bytes.len() });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| DecodeError::NotUtf8)?;
    // serde_json caps nesting depth (128), so hostile input cannot blow the stack.
    let value: Value = serde_json::from_str(text).map_err(|_| DecodeError::NotJson)?;
    let Value::Object(obj) = value else {
        return Err(DecodeError::NotObject);
    };

    let v = req(&obj, "v", "v")?
        .as_u64()
        .and_then(|v| u32::try_from(v).ok())
        .filter(|v| *v >= 1)
        .ok_or_else(|| bad("v", "expected a positive integer version"))?;
    if v > PROTOCOL_VERSION {
        // Best effort only: a later version may change anything but `v`.
        let id = opt(&obj, "id").and_then(|id| as_uuid(id, "id").ok());
        return Ok(Decoded::Unsupported {
            v,
            id,
            raw: text.to_owned(),
        });
    }

    let id = as_uuid(req(&obj, "id", "id")?, "id")?;
    let kind_name = as_str(req(&obj, "kind", "kind")?, "kind")?;
    let Some(kind) = Kind::parse(kind_name) else {
        return Ok(Decoded::UnknownKind {
            id,
            kind: kind_name.to_owned(),
        });
    };

    let ts = as_ts(req(&obj, "ts", "ts")?, "ts")?;
    let from = opt(&obj, "from")
        .map(|f| UserId::new(as_str(f, "from")?).map_err(|e| bad("from", e.to_string())))
        .transpose()?;
    let seq = opt(&obj, "seq")
        .map(|s| {
            s.as_u64()
                .ok_or_else(|| bad("seq", "expected a non-negative integer"))
        })
        .transpose()?;
    let reply_to = opt(&obj, "reply_to")
        .map(|r| as_uuid(r, "reply_to"))
        .transpose()?;
    if kind == Kind::Msg {
        // seq is what makes loss visible; a msg without it defeats gap detection.
        match seq {
            None => return Err(DecodeError::MissingField("seq")),
            Some(0) => return Err(bad("seq", "starts at 1")),
            Some(_) => {}
        }
    }

    let body = decode_body(kind, opt(&obj, "body"))?;
    Ok(Decoded::Envelope(Envelope {
        v,
        id,
        ts,
        from,
        seq,
        reply_to,
        body,
    }))
}

/// The kinds this version decodes; private so the body match is exhaustive.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Msg,
    Receipt,
    Typing,
    Presence,
    RoomMeta,
    Sms,
    SmsStatus,
    Edit,
    Delete,
    Reaction,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        match s {
            kind::MSG => Some(Kind::Msg),
            kind::RECEIPT => Some(Kind::Receipt),
            kind::TYPING => Some(Kind::Typing),
            kind::PRESENCE => Some(Kind::Presence),
            kind::ROOM_META => Some(Kind::RoomMeta),
            kind::SMS => Some(Kind::Sms),
            kind::SMS_STATUS => Some(Kind::SmsStatus),
            kind::EDIT => Some(Kind::Edit),
            kind::DELETE => Some(Kind::Delete),
            kind::REACTION => Some(Kind::Reaction),
            _ => None,
        }
    }
}

fn decode_body(kind: Kind, body: Option<&Value>) -> Result<Body, DecodeError> {
    let empty = Map::new();
    let obj = match body {
        Some(Value::Object(obj)) => obj,
        Some(_) => return Err(bad("body", "expected an object")),
        // The brief leaves typing's body open, so a bare typing notice from
        // another client still means "typing".
        None if kind == Kind::Typing => &empty,
        None => return Err(DecodeError::MissingField("body")),
    };
    let body = match kind {
        Kind::Msg => {
            let text = as_str(req(obj, "text", "body.text")?, "body.text")?;
            if text.len() > MAX_TEXT_BYTES {
                return Err(DecodeError::TextTooLong { len: text.len() });
            }
            let file = match opt(obj, "file") {
                Some(Value::Object(file)) => Some(Box::new(FileBody::decode(file)?)),
                Some(_) => return Err(bad("body.file", "expected an object")),
                None => None,
            };
            Body::Msg(MsgBody {
                text: text.to_owned(),
                file,
            })
        }
        Kind::Receipt => Body::Receipt(decode_receipt(obj)?),
        Kind::Typing => Body::Typing(TypingBody {
            // Absent = active, for the same reason as a missing body.
            active: opt(obj, "active")
                .map(|a| as_bool(a, "body.active"))
                .transpose()?
                .unwrap_or(true),
        }),
        Kind::Presence => {
            let state = req(obj, "state", "body.state")?;
            let state = match as_str(state, "body.state")? {
                "online" => PresenceState::Online,
                "away" => PresenceState::Away,
                "offline" => PresenceState::Offline,
                _ => return Err(bad("body.state", "expected online, away or offline")),
            };
            let ts = opt(obj, "ts").map(|t| as_ts(t, "body.ts")).transpose()?;
            Body::Presence(PresenceBody { state, ts })
        }
        Kind::RoomMeta => {
            let joined = req(obj, "joined", "body.joined")?;
            let joined = as_bool(joined, "body.joined")?;
            let text = |key: &str, field: &'static str, max: usize| {
                let value = opt(obj, key).map(|n| as_str(n, field)).transpose()?;
                if value.is_some_and(|n| n.len() > max) {
                    return Err(bad(field, format!("longer than {max} bytes")));
                }
                Ok(value.map(str::to_owned))
            };
            Body::RoomMeta(RoomMetaBody {
                joined,
                name: text("name", "body.name", MAX_ROOM_NAME_BYTES)?,
                topic: text("topic", "body.topic", MAX_ROOM_TOPIC_BYTES)?,
            })
        }
        Kind::Sms => Body::Sms(SmsBody::decode(obj)?),
        Kind::SmsStatus => Body::SmsStatus(SmsStatusBody::decode(obj)?),
        Kind::Edit => Body::Edit(EditBody::decode(obj)?),
        Kind::Delete => Body::Delete(DeleteBody::decode(obj)?),
        Kind::Reaction => Body::Reaction(ReactionBody::decode(obj)?),
    };
    Ok(body)
}

/// `body.ids`: 1 to [`MAX_RECEIPT_IDS`] message ids (receipts, SMS status).
pub(super) fn body_ids(obj: &Map<String, Value>) -> Result<Vec<MessageId>, DecodeError> {
    let ids = req(obj, "ids", "body.ids")?
        .as_array()
        .ok_or_else(|| bad("body.ids", "expected an array"))?;
    if ids.is_empty() || ids.len() > MAX_RECEIPT_IDS {
        return Err(bad("body.ids", "expected 1 to 1000 ids"));
    }
    ids.iter().map(|id| as_uuid(id, "body.ids")).collect()
}

fn decode_receipt(obj: &Map<String, Value>) -> Result<ReceiptBody, DecodeError> {
    let ids = body_ids(obj)?;
    let status = req(obj, "status", "body.status")?;
    let status = match as_str(status, "body.status")? {
        "delivered" => ReceiptStatus::Delivered,
        "read" => ReceiptStatus::Read,
        _ => return Err(bad("body.status", "expected delivered or read")),
    };
    Ok(ReceiptBody { ids, status })
}
