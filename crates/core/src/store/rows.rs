//! Encoding and decoding between Rust values and SQLite columns.
//!
//! Row closures given to rusqlite can only fail with `rusqlite::Error`, so rows
//! are first read into raw column values and decoded afterwards, where a bad
//! value becomes a [`StoreError::Corrupt`] naming what was wrong.

use std::str::FromStr;

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{ConversationId, MessageStatus, StoreError, StoredMessage};
use crate::model::{Deletion, MessageChanges};
use crate::protocol::{MessageId, UserId};

/// Column list matching [`RawMessage::from_row`]; the query must alias
/// `messages` as `m` and `conversations` as `c`.
pub(crate) const MESSAGE_COLUMNS: &str = "m.id, c.key, m.sender, m.ts, m.seq, m.text, \
     m.reply_to, m.outgoing, m.status, m.unsupported, m.edited_ts, m.deleted";

/// A `messages` row joined with its conversation key, not yet validated.
pub(crate) struct RawMessage {
    id: Vec<u8>,
    key: String,
    sender: String,
    ts: i64,
    seq: Option<i64>,
    text: String,
    reply_to: Option<Vec<u8>>,
    outgoing: bool,
    status: i64,
    unsupported: bool,
    edited_ts: Option<i64>,
    deleted: i64,
}

impl RawMessage {
    /// Reads the columns listed in [`MESSAGE_COLUMNS`], starting at column 0.
    pub(crate) fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(RawMessage {
            id: row.get(0)?,
            key: row.get(1)?,
            sender: row.get(2)?,
            ts: row.get(3)?,
            seq: row.get(4)?,
            text: row.get(5)?,
            reply_to: row.get(6)?,
            outgoing: row.get(7)?,
            status: row.get(8)?,
            unsupported: row.get(9)?,
            edited_ts: row.get(10)?,
            deleted: row.get(11)?,
        })
    }

    /// Validates every column.
    pub(crate) fn decode(self) -> Result<StoredMessage, StoreError> {
        Ok(StoredMessage {
            id: uuid_from_blob(&self.id, "messages.id")?,
            conversation: ConversationId::parse_key(&self.key)?,
            sender: user_from_str(&self.sender)?,
            ts: self.ts,
            seq: self.seq.map(|s| to_u64(s, "messages.seq")).transpose()?,
            text: self.text,
            reply_to: self
                .reply_to
                .map(|b| uuid_from_blob(&b, "messages.reply_to"))
                .transpose()?,
            outgoing: self.outgoing,
            status: MessageStatus::from_code(self.status)?,
            unsupported: self.unsupported,
            // Reactions live in their own table: `changes::attach_reactions`.
            changes: MessageChanges {
                edited_ts: self.edited_ts,
                deleted: deletion_from_code(self.deleted)?,
                reactions: Vec::new(),
            },
            // Files live in their own table: `files::attach_files`.
            file: None,
        })
    }
}

/// `messages.deleted`: 0 not deleted, 1 for everyone, 2 for us.
pub(crate) fn deletion_from_code(code: i64) -> Result<Option<Deletion>, StoreError> {
    match code {
        0 => Ok(None),
        1 => Ok(Some(Deletion::Everyone)),
        2 => Ok(Some(Deletion::Me)),
        _ => Err(StoreError::corrupt(format!("messages.deleted = {code}"))),
    }
}

/// Decodes a 16-byte uuid column.
pub(crate) fn uuid_from_blob(bytes: &[u8], what: &str) -> Result<MessageId, StoreError> {
    MessageId::from_slice(bytes).map_err(|_| StoreError::corrupt(format!("{what}: not a uuid")))
}

/// Decodes a user id column.
pub(crate) fn user_from_str(s: &str) -> Result<UserId, StoreError> {
    UserId::from_str(s).map_err(|_| StoreError::corrupt(format!("user id {s:?}")))
}

/// Counters are unsigned in the API but SQLite integers are signed.
pub(crate) fn to_i64(v: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::Invalid {
        what: format!("{what} = {v} exceeds i64::MAX"),
    })
}

/// Inverse of [`to_i64`]; a negative value can only come from outside edits.
pub(crate) fn to_u64(v: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::corrupt(format!("{what} = {v} is negative")))
}

/// `LIMIT` parameter: SQLite takes i64; anything larger is "no limit" anyway.
/// A list of rowids as a JSON array, bound as one parameter and read in SQL
/// with `json_each`: one statement for a whole run of rows.
pub(crate) fn json_rowids(ids: &[i64]) -> String {
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("[{}]", ids.join(","))
}

/// Message ids as a JSON array of hex strings; SQL turns each back into
/// the stored blob with `unhex(value)`.
pub(crate) fn json_message_ids<'a>(ids: impl IntoIterator<Item = &'a MessageId>) -> String {
    let ids: Vec<String> = ids
        .into_iter()
        .map(|id| format!("\"{}\"", id.simple()))
        .collect();
    format!("[{}]", ids.join(","))
}

pub(crate) fn limit_param(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

/// Looks up the integer id of an existing conversation.
pub(crate) fn conversation_rowid(
    conn: &Connection,
    conv: &ConversationId,
) -> Result<Option<i64>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id FROM conversations WHERE key = ?1")?;
    Ok(stmt
        .query_row(params![conv.key()], |r| r.get(0))
        .optional()?)
}

/// Returns the integer id of a conversation, creating the row (title unset) if needed.
pub(crate) fn ensure_conversation(
    conn: &Connection,
    conv: &ConversationId,
) -> Result<i64, StoreError> {
    // Look up first: the row almost always exists, and a plain read does not
    // dirty a page the way an upsert would.
    if let Some(id) = conversation_rowid(conn, conv)? {
        return Ok(id);
    }
    let mut stmt =
        conn.prepare_cached("INSERT INTO conversations(key) VALUES (?1) RETURNING id")?;
    Ok(stmt.query_row(params![conv.key()], |r| r.get(0))?)
}

/// Makes `msg` the conversation's last message if it sorts after the current
/// one by `(ts, id)`; late arrivals (e.g. gap fills) must not replace a newer one.
pub(crate) fn bump_last(
    conn: &Connection,
    conv: i64,
    msg: &StoredMessage,
) -> Result<(), StoreError> {
    // Unsupported envelopes carry raw JSON in `text`, which is no preview;
    // a file without a caption shows its name (its row is written first).
    let file_name = match msg.text.is_empty() {
        true => conn
            .prepare_cached("SELECT name FROM files WHERE message = ?1")?
            .query_row(params![msg.id.as_bytes().as_slice()], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
            .map(|name| format!("📎 {}", crate::protocol::safe_name(&name))),
        false => None,
    };
    let preview = match (&file_name, msg.unsupported) {
        (Some(name), _) => Some(name.as_str()),
        (None, false) => Some(msg.text.as_str()),
        (None, true) => None,
    };
    let mut stmt = conn.prepare_cached(
        "UPDATE conversations
            SET last_ts = ?2, last_id = ?3, last_text = ?4, last_sender = ?5
          WHERE id = ?1 AND (last_ts IS NULL OR (last_ts, last_id) < (?2, ?3))",
    )?;
    stmt.execute(params![
        conv,
        msg.ts,
        msg.id.as_bytes().as_slice(),
        preview,
        msg.sender.as_str()
    ])?;
    Ok(())
}
