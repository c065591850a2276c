//! Changes to messages (extension 11): edits, deletes and reactions, ours
//! and other people's, in whatever order they arrive.
//!
//! The rules, all decided here because they need the message itself:
//! - A change must come from the message's conversation (`wrong_conversation`),
//!   and an edit or a delete for everyone from its author (`not_author`);
//!   anything else is refused with that label for the drop counter.
//! - A change whose message is not here yet waits in `pending_changes` and
//!   is applied (or refused) when the message is stored ([`settle_pending`]).
//! - Every change is idempotent, so duplicates are harmless: an edit is
//!   keyed by its envelope id in `edits`, the text shown is the greatest
//!   edit by `(ts, id)`; a reaction keeps the greatest `(ts, id)` per
//!   (message, user, emoji), removals included; a delete is final.
//!
//! Layout: [`Change`] and [`ChangeOutcome`] are the vocabulary;
//! [`apply`] routes one change; `edit`, `delete` and `react` do the work;
//! the `Store` methods at the end are the public entry points.

use rusqlite::{Connection, OptionalExtension, params};

use super::rows::{user_from_str, uuid_from_blob};
use super::{ConversationId, Store, StoreError, StoredMessage};
use crate::model::{Deletion, EditRecord, Reaction};
use crate::protocol::{MessageId, UserId};

/// Most pending changes kept per sender: changes naming messages that never
/// come cannot fill the disk.
pub(crate) const MAX_PENDING_PER_SENDER: i64 = 10_000;

/// Most different reactions one user may show on one message.
pub const MAX_REACTIONS_PER_USER: i64 = 20;

/// What a change does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    Edit(String),
    Delete(Deletion),
    React { emoji: String, on: bool },
}

/// One change to message `of`: its envelope id, where it came from, who
/// made it (the topic's sender) and when (the sender's clock).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub id: MessageId,
    pub of: MessageId,
    pub conversation: ConversationId,
    pub sender: UserId,
    pub ts: i64,
    pub kind: ChangeKind,
}

/// What applying a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOutcome {
    /// The message shows something new.
    Applied,
    /// Nothing new to show: a duplicate, an edit older than the one shown,
    /// a change to a deleted message, a reaction already there.
    Unchanged,
    /// The message is not stored yet; the change waits for it.
    Pending,
    /// Not allowed; the label says why (for the drop counter).
    Refused(&'static str),
}

/// The parts of the changed message the rules look at.
struct Target {
    rid: i64,
    conv_rowid: i64,
    /// The conversation's key (`u:bob`).
    key: String,
    sender: String,
    ts: i64,
    text: String,
    edited: Option<(i64, Vec<u8>)>,
    deleted: i64,
    unsupported: bool,
}

fn target(conn: &Connection, of: &MessageId) -> Result<Option<Target>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT m.rid, m.conv, c.key, m.sender, m.ts, m.text, m.edited_ts, m.edited_id,
                    m.deleted, m.unsupported
               FROM messages m JOIN conversations c ON c.id = m.conv WHERE m.id = ?1",
        )?
        .query_row(params![of.as_bytes().as_slice()], |r| {
            let edited_ts: Option<i64> = r.get(6)?;
            let edited_id: Option<Vec<u8>> = r.get(7)?;
            Ok(Target {
                rid: r.get(0)?,
                conv_rowid: r.get(1)?,
                key: r.get(2)?,
                sender: r.get(3)?,
                ts: r.get(4)?,
                text: r.get(5)?,
                edited: edited_ts.zip(edited_id),
                deleted: r.get(8)?,
                unsupported: r.get(9)?,
            })
        })
        .optional()?)
}

