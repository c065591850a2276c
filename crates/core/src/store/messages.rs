//! Incoming messages, history pages, the conversation list and read state.

use rusqlite::{Connection, OptionalExtension, params};

use super::batch::Batch;
use super::inserts::{insert_message, insert_outbox};
use super::rows::{
    MESSAGE_COLUMNS, RawMessage, conversation_rowid, limit_param, to_u64, user_from_str,
    uuid_from_blob,
};
use super::{
    ConversationId, ConversationSummary, OutboxEntry, Store, StoreError, Stored, StoredMessage,
};
use super::{changes, seq};
use crate::protocol::{MessageId, UserId};

/// Whether a message with this id is stored.
fn exists(conn: &Connection, id: &MessageId) -> Result<bool, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM messages WHERE id = ?1")?;
    Ok(stmt.exists(params![id.as_bytes().as_slice()])?)
}

/// Which way a history page runs from its cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Newest first, strictly before the cursor (or from the newest).
    Older,
    /// Oldest first, strictly after the cursor.
    Newer,
}

/// The history page query; `?1` conversation rowid, `?2` limit, and with a
/// cursor `?3`/`?4` the exclusive bound `(ts, id)` on the page's side.
pub(crate) fn history_sql(direction: Direction, with_cursor: bool) -> String {
    let (cmp, order) = match direction {
        Direction::Older => ("<", "DESC"),
        Direction::Newer => (">", "ASC"),
    };
    let cursor = if with_cursor {
        format!("AND (m.ts, m.id) {cmp} (?3, ?4)")
    } else {
        String::new()
    };
    format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages m JOIN conversations c ON c.id = m.conv
          WHERE m.conv = ?1 {cursor} AND m.deleted != 2
          ORDER BY m.ts {order}, m.id {order} LIMIT ?2"
    )
}

/// The body of `store_incoming`, shared with the batch variant so both run
/// the same rules inside whatever transaction the caller holds.
fn store_one(
    conn: &Connection,
    msg: &StoredMessage,
    batch: &mut Batch,
) -> Result<Stored, StoreError> {
    // Checked before touching anything, so a duplicate (possibly claiming a
    // different conversation) cannot even create an empty conversation row.
    if exists(conn, &msg.id)? {
        return Ok(Stored::Duplicate);
    }
    let conv_id = insert_message(conn, msg, batch)?;
    let outcome = match msg.seq {
        Some(s) if !msg.outgoing => {
            seq::track(conn, batch, conv_id, &msg.conversation, &msg.sender, s)?
        }
        _ => seq::SeqOutcome::default(),
    };
    Ok(Stored::New {
        gap: outcome.gap,
        filled: outcome.filled,
        late: Default::default(),
    })
}

/// Applies the changes that arrived before the messages just stored.
fn settle_late_changes(
    conn: &Connection,
    msgs: &[StoredMessage],
    outcomes: &mut [Stored],
) -> Result<(), StoreError> {
    if !changes::any_pending(conn)? {
        return Ok(());
    }
    for (msg, outcome) in msgs.iter().zip(outcomes) {
        if let Stored::New { late, .. } = outcome {
            *late = changes::settle_pending(conn, &msg.id)?;
        }
    }
    Ok(())
}

impl Store {
    /// Whether the file of (sender, transfer) is here, whole and verified.
    pub fn is_downloaded(&self, sender: &UserId, id: uuid::Uuid) -> Result<bool, StoreError> {
        super::files::is_downloaded(&self.conn, sender, id)
    }

    /// Stores one received message, de-duplicating by id. See [`Stored`].
    /// (Tests only.)
    #[cfg(test)]
    pub fn store_incoming(&mut self, msg: &StoredMessage) -> Result<Stored, StoreError> {
        let tx = self.conn.transaction()?;
        let mut batch = Batch::default();
        let mut res = store_one(&tx, msg, &mut batch)?;
        batch.finish(&tx)?;
        settle_late_changes(
            &tx,
            std::slice::from_ref(msg),
            std::slice::from_mut(&mut res),
        )?;
        tx.commit()?;
        Ok(res)
    }

