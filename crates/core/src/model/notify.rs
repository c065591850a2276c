//! Who gets a desktop notification for a message: the conversation's
//! level (all, mentions only, muted for a while or for good), a global
//! do-not-disturb, and whether the message mentions the user.
//!
//! The decision is [`should_notify`], pure, so the shell, the CLI and the
//! tests share it.

use serde::{Deserialize, Serialize};

use super::{ConversationId, StoredMessage};
use crate::protocol::UserId;

/// How much of a conversation notifies.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NotifyLevel {
    /// Every message from someone else.
    #[default]
    All,
    /// Only messages that mention the user.
    Mentions,
    /// Nothing, but mentions unless `mute_mentions` (until `until_ms`).
    Muted,
}

/// A conversation's notification setting.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationNotify {
    pub conversation: ConversationId,
    pub level: NotifyLevel,
    /// When a mute ends (ms since the epoch); `None`: until changed.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub until_ms: Option<i64>,
    /// While muted, mentions stay silent too.
    pub mute_mentions: bool,
}

impl ConversationNotify {
    /// The level in force at `now_ms`: a mute that ended is `All` again.
    pub fn level_at(&self, now_ms: i64) -> NotifyLevel {
        match (self.level, self.until_ms) {
            (NotifyLevel::Muted, Some(until)) if until <= now_ms => NotifyLevel::All,
            (level, _) => level,
        }
    }
}

/// Settings that hold for every conversation and account.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GlobalNotify {
    /// Do not disturb until then (ms since the epoch; `i64::MAX`: until
    /// turned off); `None`: off.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub dnd_until_ms: Option<i64>,
    /// Notifications say who wrote, not what.
    pub hide_text: bool,
}

impl GlobalNotify {
    pub fn dnd_at(&self, now_ms: i64) -> bool {
        self.dnd_until_ms.is_some_and(|until| until > now_ms)
    }
}

/// Whether `text` mentions `user`: `@user` at the start or after a space
/// or punctuation that cannot be part of an id, and not followed by a
/// character that could continue one (so `@bob` does not mention `bo`).
/// Case-sensitive, as user ids are.
pub fn mentions(text: &str, user: &UserId) -> bool {
    let needle = format!("@{}", user.as_str());
    let is_id_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    text.match_indices(&needle).any(|(at, _)| {
        let before_ok = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !is_id_char(c));
        let rest = &text[at + needle.len()..];
        // A trailing '.' ends a sentence more often than it continues an id.
        let after_ok = match rest.chars().next() {
            None => true,
            Some('.') => rest[1..].chars().next().is_none_or(|c| !is_id_char(c)),
            Some(c) => !is_id_char(c),
        };
        before_ok && after_ok
    })
}

/// Whether `message` should raise a notification for `me` (the chat
/// user; `None` on an SMS account, which has no id to mention).
pub fn should_notify(
    message: &StoredMessage,
    me: Option<&UserId>,
    conversation: Option<&ConversationNotify>,
    global: &GlobalNotify,
    now_ms: i64,
) -> bool {
    if message.outgoing || me == Some(&message.sender) || global.dnd_at(now_ms) {
        return false;
    }
    let level = conversation.map_or(NotifyLevel::All, |c| c.level_at(now_ms));
    let mute_mentions = conversation.is_some_and(|c| c.mute_mentions);
    let mentioned = || me.is_some_and(|me| mentions(&message.text, me));
    match level {
        NotifyLevel::All => true,
        NotifyLevel::Mentions => mentioned(),
        NotifyLevel::Muted => !mute_mentions && mentioned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MessageStatus;

    fn bob() -> UserId {
        UserId::new("bob").unwrap()
    }

    fn from_alice(text: &str) -> StoredMessage {
        StoredMessage {
            id: uuid::Uuid::now_v7(),
            conversation: ConversationId::Room("dev".parse().unwrap()),
            sender: UserId::new("alice").unwrap(),
            ts: 1,
            seq: Some(1),
            text: text.into(),
            reply_to: None,
            outgoing: false,
            status: MessageStatus::Received,
            unsupported: false,
            changes: Default::default(),
            file: None,
        }
    }

    fn setting(
        level: NotifyLevel,
        until_ms: Option<i64>,
        mute_mentions: bool,
    ) -> ConversationNotify {
        ConversationNotify {
            conversation: ConversationId::Room("dev".parse().unwrap()),
            level,
            until_ms,
            mute_mentions,
        }
    }

    #[test]
    fn a_mention_is_the_whole_id_and_nothing_more() {
        for yes in [
            "@bob",
            "hi @bob",
            "@bob, look",
            "(@bob)",
            "thanks @bob.",
            "@bob: hi",
        ] {
            assert!(mentions(yes, &bob()), "{yes}");
        }
        for no in [
            "bob",
            "@bobby",
            "me@bob",
            "@bob.smith",
            "@bo",
            "@Bob",
            "@bob_x",
        ] {
            assert!(!mentions(no, &bob()), "{no}");
        }
    }

    #[test]
    fn levels_mutes_and_do_not_disturb() {
        let global = GlobalNotify::default();
        let plain = from_alice("standup in 5");
        let mention = from_alice("@bob can you look?");
        let at = |s: Option<&ConversationNotify>, m: &StoredMessage, g: &GlobalNotify| {
            should_notify(m, Some(&bob()), s, g, 1_000)
        };
        assert!(at(None, &plain, &global));
        let only_mentions = setting(NotifyLevel::Mentions, None, false);
        assert!(!at(Some(&only_mentions), &plain, &global));
        assert!(at(Some(&only_mentions), &mention, &global));
        let muted = setting(NotifyLevel::Muted, None, false);
        assert!(!at(Some(&muted), &plain, &global));
        assert!(at(Some(&muted), &mention, &global));
        let all_muted = setting(NotifyLevel::Muted, None, true);
        assert!(!at(Some(&all_muted), &mention, &global));
        // A mute for an hour that is over.
        let over = setting(NotifyLevel::Muted, Some(999), true);
        assert!(at(Some(&over), &plain, &global));
        let dnd = GlobalNotify {
            dnd_until_ms: Some(i64::MAX),
            hide_text: false,
        };
        assert!(!at(None, &mention, &dnd));
        let mut mine = plain.clone();
        mine.outgoing = true;
        assert!(!at(None, &mine, &global));
    }
}
