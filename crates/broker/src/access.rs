//! Who may write and read which topics on the LAN listener: the rules of
//! `docs/deploy/acl`, in code. I/O-free.
//!
//! The sender of every Tether message is the last level of its topic (or
//! the presence topic's user), so "publish only as yourself" is a topic
//! rule keyed on the signed-in user, exactly like Mosquitto's `%u`.

use rumqttc::{matches, valid_filter, valid_topic};
use tether_core::protocol::{Prefix, UserId};

/// The access rules for one topic prefix.
#[derive(Debug, Clone)]
pub struct AccessRules {
    prefix: Prefix,
}

impl AccessRules {
    pub fn new(prefix: Prefix) -> AccessRules {
        AccessRules { prefix }
    }

    /// `pattern write …` of docs/deploy/acl: topics that end in (or name)
    /// the writer.
    fn write_patterns(&self, user: &UserId) -> [String; 6] {
        let p = &self.prefix;
        [
            format!("{p}/u/+/inbox/{user}"),
            format!("{p}/r/+/m/{user}"),
            format!("{p}/p/{user}"),
            format!("{p}/r/+/meta/{user}"),
            // Files (extension 12): chunks and requests, as oneself.
            format!("{p}/u/+/file/{user}"),
            format!("{p}/r/+/file/{user}"),
        ]
    }

    /// `pattern read …` of docs/deploy/acl: one's own inbox and files,
    /// every room and its files (whoever knows its id), everyone's presence.
    fn read_patterns(&self, user: &UserId) -> [String; 6] {
        let p = &self.prefix;
        [
            format!("{p}/u/{user}/inbox/+"),
            format!("{p}/r/+/m/+"),
            format!("{p}/r/+/meta/+"),
            format!("{p}/p/+"),
            format!("{p}/u/{user}/file/+"),
            format!("{p}/r/+/file/+"),
        ]
    }

    /// Whether `user` may publish on `topic` (also checked for the Last Will).
    pub fn may_write(&self, user: &UserId, topic: &str) -> bool {
        valid_topic(topic)
            && self
                .write_patterns(user)
                .iter()
                .any(|pattern| matches(topic, pattern))
    }

    /// Whether every topic `filter` can match is one `user` may read.
    /// Mosquitto grants any SUBSCRIBE and filters each delivery; here a
    /// filter that could deliver anything unreadable is refused whole.
    pub fn may_read(&self, user: &UserId, filter: &str) -> bool {
        valid_filter(filter)
            && self
                .read_patterns(user)
                .iter()
                .any(|pattern| covers(pattern, filter))
    }
}

/// Whether everything `filter` matches is matched by `pattern` (a pattern
/// with `+` levels, no `#`). Level by level: a `+` in the pattern covers
/// anything but `#`; a literal covers only itself.
fn covers(pattern: &str, filter: &str) -> bool {
    let (mut pattern, mut filter) = (pattern.split('/'), filter.split('/'));
    loop {
        match (pattern.next(), filter.next()) {
            (None, None) => return true,
            (Some("+"), Some(f)) if f != "#" => {}
            (Some(p), Some(f)) if p == f && f != "+" && f != "#" => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> AccessRules {
        AccessRules::new(Prefix::default())
    }

    fn user(s: &str) -> UserId {
        UserId::new(s).unwrap()
    }

    #[test]
    fn users_write_only_topics_that_name_them_as_sender() {
        let (r, alice) = (rules(), user("alice"));
        for topic in [
            "tether/v1/u/bob/inbox/alice",
            "tether/v1/r/lobby/m/alice",
            "tether/v1/r/lobby/meta/alice",
            "tether/v1/p/alice",
            "tether/v1/u/bob/file/alice",
            "tether/v1/r/lobby/file/alice",
        ] {
            assert!(r.may_write(&alice, topic), "{topic}");
        }
        for topic in [
            "tether/v1/u/bob/inbox/carol",
            "tether/v1/r/lobby/m/bob",
            "tether/v1/r/lobby/meta/bob",
            "tether/v1/p/bob",
            "tether/v1/u/bob/file/carol",
            "tether/v1/r/lobby/file/bob",
            "tether/v1/u/bob/inbox/alice/extra",
            "tether/v1/u/+/inbox/alice",
            "tether/v2/p/alice",
            "other/p/alice",
            "$SYS/broker/load",
            "",
        ] {
            assert!(!r.may_write(&alice, topic), "{topic}");
        }
    }

    #[test]
    fn users_read_their_inbox_rooms_and_presence_only() {
        let (r, bob) = (rules(), user("bob"));
        for filter in [
            "tether/v1/u/bob/inbox/+",
            "tether/v1/u/bob/inbox/alice",
            "tether/v1/r/+/m/+",
            "tether/v1/r/lobby/m/+",
            "tether/v1/r/lobby/meta/+",
            "tether/v1/p/+",
            "tether/v1/p/alice",
            "tether/v1/u/bob/file/+",
            "tether/v1/r/lobby/file/+",
        ] {
            assert!(r.may_read(&bob, filter), "{filter}");
        }
        for filter in [
            "tether/v1/u/alice/inbox/+",
            "tether/v1/u/alice/file/+",
            "tether/v1/u/+/file/+",
            "tether/v1/u/+/inbox/+",
            "tether/v1/u/bob/#",
            "tether/v1/#",
            "#",
            "tether/v1/+/bob/inbox/+",
            "tether/v1/p/+/x",
            "tether/v1/r/lobby/m/#",
            "tether/v1/u/bob/inbox/a#",
            "",
        ] {
            assert!(!r.may_read(&bob, filter), "{filter}");
        }
    }

    #[test]
    fn a_custom_prefix_moves_every_rule() {
        let r = AccessRules::new(Prefix::new("acme/chat").unwrap());
        let alice = user("alice");
        assert!(r.may_write(&alice, "acme/chat/p/alice"));
        assert!(!r.may_write(&alice, "tether/v1/p/alice"));
        assert!(r.may_read(&alice, "acme/chat/u/alice/inbox/+"));
        assert!(!r.may_read(&alice, "tether/v1/u/alice/inbox/+"));
    }
}
