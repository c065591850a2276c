//! Receiver-side rules, free of I/O: given a topic name and a payload from
//! the broker, either a trustworthy [`Inbound`] or the [`Rejection`] reason
//! for the drop counter.
//!
//! The topic is the only trusted statement of who sent something (the
//! broker ACL enforces it); everything in the payload is the sender's claim
//! and is checked against the topic.

use super::decode::Decoded;
use super::envelope::{Body, Envelope};
use super::error::DecodeError;
use super::ids::UserId;
use super::topic::{Prefix, Topic, TopicError};

/// A payload that passed every receiver rule.
///
/// `decoded` is never an error; it may be [`Decoded::UnknownKind`] (ignore)
/// or [`Decoded::Unsupported`] (show "unsupported message"), and on a
/// [`Topic::RoomMeta`] topic it may be [`Decoded::MetaCleared`] (the member
/// left).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    pub topic: Topic,
    pub decoded: Decoded,
}

/// Why an incoming publish was dropped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    // The inner errors are part of the message rather than a `#[source]`,
    // so a one-line log shows the whole reason exactly once.
    #[error("bad topic: {0}")]
    BadTopic(TopicError),
    #[error("inbox message addressed to another user")]
    NotForMe,
    #[error("{0}")]
    Decode(DecodeError),
    #[error("envelope claims to be from '{claimed}' but was published by '{topic_sender}'")]
    SenderMismatch {
        topic_sender: UserId,
        claimed: UserId,
    },
    #[error("kind '{kind}' is not allowed on this topic")]
    WrongTopic { kind: String },
    #[error("empty payload (a cleared retained message)")]
    Empty,
}

impl Rejection {
    /// A stable label for drop counters; decode failures use the finer
    /// [`DecodeError::reason`] labels.
    pub fn reason(&self) -> &'static str {
        match self {
            Rejection::BadTopic(_) => "bad_topic",
            Rejection::NotForMe => "not_for_me",
            Rejection::Decode(e) => e.reason(),
            Rejection::SenderMismatch { .. } => "sender_mismatch",
            Rejection::WrongTopic { .. } => "wrong_topic",
            Rejection::Empty => "empty",
        }
    }
}

impl From<TopicError> for Rejection {
    fn from(e: TopicError) -> Self {
        Rejection::BadTopic(e)
    }
}

impl From<DecodeError> for Rejection {
    fn from(e: DecodeError) -> Self {
        Rejection::Decode(e)
    }
}

/// Whether an envelope of this body's kind may arrive on this topic.
///
/// Receipts travel only to inboxes (to the original sender), presence only
/// on presence topics, and so on; anything else is a confused or hostile
/// client and is dropped.
pub fn kind_allowed(topic: &Topic, body: &Body) -> bool {
    match topic {
        Topic::Inbox { .. } => matches!(
            body,
            Body::Msg(_)
                | Body::Receipt(_)
                | Body::Typing(_)
                | Body::Edit(_)
                | Body::Delete(_)
                | Body::Reaction(_)
        ),
        Topic::Room { .. } => matches!(
            body,
            Body::Msg(_) | Body::Typing(_) | Body::Edit(_) | Body::Delete(_) | Body::Reaction(_)
        ),
        Topic::Presence { .. } => matches!(body, Body::Presence(_)),
        Topic::RoomMeta { .. } => matches!(body, Body::RoomMeta(_)),
        Topic::SmsOut { .. } => matches!(body, Body::Sms(_)),
        Topic::SmsIn { .. } => matches!(body, Body::Sms(_) | Body::SmsStatus(_)),
    }
}

/// Applies every receiver rule to one publish addressed to account `me`.
///
/// Order: topic shape, inbox addressee, empty payload, decoding, the
/// envelope's `from` claim, then the kind/topic pairing.
pub fn classify(
    prefix: &Prefix,
    me: &UserId,
    topic: &str,
    payload: &[u8],
) -> Result<Inbound, Rejection> {
    let topic = Topic::parse(prefix, topic)?;
    let addressee = match &topic {
        Topic::Inbox { to, .. } | Topic::SmsIn { to, .. } => Some(to),
        // What users ask of the SMS gateway is for the gateway alone.
        Topic::SmsOut { gateway, .. } => Some(gateway),
        _ => None,
    };
    if addressee.is_some_and(|to| to != me) {
        return Err(Rejection::NotForMe);
    }

    if payload.is_empty() {
        // Clearing a retained message is delivered as an empty payload.
        // For room meta that is how a member leaves; for presence it is
        // housekeeping with nothing to show.
        return match topic {
            Topic::RoomMeta { .. } => Ok(Inbound {
                topic,
                decoded: Decoded::MetaCleared,
            }),
            _ => Err(Rejection::Empty),
        };
    }

    let decoded = super::decode::decode(payload)?;
    if let Decoded::Envelope(envelope) = &decoded {
        check_envelope(&topic, envelope)?;
    }
    Ok(Inbound { topic, decoded })
}

fn check_envelope(topic: &Topic, envelope: &Envelope) -> Result<(), Rejection> {
    if let Some(claimed) = &envelope.from
        && claimed != topic.sender()
    {
        return Err(Rejection::SenderMismatch {
            topic_sender: topic.sender().clone(),
            claimed: claimed.clone(),
        });
    }
    if !kind_allowed(topic, &envelope.body) {
        return Err(Rejection::WrongTopic {
            kind: envelope.kind().to_owned(),
        });
    }
    Ok(())
}
