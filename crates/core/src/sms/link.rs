//! One link to the gateway: the socket, a `tether_cmpp` session, and the
//! store between them. Each turn writes what the session queued, commits
//! what it heard (one transaction per kind), answers DELIVERs only after
//! they are stored, then hands queued parts to the window.

use std::collections::HashMap;
use std::time::Duration;

use tether_cmpp::pdu::Query;
use tether_cmpp::session::{Event as LinkEvent, Session};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::time::{Instant, sleep_until};

use super::engine::{Engine, INCOMPLETE_AFTER};
use super::wire::{self, Arrived};
use super::{GatewayCounters, Reply, SmsCommand};
use crate::account::sms::ConnectionMode;
use crate::clock::now_ms;
use crate::engine::drops;
use crate::error::ClientError;
use crate::event::Event;
use crate::model::ConnectionState;
use crate::store::sms::{IncomingSms, PartAnswer};

/// How long a clean shutdown waits for the gateway's TERMINATE_RESP.
const TERMINATE_WAIT: Duration = Duration::from_secs(2);
/// How often long incoming SMS missing parts are looked at.
const EXPIRE_EVERY: Duration = Duration::from_secs(60);

/// How a link ended.
#[derive(Debug)]
pub(super) enum LinkEnd {
    /// The task was told to stop.
    Shutdown,
    /// Short mode: everything was sent and the link closed.
    Done,
    /// A login that retrying cannot fix: the user must act.
    Refused(String),
    /// No link was made.
    Io(String),
    /// The link was made and lost.
    Lost(String),
}

/// What one link waits for: query and cancel answers, the end.
#[derive(Default)]
struct Pending {
    next_token: u64,
    queries: HashMap<u64, Reply<GatewayCounters>>,
    /// A CANCEL's token to its message's group and part.
    cancels: HashMap<u64, (u64, i64)>,
    /// Per cancelled message: the reply, parts still unanswered, all ok.
    cancel_groups: HashMap<u64, (Reply<bool>, usize, bool)>,
    connected: bool,
    /// Short mode: our TERMINATE is out.
    terminating: bool,
    /// A clean shutdown waits until then for TERMINATE_RESP.
    stop_by: Option<Instant>,
}

impl Pending {
    fn token(&mut self) -> u64 {
        self.next_token += 1;
        self.next_token
    }

    fn is_empty(&self) -> bool {
        self.queries.is_empty() && self.cancels.is_empty()
    }

    /// The link is gone: nobody will answer.
    fn fail_all(&mut self, why: &str) {
        let error = || ClientError::GatewayUnavailable(format!("{why}; try again"));
        for (_, reply) in self.queries.drain() {
            let _ = reply.send(Err(error()));
        }
        self.cancels.clear();
        for (_, (reply, _, _)) in self.cancel_groups.drain() {
            let _ = reply.send(Err(error()));
        }
    }
}

/// What one turn heard, stored together.
#[derive(Default)]
struct Heard {
    answers: Vec<PartAnswer>,
    unanswered: Vec<i64>,
    incoming: Vec<(u32, u64, IncomingSms)>,
    reports: Vec<(u32, u64, u64, String, String)>,
}

