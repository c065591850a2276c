//! Schema migrations.
//!
//! Migrations are append-only: a released `M::up` is never edited, a change is a
//! new entry. `rusqlite_migration` records the version in `PRAGMA user_version`
//! and runs each pending step in one transaction.

use rusqlite_migration::{M, Migrations};

/// Version 1: the whole initial schema.
///
/// Notes on choices that are not obvious from the SQL:
/// - `conversations.id` is an integer so the big `messages` table and its
///   indexes carry 8-byte keys instead of repeating `u:somebody` strings.
/// - `messages.id` is the 16-byte uuid as a BLOB: memcmp order of the bytes is
///   `Uuid`'s `Ord`, so `ORDER BY ts, id` matches the protocol's `(ts, id)` order.
/// - `messages.rid` is an explicit integer rowid: the FTS rows are keyed by it.
/// - `outbox.id` is AUTOINCREMENT so an id is never reused after deletion; the
///   publisher's "rows after id N" cursor depends on that.
/// - Status codes: 0 queued, 1 sent, 2 delivered, 3 read, 10 received (incoming).
/// - Full-text search: `messages_fts` (unicode61, word search) indexes every
///   supported message; `messages_tri` (trigram, substring search) only indexes
///   messages containing CJK/kana/hangul, where unicode61 cannot split words.
///   Both are contentless (`content=''`, the text lives only in `messages`)
///   rather than external-content: they index a subset of rows, which an
///   external-content table's `integrity-check`/`rebuild` would treat as
///   corruption. `contentless_delete=1` (SQLite 3.43+, bundled) lets triggers
///   delete by rowid without replaying the old text.
///   The GLOB range test is built-in SQL, so no custom function is needed.
///   (V3 dropped the insert triggers: see there.)
const V1: &str = r#"
CREATE TABLE conversations (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    title       TEXT,
    last_ts     INTEGER,
    last_id     BLOB,
    last_text   TEXT,
    last_sender TEXT,
    unread      INTEGER NOT NULL DEFAULT 0,
    out_seq     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE messages (
    rid         INTEGER PRIMARY KEY,
    id          BLOB NOT NULL UNIQUE,
    conv        INTEGER NOT NULL REFERENCES conversations(id),
    sender      TEXT NOT NULL,
    ts          INTEGER NOT NULL,
    seq         INTEGER,
    text        TEXT NOT NULL,
    reply_to    BLOB,
    outgoing    INTEGER NOT NULL,
    status      INTEGER NOT NULL,
    unsupported INTEGER NOT NULL DEFAULT 0,
    read_acked  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_conv_ts ON messages(conv, ts, id);
-- Only unacknowledged incoming rows, so mark_read stays cheap however large the history.
CREATE INDEX messages_unacked ON messages(conv, sender, ts, id)
    WHERE outgoing = 0 AND read_acked = 0;

CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    topic       TEXT NOT NULL,
    payload     BLOB NOT NULL,
    qos         INTEGER NOT NULL,
    retain      INTEGER NOT NULL,
    message_id  BLOB
);

CREATE TABLE receipts (
    message_id  BLOB NOT NULL,
    user        TEXT NOT NULL,
    status      INTEGER NOT NULL,
    ts          INTEGER NOT NULL,
    PRIMARY KEY (message_id, user)
) WITHOUT ROWID;

CREATE TABLE seq_state (
    conv        INTEGER NOT NULL REFERENCES conversations(id),
    sender      TEXT NOT NULL,
    max_seq     INTEGER NOT NULL,
    PRIMARY KEY (conv, sender)
) WITHOUT ROWID;

CREATE TABLE gaps (
    conv        INTEGER NOT NULL REFERENCES conversations(id),
    sender      TEXT NOT NULL,
    first       INTEGER NOT NULL,
    last        INTEGER NOT NULL,
    PRIMARY KEY (conv, sender, first)
) WITHOUT ROWID;

CREATE TABLE rooms (
    id          TEXT PRIMARY KEY,
    name        TEXT,
    joined      INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE room_members (
    room        TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    user        TEXT NOT NULL,
    name        TEXT,
    PRIMARY KEY (room, user)
) WITHOUT ROWID;

CREATE TABLE presence (
    user        TEXT PRIMARY KEY,
    state       TEXT NOT NULL,
    ts          INTEGER NOT NULL
) WITHOUT ROWID;

CREATE VIRTUAL TABLE messages_fts USING fts5(
    text, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE messages_tri USING fts5(
    text, content = '', contentless_delete = 1,
    tokenize = 'trigram'
);

-- Messages are immutable apart from status flags, but the triggers cover
-- delete/update too so the indexes can never drift from the messages table.
CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages WHEN new.unsupported = 0 BEGIN
    INSERT INTO messages_fts(rowid, text) VALUES (new.rid, new.text);
END;
CREATE TRIGGER messages_tri_ai AFTER INSERT ON messages
    WHEN new.unsupported = 0 AND new.text GLOB '*[⺀-鿿가-힯]*' BEGIN
    INSERT INTO messages_tri(rowid, text) VALUES (new.rid, new.text);
END;
-- Deleting a rowid that was never indexed is a no-op with contentless_delete.
CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN
    DELETE FROM messages_fts WHERE rowid = old.rid;
    DELETE FROM messages_tri WHERE rowid = old.rid;
END;
CREATE TRIGGER messages_fts_au AFTER UPDATE OF text, unsupported ON messages BEGIN
    DELETE FROM messages_fts WHERE rowid = old.rid;
    DELETE FROM messages_tri WHERE rowid = old.rid;
    INSERT INTO messages_fts(rowid, text) SELECT new.rid, new.text WHERE new.unsupported = 0;
    INSERT INTO messages_tri(rowid, text) SELECT new.rid, new.text
        WHERE new.unsupported = 0 AND new.text GLOB '*[⺀-鿿가-힯]*';
END;
"#;

/// Version 2: end-to-end resend bookkeeping (see `resend.rs`).
/// - `acked_at`: when the broker last acknowledged a publish of the message.
/// - `resend_due`: NULL (nothing planned), -1 (suspect: resend once a link
///   is up again), or the wall-clock ms at which to publish it again.
/// - `resends`: how many times it was published again.
const V2: &str = r#"
ALTER TABLE messages ADD COLUMN acked_at INTEGER;
ALTER TABLE messages ADD COLUMN resend_due INTEGER;
ALTER TABLE messages ADD COLUMN resends INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_resend_due ON messages(resend_due) WHERE resend_due IS NOT NULL;
"#;

/// Version 3: new messages are indexed for search by `indexing::Unindexed`,
/// once per transaction, instead of by a trigger per row (FTS5 flushed its
/// pending terms at each row's statement savepoint). The delete and update
/// triggers stay: they fire rarely and keep the indexes exact.
const V3: &str = r#"
DROP TRIGGER messages_fts_ai;
DROP TRIGGER messages_tri_ai;
"#;

/// Version 4: new messages wait to be indexed for search, and are indexed
/// many at a time (see `indexing`) rather than in the transaction that
/// stored them; each of those transactions wrote a new index segment.
/// - `search_state.indexed_upto`: every message with `rid` up to this is in
///   the indexes, none above it. Rowids only grow (messages are not deleted;
///   the delete trigger lowers the mark to the newest left should the
///   mark ever be above it, since those rowids could be handed out again).
/// - The update trigger now leaves messages that are not indexed yet alone:
///   the indexing step reads their current text.
const V4: &str = r#"
CREATE TABLE search_state (
    id           INTEGER PRIMARY KEY CHECK (id = 0),
    indexed_upto INTEGER NOT NULL
);
INSERT INTO search_state(id, indexed_upto) SELECT 0, coalesce(max(rid), 0) FROM messages;

DROP TRIGGER messages_fts_ad;
CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN
    DELETE FROM messages_fts WHERE rowid = old.rid;
    DELETE FROM messages_tri WHERE rowid = old.rid;
    UPDATE search_state SET indexed_upto = (SELECT coalesce(max(rid), 0) FROM messages)
     WHERE indexed_upto > (SELECT coalesce(max(rid), 0) FROM messages);
END;

DROP TRIGGER messages_fts_au;
CREATE TRIGGER messages_fts_au AFTER UPDATE OF text, unsupported ON messages
    WHEN old.rid <= (SELECT indexed_upto FROM search_state) BEGIN
    DELETE FROM messages_fts WHERE rowid = old.rid;
    DELETE FROM messages_tri WHERE rowid = old.rid;
    INSERT INTO messages_fts(rowid, text) SELECT new.rid, new.text WHERE new.unsupported = 0;
    INSERT INTO messages_tri(rowid, text) SELECT new.rid, new.text
        WHERE new.unsupported = 0 AND new.text GLOB '*[⺀-鿿가-힯]*';
END;
"#;

/// Version 5: the topic filters the broker's session holds or may hold
/// (confirmed by a SUBACK, or asked for and not answered; not yet removed
/// by an UNSUBACK). The engine
/// makes the broker's subscriptions converge on what the store says we
/// joined at every connection, whether or not the broker kept a session
/// (see `engine/subscriptions.rs`).
///
/// And a publish the broker keeps refusing is set aside instead of blocking
/// the outbox (see `engine/suspects.rs`):
/// - `outbox.strikes`: links the broker closed while this row was the
///   oldest one it had not acknowledged.
/// - `outbox.set_aside`: 1 once it had too many; no longer published until
///   the user retries it. Its message, if any, is `Failed` (status -1).
const V5: &str = r#"
CREATE TABLE subscriptions (
    filter    TEXT PRIMARY KEY,
    -- 1: confirmed by a SUBACK; 0: perhaps held (see engine/subscriptions).
    confirmed INTEGER NOT NULL
) WITHOUT ROWID;
ALTER TABLE outbox ADD COLUMN strikes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN set_aside INTEGER NOT NULL DEFAULT 0;
"#;

/// Version 6: SMS (CMPP). A message to a phone number is a `messages` row
/// like any other; how it travels is here (see `store/sms/`):
/// - `sms_parts`: the SMS outbox, one row per part (a SUBMIT each), and
///   what became of it. `state`: 0 queued, 1 written and not answered
///   (it may have reached the gateway), 2 taken (`msg_id` known), 3
///   delivered, -1 failed (`failure` says why, as the gateway said it).
///   `twice`: 1 it was written again after an unanswered attempt, so it
///   may have gone twice; 2 the gateway answered both, so it did.
/// - `sms_extra_ids`: a second Msg_Id of a part the gateway took twice
///   (its report matches the part too).
/// - `sms_reports`: reports whose Msg_Id was not known when they came
///   (read before the SUBMIT_RESP was), matched when it is.
/// - `sms_delivers`: the Msg_Ids of DELIVERs stored (the gateway resends
///   an unanswered one with the same id).
/// - `sms_incoming_parts`: parts of long incoming SMS waiting for the rest,
///   keyed as the design note says: sender, Dest_Id, reference, total.
/// - `sms_remote`: for texts sent through the SMS gateway user (no parts
///   here), the delivery it last reported, as JSON.
const V6: &str = r#"
CREATE TABLE sms_parts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id  BLOB NOT NULL,
    part        INTEGER NOT NULL,
    total       INTEGER NOT NULL,
    dest        TEXT NOT NULL,
    msg_fmt     INTEGER NOT NULL,
    content     BLOB NOT NULL,
    at_time     TEXT NOT NULL DEFAULT '',
    state       INTEGER NOT NULL DEFAULT 0,
    attempts    INTEGER NOT NULL DEFAULT 0,
    msg_id      INTEGER,
    failure     TEXT,
    twice       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (message_id, part)
);
CREATE INDEX sms_parts_by_msg_id ON sms_parts(msg_id) WHERE msg_id IS NOT NULL;
-- Not partial: SQLite uses a partial index only for the very condition it
-- was made with, and the outbox asks for state = 0, = 1 and IN lists.
CREATE INDEX sms_parts_by_state ON sms_parts(state, id);
CREATE TABLE sms_extra_ids (
    msg_id  INTEGER PRIMARY KEY,
    part_id INTEGER NOT NULL REFERENCES sms_parts(id) ON DELETE CASCADE
);
CREATE TABLE sms_reports (
    msg_id   INTEGER NOT NULL,
    dest     TEXT NOT NULL,
    stat     TEXT NOT NULL,
    at       INTEGER NOT NULL,
    PRIMARY KEY (msg_id, dest)
) WITHOUT ROWID;
CREATE TABLE sms_delivers (
    msg_id INTEGER PRIMARY KEY,
    at     INTEGER NOT NULL
);
CREATE TABLE sms_incoming_parts (
    sender    TEXT NOT NULL,
    dest_id   TEXT NOT NULL,
    reference INTEGER NOT NULL,
    total     INTEGER NOT NULL,
    part      INTEGER NOT NULL,
    payload   BLOB NOT NULL,
    msg_fmt   INTEGER NOT NULL,
    at        INTEGER NOT NULL,
    PRIMARY KEY (sender, dest_id, reference, total, part)
) WITHOUT ROWID;
CREATE TABLE sms_remote (
    message_id BLOB PRIMARY KEY,
    delivery   TEXT NOT NULL
) WITHOUT ROWID;
"#;

/// Version 7: drafts, one per conversation (keyed by the conversation's
/// key, `u:bob`, so that a draft needs no message and no `conversations`
/// row yet).
const V7: &str = r#"
CREATE TABLE drafts (
    conv     TEXT PRIMARY KEY,
    text     TEXT NOT NULL,
    reply_to BLOB,
    updated  INTEGER NOT NULL
) WITHOUT ROWID;
"#;

/// Version 8: changes to messages (extension 11, see `changes.rs`).
/// - `messages.edited_ts`/`edited_id`: the `(ts, id)` of the edit whose
///   text `messages.text` now holds (the latest by that order), NULL if
///   never edited. The search index follows `text` through the update
///   trigger, so search finds the new text and not the old.
/// - `messages.deleted`: 0, 1 deleted for everyone by its author, 2 deleted
///   for us only. Either way `text` is emptied and its edits and
///   reactions removed.
/// - `edits`: every version of an edited message's text, the original
///   included (under the message's own id), for the edit history.
/// - `reactions`: one row per (message, user, emoji), kept when removed
///   (`shown` 0) so that an older add arriving late cannot undo a newer
///   removal: the row with the greatest `(ts, id)` wins.
/// - `pending_changes`: changes that arrived before their message; applied
///   (or refused) when it comes. `kind` 1 edit, 2 delete, 3 reaction.
const V8: &str = r#"
ALTER TABLE messages ADD COLUMN edited_ts INTEGER;
ALTER TABLE messages ADD COLUMN edited_id BLOB;
ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
CREATE TABLE edits (
    message BLOB NOT NULL,
    ts      INTEGER NOT NULL,
    id      BLOB NOT NULL,
    text    TEXT NOT NULL,
    PRIMARY KEY (message, ts, id)
) WITHOUT ROWID;
CREATE TABLE reactions (
    message BLOB NOT NULL,
    user    TEXT NOT NULL,
    emoji   TEXT NOT NULL,
    shown   INTEGER NOT NULL,
    ts      INTEGER NOT NULL,
    id      BLOB NOT NULL,
    PRIMARY KEY (message, user, emoji)
) WITHOUT ROWID;
CREATE TABLE pending_changes (
    id       BLOB PRIMARY KEY,
    message  BLOB NOT NULL,
    conv     TEXT NOT NULL,
    sender   TEXT NOT NULL,
    ts       INTEGER NOT NULL,
    kind     INTEGER NOT NULL,
    text     TEXT,
    emoji    TEXT,
    shown    INTEGER,
    received INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX pending_changes_by_message ON pending_changes(message);
CREATE INDEX pending_changes_by_sender ON pending_changes(sender);
"#;

/// Version 9: a room's topic, and when its name and topic were announced
/// (`info_ts`: the announcing envelope's `ts`; a newer one replaces them,
/// see `rooms.rs`). And notification settings per conversation
/// (`notify.rs`): `level` 0 all, 1 mentions only, 2 muted; `until` when a
/// mute ends (NULL: until changed); `mute_mentions` 1 when a muted
/// conversation's mentions stay silent too.
const V9: &str = r#"
ALTER TABLE rooms ADD COLUMN topic TEXT;
ALTER TABLE rooms ADD COLUMN info_ts INTEGER;
CREATE TABLE conversation_notify (
    conv          TEXT PRIMARY KEY,
    level         INTEGER NOT NULL,
    until         INTEGER,
    mute_mentions INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
"#;

/// Files in chats (extension 12). One row per (sender, transfer): ours
/// from the moment we send, theirs from the first chunk or the
/// announcement, whichever comes first (`message` is NULL until the
/// announcement names it). `have` is the chunk bitmap: for a file we
/// receive, the chunks verified and written; for one we push, the chunks
/// the broker acknowledged.
const V10: &str = r#"
CREATE TABLE files (
    rid       INTEGER PRIMARY KEY,
    id        BLOB NOT NULL,
    sender    TEXT NOT NULL,
    message   BLOB,
    conv      INTEGER REFERENCES conversations(id),
    outgoing  INTEGER NOT NULL,
    name      TEXT NOT NULL DEFAULT '',
    mime      TEXT NOT NULL DEFAULT 'application/octet-stream',
    size      INTEGER NOT NULL,
    chunk     INTEGER NOT NULL,
    sha256    BLOB,
    queued    INTEGER NOT NULL DEFAULT 0,
    thumb     BLOB,
    thumb_w   INTEGER,
    thumb_h   INTEGER,
    encrypted INTEGER NOT NULL DEFAULT 0,
    have      BLOB NOT NULL,
    have_count INTEGER NOT NULL DEFAULT 0,
    state     INTEGER NOT NULL,
    path      TEXT,
    created   INTEGER NOT NULL,
    UNIQUE (sender, id)
);
CREATE UNIQUE INDEX files_message ON files(message) WHERE message IS NOT NULL;
CREATE INDEX files_active ON files(state) WHERE state IN (0, 2);
"#;

/// All migrations, oldest first. Never edit or reorder a released entry.
const STEPS: &[M<'static>] = &[
    M::up(V1),
    M::up(V2),
    M::up(V3),
    M::up(V4),
    M::up(V5),
    M::up(V6),
    M::up(V7),
    M::up(V8),
    M::up(V9),
    M::up(V10),
];

/// The migration runner over [`STEPS`].
pub(crate) const MIGRATIONS: Migrations<'static> = Migrations::from_slice(STEPS);