/// Applies one change inside the caller's transaction.
pub(crate) fn apply(conn: &Connection, change: &Change) -> Result<ChangeOutcome, StoreError> {
    let Some(target) = target(conn, &change.of)? else {
        return keep_pending(conn, change);
    };
    if target.key != change.conversation.key() {
        return Ok(ChangeOutcome::Refused("wrong_conversation"));
    }
    let by_author = target.sender == change.sender.as_str();
    match &change.kind {
        ChangeKind::Edit(_) | ChangeKind::Delete(Deletion::Everyone) if !by_author => {
            Ok(ChangeOutcome::Refused("not_author"))
        }
        // Hiding a "message deleted" line for ourselves is the one change
        // a deleted message still takes.
        ChangeKind::Delete(Deletion::Me) if target.deleted == 1 => {
            delete(conn, &target, &change.of, Deletion::Me)
        }
        // A delete is final: nothing after it shows.
        _ if target.deleted != 0 => Ok(ChangeOutcome::Unchanged),
        ChangeKind::Edit(text) => edit(conn, &target, change, text),
        ChangeKind::Delete(deletion) => delete(conn, &target, &change.of, *deletion),
        ChangeKind::React { emoji, on } => react(conn, change, emoji, *on),
    }
}

fn edit(
    conn: &Connection,
    target: &Target,
    change: &Change,
    text: &str,
) -> Result<ChangeOutcome, StoreError> {
    // Raw JSON of a newer protocol version is no text to replace.
    if target.unsupported {
        return Ok(ChangeOutcome::Unchanged);
    }
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO edits(message, ts, id, text) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let of = change.of.as_bytes().as_slice();
    if target.edited.is_none() {
        // The first edit keeps the original as the history's first entry.
        insert.execute(params![of, target.ts, of, target.text])?;
    }
    let id = change.id.as_bytes().as_slice();
    if insert.execute(params![of, change.ts, id, text])? == 0 {
        return Ok(ChangeOutcome::Unchanged);
    }
    let newer = target
        .edited
        .as_ref()
        .is_none_or(|(ts, eid)| (change.ts, id) > (*ts, eid.as_slice()));
    if !newer {
        return Ok(ChangeOutcome::Unchanged);
    }
    conn.prepare_cached(
        "UPDATE messages SET text = ?2, edited_ts = ?3, edited_id = ?4 WHERE rid = ?1",
    )?
    .execute(params![target.rid, text, change.ts, id])?;
    set_preview(conn, target, Some(text))?;
    Ok(ChangeOutcome::Applied)
}

fn delete(
    conn: &Connection,
    target: &Target,
    of: &MessageId,
    deletion: Deletion,
) -> Result<ChangeOutcome, StoreError> {
    let code = match deletion {
        Deletion::Everyone => 1,
        Deletion::Me => 2,
    };
    // Emptying `text` takes it out of the search index (the update trigger).
    conn.prepare_cached(
        "UPDATE messages SET text = '', deleted = ?2, edited_ts = NULL, edited_id = NULL
          WHERE rid = ?1",
    )?
    .execute(params![target.rid, code])?;
    let of = of.as_bytes().as_slice();
    conn.prepare_cached("DELETE FROM edits WHERE message = ?1")?
        .execute(params![of])?;
    conn.prepare_cached("DELETE FROM reactions WHERE message = ?1")?
        .execute(params![of])?;
    set_preview(conn, target, None)?;
    Ok(ChangeOutcome::Applied)
}

