//! Delivery/read receipts for our own messages.
//!
//! The sender of a receipt is known from its topic, which the broker ACL ties
//! to the MQTT username; the store adds the second half of the anti-spoofing
//! rule: a receipt only counts for messages in a conversation that involves
//! its sender.

use std::collections::HashSet;

use rusqlite::{Connection, params};

use super::rows::json_message_ids;
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

#[cfg(test)]
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
    /// (Tests only.)
    #[cfg(test)]
    pub fn apply_receipt(
        &mut self,
        from: &UserId,
        ids: &[MessageId],
        status: ReceiptStatus,
        ts: i64,
    ) -> Result<Vec<(MessageId, MessageStatus)>, StoreError> {
        let tx = self.conn.transaction()?;
        let changed = apply_receipt_in(&tx, from, ids, status, ts)?;
        tx.commit()?;
        Ok(changed)
    }

    /// Receipts recorded for one of our messages: (user, best status, its ts), by user.
    /// (Tests only.)
    #[cfg(test)]
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
            .map(|(user, status, ts)| {
                Ok((
                    super::rows::user_from_str(&user)?,
                    receipt_from_code(status)?,
                    ts,
                ))
            })
            .collect()
    }
}

/// `apply_receipt` inside the caller's transaction.
pub(super) fn apply_receipt_in(
    tx: &Connection,
    from: &UserId,
    ids: &[MessageId],
    status: ReceiptStatus,
    ts: i64,
) -> Result<Vec<(MessageId, MessageStatus)>, StoreError> {
    let code = receipt_code(status);
    // Three statements for the whole receipt rather than three per id.
    let ours = tx
        .prepare_cached(
            "SELECT m.id, c.key FROM messages m JOIN conversations c ON c.id = m.conv
              WHERE m.outgoing = 1
                AND m.id IN (SELECT unhex(value) FROM json_each(?1))",
        )?
        .query_map(params![json_message_ids(ids)], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut allowed = HashSet::with_capacity(ours.len());
    for (id, key) in ours {
        let ok = match ConversationId::parse_key(&key)? {
            ConversationId::Direct(peer) => peer == *from,
            ConversationId::Room(_) => true,
            // Chat receipts never come from a telephone number.
            ConversationId::Phone(_) => false,
        };
        if ok {
            allowed.insert(id);
        }
    }
    if allowed.is_empty() {
        return Ok(Vec::new());
    }
    let allowed = json_message_ids(
        ids.iter()
            .filter(|id| allowed.contains(id.as_bytes().as_slice())),
    );
    tx.prepare_cached(
        "INSERT INTO receipts(message_id, user, status, ts)
         SELECT unhex(value), ?2, ?3, ?4 FROM json_each(?1) WHERE true
         ON CONFLICT(message_id, user) DO UPDATE
            SET status = excluded.status, ts = excluded.ts
          WHERE excluded.status > receipts.status",
    )?
    .execute(params![allowed, from.as_str(), code, ts])?;
    let raised = tx
        .prepare_cached(
            // A confirmed message needs no resend: its plan goes now, not
            // in a sweep of every planned row when the resend timer fires.
            "UPDATE messages SET status = ?2, resend_due = NULL
              WHERE id IN (SELECT unhex(value) FROM json_each(?1)) AND status < ?2
              RETURNING id",
        )?
        .query_map(params![allowed, code], |r| r.get::<_, Vec<u8>>(0))?
        .collect::<Result<HashSet<_>, _>>()?;
    let new_status = MessageStatus::from_code(code)?;
    // In the order asked, each id once.
    let mut seen = HashSet::new();
    Ok(ids
        .iter()
        .filter(|id| raised.contains(id.as_bytes().as_slice()) && seen.insert(**id))
        .map(|id| (*id, new_status))
        .collect())
}
