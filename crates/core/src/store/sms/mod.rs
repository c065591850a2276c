//! SMS in the store (schema V6): the outbox of parts and what the gateway
//! said of each, and incoming SMS with their parts and de-duplication.
//!
//! A message to a phone number is a `messages` row like a chat message, in
//! the conversation `p:NUMBER`; its status follows its parts: `Queued`
//! until the gateway took every part, `Sent`, then `Delivered` when every
//! part's report said DELIVRD, or `Failed` as soon as one part failed.
//!
//! # Layout
//! - `outbox`: queuing a message's parts, retries, cancels, what became
//!   of a message.
//! - `window`: parts taken for the link's window (marked written before
//!   they go), given up on, put back when their answer will never come.
//! - `answers`: SUBMIT_RESPs and status reports, matched by Msg_Id in
//!   whichever order they come.
//! - `delivery`: what a message's parts add up to.
//! - `incoming`: DELIVERs stored once, long messages reassembled in any
//!   order, sets that never complete shown after a while.
//! - `turn`: all of one link turn's writes in one transaction.
//! - `remote`: texts sent through the SMS gateway user: the delivery it
//!   reported.

mod answers;
mod delivery;
mod incoming;
mod outbox;
mod remote;
#[cfg(test)]
mod tests;
mod turn;
mod window;

pub use incoming::{IncomingSms, PartOf};
pub use outbox::{NewPart, PartAnswer, Report, SmsPart, SmsUpdate};
pub use turn::{Turn, TurnOutcome};

/// Msg_Ids are u64 on the wire and INTEGER (i64) in SQLite: the same 64
/// bits, so ids above i64::MAX (December's, for one) survive.
pub(crate) fn msg_id_to_sql(msg_id: u64) -> i64 {
    msg_id.cast_signed()
}

pub(crate) fn msg_id_from_sql(value: i64) -> u64 {
    value.cast_unsigned()
}
