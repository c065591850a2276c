//! The bodies of extension 11 (docs/protocol.md): changes to a message
//! already sent — `edit` (its author's new text), `delete` (its author
//! takes it back for everyone) and `reaction` (anyone in the conversation
//! adds or removes an emoji).
//!
//! Each names the message it changes in `of`. Whether the change is
//! allowed (only the author edits or deletes, and the message must be in
//! the conversation of the topic) needs the message itself, so it is the
//! store's decision, not the decoder's; see `store/changes.rs`.

use serde_json::{Map, Value, json};

use super::MAX_TEXT_BYTES;
use super::decode::{as_str, as_uuid, bad, req};
use super::envelope::MessageId;
use super::error::DecodeError;

/// Longest reaction, in UTF-8 bytes: room for any emoji sequence (flags,
/// skin tones, families joined by ZWJ), not for prose.
pub const MAX_REACTION_BYTES: usize = 64;

/// `edit`: the new text of message `of`, which the topic's sender wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditBody {
    pub of: MessageId,
    pub text: String,
}

/// `delete`: message `of` is taken back by its author, for everyone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteBody {
    pub of: MessageId,
}

/// `reaction`: the topic's sender adds (`on`) or removes an emoji on `of`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionBody {
    pub of: MessageId,
    pub emoji: String,
    pub on: bool,
}

fn of(obj: &Map<String, Value>) -> Result<MessageId, DecodeError> {
    as_uuid(req(obj, "of", "body.of")?, "body.of")
}

impl EditBody {
    pub(super) fn to_value(&self) -> Value {
        json!({ "of": self.of.to_string(), "text": self.text })
    }

    pub(super) fn decode(obj: &Map<String, Value>) -> Result<EditBody, DecodeError> {
        let of = of(obj)?;
        let text = as_str(req(obj, "text", "body.text")?, "body.text")?;
        if text.len() > MAX_TEXT_BYTES {
            return Err(DecodeError::TextTooLong { len: text.len() });
        }
        Ok(EditBody {
            of,
            text: text.to_owned(),
        })
    }
}

impl DeleteBody {
    pub(super) fn to_value(&self) -> Value {
        json!({ "of": self.of.to_string() })
    }

    pub(super) fn decode(obj: &Map<String, Value>) -> Result<DeleteBody, DecodeError> {
        Ok(DeleteBody { of: of(obj)? })
    }
}

impl ReactionBody {
    pub(super) fn to_value(&self) -> Value {
        json!({ "of": self.of.to_string(), "emoji": self.emoji, "on": self.on })
    }

    pub(super) fn decode(obj: &Map<String, Value>) -> Result<ReactionBody, DecodeError> {
        let of = of(obj)?;
        let emoji = as_str(req(obj, "emoji", "body.emoji")?, "body.emoji")?;
        check_reaction(emoji).map_err(|why| bad("body.emoji", why))?;
        let on = req(obj, "on", "body.on")?
            .as_bool()
            .ok_or_else(|| bad("body.on", "expected true or false"))?;
        Ok(ReactionBody {
            of,
            emoji: emoji.to_owned(),
            on,
        })
    }
}

/// Whether `emoji` may be a reaction: 1–64 bytes, no whitespace or control
/// characters (which could make one reaction look like two, or like none).
/// Any other text is allowed, as in Slack's `:custom:` or a plain "+1".
pub fn check_reaction(emoji: &str) -> Result<(), &'static str> {
    if emoji.is_empty() || emoji.len() > MAX_REACTION_BYTES {
        return Err("expected 1 to 64 bytes");
    }
    if emoji.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("whitespace or a control character");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn each_body_round_trips() {
        let id = uuid::Uuid::now_v7();
        let edit = EditBody {
            of: id,
            text: "fixed".into(),
        };
        assert_eq!(EditBody::decode(&obj(edit.to_value())).unwrap(), edit);
        let delete = DeleteBody { of: id };
        assert_eq!(DeleteBody::decode(&obj(delete.to_value())).unwrap(), delete);
        let reaction = ReactionBody {
            of: id,
            emoji: "👍🏽".into(),
            on: false,
        };
        assert_eq!(
            ReactionBody::decode(&obj(reaction.to_value())).unwrap(),
            reaction
        );
    }

    #[test]
    fn reactions_must_look_like_one_reaction() {
        for bad in ["", " ", "a b", "\u{7}", "👍\n", &"x".repeat(65)] {
            assert!(check_reaction(bad).is_err(), "{bad:?}");
        }
        for good in ["👍", "❤️", "👨‍👩‍👧‍👦", "🇨🇳", "+1", ":shipit:"] {
            assert!(check_reaction(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn what_a_change_names_is_required() {
        let id = uuid::Uuid::now_v7().to_string();
        assert_eq!(
            EditBody::decode(&obj(json!({"text": "x"}))),
            Err(DecodeError::MissingField("body.of"))
        );
        assert!(DeleteBody::decode(&obj(json!({"of": uuid::Uuid::nil().to_string()}))).is_err());
        assert_eq!(
            ReactionBody::decode(&obj(json!({"of": id, "emoji": "👍"}))),
            Err(DecodeError::MissingField("body.on"))
        );
        assert!(
            EditBody::decode(&obj(
                json!({"of": id, "text": "x".repeat(MAX_TEXT_BYTES + 1)})
            ))
            .is_err()
        );
    }
}
