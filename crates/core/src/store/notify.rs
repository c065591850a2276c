//! Notification settings per conversation (schema V9; the decision is
//! `model::should_notify`).

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};
use crate::model::{ConversationId, ConversationNotify, NotifyLevel};

fn level_code(level: NotifyLevel) -> i64 {
    match level {
        NotifyLevel::All => 0,
        NotifyLevel::Mentions => 1,
        NotifyLevel::Muted => 2,
    }
}

fn level_from(code: i64) -> Result<NotifyLevel, StoreError> {
    match code {
        0 => Ok(NotifyLevel::All),
        1 => Ok(NotifyLevel::Mentions),
        2 => Ok(NotifyLevel::Muted),
        _ => Err(StoreError::corrupt(format!(
            "conversation_notify.level = {code}"
        ))),
    }
}

type Raw = (String, i64, Option<i64>, bool);

fn decode((conv, level, until_ms, mute_mentions): Raw) -> Result<ConversationNotify, StoreError> {
    Ok(ConversationNotify {
        conversation: ConversationId::parse_key(&conv)?,
        level: level_from(level)?,
        until_ms,
        mute_mentions,
    })
}

impl Store {
    /// Keeps a conversation's setting; the default (all, no mute) removes it.
    pub fn set_conversation_notify(&mut self, n: &ConversationNotify) -> Result<(), StoreError> {
        let key = n.conversation.key();
        if n.level == NotifyLevel::All && !n.mute_mentions {
            self.conn
                .prepare_cached("DELETE FROM conversation_notify WHERE conv = ?1")?
                .execute([key])?;
            return Ok(());
        }
        self.conn
            .prepare_cached(
                "INSERT INTO conversation_notify(conv, level, until, mute_mentions)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(conv) DO UPDATE SET level = excluded.level,
                    until = excluded.until, mute_mentions = excluded.mute_mentions",
            )?
            .execute(params![
                key,
                level_code(n.level),
                n.until_ms,
                n.mute_mentions
            ])?;
        Ok(())
    }

    /// One conversation's setting, if it has one.
    pub fn conversation_notify(
        &self,
        conv: &ConversationId,
    ) -> Result<Option<ConversationNotify>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT conv, level, until, mute_mentions FROM conversation_notify WHERE conv = ?1",
            )?
            .query_row([conv.key()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?
            .map(decode)
            .transpose()
    }

    /// Every conversation's setting that is not the default.
    pub fn conversation_notifies(&self) -> Result<Vec<ConversationNotify>, StoreError> {
        let rows = self
            .conn
            .prepare_cached("SELECT conv, level, until, mute_mentions FROM conversation_notify")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<Vec<Raw>, _>>()?;
        rows.into_iter().map(decode).collect()
    }
}
