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
//! - `preview`: what a file is by its bytes, and image thumbnails.

pub mod chunks;
pub mod disk;
pub mod download;
pub mod preview;
pub mod upload;

/// Files up to this size are pushed to the broker in a direct chat, so an
/// offline peer gets them without the sender online (64 chunks).
pub const PUSH_LIMIT_DIRECT: u64 = 16 * 1024 * 1024;
/// The same in a room: every member's queue holds a copy.
pub const PUSH_LIMIT_ROOM: u64 = 8 * 1024 * 1024;
/// The chunk size we cut files into.
pub const CHUNK: u32 = crate::protocol::frame::MAX_CHUNK;