    /// Like `store_incoming` for many messages in one transaction:
    /// one commit (one WAL append of the touched pages) instead of one per
    /// message, which is what makes draining a large offline queue fast.
    pub fn store_incoming_batch(
        &mut self,
        msgs: &[StoredMessage],
    ) -> Result<Vec<Stored>, StoreError> {
        self.store_incoming_batch_and_enqueue(msgs, &[], &[])
    }

    /// [`Store::store_incoming_batch`], and `publishes` (the receipts for
    /// those messages) queued in the same transaction: one commit for both.
    ///
    /// `files` are the files some of these messages announce (extension
    /// 12), recorded with them.
    pub fn store_incoming_batch_and_enqueue(
        &mut self,
        msgs: &[StoredMessage],
        publishes: &[OutboxEntry],
        files: &[(MessageId, crate::protocol::FileBody)],
    ) -> Result<Vec<Stored>, StoreError> {
        let tx = self.conn.transaction()?;
        for entry in publishes {
            insert_outbox(&tx, entry, None)?;
        }
        let mut batch = Batch::default();
        let mut res = msgs
            .iter()
            .map(|m| store_one(&tx, m, &mut batch))
            .collect::<Result<Vec<_>, _>>()?;
        for (id, file) in files {
            let stored = msgs.iter().zip(&res).find(|(m, _)| m.id == *id);
            if let Some((message, Stored::New { .. })) = stored {
                super::files::record_announced(&tx, message, file)?;
            }
        }
        // After `finish`: a late edit of the newest message must win over
        // the preview `finish` writes.
        batch.finish(&tx)?;
        settle_late_changes(&tx, msgs, &mut res)?;
        tx.commit()?;
        Ok(res)
    }

