//! A file attached to a message (extension 12), as the UI and the CLI see
//! it: what it is, how far its transfer got, and its thumbnail.

use serde::Serialize;
use uuid::Uuid;

/// Where a file's transfer stands.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferState {
    /// Ours, going to the broker (pushed) or waiting to be asked for.
    Uploading,
    /// Ours, all on the broker, or announced for receivers to fetch.
    Uploaded,
    /// Theirs, coming.
    Downloading,
    /// Theirs, here and verified.
    Downloaded,
    /// The sender no longer has it, or it was cancelled.
    Cancelled,
    /// Encrypted in a way this version cannot open.
    Unreadable,
}

impl TransferState {
    pub fn code(self) -> i64 {
        match self {
            TransferState::Uploading => 0,
            TransferState::Uploaded => 1,
            TransferState::Downloading => 2,
            TransferState::Downloaded => 3,
            TransferState::Cancelled => 4,
            TransferState::Unreadable => 5,
        }
    }

    pub fn from_code(code: i64) -> Option<TransferState> {
        Some(match code {
            0 => TransferState::Uploading,
            1 => TransferState::Uploaded,
            2 => TransferState::Downloading,
            3 => TransferState::Downloaded,
            4 => TransferState::Cancelled,
            5 => TransferState::Unreadable,
            _ => return None,
        })
    }

    /// Nothing more will happen to it.
    pub fn is_final(self) -> bool {
        !matches!(self, TransferState::Uploading | TransferState::Downloading)
    }
}

/// A message's file.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// The transfer's id (extension 12).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: Uuid,
    /// Safe to show and to save under (see `protocol::safe_name`).
    pub name: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// Sniffed from the bytes when we have them; the sender's word before.
    pub mime: String,
    pub state: TransferState,
    /// Bytes transferred so far (acknowledged by the broker when sending).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub done: u64,
    /// Pushed to the broker (an offline recipient gets it); otherwise
    /// fetched from the sender while both are online.
    pub queued: bool,
    pub thumb: Option<Thumb>,
    /// Opening it runs code: the UI asks first.
    pub executable: bool,
}

/// A thumbnail, as a `data:` URL of a JPEG or PNG (never anything else).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Thumb {
    pub url: String,
    pub width: u32,
    pub height: u32,
}
