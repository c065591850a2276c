//! What became of an SMS we sent: its parts, as the gateway answered them.

use chrono::{FixedOffset, NaiveDate, TimeZone};
use serde::Serialize;

use super::MessageStatus;

/// Whether a message may have reached the phone more than once. CMPP has
/// no de-duplication: a SUBMIT sent again after its answer was lost is a
/// second SMS if the first had arrived. Tether says so instead of
/// pretending exactly-once.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Twice {
    No,
    /// A part was sent again after an attempt that went unanswered.
    Maybe,
    /// The gateway took a part twice (both attempts were answered).
    Yes,
}

/// An outgoing SMS, part by part.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SmsDelivery {
    /// How many SMS the text took.
    pub parts: u8,
    /// Parts the gateway took (SUBMIT_RESP Result 0).
    pub sent: u8,
    /// Parts whose status report said DELIVRD.
    pub delivered: u8,
    /// Why it failed, in the gateway's words: a report's Stat (`UNDELIV`,
    /// `EXPIRED`, `MA:0001`, …) or a SUBMIT_RESP Result.
    pub failure: Option<String>,
    pub twice: Twice,
    /// Sent with an At_Time: the gateway holds it until then.
    pub scheduled: bool,
    /// When the gateway is to send it (ms since the epoch), if scheduled
    /// here (a text scheduled through the SMS gateway user says only
    /// `scheduled`).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub scheduled_for_ms: Option<i64>,
}

impl SmsDelivery {
    /// The message's status: failed as soon as a part failed, delivered
    /// when every part was, sent when the gateway took every part.
    pub fn status(&self) -> MessageStatus {
        if self.failure.is_some() {
            MessageStatus::Failed
        } else if self.delivered == self.parts {
            MessageStatus::Delivered
        } else if self.sent == self.parts {
            MessageStatus::Sent
        } else {
            MessageStatus::Queued
        }
    }
}

/// The moment an At_Time names (the SMPP absolute form
/// `YYMMDDhhmmsstnnp`: local time, tenths, and the offset from UTC in
/// quarter hours, `+` or `-`), in ms since the epoch; `None` for any
/// other form (relative times end in `R`).
pub fn at_time_ms(at_time: &str) -> Option<i64> {
    let b = at_time.as_bytes();
    if b.len() != 16 || !b[..15].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |i: usize| u32::from(b[i] - b'0') * 10 + u32::from(b[i + 1] - b'0');
    let quarters = i32::try_from(n(13)).ok()?;
    let offset = match b[15] {
        b'+' => FixedOffset::east_opt(quarters * 900)?,
        b'-' => FixedOffset::west_opt(quarters * 900)?,
        _ => return None,
    };
    let year = 2000 + i32::try_from(n(0)).ok()?;
    let local = NaiveDate::from_ymd_opt(year, n(2), n(4))?.and_hms_milli_opt(
        n(6),
        n(8),
        n(10),
        u32::from(b[12] - b'0') * 100,
    )?;
    Some(
        offset
            .from_local_datetime(&local)
            .single()?
            .timestamp_millis(),
    )
}
