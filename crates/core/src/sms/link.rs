//! One link to the gateway: the socket, a `tether_cmpp` session, and the
//! store beside them. Each turn takes what the session heard, SUBMITs
//! parts already reserved while the window has room, starts a commit on
//! the store's thread (`committer`, `turn`), writes what the session
//! queued, then waits for the socket, the commit, the session's next
//! timer or a command (`requests`). DELIVERs are answered when their
//! commit is done.

use std::time::Duration;

use tether_cmpp::session::Session;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::time::{Instant, sleep_until};

use super::committer::{Pipeline, committed};
use super::engine::Engine;
use super::requests::{EXPIRE_EVERY, Pending, TERMINATE_WAIT};
use crate::account::sms::ConnectionMode;
use crate::engine::drops;

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
        let mut pipe = Pipeline::new();
        let end = loop {
            let heard_end = self.heard(&mut session, &mut pending, &mut pipe.heard);
            let open = heard_end.is_none()
                && pending.connected
                && pending.stop_by.is_none()
                && !pending.terminating;
            if open {
                self.submit_reserved(&mut session, &mut pipe);
            }
            self.start_commit(&self.committer, &session, &mut pipe, open);
            if let Err(e) = flush(&mut session, &mut writer).await {
                break heard_end
                    .unwrap_or_else(|| LinkEnd::Lost(format!("cannot write to the link: {e}")));
            }
            if let Some(end) = heard_end {
                break end;
            }
            if short
                && pending.connected
                && !pending.terminating
                && self.idle(&session, &pending, &pipe)
            {
                pending.terminating = true;
                session.terminate(std::time::Instant::now());
                continue;
            }
            let deadline = session.poll_timeout().map(Instant::from_std);
            let drops_due = self.drops.due();
            tokio::select! {
                // The gateway's answers first: they free the window.
                biased;
                read = reader.read_buf(&mut buf) => match read {
                    Ok(0) => break LinkEnd::Lost("the gateway closed the link".into()),
                    Err(e) => break LinkEnd::Lost(format!("the link failed: {e}")),
                    Ok(_) => {
                        if let Err(end) = self.read_frames(&mut buf, &mut session) {
                            break end;
                        }
                    }
                },
                done = committed(&mut pipe.committing), if pipe.committing.is_some() => {
                    if let Err(end) = self.commit_done(&mut session, &mut pipe, done) {
                        break end;
                    }
                    for command in std::mem::take(&mut pipe.deferred) {
                        self.link_command(command, &mut session, &mut pending, &mut pipe);
                    }
                }
                () = sleep_until(pipe.held_until.unwrap_or_else(Instant::now)), if pipe.held_until.is_some() => {
                    pipe.held_until = None;
                }
                () = sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                    session.handle_timeout(std::time::Instant::now());
                }
                command = self.commands.recv(), if pending.stop_by.is_none() => match command {
                    Some(command) => {
                        self.link_command(command, &mut session, &mut pending, &mut pipe);
                        // A send, a retry: parts may wait now.
                        pipe.may_have_queued();
                    }
                    None => {
                        pending.stop_by = Some(Instant::now() + TERMINATE_WAIT);
                        session.terminate(std::time::Instant::now());
                    }
                },
                () = sleep_until(pending.stop_by.unwrap_or_else(Instant::now)), if pending.stop_by.is_some() => {
                    break LinkEnd::Shutdown;
                }
                _ = foreign.tick() => {
                    // Parts another process queued are reserved next (the
                    // version also moves with this link's own commits,
                    // which costs one look for parts a second).
                    if self.foreign_changes() {
                        pipe.may_have_queued();
                    }
                }
                _ = expire.tick() => self.expire_incomplete(),
                () = sleep_until(drops_due.unwrap_or_else(Instant::now)), if drops_due.is_some() => {
                    if let Some(report) = self.drops.flush(Instant::now()) {
                        drops::log(&report);
                    }
                }
            }
        };
        // Asked to stop: however the link ended (the gateway may close it
        // before our last write, on its TERMINATE_RESP), the task stops.
        let end = if pending.stop_by.is_some() {
            LinkEnd::Shutdown
        } else {
            end
        };
        self.store_the_rest(&mut session, &mut pending, &mut pipe)
            .await;
        let why = match &end {
            LinkEnd::Lost(why) | LinkEnd::Refused(why) | LinkEnd::Io(why) => why.as_str(),
            LinkEnd::Shutdown | LinkEnd::Done => "the link was closed",
        };
        pending.fail_all(why);
        let _ = writer.shutdown().await;
        end
    }

    /// The link is over: what it heard last is stored, not dropped (the
    /// commit in flight, then answers decoded before a bad frame or a
    /// failed write; once more if a commit failed); reserved parts that
    /// never went are queued again as they were, and written ones whose
    /// answer will never come are queued again flagged (they may have
    /// reached the gateway). Only this link writes parts, so every written
    /// part is one of these. Cancels that waited for a commit run last,
    /// as between links.
    async fn store_the_rest(
        &mut self,
        session: &mut Session,
        pending: &mut Pending,
        pipe: &mut Pipeline,
    ) {
        if pipe.committing.is_some() {
            let done = committed(&mut pipe.committing).await;
            let _ = self.commit_done(session, pipe, done);
        }
        self.heard(session, pending, &mut pipe.heard);
        if pipe.has_writes() {
            pipe.held_until = None;
            self.start_commit(&self.committer, session, pipe, false);
            let done = committed(&mut pipe.committing).await;
            let _ = self.commit_done(session, pipe, done);
        }
        if pipe.has_writes() {
            // The store still fails: the senders are told; the gateway
            // sends its unanswered DELIVERs again on the next link.
            let burst = std::mem::take(&mut pipe.burst);
            self.burst_stored(burst, Err("the store cannot be written".into()));
        }
        let unsent = pipe.unreserve_all();
        if let Err(e) = self.store.sms_unreserve(&unsent) {
            tracing::error!("cannot put reserved SMS parts back in the outbox: {e}");
        }
        for command in std::mem::take(&mut pipe.deferred) {
            let _ = self.offline_command(command);
        }
        if let Err(e) = self.store.sms_unanswered(None) {
            tracing::error!("cannot put unanswered SMS parts back in the outbox: {e}");
        }
    }

    /// Nothing in flight, nothing asked, nothing queued.
    fn idle(&self, session: &Session, pending: &Pending, pipe: &Pipeline) -> bool {
        session.in_flight() == 0
            && pending.is_empty()
            && pipe.is_idle()
            && self.store.sms_outbox_len().is_ok_and(|n| n == 0)
    }

    fn read_frames(&mut self, buf: &mut Vec<u8>, session: &mut Session) -> Result<(), LinkEnd> {
        let mut at = 0;
        let result = loop {
            match tether_cmpp::decode(&buf[at..], session.version()) {
                Ok(Some(frame)) => {
                    let raw = &buf[at..at + frame.consumed];
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
                            if let Some(end) = undecodable(raw, session) {
                                break Err(end);
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
}

/// What an undecodable PDU still asks of us: a DELIVER is answered all
/// the same (Result 1, "structure error"), or the gateway resends it and
/// may drop the link; a login answer in the other version's layout ends
/// the link with what to change.
fn undecodable(raw: &[u8], session: &mut Session) -> Option<LinkEnd> {
    let header = tether_cmpp::Header::peek(raw)?;
    match tether_cmpp::CommandId::from_code(header.command_id)? {
        tether_cmpp::CommandId::Deliver => {
            let msg_id = raw
                .get(12..20)
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map_or(0, u64::from_be_bytes);
            session.answer_deliver(header.sequence_id, msg_id, 1);
            None
        }
        tether_cmpp::CommandId::ConnectResp
            if session.phase() == tether_cmpp::session::Phase::LoggingIn =>
        {
            let other = match session.version() {
                tether_cmpp::Version::V2_0 => "3.0",
                tether_cmpp::Version::V3_0 => "2.0",
            };
            Some(LinkEnd::Refused(format!(
                "the gateway answered the login in another CMPP layout ({} bytes): set the \
                 account's version to {other}",
                raw.len()
            )))
        }
        _ => None,
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
