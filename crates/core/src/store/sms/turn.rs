//! One turn of an SMS link in one transaction: what was sent meanwhile,
//! what it heard (answers, lost answers, incoming SMS, reports) and the
//! parts it hands to the window next. A link's turn used to be four or five commits; at a
//! gateway answering at once that was most of a message's cost (S1).

use std::collections::BTreeSet;

use super::answers::{answered_in, reports_in};
use super::delivery::updates;
use super::incoming::incoming_in;
use super::outbox::enqueue_in;
use super::window::{given_up_in, take_in, waiting_in};
use super::{IncomingSms, NewPart, PartAnswer, Report, SmsPart, SmsUpdate};
use crate::model::StoredMessage;
use crate::store::batch::Batch;
use crate::store::{Store, StoreError};

/// What one turn heard, what was sent meanwhile, and how many parts the
/// window has room for.
#[derive(Debug, Default)]
pub struct Turn<'a> {
    /// Messages to queue first (a link's sends go with its next commit,
    /// so that its thread never waits for the store's lock).
    pub queue: &'a [(StoredMessage, Vec<NewPart>)],
    pub answers: &'a [PartAnswer],
    /// Written parts the gateway did not answer after N attempts.
    pub given_up: &'a [i64],
    /// N > 1: those were written more than once (each may have gone).
    pub tried_more_than_once: bool,
    pub incoming: &'a [IncomingSms],
    pub reports: &'a [Report],
    /// Queued parts to take for writing (the window's room).
    pub take: usize,
}

impl Turn<'_> {
    fn heard_nothing(&self) -> bool {
        self.queue.is_empty()
            && self.answers.is_empty()
            && self.given_up.is_empty()
            && self.incoming.is_empty()
            && self.reports.is_empty()
    }
}

/// What a turn's transaction did.
#[derive(Debug, Default)]
pub struct TurnOutcome {
    /// Messages whose delivery changed.
    pub updates: Vec<SmsUpdate>,
    /// Incoming SMS now complete.
    pub messages: Vec<StoredMessage>,
    /// Parts marked written: SUBMIT them now.
    pub parts: Vec<SmsPart>,
    /// For each message of `Turn::queue`, whether it was queued now (not
    /// stored already).
    pub queued: Vec<bool>,
}

impl Store {
    /// Commits a turn. Answer the turn's DELIVERs only after it returns.
    pub fn sms_turn(&mut self, turn: &Turn<'_>) -> Result<TurnOutcome, StoreError> {
        if turn.heard_nothing() {
            if turn.take == 0 {
                return Ok(TurnOutcome::default());
            }
            // Nothing to write unless parts wait: look before locking.
            if waiting_in(&self.conn, 1)?.is_empty() {
                return Ok(TurnOutcome::default());
            }
        }
        let tx = self.conn.transaction()?;
        let mut touched = BTreeSet::new();
        let mut batch = Batch::default();
        let queued = enqueue_in(&tx, turn.queue, &mut batch)?;
        answered_in(&tx, turn.answers, &mut touched)?;
        given_up_in(&tx, turn.given_up, turn.tried_more_than_once, &mut touched)?;
        let messages = incoming_in(&tx, turn.incoming, &mut batch)?;
        reports_in(&tx, turn.reports, &mut touched)?;
        let parts = if turn.take > 0 {
            take_in(&tx, turn.take, &mut touched)?
        } else {
            Vec::new()
        };
        batch.finish(&tx)?;
        let updates = updates(&tx, &touched)?;
        tx.commit()?;
        Ok(TurnOutcome {
            updates,
            messages,
            parts,
            queued,
        })
    }
}