impl Engine {
    pub(super) async fn run_link(&mut self, stream: TcpStream) -> LinkEnd {
        let _ = stream.set_nodelay(true);
        let (mut reader, mut writer) = stream.into_split();
        let short = self.account.mode == ConnectionMode::Short;
        let mut config = self.account.session_config(&self.secret);
        if short {
            // A short link lives for one job: no ACTIVE_TEST.
            config.idle = Duration::from_secs(24 * 3600);
        }
        let mut session = Session::new(config, self.timestamp(), std::time::Instant::now());
        let mut pending = Pending::default();
        let mut buf = Vec::with_capacity(16 * 1024);
        let mut foreign = tokio::time::interval(Duration::from_secs(1));
        let mut expire = tokio::time::interval(EXPIRE_EVERY);
        let end = loop {
            if let Err(e) = flush(&mut session, &mut writer).await {
                break LinkEnd::Lost(format!("cannot write to the link: {e}"));
            }
            if let Some(end) = self.heard(&mut session, &mut pending) {
                // What the session queued last (a TERMINATE_RESP) still goes.
                let _ = flush(&mut session, &mut writer).await;
                break end;
            }
            if self.pump(&mut session, &pending) {
                continue;
            }
            if short && pending.connected && !pending.terminating && self.idle(&session, &pending) {
                pending.terminating = true;
                session.terminate(std::time::Instant::now());
                continue;
            }
            let deadline = session.poll_timeout().map(Instant::from_std);
            let drops_due = self.drops.due();
            tokio::select! {
                read = reader.read_buf(&mut buf) => match read {
                    Ok(0) => break LinkEnd::Lost("the gateway closed the link".into()),
                    Err(e) => break LinkEnd::Lost(format!("the link failed: {e}")),
                    Ok(_) => {
                        if let Err(end) = self.read_frames(&mut buf, &mut session) {
                            break end;
                        }
                    }
                },
                () = sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                    session.handle_timeout(std::time::Instant::now());
                }
                command = self.commands.recv(), if pending.stop_by.is_none() => match command {
                    Some(command) => self.link_command(command, &mut session, &mut pending),
                    None => {
                        pending.stop_by = Some(Instant::now() + TERMINATE_WAIT);
                        session.terminate(std::time::Instant::now());
                    }
                },
                () = sleep_until(pending.stop_by.unwrap_or_else(Instant::now)), if pending.stop_by.is_some() => {
                    break LinkEnd::Shutdown;
                }
                _ = foreign.tick() => {
                    // Parts another process queued are picked up next turn.
                    self.foreign_changes();
                }
                _ = expire.tick() => self.expire_incomplete(),
                () = sleep_until(drops_due.unwrap_or_else(Instant::now)), if drops_due.is_some() => {
                    if let Some(report) = self.drops.flush(Instant::now()) {
                        drops::log(&report);
                    }
                }
            }
        };
        // Written and not answered: it may or may not have reached the
        // gateway; it goes again on the next link, flagged.
        let in_flight: Vec<i64> = session
            .submits_in_flight()
            .into_iter()
            .map(u64::cast_signed)
            .collect();
        if let Err(e) = self.store.sms_unanswered(Some(&in_flight)) {
            tracing::error!("cannot put unanswered SMS parts back in the outbox: {e}");
        }
        let why = match &end {
            LinkEnd::Lost(why) | LinkEnd::Refused(why) | LinkEnd::Io(why) => why.as_str(),
            LinkEnd::Shutdown | LinkEnd::Done => "the link was closed",
        };
        pending.fail_all(why);
        let _ = writer.shutdown().await;
        end
    }

    /// Nothing in flight, nothing asked, nothing queued.
    fn idle(&self, session: &Session, pending: &Pending) -> bool {
        session.in_flight() == 0
            && pending.is_empty()
            && self.store.sms_outbox_len().is_ok_and(|n| n == 0)
    }

    fn read_frames(&mut self, buf: &mut Vec<u8>, session: &mut Session) -> Result<(), LinkEnd> {
        let mut at = 0;
        let result = loop {
            match tether_cmpp::decode(&buf[at..], session.version()) {
                Ok(Some(frame)) => {
                    at += frame.consumed;
                    let now = std::time::Instant::now();
                    match frame.pdu {
                        Ok(pdu) => session.handle_pdu(pdu, now),
                        Err(e) => {
                            session.heard(now);
                            if let Some(report) =
                                self.drops.record("cmpp", &e.to_string(), Instant::now())
                            {
                                drops::log(&report);
                            }
                        }
                    }
                }
                Ok(None) => break Ok(()),
                Err(e) => {
                    break Err(LinkEnd::Lost(format!(
                        "the gateway's bytes are out of step ({e})"
                    )));
                }
            }
        };
        buf.drain(..at);
        result
    }

    /// Applies what the session heard; the end of the link, if it ended.
    fn heard(&mut self, session: &mut Session, pending: &mut Pending) -> Option<LinkEnd> {
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
                LinkEvent::SubmitUnanswered { token } => heard.unanswered.push(token.cast_signed()),
                LinkEvent::Deliver {
                    sequence_id,
                    deliver,
                } => match wire::arrived(&deliver, now_ms()) {
                    Arrived::Sms(sms) => heard.incoming.push((sequence_id, deliver.msg_id, sms)),
                    Arrived::Report { msg_id, dest, stat } => {
                        heard
                            .reports
                            .push((sequence_id, deliver.msg_id, msg_id, dest, stat));
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
        self.store_heard(session, heard);
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

    /// Commits what one turn heard, then answers the DELIVERs stored.
    fn store_heard(&mut self, session: &mut Session, heard: Heard) {
        if !heard.answers.is_empty() {
            match self.store.sms_answered(&heard.answers) {
                Ok(updates) => self.tell(&updates),
                Err(e) => tracing::error!("cannot store the gateway's answers: {e}"),
            }
        }
        if !heard.unanswered.is_empty()
            && let Err(e) = self.store.sms_unanswered(Some(&heard.unanswered))
        {
            tracing::error!("cannot put unanswered SMS parts back in the outbox: {e}");
        }
        if !heard.incoming.is_empty() {
            let items: Vec<IncomingSms> =
                heard.incoming.iter().map(|(_, _, i)| i.clone()).collect();
            match self.store.sms_store_incoming(&items) {
                Ok(messages) => {
                    for message in messages {
                        let _ = self.events.send(Event::Message { message });
                    }
                    for (sequence_id, deliver_id, _) in &heard.incoming {
                        session.answer_deliver(*sequence_id, *deliver_id, 0);
                    }
                }
                // Not answered: the gateway sends them again.
                Err(e) => tracing::error!("cannot store incoming SMS: {e}"),
            }
        }
        for (sequence_id, deliver_id, msg_id, dest, stat) in heard.reports {
            let stored = self
                .store
                .sms_deliver_first_time(deliver_id, now_ms())
                .and_then(|first| {
                    if first {
                        self.store.sms_report(msg_id, &dest, &stat)
                    } else {
                        Ok(Vec::new())
                    }
                });
            match stored {
                Ok(updates) => {
                    self.tell(&updates);
                    session.answer_deliver(sequence_id, deliver_id, 0);
                }
                Err(e) => tracing::error!("cannot store a status report: {e}"),
            }
        }
    }

    /// Hands queued parts to the window; whether any went.
    fn pump(&mut self, session: &mut Session, pending: &Pending) -> bool {
        let now = std::time::Instant::now();
        if !pending.connected || pending.stop_by.is_some() || pending.terminating {
            return false;
        }
        if session.may_send(now).is_err() {
            return false;
        }
        let room = session.config().window.saturating_sub(session.in_flight());
        let parts = match self.store.sms_waiting(room) {
            Ok(parts) => parts,
            Err(e) => {
                tracing::error!("cannot read the SMS outbox: {e}");
                return false;
            }
        };
        if parts.is_empty() {
            return false;
        }
        for part in &parts {
            self.announce(part.message_id);
        }
        let ids: Vec<i64> = parts.iter().map(|p| p.id).collect();
        match self.store.sms_written(&ids) {
            Ok(updates) => self.tell(&updates),
            Err(e) => {
                tracing::error!("cannot mark SMS parts as written: {e}");
                return false;
            }
        }
        for part in &parts {
            let submit = wire::submit(&self.account, part);
            if session
                .submit(part.id.cast_unsigned(), submit, now)
                .is_err()
            {
                let _ = self.store.sms_unanswered(Some(&[part.id]));
            }
        }
        true
    }

    fn link_command(&mut self, command: SmsCommand, session: &mut Session, pending: &mut Pending) {
        let now = std::time::Instant::now();
        match command {
            SmsCommand::Cancel { id, reply } if pending.connected => {
                let parts = match self.store.sms_scheduled_ids(id) {
                    Ok(parts) => parts,
                    Err(e) => {
                        let _ = reply.send(Err(e.into()));
                        return;
                    }
                };
                if parts.is_empty() {
                    let _ = reply.send(Ok(false));
                    return;
                }
                let group = pending.token();
                let mut asked = 0;
                for (part_id, msg_id) in parts {
                    let token = pending.token();
                    if session.cancel(token, msg_id, now).is_ok() {
                        pending.cancels.insert(token, (group, part_id));
                        asked += 1;
                    }
                }
                pending
                    .cancel_groups
                    .insert(group, (reply, asked, asked > 0));
                self.cancelled(pending, 0, true);
            }
            SmsCommand::Query {
                day,
                service,
                reply,
            } if pending.connected => {
                let token = pending.token();
                let query = Query {
                    time: day.into_bytes(),
                    query_type: u8::from(!service.is_empty()),
                    query_code: service.into_bytes(),
                };
                match session.query(token, query, now) {
                    Ok(_) => {
                        pending.queries.insert(token, reply);
                    }
                    Err(e) => {
                        let _ = reply.send(Err(ClientError::GatewayUnavailable(e.to_string())));
                    }
                }
            }
            SmsCommand::Shutdown { done } => {
                self.stopping = Some(done);
                pending.stop_by = Some(Instant::now() + TERMINATE_WAIT);
                session.terminate(now);
            }
            other => {
                // Send, retry and the rest are the same with or without a
                // link (the parts go at the next turn).
                let _ = self.offline_command(other);
            }
        }
    }

    /// A CANCEL's answer (`token` 0: none, just settle empty groups).
    fn cancelled(&mut self, pending: &mut Pending, token: u64, ok: bool) {
        if let Some((group, part_id)) = pending.cancels.remove(&token) {
            if ok {
                match self.store.sms_part_failed(part_id, "CANCELED") {
                    Ok(updates) => self.tell(&updates),
                    Err(e) => tracing::error!("cannot mark a cancelled SMS: {e}"),
                }
            }
            if let Some((_, waiting, all_ok)) = pending.cancel_groups.get_mut(&group) {
                *waiting = waiting.saturating_sub(1);
                *all_ok &= ok;
            }
        }
        let done: Vec<u64> = pending
            .cancel_groups
            .iter()
            .filter(|(_, (_, waiting, _))| *waiting == 0)
            .map(|(&g, _)| g)
            .collect();
        for group in done {
            if let Some((reply, _, all_ok)) = pending.cancel_groups.remove(&group) {
                let _ = reply.send(Ok(all_ok));
            }
        }
    }

    fn expire_incomplete(&mut self) {
        let before = now_ms() - i64::try_from(INCOMPLETE_AFTER.as_millis()).unwrap_or(i64::MAX);
        match self.store.sms_expire_incomplete(before) {
            Ok(messages) => {
                for message in messages {
                    let _ = self.events.send(Event::Message { message });
                }
            }
            Err(e) => tracing::error!("cannot show incomplete SMS: {e}"),
        }
    }
}

/// Writes everything the session queued, in one write.
async fn flush(session: &mut Session, writer: &mut OwnedWriteHalf) -> std::io::Result<()> {
    let mut out = Vec::new();
    while let Some(bytes) = session.poll_transmit() {
        out.extend_from_slice(&bytes);
    }
    if out.is_empty() {
        return Ok(());
    }
    writer.write_all(&out).await
}
