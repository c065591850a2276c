//! The two row writers every write path shares: a message, and a publish
//! in the outbox (inside the caller's transaction). Storing an incoming
//! message queues our receipt; sending queues the message's publish.

use rusqlite::{Connection, params};

use super::batch::Batch;
use super::rows::to_i64;
use super::{OutboxEntry, StoreError, StoredMessage};
use crate::protocol::MessageId;

/// Inserts one message row as given (status included), creating its
/// conversation if needed; returns the conversation's rowid. The
/// conversation's counters are written when `batch` finishes, before the
/// transaction commits; the search index catches up later (`indexing`). A message with the same id
/// already present is a constraint error.
pub(crate) fn insert_message(
    conn: &Connection,
    msg: &StoredMessage,
    batch: &mut Batch,
) -> Result<i64, StoreError> {
    let seq = msg.seq.map(|s| to_i64(s, "seq")).transpose()?;
    let conv_id = batch.conv_id(conn, &msg.conversation)?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO messages
            (id, conv, sender, ts, seq, text, reply_to, outgoing, status, unsupported, read_acked)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    stmt.execute(params![
        msg.id.as_bytes().as_slice(),
        conv_id,
        msg.sender.as_str(),
        msg.ts,
        seq,
        msg.text,
        msg.reply_to.as_ref().map(|r| r.as_bytes().as_slice()),
        msg.outgoing,
        msg.status.code(),
        msg.unsupported,
        // Our own messages never need a read receipt from us.
        msg.outgoing,
    ])?;
    batch.stored(conv_id, msg);
    Ok(conv_id)
}

/// Inserts a publish into the outbox; returns its id (the publish order).
pub(crate) fn insert_outbox(
    conn: &Connection,
    entry: &OutboxEntry,
    message_id: Option<MessageId>,
) -> Result<i64, StoreError> {
    // Not `RETURNING id`: SQLite gathers RETURNING rows in a temporary
    // table it creates and drops on every run, a fifth of this insert's
    // cost in P1.
    let mut stmt = conn.prepare_cached(
        "INSERT INTO outbox(topic, payload, qos, retain, message_id)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    stmt.execute(params![
        entry.topic,
        entry.payload,
        entry.qos,
        entry.retain,
        message_id.as_ref().map(|m| m.as_bytes().as_slice())
    ])?;
    Ok(conn.last_insert_rowid())
}
