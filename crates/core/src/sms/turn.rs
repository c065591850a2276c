//! One turn of a link: what the session heard, committed with the parts
//! the window has room for in one transaction (`Store::sms_turn`); then
//! the DELIVERs stored are answered and the parts SUBMITted.

use tether_cmpp::session::{Event as LinkEvent, Session};
use tokio::time::Instant;

use super::GatewayCounters;
use super::engine::Engine;
use super::link::LinkEnd;
use super::requests::Pending;
use super::wire::{self, Arrived};
use crate::clock::now_ms;
use crate::engine::drops;
use crate::error::ClientError;
use crate::event::Event;
use crate::model::ConnectionState;
use crate::store::sms::{IncomingSms, PartAnswer, Report, Turn};

/// What one turn heard, stored together.
#[derive(Default)]
pub(super) struct Heard {
    answers: Vec<PartAnswer>,
    given_up: Vec<i64>,
    incoming: Vec<(u32, u64, IncomingSms)>,
    /// With the Sequence_Id of their DELIVER.
    reports: Vec<(u32, Report)>,
}

impl Engine {
    /// Applies what the session heard; the end of the link, if it ended.
    pub(super) fn heard(
        &mut self,
        session: &mut Session,
        pending: &mut Pending,
    ) -> (Heard, Option<LinkEnd>) {
        let mut heard = Heard::default();
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
                    Arrived::Sms(sms) => heard.incoming.push((sequence_id, deliver.msg_id, sms)),
                    Arrived::Report { msg_id, dest, stat } => heard.reports.push((
                        sequence_id,
                        Report {
                            deliver_id: Some(deliver.msg_id),
                            msg_id,
                            dest,
                            stat,
                        },
                    )),
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
        (heard, end)
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

    /// Commits a turn (see the module); whether parts were SUBMITted.
    pub(super) fn commit_turn(
        &mut self,
        session: &mut Session,
        pending: &Pending,
        heard: Heard,
        ending: bool,
    ) -> bool {
        let now = std::time::Instant::now();
        let open = !ending
            && pending.connected
            && pending.stop_by.is_none()
            && !pending.terminating
            && session.may_send(now).is_ok();
        let take = if open {
            session.config().window.saturating_sub(session.in_flight())
        } else {
            0
        };
        let incoming: Vec<IncomingSms> = heard.incoming.iter().map(|(_, _, i)| i.clone()).collect();
        let reports: Vec<Report> = heard.reports.iter().map(|(_, r)| r.clone()).collect();
        let turn = Turn {
            answers: &heard.answers,
            given_up: &heard.given_up,
            tried_more_than_once: session.config().attempts > 1,
            incoming: &incoming,
            reports: &reports,
            take,
        };
        let outcome = match self.store.sms_turn(&turn) {
            Ok(outcome) => outcome,
            Err(e) => {
                // Nothing answered: the gateway sends its DELIVERs again.
                tracing::error!("cannot store what the SMS gateway said: {e}");
                return false;
            }
        };
        for part in &outcome.parts {
            self.announce(part.message_id);
        }
        self.tell(&outcome.updates);
        for message in outcome.messages {
            let _ = self.events.send(Event::Message { message });
        }
        for (sequence_id, deliver_id, _) in &heard.incoming {
            session.answer_deliver(*sequence_id, *deliver_id, 0);
        }
        for (sequence_id, report) in &heard.reports {
            session.answer_deliver(*sequence_id, report.deliver_id.unwrap_or(0), 0);
        }
        for part in &outcome.parts {
            let submit = wire::submit(&self.account, part);
            if session
                .submit(part.id.cast_unsigned(), submit, now)
                .is_err()
            {
                let _ = self.store.sms_unanswered(Some(&[part.id]));
            }
        }
        !outcome.parts.is_empty()
    }
}
