//! Files in chats (extension 12): one row per (sender, transfer), written
//! by the engine when a message announces a file (in the message's own
//! transaction) and by the transfer session as chunks come and go.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, Row, params};
use uuid::Uuid;

use super::rows::{to_i64, to_u64, user_from_str, uuid_from_blob};
use super::{ConversationId, Store, StoreError, StoredMessage};
use crate::clock::now_ms;
use crate::model::TransferState;
use crate::protocol::frame::Layout;
use crate::protocol::{FileBody, MessageId, Thumbnail, UserId};
use crate::transfer::chunks::Chunks;

/// Chunks that no announcement named yet, per sender, at most (bytes).
pub const MAX_UNANNOUNCED_BYTES: u64 = 16 * 1024 * 1024;
/// Such chunks are forgotten after a day.
const UNANNOUNCED_FOR_MS: i64 = 24 * 60 * 60 * 1000;

/// A file's row, as the transfer session works with it.
#[derive(Debug, Clone)]
pub struct FileRecord {
    pub rid: i64,
    pub id: Uuid,
    pub sender: UserId,
    pub message: Option<MessageId>,
    pub conversation: Option<ConversationId>,
    pub outgoing: bool,
    pub name: String,
    pub mime: String,
    pub layout: Layout,
    pub sha256: Option<[u8; 32]>,
    pub queued: bool,
    pub have: Chunks,
    pub state: TransferState,
    /// Where the whole file is (ours, or theirs once verified).
    pub path: Option<PathBuf>,
}

const RECORD_COLUMNS: &str = "f.rid, f.id, f.sender, f.message, c.key, f.outgoing, f.name, f.mime, \
     f.size, f.chunk, f.sha256, f.queued, f.have, f.state, f.path";

struct RawRecord {
    rid: i64,
    id: Vec<u8>,
    sender: String,
    message: Option<Vec<u8>>,
    key: Option<String>,
    outgoing: bool,
    name: String,
    mime: String,
    size: i64,
    chunk: i64,
    sha256: Option<Vec<u8>>,
    queued: bool,
    have: Vec<u8>,
    state: i64,
    path: Option<String>,
}

impl RawRecord {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<RawRecord> {
        Ok(RawRecord {
            rid: r.get(0)?,
            id: r.get(1)?,
            sender: r.get(2)?,
            message: r.get(3)?,
            key: r.get(4)?,
            outgoing: r.get(5)?,
            name: r.get(6)?,
            mime: r.get(7)?,
            size: r.get(8)?,
            chunk: r.get(9)?,
            sha256: r.get(10)?,
            queued: r.get(11)?,
            have: r.get(12)?,
            state: r.get(13)?,
            path: r.get(14)?,
        })
    }

    fn decode(self) -> Result<FileRecord, StoreError> {
        let corrupt = |what: &str| StoreError::corrupt(format!("files.{what}"));
        let chunk = u32::try_from(self.chunk).map_err(|_| corrupt("chunk"))?;
        let layout =
            Layout::new(to_u64(self.size, "files.size")?, chunk).map_err(|_| corrupt("size"))?;
        let sha256 = self
            .sha256
            .map(|b| <[u8; 32]>::try_from(b.as_slice()).map_err(|_| corrupt("sha256")))
            .transpose()?;
        Ok(FileRecord {
            rid: self.rid,
            id: uuid_from_blob(&self.id, "files.id")?,
            sender: user_from_str(&self.sender)?,
            message: self
                .message
                .map(|m| uuid_from_blob(&m, "files.message"))
                .transpose()?,
            conversation: self
                .key
                .map(|k| ConversationId::parse_key(&k))
                .transpose()?,
            outgoing: self.outgoing,
            name: self.name,
            mime: self.mime,
            layout,
            sha256,
            queued: self.queued,
            have: Chunks::from_bytes(&self.have, layout.chunks()),
            state: TransferState::from_code(self.state).ok_or_else(|| corrupt("state"))?,
            path: self.path.map(PathBuf::from),
        })
    }
}

fn select_records(
    conn: &Connection,
    condition: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<FileRecord>, StoreError> {
    let sql = format!(
        "SELECT {RECORD_COLUMNS} FROM files f LEFT JOIN conversations c ON c.id = f.conv WHERE {condition}"
    );
    let raws = conn
        .prepare_cached(&sql)?
        .query_map(params, RawRecord::from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    raws.into_iter().map(RawRecord::decode).collect()
}

fn conv_rowid(conn: &Connection, conversation: &ConversationId) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id FROM conversations WHERE key = ?1")?
        .query_row(params![conversation.key()], |r| r.get(0))
        .optional()?)
}

