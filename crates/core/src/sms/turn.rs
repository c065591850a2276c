//! One turn of a link: what the session heard is gathered ([`Heard`])
//! and committed on the store's thread (`committer`) together with the
//! parts the window will take next; when a commit is done, the DELIVERs
//! in it are answered, its events told, and its parts SUBMITted as the
//! window has room.

use tether_cmpp::session::{Event as LinkEvent, Session};
use tokio::time::Instant;

use super::GatewayCounters;
use super::committer::{Committer, Done, Pipeline, Writes};
use super::engine::Engine;
use super::link::LinkEnd;
use super::requests::Pending;
use super::wire::{self, Arrived};
use crate::clock::now_ms;
use crate::engine::drops;
use crate::error::ClientError;
use crate::event::Event;
use crate::model::ConnectionState;
use crate::store::sms::{IncomingSms, PartAnswer, Report};

/// Parts reserved ahead of the window at least, in windows: a window's
/// worth more than it holds, so that answers arriving while a commit runs
/// find the next parts ready.
const WINDOWS_AHEAD_AT_LEAST: usize = 2;
/// Parts reserved ahead at most (a crash leaves these flagged "may have
/// been sent twice": they were marked written and may have gone).
const RESERVE_AT_MOST: usize = 512;

/// How long a link waits before trying a commit that failed again.
pub(super) const STORE_RETRY: std::time::Duration = std::time::Duration::from_secs(1);

/// What the link heard and not stored yet.
#[derive(Default)]
pub(super) struct Heard {
    pub answers: Vec<PartAnswer>,
    pub given_up: Vec<i64>,
    pub incoming: Vec<IncomingSms>,
    pub reports: Vec<Report>,
    /// The DELIVERs behind `incoming` and `reports`, by Sequence_Id and
    /// Msg_Id: answered once they are stored.
    pub delivers: Vec<(u32, u64)>,
}

impl Heard {
    /// Puts `earlier` (heard before, and not stored: its commit failed)
    /// in front of what was heard since.
    pub(super) fn put_back(&mut self, mut earlier: Heard) {
        earlier.answers.append(&mut self.answers);
        earlier.given_up.append(&mut self.given_up);
        earlier.incoming.append(&mut self.incoming);
        earlier.reports.append(&mut self.reports);
        earlier.delivers.append(&mut self.delivers);
        *self = earlier;
    }

    pub(super) fn is_empty(&self) -> bool {
        self.answers.is_empty()
            && self.given_up.is_empty()
            && self.incoming.is_empty()
            && self.reports.is_empty()
    }
}

impl Engine {
    /// Takes what the session heard into `heard`; the end of the link,
    /// if it ended.
    pub(super) fn heard(
        &mut self,
        session: &mut Session,
        pending: &mut Pending,
        heard: &mut Heard,
    ) -> Option<LinkEnd> {
        let mut end = None;
        while let Some(event) = session.poll_event() {
            match event {
                LinkEvent::Connected { .. } => {
                    pending.connected = true;
                    tracing::info!(account = %self.account.name, "logged in to the SMS gateway");
                    self.set_state(ConnectionState::Connected { since_ms: now_ms() });
                }
                LinkEvent::Refused { status } => end = Some(self.refusal(status)),
                LinkEvent::GatewayNotVerified => {
                    end = Some(LinkEnd::Refused(
                        "the gateway's answer does not prove it knows the shared secret: the secret \
                         set here may be mistyped, or this is not the operator's gateway"
                            .into(),
                    ));
                }
                LinkEvent::Submitted {
                    token,
                    msg_id,
                    result,
                    repeated,
                    again,
                } => heard.answers.push(PartAnswer {
                    part_id: token.cast_signed(),
                    msg_id,
                    result,
                    repeated,
                    again,
                }),
                LinkEvent::SubmitUnanswered { token } => {
                    tracing::warn!(
                        part = token,
                        "the gateway never answered a SUBMIT; it is marked failed (it may have gone)"
                    );
                    heard.given_up.push(token.cast_signed());
                }
                LinkEvent::Deliver {
                    sequence_id,
                    deliver,
                } => match wire::arrived(&deliver, now_ms()) {
                    Arrived::Sms(sms) => {
                        heard.delivers.push((sequence_id, deliver.msg_id));
                        heard.incoming.push(sms);
                    }
                    Arrived::Report { msg_id, dest, stat } => {
                        heard.delivers.push((sequence_id, deliver.msg_id));
                        heard.reports.push(Report {
                            deliver_id: Some(deliver.msg_id),
                            msg_id,
                            dest,
                            stat,
                        });
                    }
                    Arrived::Unreadable(why) => {
                        if let Some(report) = self.drops.record("sms", &why, Instant::now()) {
                            drops::log(&report);
                        }
                        session.answer_deliver(sequence_id, deliver.msg_id, 0);
                    }
                },
                LinkEvent::QueryAnswered { token, resp } => {
                    if let Some(reply) = pending.queries.remove(&token) {
                        let _ = reply.send(Ok(GatewayCounters::from_resp(&resp)));
                    }
                }
                LinkEvent::QueryUnanswered { token } => {
                    if let Some(reply) = pending.queries.remove(&token) {
                        let _ = reply.send(Err(ClientError::GatewayUnavailable(
                            "the gateway did not answer the query".into(),
                        )));
                    }
                }
                LinkEvent::CancelAnswered { token, success_id } => {
                    self.cancelled(pending, token, success_id == 0);
                }
                LinkEvent::CancelUnanswered { token } => self.cancelled(pending, token, false),
                LinkEvent::LinkDead => {
                    end = Some(LinkEnd::Lost(format!(
                        "the gateway stopped answering ({} tries, {} s apart)",
                        self.account.timers.attempts, self.account.timers.response_secs
                    )));
                }
                LinkEvent::Closed => {
                    end = Some(if pending.stop_by.is_some() {
                        LinkEnd::Shutdown
                    } else if pending.terminating {
                        LinkEnd::Done
                    } else {
                        LinkEnd::Lost("the gateway ended the link (TERMINATE)".into())
                    });
                }
            }
        }
        end
    }

