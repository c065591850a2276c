//! Files in chats (extension 12 of docs/protocol.md): announced in a `msg`,
//! carried as chunks over a second MQTT session of the account's, so a
//! file queued for an offline user never pushes chat out of the broker's
//! per-client queue.
//!
//! # Layout
//! - `chunks`: which chunks a side has (a bitmap, stored as is);
//! - `download`, `upload`: what to ask for and what to publish, when
//!   (I/O-free, unit-tested without a broker);
//! - `disk`: files content-addressed on disk, downloads written in place;
//! - `preview`: what a file is by its bytes, and image thumbnails;
//! - `control`: cancel and retry; `progress`: transfer events;
//! - `session`: the task owning the second session (`receiving`: chunks,
//!   requests and whole files; `sending`: what goes out, in what order).

pub mod chunks;
mod control;
pub mod disk;
pub mod download;
pub mod preview;
mod progress;
mod receiving;
mod sending;
pub(crate) mod session;
pub mod upload;

/// Files up to this size are pushed to the broker in a direct chat, so an
/// offline peer gets them without the sender online (64 chunks).
pub const PUSH_LIMIT_DIRECT: u64 = 16 * 1024 * 1024;
/// The same in a room: every member's queue holds a copy.
pub const PUSH_LIMIT_ROOM: u64 = 8 * 1024 * 1024;
/// The chunk size we cut files into: 255 KiB, so that a chunk's frame
/// (68 bytes more) stays within the 256 KiB a broker configured for chat
/// accepts (docs/deploy/mosquitto.conf's `message_size_limit`).
pub const CHUNK: u32 = 255 * 1024;

use std::path::Path;

use crate::engine::OutgoingFile;
use crate::error::ClientError;
use crate::protocol::FileBody;
use crate::protocol::frame::{Layout, MAX_FILE_BYTES};

/// Copies a file in and makes its announcement: type by its bytes, a
/// thumbnail for an image, pushed if at most `push_limit` bytes.
/// Blocking (it reads the whole file once).
pub(crate) fn outgoing(
    disk: &disk::Disk,
    path: &Path,
    push_limit: u64,
) -> Result<OutgoingFile, ClientError> {
    let unreadable = |source| ClientError::FileUnreadable {
        path: path.display().to_string(),
        source,
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size == 0 {
        return Err(ClientError::FileSize(
            "the file is empty: there is nothing to send",
        ));
    }
    if size > MAX_FILE_BYTES {
        return Err(ClientError::FileSize(
            "the file is larger than 4 GiB, the most Tether sends; share it another way",
        ));
    }
    let imported = disk.import(path).map_err(unreadable)?;
    let layout = Layout::new(imported.size, CHUNK)
        .map_err(|_| ClientError::FileSize("the file changed while it was read; try again"))?;
    let mime = preview::sniff(&imported.head);
    let thumb = match preview::is_image(&mime) {
        true => preview::thumbnail(&imported.path, &mime)
            .inspect_err(|e| tracing::info!("no thumbnail for an image: {e}"))
            .ok(),
        false => None,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_owned());
    let name = crate::protocol::safe_name(&name);
    // Within the protocol's limit, on a character boundary.
    let mut end = name.len().min(crate::protocol::MAX_NAME_BYTES);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    Ok(OutgoingFile {
        body: FileBody {
            id: uuid::Uuid::now_v7(),
            name: name[..end].to_owned(),
            layout,
            mime,
            sha256: imported.sha256,
            queued: imported.size <= push_limit,
            thumb,
            encrypted: false,
        },
        path: imported.path,
    })
}
