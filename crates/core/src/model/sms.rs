//! What became of an SMS we sent: its parts, as the gateway answered them.

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
