//! MQTT topic layout: the configurable prefix, the four topic shapes and the
//! subscription filters.
//!
//! The last level of every topic a client writes to is its own user id, so
//! a broker ACL keyed on the MQTT username makes [`Topic::sender`] the only
//! trustworthy statement of who sent a message.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::ids::{IdError, RoomId, UserId};

/// The default topic prefix.
pub const DEFAULT_PREFIX: &str = "tether/v1";

/// Longest prefix we accept, in bytes. MQTT allows 65 535-byte topics; this
/// keeps prefix + ids far below that and catches pasted garbage early.
pub const MAX_PREFIX_BYTES: usize = 256;

/// Why a string is not a usable topic prefix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrefixError {
    #[error("the topic prefix must not be empty")]
    Empty,
    #[error("the topic prefix may be at most {MAX_PREFIX_BYTES} bytes long (this one has {len})")]
    TooLong { len: usize },
    #[error("the topic prefix must not contain the MQTT wildcards '+' or '#'")]
    Wildcard,
    #[error("the topic prefix must not start or end with '/' nor contain '//'")]
    EmptyLevel,
    #[error("the topic prefix must not contain control characters")]
    ControlChar,
    #[error("the topic prefix must not start with '$' (reserved for broker topics)")]
    Reserved,
}

/// A validated topic prefix such as `tether/v1` (written `P` in the docs).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Prefix(String);