/// Records a file a message of ours announces (in the message's transaction).
pub(crate) fn insert_outgoing(
    conn: &Connection,
    message: &StoredMessage,
    file: &FileBody,
    path: &Path,
) -> Result<(), StoreError> {
    let chunks = file.layout.chunks();
    let state = if file.queued {
        TransferState::Uploading
    } else {
        TransferState::Uploaded
    };
    let (thumb, w, h) = thumb_columns(file.thumb.as_ref());
    conn.prepare_cached(
        "INSERT INTO files (id, sender, message, conv, outgoing, name, mime, size, chunk, sha256,
             queued, thumb, thumb_w, thumb_h, have, have_count, state, path, created)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 0, ?15, ?16, ?17)",
    )?
    .execute(params![
        file.id.as_bytes().as_slice(),
        message.sender.as_str(),
        message.id.as_bytes().as_slice(),
        conv_rowid(conn, &message.conversation)?,
        file.name,
        file.mime,
        to_i64(file.layout.size, "size")?,
        file.layout.chunk,
        file.sha256.as_slice(),
        file.queued,
        thumb,
        w,
        h,
        Chunks::none(chunks).as_bytes(),
        state.code(),
        path.to_string_lossy(),
        now_ms(),
    ])?;
    Ok(())
}

fn thumb_columns(thumb: Option<&Thumbnail>) -> (Option<&[u8]>, Option<u32>, Option<u32>) {
    match thumb {
        Some(t) => (Some(t.data.as_slice()), Some(t.width), Some(t.height)),
        None => (None, None, None),
    }
}

/// Records a file someone's message announces (in the message's
/// transaction). Chunks may have come first; the same transfer announced
/// again (a duplicate, or another message reusing its id) changes nothing.
pub(crate) fn record_announced(
    conn: &Connection,
    message: &StoredMessage,
    file: &FileBody,
) -> Result<(), StoreError> {
    let chunks = file.layout.chunks();
    let conv = conv_rowid(conn, &message.conversation)?;
    let state = if file.encrypted {
        TransferState::Unreadable
    } else {
        TransferState::Downloading
    };
    let (thumb, w, h) = thumb_columns(file.thumb.as_ref());
    let existing = select_records(
        conn,
        "f.sender = ?1 AND f.id = ?2",
        params![message.sender.as_str(), file.id.as_bytes().as_slice()],
    )?;
    match existing.first() {
        Some(row) if row.message.is_some() => Ok(()),
        Some(row) => {
            // Chunks cut differently from what is announced are of no use.
            let have = match row.layout == file.layout {
                true => row.have.clone(),
                false => Chunks::none(chunks),
            };
            conn.prepare_cached(
                "UPDATE files SET message = ?2, conv = ?3, name = ?4, mime = ?5, size = ?6,
                     chunk = ?7, sha256 = ?8, queued = ?9, thumb = ?10, thumb_w = ?11,
                     thumb_h = ?12, encrypted = ?13, have = ?14, have_count = ?15, state = ?16
                 WHERE rid = ?1",
            )?
            .execute(params![
                row.rid,
                message.id.as_bytes().as_slice(),
                conv,
                file.name,
                file.mime,
                to_i64(file.layout.size, "size")?,
                file.layout.chunk,
                file.sha256.as_slice(),
                file.queued,
                thumb,
                w,
                h,
                file.encrypted,
                have.as_bytes(),
                have.count(),
                state.code(),
            ])?;
            Ok(())
        }
        None => {
            conn.prepare_cached(
                "INSERT INTO files (id, sender, message, conv, outgoing, name, mime, size, chunk,
                     sha256, queued, thumb, thumb_w, thumb_h, encrypted, have, have_count, state,
                     created)
                 VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, 0,
                     ?16, ?17)",
            )?
            .execute(params![
                file.id.as_bytes().as_slice(),
                message.sender.as_str(),
                message.id.as_bytes().as_slice(),
                conv,
                file.name,
                file.mime,
                to_i64(file.layout.size, "size")?,
                file.layout.chunk,
                file.sha256.as_slice(),
                file.queued,
                thumb,
                w,
                h,
                file.encrypted,
                Chunks::none(chunks).as_bytes(),
                state.code(),
                now_ms(),
            ])?;
            Ok(())
        }
    }
}

/// Whether the file of (sender, transfer) is here, whole and verified.
pub(crate) fn is_downloaded(
    conn: &Connection,
    sender: &UserId,
    id: Uuid,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM files WHERE sender = ?1 AND id = ?2 AND state = ?3)",
        )?
        .query_row(
            params![
                sender.as_str(),
                id.as_bytes().as_slice(),
                TransferState::Downloaded.code()
            ],
            |r| r.get(0),
        )?)
}

impl Store {
    /// The file of (sender, transfer), if known.
    pub fn file(&self, sender: &UserId, id: Uuid) -> Result<Option<FileRecord>, StoreError> {
        Ok(select_records(
            &self.conn,
            "f.sender = ?1 AND f.id = ?2",
            params![sender.as_str(), id.as_bytes().as_slice()],
        )?
        .into_iter()
        .next())
    }