fn react(
    conn: &Connection,
    change: &Change,
    emoji: &str,
    on: bool,
) -> Result<ChangeOutcome, StoreError> {
    let of = change.of.as_bytes().as_slice();
    let id = change.id.as_bytes().as_slice();
    let user = change.sender.as_str();
    let existing: Option<(bool, i64, Vec<u8>)> = conn
        .prepare_cached(
            "SELECT shown, ts, id FROM reactions WHERE message = ?1 AND user = ?2 AND emoji = ?3",
        )?
        .query_row(params![of, user, emoji], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    if let Some((_, ts, eid)) = &existing
        && (*ts, eid.as_slice()) >= (change.ts, id)
    {
        return Ok(ChangeOutcome::Unchanged);
    }
    let was_shown = existing.as_ref().is_some_and(|(shown, ..)| *shown);
    if on && !was_shown {
        let shown: i64 = conn
            .prepare_cached(
                "SELECT count(*) FROM reactions WHERE message = ?1 AND user = ?2 AND shown = 1",
            )?
            .query_row(params![of, user], |r| r.get(0))?;
        if shown >= MAX_REACTIONS_PER_USER {
            return Ok(ChangeOutcome::Refused("too_many_reactions"));
        }
    }
    conn.prepare_cached(
        "INSERT INTO reactions(message, user, emoji, shown, ts, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (message, user, emoji) DO UPDATE SET shown = ?4, ts = ?5, id = ?6",
    )?
    .execute(params![of, user, emoji, on, change.ts, id])?;
    Ok(if on == was_shown {
        ChangeOutcome::Unchanged
    } else {
        ChangeOutcome::Applied
    })
}

/// Keeps the conversation list's preview in step when its last message
/// changed (`None` for a deleted one).
fn set_preview(conn: &Connection, target: &Target, text: Option<&str>) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE conversations SET last_text = ?2
          WHERE id = ?1 AND last_id = (SELECT id FROM messages WHERE rid = ?3)",
    )?
    .execute(params![target.conv_rowid, text, target.rid])?;
    Ok(())
}

fn keep_pending(conn: &Connection, change: &Change) -> Result<ChangeOutcome, StoreError> {
    let waiting: i64 = conn
        .prepare_cached("SELECT count(*) FROM pending_changes WHERE sender = ?1")?
        .query_row(params![change.sender.as_str()], |r| r.get(0))?;
    if waiting >= MAX_PENDING_PER_SENDER {
        return Ok(ChangeOutcome::Refused("too_many_pending"));
    }
    let (kind, text, emoji, shown) = match &change.kind {
        ChangeKind::Edit(text) => (1, Some(text.as_str()), None, None),
        // Only deletes for everyone travel; ours for us apply at once.
        ChangeKind::Delete(_) => (2, None, None, None),
        ChangeKind::React { emoji, on } => (3, None, Some(emoji.as_str()), Some(*on)),
    };
    conn.prepare_cached(
        "INSERT OR IGNORE INTO pending_changes
            (id, message, conv, sender, ts, kind, text, emoji, shown, received)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        change.id.as_bytes().as_slice(),
        change.of.as_bytes().as_slice(),
        change.conversation.key(),
        change.sender.as_str(),
        change.ts,
        kind,
        text,
        emoji,
        shown,
        crate::clock::now_ms(),
    ])?;
    Ok(ChangeOutcome::Pending)
}

/// What the changes waiting for a message did once it came.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settled {
    /// Some of them changed what the message shows.
    pub applied: bool,
    /// The drop-counter labels of those refused.
    pub refused: Vec<&'static str>,
}