impl Prefix {
    pub fn new(s: impl Into<String>) -> Result<Self, PrefixError> {
        let s = s.into();
        if s.is_empty() {
            return Err(PrefixError::Empty);
        }
        if s.len() > MAX_PREFIX_BYTES {
            return Err(PrefixError::TooLong { len: s.len() });
        }
        if s.contains(['+', '#']) {
            return Err(PrefixError::Wildcard);
        }
        if s.split('/').any(str::is_empty) {
            return Err(PrefixError::EmptyLevel);
        }
        // MQTT forbids U+0000 in topics and discourages other controls.
        if s.chars().any(char::is_control) {
            return Err(PrefixError::ControlChar);
        }
        // Brokers treat `$...` topics specially: `+` filters never match them
        // and clients are usually not allowed to publish there.
        if s.starts_with('$') {
            return Err(PrefixError::Reserved);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Prefix {
    fn default() -> Self {
        Self(DEFAULT_PREFIX.to_owned())
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Prefix {
    type Err = PrefixError;
    fn from_str(s: &str) -> Result<Self, PrefixError> {
        Self::new(s)
    }
}

impl TryFrom<String> for Prefix {
    type Error = PrefixError;
    fn try_from(s: String) -> Result<Self, PrefixError> {
        Self::new(s)
    }
}

impl From<Prefix> for String {
    fn from(p: Prefix) -> String {
        p.0
    }
}

/// Why an incoming topic name is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TopicError {
    #[error("topic is not under the account's prefix")]
    NotUnderPrefix,
    #[error("topic does not match any Tether topic pattern")]
    Malformed,
    // Not a `#[source]`: the message already includes the id error, and
    // chaining it as well would print it twice.
    #[error("invalid id in topic: {0}")]
    BadId(IdError),
}

impl From<IdError> for TopicError {
    fn from(e: IdError) -> Self {
        TopicError::BadId(e)
    }
}

/// One concrete topic (never a filter).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Topic {
    /// `P/u/{to}/inbox/{from}`: a direct message, receipt or typing notice.
    Inbox { to: UserId, from: UserId },
    /// `P/r/{room}/m/{from}`: a room message or typing notice.
    Room { room: RoomId, from: UserId },
    /// `P/p/{user}`: retained presence (also the Last Will).
    Presence { user: UserId },
    /// `P/r/{room}/meta/{from}`: retained membership of `from` in `room`.
    RoomMeta { room: RoomId, from: UserId },
    /// `P/s/{gateway}/out/{from}`: `from` asks the SMS gateway user to text
    /// a phone number (docs/protocol.md, extension 10).
    SmsOut { gateway: UserId, from: UserId },
    /// `P/s/{gateway}/in/{to}`: the SMS gateway tells `to` of an SMS from a
    /// phone, or of what became of one `to` sent.
    SmsIn { gateway: UserId, to: UserId },
}

impl Topic {
    /// Parses a topic name received from the broker.
    pub fn parse(prefix: &Prefix, topic: &str) -> Result<Topic, TopicError> {
        // The prefix must be followed by '/': `tether/v10/...` is not under
        // `tether/v1`.
        let rest = topic
            .strip_prefix(prefix.as_str())
            .and_then(|r| r.strip_prefix('/'))
            .ok_or(TopicError::NotUnderPrefix)?;
        let levels: Vec<&str> = rest.split('/').collect();
        let topic = match levels.as_slice() {
            ["u", to, "inbox", from] => Topic::Inbox {
                to: UserId::new(*to)?,
                from: UserId::new(*from)?,
            },
            ["r", room, "m", from] => Topic::Room {
                room: RoomId::new(*room)?,
                from: UserId::new(*from)?,
            },
            ["p", user] => Topic::Presence {
                user: UserId::new(*user)?,
            },
            ["r", room, "meta", from] => Topic::RoomMeta {
                room: RoomId::new(*room)?,
                from: UserId::new(*from)?,
            },
            ["s", gateway, "out", from] => Topic::SmsOut {
                gateway: UserId::new(*gateway)?,
                from: UserId::new(*from)?,
            },
            ["s", gateway, "in", to] => Topic::SmsIn {
                gateway: UserId::new(*gateway)?,
                to: UserId::new(*to)?,
            },
            _ => return Err(TopicError::Malformed),
        };
        Ok(topic)
    }

    /// The topic name to publish to.
    pub fn render(&self, prefix: &Prefix) -> String {
        match self {
            Topic::Inbox { to, from } => format!("{prefix}/u/{to}/inbox/{from}"),
            Topic::Room { room, from } => format!("{prefix}/r/{room}/m/{from}"),
            Topic::Presence { user } => format!("{prefix}/p/{user}"),
            Topic::RoomMeta { room, from } => format!("{prefix}/r/{room}/meta/{from}"),
            Topic::SmsOut { gateway, from } => format!("{prefix}/s/{gateway}/out/{from}"),
            Topic::SmsIn { gateway, to } => format!("{prefix}/s/{gateway}/in/{to}"),
        }
    }

    /// Who published on this topic: the identity the broker ACL guarantees.
    pub fn sender(&self) -> &UserId {
        match self {
            Topic::Inbox { from, .. }
            | Topic::Room { from, .. }
            | Topic::RoomMeta { from, .. }
            | Topic::SmsOut { from, .. } => from,
            Topic::Presence { user } => user,
            Topic::SmsIn { gateway, .. } => gateway,
        }
    }

    /// Whether messages on this topic are published with the retain flag.
    pub fn retained(&self) -> bool {
        matches!(self, Topic::Presence { .. } | Topic::RoomMeta { .. })
    }
}

/// `P/u/{me}/inbox/+`: everything addressed to `me`.
pub fn inbox_filter(prefix: &Prefix, me: &UserId) -> String {
    format!("{prefix}/u/{me}/inbox/+")
}

/// `P/r/{room}/m/+`: the messages of one room.
pub fn room_filter(prefix: &Prefix, room: &RoomId) -> String {
    format!("{prefix}/r/{room}/m/+")
}

/// `P/r/{room}/meta/+`: the retained membership records of one room.
pub fn room_meta_filter(prefix: &Prefix, room: &RoomId) -> String {
    format!("{prefix}/r/{room}/meta/+")
}

/// `P/s/{gateway}/out/+`: what users ask the SMS gateway user to send.
pub fn sms_out_filter(prefix: &Prefix, gateway: &UserId) -> String {
    format!("{prefix}/s/{gateway}/out/+")
}

/// `P/p/+`: everyone's presence.
pub fn presence_filter(prefix: &Prefix) -> String {
    format!("{prefix}/p/+")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p() -> Prefix {
        Prefix::default()
    }
    fn u(s: &str) -> UserId {
        UserId::new(s).unwrap()
    }
    fn r(s: &str) -> RoomId {
        RoomId::new(s).unwrap()
    }

    #[test]
    fn prefix_rules() {
        assert_eq!(Prefix::default().as_str(), "tether/v1");
        assert!(Prefix::new("a").is_ok());
        assert!("acme/chat/v1".parse::<Prefix>().is_ok());
        assert!(Prefix::new("ünï/cödé").is_ok());
        assert_eq!(Prefix::new(""), Err(PrefixError::Empty));
        assert_eq!(Prefix::new("a/+"), Err(PrefixError::Wildcard));
        assert_eq!(Prefix::new("a#"), Err(PrefixError::Wildcard));
        assert_eq!(Prefix::new("/a"), Err(PrefixError::EmptyLevel));
        assert_eq!(Prefix::new("a/"), Err(PrefixError::EmptyLevel));
        assert_eq!(Prefix::new("a//b"), Err(PrefixError::EmptyLevel));
        assert_eq!(Prefix::new("/"), Err(PrefixError::EmptyLevel));
        assert_eq!(Prefix::new("a\0b"), Err(PrefixError::ControlChar));
        assert_eq!(Prefix::new("$SYS/x"), Err(PrefixError::Reserved));
        assert_eq!(
            Prefix::new("a".repeat(257)),
            Err(PrefixError::TooLong { len: 257 })
        );
    }

    #[test]
    fn prefix_serde_validates() {
        let json = serde_json::to_string(&p()).unwrap();
        assert_eq!(json, "\"tether/v1\"");
        assert_eq!(serde_json::from_str::<Prefix>(&json).unwrap(), p());
        assert!(serde_json::from_str::<Prefix>("\"a/#\"").is_err());
    }

    #[test]
    fn renders_and_parses_each_shape() {
        let cases = [
            (
                Topic::Inbox {
                    to: u("bob"),
                    from: u("alice"),
                },
                "tether/v1/u/bob/inbox/alice",
            ),
            (
                Topic::Room {
                    room: r("rust"),
                    from: u("alice"),
                },
                "tether/v1/r/rust/m/alice",
            ),
            (Topic::Presence { user: u("alice") }, "tether/v1/p/alice"),
            (
                Topic::RoomMeta {
                    room: r("rust"),
                    from: u("alice"),
                },
                "tether/v1/r/rust/meta/alice",
            ),
            (
                Topic::SmsOut {
                    gateway: u("sms"),
                    from: u("alice"),
                },
                "tether/v1/s/sms/out/alice",
            ),
            (
                Topic::SmsIn {
                    gateway: u("alice"),
                    to: u("bob"),
                },
                "tether/v1/s/alice/in/bob",
            ),
        ];
        for (topic, text) in cases {
            assert_eq!(topic.render(&p()), text);
            assert_eq!(Topic::parse(&p(), text).unwrap(), topic);
            assert_eq!(topic.sender(), &u("alice"));
        }
    }

    #[test]
    fn retained_topics() {
        assert!(Topic::Presence { user: u("a") }.retained());
        assert!(
            Topic::RoomMeta {
                room: r("x"),
                from: u("a")
            }
            .retained()
        );
        assert!(
            !Topic::Room {
                room: r("x"),
                from: u("a")
            }
            .retained()
        );
        assert!(
            !Topic::Inbox {
                to: u("b"),
                from: u("a")
            }
            .retained()
        );
    }

    #[test]
    fn filters() {
        assert_eq!(inbox_filter(&p(), &u("me")), "tether/v1/u/me/inbox/+");
        assert_eq!(room_filter(&p(), &r("rust")), "tether/v1/r/rust/m/+");
        assert_eq!(
            room_meta_filter(&p(), &r("rust")),
            "tether/v1/r/rust/meta/+"
        );
        assert_eq!(presence_filter(&p()), "tether/v1/p/+");
        assert_eq!(sms_out_filter(&p(), &u("sms")), "tether/v1/s/sms/out/+");
    }

    #[test]
    fn parse_rejections() {
        for t in [
            "other/p/alice",
            "tether/v10/p/alice",
            "tether/v1",
            "tether",
            "",
        ] {
            assert_eq!(
                Topic::parse(&p(), t),
                Err(TopicError::NotUnderPrefix),
                "{t}"
            );
        }
        for t in [
            "tether/v1/",
            "tether/v1/p",
            "tether/v1/p/alice/x",
            "tether/v1/u/bob/inbox",
            "tether/v1/u/bob/outbox/alice",
            "tether/v1/r/rust/x/alice",
            "tether/v1/r/rust/m/alice/extra",
            "tether/v1/x/alice",
        ] {
            assert_eq!(Topic::parse(&p(), t), Err(TopicError::Malformed), "{t}");
        }
        assert_eq!(
            Topic::parse(&p(), "tether/v1/p/"),
            Err(TopicError::BadId(IdError::Empty))
        );
        assert_eq!(
            Topic::parse(&p(), "tether/v1/u/bob/inbox/a+"),
            Err(TopicError::BadId(IdError::BadChar { ch: '+' }))
        );
        assert!(matches!(
            Topic::parse(&p(), "tether/v1/r/r#/m/a"),
            Err(TopicError::BadId(_))
        ));
    }

    fn arb_user() -> impl Strategy<Value = UserId> {
        "[A-Za-z0-9._-]{1,64}".prop_map(|s| UserId::new(s).unwrap())
    }
    fn arb_room() -> impl Strategy<Value = RoomId> {
        "[A-Za-z0-9._-]{1,64}".prop_map(|s| RoomId::new(s).unwrap())
    }
    fn arb_prefix() -> impl Strategy<Value = Prefix> {
        // Levels of any non-control, non-wildcard, non-'/' characters.
        prop::collection::vec("[^/+#$\\p{Cc}][^/+#\\p{Cc}]{0,8}", 1..5)
            .prop_map(|levels| Prefix::new(levels.join("/")).unwrap())
    }
    fn arb_topic() -> impl Strategy<Value = Topic> {
        prop_oneof![
            (arb_user(), arb_user()).prop_map(|(to, from)| Topic::Inbox { to, from }),
            (arb_room(), arb_user()).prop_map(|(room, from)| Topic::Room { room, from }),
            arb_user().prop_map(|user| Topic::Presence { user }),
            (arb_room(), arb_user()).prop_map(|(room, from)| Topic::RoomMeta { room, from }),
        ]
    }

    proptest! {
        #[test]
        fn render_parse_round_trip(prefix in arb_prefix(), topic in arb_topic()) {
            let text = topic.render(&prefix);
            prop_assert_eq!(Topic::parse(&prefix, &text), Ok(topic));
        }

        #[test]
        fn parse_never_panics(prefix in arb_prefix(), topic in any::<String>()) {
            let _ = Topic::parse(&prefix, &topic);
            let _ = Topic::parse(&prefix, &format!("{prefix}/{topic}"));
        }

        #[test]
        fn prefix_new_never_panics(s in any::<String>()) {
            if let Ok(prefix) = Prefix::new(s.clone()) {
                prop_assert_eq!(prefix.as_str(), s.as_str());
            }
        }
    }
}