    /// The file a message announces, if any.
    pub fn file_of_message(&self, message: MessageId) -> Result<Option<FileRecord>, StoreError> {
        Ok(select_records(
            &self.conn,
            "f.message = ?1",
            params![message.as_bytes().as_slice()],
        )?
        .into_iter()
        .next())
    }

    /// The `file` of a message of ours, as it was announced (to publish
    /// the message again, extension 9).
    pub fn announcement(&self, message: MessageId) -> Result<Option<FileBody>, StoreError> {
        let Some(record) = self.file_of_message(message)? else {
            return Ok(None);
        };
        let Some(sha256) = record.sha256 else {
            return Ok(None);
        };
        let (thumb, encrypted): (Option<(Vec<u8>, u32, u32)>, bool) = self
            .conn
            .prepare_cached("SELECT thumb, thumb_w, thumb_h, encrypted FROM files WHERE rid = ?1")?
            .query_row(params![record.rid], |r| {
                let data: Option<Vec<u8>> = r.get(0)?;
                let w: Option<u32> = r.get(1)?;
                let h: Option<u32> = r.get(2)?;
                Ok((data.zip(w).zip(h).map(|((d, w), h)| (d, w, h)), r.get(3)?))
            })?;
        let thumb = thumb.and_then(|(data, width, height)| {
            Thumbnail::sniff(&data).map(|mime| Thumbnail {
                mime,
                width,
                height,
                data,
            })
        });
        Ok(Some(FileBody {
            id: record.id,
            name: record.name,
            layout: record.layout,
            mime: record.mime,
            sha256,
            queued: record.queued,
            thumb,
            encrypted,
        }))
    }

    /// Files still on their way, either way.
    pub fn active_files(&self) -> Result<Vec<FileRecord>, StoreError> {
        select_records(
            &self.conn,
            "f.state IN (?1, ?2)",
            params![
                TransferState::Uploading.code(),
                TransferState::Downloading.code()
            ],
        )
    }

    /// A chunk came for a transfer no announcement named yet: records it
    /// (so the chunks are kept) unless `sender` already has
    /// [`MAX_UNANNOUNCED_BYTES`] waiting. Waiting ones older than a day go.
    pub fn unannounced_file(
        &mut self,
        sender: &UserId,
        id: Uuid,
        layout: Layout,
    ) -> Result<Option<FileRecord>, StoreError> {
        let now = now_ms();
        self.conn
            .prepare_cached("DELETE FROM files WHERE message IS NULL AND created < ?1")?
            .execute(params![now - UNANNOUNCED_FOR_MS])?;
        let waiting: i64 = self
            .conn
            .prepare_cached(
                "SELECT COALESCE(SUM(size), 0) FROM files WHERE message IS NULL AND sender = ?1",
            )?
            .query_row(params![sender.as_str()], |r| r.get(0))?;
        if to_u64(waiting, "files.size")? + layout.size > MAX_UNANNOUNCED_BYTES {
            return Ok(None);
        }
        // The engine may record its announcement on its own connection
        // meanwhile: then that row stands.
        self.conn
            .prepare_cached(
                "INSERT INTO files (id, sender, outgoing, size, chunk, have, state, created)
                 VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (sender, id) DO NOTHING",
            )?
            .execute(params![
                id.as_bytes().as_slice(),
                sender.as_str(),
                to_i64(layout.size, "size")?,
                layout.chunk,
                Chunks::none(layout.chunks()).as_bytes(),
                TransferState::Downloading.code(),
                now,
            ])?;
        self.file(sender, id)
    }

    /// Saves how far transfers got, in one transaction.
    pub fn save_progress(&mut self, progress: &[(i64, &Chunks)]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt =
                tx.prepare_cached("UPDATE files SET have = ?2, have_count = ?3 WHERE rid = ?1")?;
            for (rid, have) in progress {
                stmt.execute(params![rid, have.as_bytes(), have.count()])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// A transfer ended (or changed state): with the path of the whole file
    /// when it is here, and the type sniffed from its bytes.
    pub fn set_file_state(
        &mut self,
        rid: i64,
        state: TransferState,
        path: Option<&Path>,
        mime: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE files SET state = ?2, path = COALESCE(?3, path), mime = COALESCE(?4, mime)
                 WHERE rid = ?1",
            )?
            .execute(params![
                rid,
                state.code(),
                path.map(|p| p.to_string_lossy().into_owned()),
                mime
            ])?;
        Ok(())
    }

    /// Received and sent files, newest first, with their messages.
    pub fn files(&self, limit: usize) -> Result<Vec<FileRecord>, StoreError> {
        select_records(
            &self.conn,
            "f.message IS NOT NULL ORDER BY f.created DESC, f.rid DESC LIMIT ?1",
            params![super::rows::limit_param(limit)],
        )
    }
}