/// Applies the changes that were waiting for message `of`, oldest first,
/// and forgets them.
pub(crate) fn settle_pending(conn: &Connection, of: &MessageId) -> Result<Settled, StoreError> {
    type Row = (
        Vec<u8>,
        String,
        String,
        i64,
        i64,
        Option<String>,
        Option<String>,
        Option<bool>,
    );
    let rows: Vec<Row> = conn
        .prepare_cached(
            "DELETE FROM pending_changes WHERE message = ?1
             RETURNING id, conv, sender, ts, kind, text, emoji, shown",
        )?
        .query_map(params![of.as_bytes().as_slice()], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    let mut changes = rows
        .into_iter()
        .map(|(id, conv, sender, ts, kind, text, emoji, shown)| {
            let kind = match (kind, text, emoji, shown) {
                (1, Some(text), _, _) => ChangeKind::Edit(text),
                (2, ..) => ChangeKind::Delete(Deletion::Everyone),
                (3, _, Some(emoji), Some(on)) => ChangeKind::React { emoji, on },
                _ => return Err(StoreError::corrupt("pending_changes: bad kind")),
            };
            Ok(Change {
                id: uuid_from_blob(&id, "pending_changes.id")?,
                of: *of,
                conversation: ConversationId::parse_key(&conv)?,
                sender: user_from_str(&sender)?,
                ts,
                kind,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    changes.sort_by_key(|c| (c.ts, c.id));
    let mut settled = Settled::default();
    for change in &changes {
        match apply(conn, change)? {
            ChangeOutcome::Applied => settled.applied = true,
            ChangeOutcome::Refused(why) => settled.refused.push(why),
            ChangeOutcome::Unchanged | ChangeOutcome::Pending => {}
        }
    }
    Ok(settled)
}

/// Whether any change waits for a message: when none does (nearly always),
/// storing a burst of messages skips looking for them one by one.
pub(crate) fn any_pending(conn: &Connection) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM pending_changes)")?
        .query_row([], |r| r.get(0))?)
}

/// Fills in the reactions of messages read from the store.
pub(crate) fn attach_reactions(
    conn: &Connection,
    messages: &mut [StoredMessage],
) -> Result<(), StoreError> {
    let any: bool = conn
        // Any row at all, removed ones included: O(1) however many there
        // are (`shown` has no index); the lookups below filter them.
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM reactions)")?
        .query_row([], |r| r.get(0))?;
    if !any {
        return Ok(());
    }
    let mut stmt = conn.prepare_cached(
        "SELECT emoji, user FROM reactions WHERE message = ?1 AND shown = 1 ORDER BY ts, id",
    )?;
    for message in messages.iter_mut().filter(|m| m.changes.deleted.is_none()) {
        let rows = stmt
            .query_map(params![message.id.as_bytes().as_slice()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut reactions: Vec<Reaction> = Vec::new();
        for (emoji, user) in rows {
            let user = user_from_str(&user)?;
            match reactions.iter_mut().find(|r| r.emoji == emoji) {
                Some(r) => r.users.push(user),
                None => reactions.push(Reaction {
                    emoji,
                    users: vec![user],
                }),
            }
        }
        // Most used first; ties keep the order they were first used in.
        reactions.sort_by_key(|r| std::cmp::Reverse(r.users.len()));
        message.changes.reactions = reactions;
    }
    Ok(())
}

impl Store {
    /// Applies changes that arrived from the broker, in one transaction.
    pub fn apply_changes(&mut self, changes: &[Change]) -> Result<Vec<ChangeOutcome>, StoreError> {
        let tx = self.conn.transaction()?;
        let outcomes = changes
            .iter()
            .map(|c| apply(&tx, c))
            .collect::<Result<Vec<_>, _>>()?;
        tx.commit()?;
        Ok(outcomes)
    }

    /// Applies one of our own changes and, unless it changed nothing or
    /// was refused, queues its publish, in one transaction.
    pub fn apply_own_change(
        &mut self,
        change: &Change,
        publish: Option<&super::OutboxEntry>,
    ) -> Result<ChangeOutcome, StoreError> {
        let tx = self.conn.transaction()?;
        let outcome = apply(&tx, change)?;
        if outcome == ChangeOutcome::Applied
            && let Some(entry) = publish
        {
            super::inserts::insert_outbox(&tx, entry, None)?;
        }
        tx.commit()?;
        Ok(outcome)
    }

    /// The versions of an edited message's text, oldest (the original)
    /// first; empty if it was never edited or was deleted.
    pub fn edit_history(&self, of: MessageId) -> Result<Vec<EditRecord>, StoreError> {
        let rows = self
            .conn
            .prepare_cached("SELECT id, ts, text FROM edits WHERE message = ?1 ORDER BY ts, id")?
            .query_map(params![of.as_bytes().as_slice()], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(id, ts, text)| {
                Ok(EditRecord {
                    id: uuid_from_blob(&id, "edits.id")?,
                    ts,
                    text,
                })
            })
            .collect()
    }
}