    /// One message by id.
    pub fn message(&self, id: MessageId) -> Result<Option<StoredMessage>, StoreError> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m JOIN conversations c ON c.id = m.conv
              WHERE m.id = ?1"
        );
        self.conn
            .prepare_cached(&sql)?
            .query_row(params![id.as_bytes().as_slice()], RawMessage::from_row)
            .optional()?
            .map(RawMessage::decode)
            .transpose()?
            .map(|message| {
                let mut one = [message];
                changes::attach_reactions(&self.conn, &mut one)?;
                super::attachments::attach_files(&self.conn, &mut one)?;
                let [message] = one;
                Ok(message)
            })
            .transpose()
    }

    /// A page of history: the `limit` newest messages strictly before `before`
    /// (or the newest overall), returned oldest first, ordered by `(ts, id)`.
    pub fn history(
        &self,
        conv: &ConversationId,
        before: Option<(i64, MessageId)>,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        let mut page = self.page(conv, Direction::Older, before, limit)?;
        page.reverse();
        Ok(page)
    }

    /// The `limit` oldest messages strictly after `after`, oldest first: the
    /// way back down to the present from a message opened in the past (a
    /// search hit).
    pub fn history_after(
        &self,
        conv: &ConversationId,
        after: (i64, MessageId),
        limit: usize,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        self.page(conv, Direction::Newer, Some(after), limit)
    }

    /// One page in the query's own order.
    fn page(
        &self,
        conv: &ConversationId,
        direction: Direction,
        cursor: Option<(i64, MessageId)>,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        let Some(conv_id) = conversation_rowid(&self.conn, conv)? else {
            return Ok(Vec::new());
        };
        // Walking messages_conv_ts from the cursor makes this O(page) however
        // long the conversation is; the row-value comparison is what lets
        // SQLite seek instead of filtering.
        let limit = limit_param(limit);
        let sql = history_sql(direction, cursor.is_some());
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let raw = match cursor {
            Some((ts, id)) => stmt
                .query_map(
                    params![conv_id, limit, ts, id.as_bytes().as_slice()],
                    RawMessage::from_row,
                )?
                .collect::<Result<Vec<_>, _>>()?,
            None => stmt
                .query_map(params![conv_id, limit], RawMessage::from_row)?
                .collect::<Result<Vec<_>, _>>()?,
        };
        let mut page = raw
            .into_iter()
            .map(RawMessage::decode)
            .collect::<Result<Vec<_>, _>>()?;
        changes::attach_reactions(&self.conn, &mut page)?;
        super::attachments::attach_files(&self.conn, &mut page)?;
        Ok(page)
    }

    /// All conversations, most recent activity first (empty ones last).
    pub fn conversations(&self) -> Result<Vec<ConversationSummary>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT key, title, last_ts, last_text, last_sender, unread,
                    coalesce((SELECT deleted = 1 FROM messages WHERE id = c.last_id), 0)
               FROM conversations c
              ORDER BY last_ts DESC NULLS LAST, last_id DESC, key",
        )?;
        let raw = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, bool>(6)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        raw.into_iter()
            .map(
                |(key, title, last_ts, last_text, last_sender, unread, last_deleted)| {
                    Ok(ConversationSummary {
                        id: ConversationId::parse_key(&key)?,
                        title,
                        last_ts,
                        last_text,
                        last_deleted,
                        last_sender: last_sender.as_deref().map(user_from_str).transpose()?,
                        unread: to_u64(unread, "conversations.unread")?,
                    })
                },
            )
            .collect()
    }

    /// Sum of unread counts over all conversations.
    pub fn unread_total(&self) -> Result<u64, StoreError> {
        let total: i64 = self
            .conn
            .prepare_cached("SELECT COALESCE(SUM(unread), 0) FROM conversations")?
            .query_row([], |r| r.get(0))?;
        to_u64(total, "unread total")
    }

    /// Marks a conversation unread again from message `from` on: its
    /// unread count becomes the number of messages from others shown from
    /// there; returns it. (What was acknowledged as read stays so: this is
    /// the user's own reminder.)
    pub fn mark_unread(
        &mut self,
        conv: &ConversationId,
        from: MessageId,
    ) -> Result<u64, StoreError> {
        let Some(conv_id) = conversation_rowid(&self.conn, conv)? else {
            return Ok(0);
        };
        let unread: Option<i64> = self
            .conn
            .prepare_cached(
                "UPDATE conversations SET unread = (
                    SELECT count(*) FROM messages m, messages f
                     WHERE f.id = ?2 AND f.conv = ?1 AND m.conv = ?1 AND m.outgoing = 0
                       AND m.deleted != 2 AND (m.ts, m.id) >= (f.ts, f.id))
                  WHERE id = ?1 AND EXISTS (SELECT 1 FROM messages WHERE id = ?2 AND conv = ?1)
                  RETURNING unread",
            )?
            .query_row(params![conv_id, from.as_bytes().as_slice()], |r| r.get(0))
            .optional()?;
        to_u64(unread.unwrap_or(0), "conversations.unread")
    }

    /// Marks a conversation read: clears its unread count and returns the
    /// incoming messages that still need a `read` receipt, grouped by sender.
    /// Each message is returned by exactly one call.
    pub fn mark_read(
        &mut self,
        conv: &ConversationId,
    ) -> Result<Vec<(UserId, Vec<MessageId>)>, StoreError> {
        let tx = self.conn.transaction()?;
        let Some(conv_id) = conversation_rowid(&tx, conv)? else {
            return Ok(Vec::new());
        };
        tx.prepare_cached("UPDATE conversations SET unread = 0 WHERE id = ?1")?
            .execute(params![conv_id])?;
        // RETURNING hands back exactly the rows this statement flipped, so a
        // message can never be both skipped and acknowledged twice.
        let raw = tx
            .prepare_cached(
                "UPDATE messages SET read_acked = 1
                  WHERE conv = ?1 AND outgoing = 0 AND read_acked = 0
                  RETURNING sender, ts, id",
            )?
            .query_map(params![conv_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        tx.commit()?;

        let mut rows = raw
            .into_iter()
            .map(|(sender, ts, id)| Ok((sender, ts, uuid_from_blob(&id, "messages.id")?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        // RETURNING order is unspecified; sort for stable, display-ordered receipts.
        rows.sort();
        let mut grouped: Vec<(UserId, Vec<MessageId>)> = Vec::new();
        for (sender, _, id) in rows {
            match grouped.last_mut() {
                Some((u, ids)) if u.as_str() == sender => ids.push(id),
                _ => grouped.push((user_from_str(&sender)?, vec![id])),
            }
        }
        Ok(grouped)
    }
}
