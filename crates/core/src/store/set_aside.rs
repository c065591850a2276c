//! Publishes the broker keeps refusing: counted, set aside, retried or
//! deleted by the user (see `engine/suspects.rs` for when).

use rusqlite::{OptionalExtension, params};

use super::rows::{MESSAGE_COLUMNS, RawMessage};
use super::{ConversationId, MessageStatus, Store, StoreError, StoredMessage};
use crate::protocol::MessageId;

impl Store {
    /// The broker closed a link while outbox row `outbox_id` was the oldest
    /// publish it had not acknowledged: counts it; returns the count (0 if
    /// the row is gone).
    pub fn outbox_strike(&mut self, outbox_id: i64) -> Result<u32, StoreError> {
        let strikes: Option<i64> = self
            .conn
            .prepare_cached(
                "UPDATE outbox SET strikes = strikes + 1 WHERE id = ?1 RETURNING strikes",
            )?
            .query_row(params![outbox_id], |r| r.get(0))
            .optional()?;
        Ok(u32::try_from(strikes.unwrap_or(0)).unwrap_or(u32::MAX))
    }

    /// Stops publishing outbox row `outbox_id`. A row that carries one of
    /// our messages still `Queued` stays, set aside, and the message
    /// becomes `Failed` (its id is returned); any other row is deleted: a
    /// receipt or presence is only worth anything on time, and a resend of
    /// a message the broker already acknowledged once leaves it `Sent`.
    pub fn set_aside(&mut self, outbox_id: i64) -> Result<Option<MessageId>, StoreError> {
        let tx = self.conn.transaction()?;
        let failed: Option<Vec<u8>> = tx
            .prepare_cached(
                "UPDATE messages SET status = ?2
                  WHERE status = ?3
                    AND id = (SELECT message_id FROM outbox WHERE id = ?1)
                  RETURNING id",
            )?
            .query_row(
                params![
                    outbox_id,
                    MessageStatus::Failed.code(),
                    MessageStatus::Queued.code()
                ],
                |r| r.get(0),
            )
            .optional()?;
        match &failed {
            Some(_) => tx
                .prepare_cached("UPDATE outbox SET set_aside = 1 WHERE id = ?1")?
                .execute(params![outbox_id])?,
            None => tx
                .prepare_cached("DELETE FROM outbox WHERE id = ?1")?
                .execute(params![outbox_id])?,
        };
        tx.commit()?;
        failed
            .map(|mid| super::rows::uuid_from_blob(&mid, "messages.id"))
            .transpose()
    }

    /// Puts a `Failed` message back in the outbox, behind everything queued
    /// now, with its count of strikes cleared; `false` if it is not failed.
    pub fn retry_failed(&mut self, id: MessageId) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        let blob = id.as_bytes().as_slice();
        let queued = tx
            .prepare_cached("UPDATE messages SET status = ?2 WHERE id = ?1 AND status = ?3")?
            .execute(params![
                blob,
                MessageStatus::Queued.code(),
                MessageStatus::Failed.code()
            ])?;
        if queued == 0 {
            return Ok(false);
        }
        // A new id puts it last: the publisher replays by id, and an id at
        // or below its cursor would wait for the next link. Taken from
        // AUTOINCREMENT's counter, so no id ever used (and perhaps handed
        // out on this link already) comes back.
        let next: i64 = tx
            .prepare_cached(
                "UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'outbox' RETURNING seq",
            )?
            .query_row([], |r| r.get(0))?;
        tx.prepare_cached(
            "UPDATE outbox SET set_aside = 0, strikes = 0, id = ?2
              WHERE message_id = ?1 AND set_aside = 1",
        )?
        .execute(params![blob, next])?;
        tx.commit()?;
        Ok(true)
    }

    /// Deletes a `Failed` message and its publish for good; returns its
    /// conversation, or `None` if no such message is failed. The
    /// conversation's preview falls back to the message before it.
    /// (Its `seq` was given out: recipients report one message missing.)
    pub fn delete_failed(&mut self, id: MessageId) -> Result<Option<ConversationId>, StoreError> {
        let Some(message) = self.message(id)? else {
            return Ok(None);
        };
        let tx = self.conn.transaction()?;
        let blob = id.as_bytes().as_slice();
        let conv: Option<i64> = tx
            .prepare_cached("DELETE FROM messages WHERE id = ?1 AND status = ?2 RETURNING conv")?
            .query_row(params![blob, MessageStatus::Failed.code()], |r| r.get(0))
            .optional()?;
        let Some(conv) = conv else {
            return Ok(None);
        };
        tx.prepare_cached("DELETE FROM outbox WHERE message_id = ?1 AND set_aside = 1")?
            .execute(params![blob])?;
        // An SMS: its parts go too, so none still queued is sent (a part's
        // second Msg_Id goes with it, by its foreign key).
        tx.prepare_cached("DELETE FROM sms_parts WHERE message_id = ?1")?
            .execute(params![blob])?;
        tx.prepare_cached("DELETE FROM sms_remote WHERE message_id = ?1")?
            .execute(params![blob])?;
        tx.prepare_cached(
            "UPDATE conversations SET (last_ts, last_id, last_text, last_sender) =
                (SELECT ts, id, CASE WHEN unsupported = 0 THEN text END, sender
                   FROM messages WHERE conv = ?1 ORDER BY ts DESC, id DESC LIMIT 1)
              WHERE id = ?1",
        )?
        .execute(params![conv])?;
        tx.commit()?;
        Ok(Some(message.conversation))
    }

    /// Our messages that are set aside as `Failed`, oldest first.
    pub fn failed_messages(&self) -> Result<Vec<StoredMessage>, StoreError> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m JOIN conversations c ON c.id = m.conv
              WHERE m.status = ?1 ORDER BY m.ts, m.id"
        );
        let raw = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params![MessageStatus::Failed.code()], RawMessage::from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        raw.into_iter().map(RawMessage::decode).collect()
    }

    /// Publishes set aside (see [`Store::set_aside`]).
    /// (Tests only.)
    #[cfg(test)]
    pub fn set_aside_len(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM outbox WHERE set_aside = 1")?
            .query_row([], |r| r.get(0))?;
        super::rows::to_u64(n, "set-aside count")
    }
}
