//! Delivery/read receipts for our own messages.
//!
//! The sender of a receipt is known from its topic, which the broker ACL ties
//! to the MQTT username; the store adds the second half of the anti-spoofing
//! rule: a receipt only counts for messages in a conversation that involves
//! its sender.

use rusqlite::{OptionalExtension, params};

use super::rows::user_from_str;
use super::{ConversationId, MessageStatus, Store, StoreError};
use crate::protocol::{MessageId, ReceiptStatus, UserId};

/// Receipt statuses share the outgoing message status codes so "raise" is a
/// plain integer `max`.
fn receipt_code(status: ReceiptStatus) -> i64 {
    match status {
        ReceiptStatus::Delivered => MessageStatus::Delivered.code(),
        ReceiptStatus::Read => MessageStatus::Read.code(),
    }
}

fn receipt_from_code(code: i64) -> Result<ReceiptStatus, StoreError> {
    match MessageStatus::from_code(code)? {
        MessageStatus::Delivered => Ok(ReceiptStatus::Delivered),
        MessageStatus::Read => Ok(ReceiptStatus::Read),
        other => Err(StoreError::corrupt(format!("receipt status {other}"))),
    }
}

impl Store {
    /// Applies a receipt from `from` for `ids`.
    ///
    /// Ignored for ids that are unknown, not ours, or in a direct chat with
    /// someone other than `from`. Rooms accept any sender since membership is
    /// open. Statuses only ever rise. Returns the messages whose status
    /// changed, with their new status.
    pub fn apply_receipt(
        &mut self,
        from: &UserId,
        ids: &[MessageId],
        status: ReceiptStatus,
        ts: i64,
    ) -> Result<Vec<(MessageId, MessageStatus)>, StoreError> {
        let code = receipt_code(status);
        let tx = self.conn.transaction()?;
        let mut changed = Vec::new();
        for id in ids {
            let blob = id.as_bytes().as_slice();
            let row: Option<(String, bool, i64)> = tx
                .prepare_cached(
                    "SELECT c.key, m.outgoing, m.status FROM messages m
                       JOIN conversations c ON c.id = m.conv WHERE m.id = ?1",
                )?
                .query_row(params![blob], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            let Some((key, outgoing, current)) = row else {
                continue;
            };
            let allowed = match ConversationId::parse_key(&key)? {
                ConversationId::Direct(peer) => peer == *from,
                ConversationId::Room(_) => true,
            };
            if !outgoing || !allowed {
                continue;
            }
            tx.prepare_cached(
                "INSERT INTO receipts(message_id, user, status, ts) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(message_id, user) DO UPDATE
                    SET status = excluded.status, ts = excluded.ts
                  WHERE excluded.status > receipts.status",
            )?
            .execute(params![blob, from.as_str(), code, ts])?;
            if code > current {
                tx.prepare_cached("UPDATE messages SET status = ?2 WHERE id = ?1")?
                    .execute(params![blob, code])?;
                changed.push((*id, MessageStatus::from_code(code)?));
            }
        }
        tx.commit()?;
        Ok(changed)
    }

    /// Receipts recorded for one of our messages: (user, best status, its ts), by user.
    pub fn receipts_for(
        &self,
        id: MessageId,
    ) -> Result<Vec<(UserId, ReceiptStatus, i64)>, StoreError> {
        let raw = self
            .conn
            .prepare_cached(
                "SELECT user, status, ts FROM receipts WHERE message_id = ?1 ORDER BY user",
            )?
            .query_map(params![id.as_bytes().as_slice()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        raw.into_iter()
            .map(|(user, status, ts)| Ok((user_from_str(&user)?, receipt_from_code(status)?, ts)))
            .collect()
    }
}
