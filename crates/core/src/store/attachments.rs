//! A message's file as the UI and the CLI see it ([`Attachment`]), read
//! beside a page of messages (the rows are `files`'s).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rusqlite::{Connection, params};

use super::rows::{json_message_ids, to_u64, uuid_from_blob};
use super::{StoreError, StoredMessage};
use crate::model::{Attachment, Thumb, TransferState};
use crate::protocol::{Thumbnail, safe_name};
use crate::transfer::preview::is_executable;

/// Fills in the files of messages read from the store.
pub(crate) fn attach_files(
    conn: &Connection,
    messages: &mut [StoredMessage],
) -> Result<(), StoreError> {
    let any: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM files)")?
        .query_row([], |r| r.get(0))?;
    if !any || messages.is_empty() {
        return Ok(());
    }
    let ids = json_message_ids(messages.iter().map(|m| &m.id));
    let mut stmt = conn.prepare_cached(
        "SELECT message, id, name, mime, size, state, have_count, chunk, queued, thumb, thumb_w,
             thumb_h
         FROM files WHERE message IN (SELECT unhex(value) FROM json_each(?1))",
    )?;
    let rows = stmt
        .query_map(params![ids], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                (
                    r.get::<_, Vec<u8>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, i64>(7)?,
                ),
                (
                    r.get::<_, bool>(8)?,
                    r.get::<_, Option<Vec<u8>>>(9)?,
                    r.get::<_, Option<u32>>(10)?,
                    r.get::<_, Option<u32>>(11)?,
                ),
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    for (message, (id, name, mime, size, state, have, chunk), (queued, thumb, w, h)) in rows {
        let message = uuid_from_blob(&message, "files.message")?;
        let Some(target) = messages.iter_mut().find(|m| m.id == message) else {
            continue;
        };
        let size = to_u64(size, "files.size")?;
        let state =
            TransferState::from_code(state).ok_or_else(|| StoreError::corrupt("files.state"))?;
        let done = match state {
            TransferState::Uploaded | TransferState::Downloaded => size,
            _ => (to_u64(have, "files.have_count")? * to_u64(chunk, "files.chunk")?).min(size),
        };
        let name = safe_name(&name);
        target.file = Some(Attachment {
            id: uuid_from_blob(&id, "files.id")?,
            executable: is_executable(&mime, &name),
            name,
            size,
            mime,
            state,
            done,
            queued,
            thumb: thumb_view(thumb, w, h),
        });
    }
    Ok(())
}

/// A stored thumbnail as a `data:` URL, if its bytes are a JPEG or PNG.
fn thumb_view(data: Option<Vec<u8>>, w: Option<u32>, h: Option<u32>) -> Option<Thumb> {
    let data = data?;
    let mime = Thumbnail::sniff(&data)?;
    Some(Thumb {
        url: format!("data:{mime};base64,{}", BASE64.encode(&data)),
        width: w?,
        height: h?,
    })
}
