//! The state of an account's connection, as the user sees it (the
//! supervisor decides it; see `supervisor`).

use serde::Serialize;

use crate::error::ErrorCode;

/// What the UI shows in its connection strip and the CLI in `listen`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ConnectionState {
    /// Not started, or stopped on request.
    Offline,
    /// A connection attempt is under way.
    Connecting { attempt: u32 },
    /// Linked to the broker since `since_ms`.
    Connected {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        since_ms: i64,
    },
    /// The last attempt failed; the next starts at `retry_at_ms` (wall clock).
    Waiting {
        attempt: u32,
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        retry_at_ms: i64,
        /// What went wrong, in words (English; `code` is for deciding).
        error: String,
        /// What kind of failure: `unreachable` or `tls`.
        code: ErrorCode,
    },
    /// The broker refused our credentials: retrying cannot help until the
    /// user changes them (or asks to retry).
    AuthFailed { message: String },
}
