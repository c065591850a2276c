//! The SMS bodies of extension 10 (docs/protocol.md): `sms`, a text to or
//! from a phone number through the SMS gateway user, and `sms_status`,
//! what became of texts a user sent through it.

use serde_json::{Map, Value, json};

use super::MAX_TEXT_BYTES;
use super::decode::{as_str, bad, body_ids, opt, req};
use super::envelope::MessageId;
use super::error::DecodeError;
use crate::model::{PhoneNumber, SmsDelivery, Twice};

/// Longest failure text (a gateway's Stat or Result) carried, in bytes.
pub const MAX_FAILURE_BYTES: usize = 256;

/// `sms`: on `P/s/{gw}/out/{from}` a text for `phone`; on
/// `P/s/{gw}/in/{to}` a text from `phone`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsBody {
    pub phone: PhoneNumber,
    pub text: String,
}

/// `sms_status`: the delivery of the user's texts with these ids (their
/// status follows from it, as `SmsDelivery::status` says).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsStatusBody {
    pub ids: Vec<MessageId>,
    pub delivery: SmsDelivery,
}

impl SmsBody {
    pub(super) fn to_value(&self) -> Value {
        json!({ "phone": self.phone.as_str(), "text": self.text })
    }

    pub(super) fn decode(obj: &Map<String, Value>) -> Result<SmsBody, DecodeError> {
        let phone = as_str(req(obj, "phone", "body.phone")?, "body.phone")?;
        let phone = phone
            .parse()
            .map_err(|_| bad("body.phone", "expected a telephone number"))?;
        let text = as_str(req(obj, "text", "body.text")?, "body.text")?;
        if text.len() > MAX_TEXT_BYTES {
            return Err(DecodeError::TextTooLong { len: text.len() });
        }
        Ok(SmsBody {
            phone,
            text: text.to_owned(),
        })
    }
}

impl SmsStatusBody {
    pub(super) fn to_value(&self) -> Value {
        let d = &self.delivery;
        let ids: Vec<Value> = self.ids.iter().map(|id| id.to_string().into()).collect();
        let mut m = Map::new();
        m.insert("ids".into(), ids.into());
        m.insert("parts".into(), d.parts.into());
        m.insert("sent".into(), d.sent.into());
        m.insert("delivered".into(), d.delivered.into());
        if let Some(failure) = &d.failure {
            m.insert("failure".into(), failure.as_str().into());
        }
        let twice = match d.twice {
            Twice::No => "no",
            Twice::Maybe => "maybe",
            Twice::Yes => "yes",
        };
        m.insert("twice".into(), twice.into());
        m.insert("scheduled".into(), d.scheduled.into());
        Value::Object(m)
    }

    pub(super) fn decode(obj: &Map<String, Value>) -> Result<SmsStatusBody, DecodeError> {
        let ids = body_ids(obj)?;
        let count = |key: &'static str, field: &'static str| -> Result<u8, DecodeError> {
            req(obj, key, field)?
                .as_u64()
                .and_then(|n| u8::try_from(n).ok())
                .ok_or_else(|| bad(field, "expected 0 to 255"))
        };
        let parts = count("parts", "body.parts")?;
        let sent = count("sent", "body.sent")?;
        let delivered = count("delivered", "body.delivered")?;
        if parts == 0 || sent > parts || delivered > sent {
            return Err(bad(
                "body.parts",
                "expected delivered ≤ sent ≤ parts, parts ≥ 1",
            ));
        }
        let failure = opt(obj, "failure")
            .map(|f| as_str(f, "body.failure"))
            .transpose()?;
        if failure.is_some_and(|f| f.len() > MAX_FAILURE_BYTES) {
            return Err(bad("body.failure", "longer than 256 bytes"));
        }
        let twice = match opt(obj, "twice")
            .map(|t| as_str(t, "body.twice"))
            .transpose()?
        {
            None | Some("no") => Twice::No,
            Some("maybe") => Twice::Maybe,
            Some("yes") => Twice::Yes,
            Some(_) => return Err(bad("body.twice", "expected no, maybe or yes")),
        };
        let scheduled = match opt(obj, "scheduled") {
            None => false,
            Some(v) => v
                .as_bool()
                .ok_or_else(|| bad("body.scheduled", "expected a boolean"))?,
        };
        Ok(SmsStatusBody {
            ids,
            delivery: SmsDelivery {
                parts,
                sent,
                delivered,
                failure: failure.map(str::to_owned),
                twice,
                scheduled,
                // The bridge's status says only whether; the user who
                // scheduled it knows when.
                scheduled_for_ms: None,
            },
        })
    }
}