    fn refusal(&self, status: u32) -> LinkEnd {
        let sp = &self.account.sp_id;
        match status {
            2 => LinkEnd::Refused(format!(
                "the gateway does not know SP id {sp} (Status 2): check the account's SP id"
            )),
            3 => LinkEnd::Refused(format!(
                "the gateway refused the shared secret of SP id {sp} (Status 3): set the right secret"
            )),
            4 => LinkEnd::Refused(
                "the gateway does not speak this CMPP version (Status 4): choose version 2.0"
                    .into(),
            ),
            other => LinkEnd::Lost(format!("the gateway refused the login (Status {other})")),
        }
    }

    /// Starts a commit if none is in flight and there is something to
    /// write: what was heard, and reservations when the window will want
    /// parts (`open`: it may take more on this link).
    pub(super) fn start_commit(
        &self,
        committer: &Committer,
        session: &Session,
        pipe: &mut Pipeline,
        open: bool,
    ) {
        if pipe.committing.is_some() || pipe.held_until.is_some() {
            return;
        }
        let window = session.config().window;
        // Twice what the window took while the last reservation was on
        // its way: what comes back must last through the next commit too.
        let ahead = (2 * pipe.taken_since).clamp(WINDOWS_AHEAD_AT_LEAST * window, RESERVE_AT_MOST);
        let take = if open && pipe.more_waiting {
            ahead.saturating_sub(pipe.reserved.len())
        } else {
            0
        };
        if take == 0 && !pipe.has_writes() {
            return;
        }
        pipe.start(committer, session.config().attempts > 1, take);
    }

    /// A commit is done: its events told, its DELIVERs answered, its
    /// reserved parts ready for the window. A commit that failed is put
    /// back whole, to be tried again after [`STORE_RETRY`] (nothing of it
    /// is answered meanwhile). `Err`: the store's thread is gone, the link
    /// cannot go on.
    pub(super) fn commit_done(
        &mut self,
        session: &mut Session,
        pipe: &mut Pipeline,
        done: Option<Done>,
    ) -> Result<(), LinkEnd> {
        pipe.committing = None;
        let Some(Done { writes, outcome }) = done else {
            return Err(LinkEnd::Lost("the SMS store's writer stopped".into()));
        };
        let Writes {
            burst, heard, take, ..
        } = writes;
        let mut outcome = match outcome {
            Ok(outcome) => outcome,
            Err(e) => {
                // A full disk, an I/O error: what was heard and sent stays
                // here and is tried again, not dropped (the gateway's
                // answers would be lost and their parts go twice).
                tracing::error!(
                    "cannot store what the SMS gateway said ({e}); trying again in {STORE_RETRY:?}"
                );
                pipe.heard.put_back(heard);
                pipe.burst.put_back(burst);
                pipe.held_until = Some(tokio::time::Instant::now() + STORE_RETRY);
                return Ok(());
            }
        };
        self.burst_stored(burst, Ok(std::mem::take(&mut outcome.queued)));
        for part in &outcome.parts {
            self.announce(part.message_id);
        }
        self.tell(&outcome.updates);
        for message in outcome.messages {
            let _ = self.events.send(Event::Message { message });
        }
        for (sequence_id, deliver_id) in heard.delivers {
            session.answer_deliver(sequence_id, deliver_id, 0);
        }
        pipe.reserved(take, outcome.parts);
        if heard.answers.iter().any(|a| a.result == 8 && !a.again) {
            // Not taken (slow down): queued again, to be reserved again.
            pipe.may_have_queued();
        }
        Ok(())
    }

    /// SUBMITs reserved parts while the window has room; whether any went.
    pub(super) fn submit_reserved(&self, session: &mut Session, pipe: &mut Pipeline) -> bool {
        let now = std::time::Instant::now();
        let mut any = false;
        while session.may_send(now).is_ok() {
            let Some(part) = pipe.reserved.pop_front() else {
                break;
            };
            let submit = wire::submit(&self.account, &part);
            if session
                .submit(part.id.cast_unsigned(), submit, now)
                .is_err()
            {
                pipe.reserved.push_front(part);
                break;
            }
            pipe.taken_since += 1;
            any = true;
        }
        any
    }
}
