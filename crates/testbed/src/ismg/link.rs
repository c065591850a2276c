//! One SP's link to the simulated gateway.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use tether_cmpp::auth::{Timestamp, authenticator_ismg, authenticator_source};
use tether_cmpp::pdu::{Body, Connect, ConnectResp, Pdu, QueryResp, Submit, Version};
use tether_cmpp::{Frame, decode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

use super::clock::AnswerClock;
use super::{IsmgEvent, Shared};
use std::time::Instant;

/// DELIVERs in flight on one link (the spec's W).
const WINDOW: usize = 16;

pub(super) async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        if let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, Arc::clone(&shared)));
        }
    }
}

struct Link {
    shared: Arc<Shared>,
    writer: OwnedWriteHalf,
    version: Version,
    /// The SP logged in on this link.
    sp_id: Option<String>,
    /// This link's number in the shared state's `unanswered`.
    id: u64,
    sequence: u32,
    in_flight: usize,
    closing: bool,
    /// SUBMIT answers held back by `answer_delay`, in order.
    delayed: VecDeque<(Instant, Vec<u8>)>,
    /// Says when each of those is due (with a delay configured).
    clock: Option<AnswerClock>,
}

async fn serve(stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let (mut reader, writer) = stream.into_split();
    let mut cut = shared.cut.subscribe();
    cut.borrow_and_update();
    let id = {
        let mut state = shared.state();
        state.seen.links += 1;
        state.new_link()
    };
    // Often enough for reports due after a short delay.
    let tick_every = (shared.options.resend_after / 4).min(Duration::from_millis(20));
    let mut link = Link {
        shared: Arc::clone(&shared),
        writer,
        version: Version::V2_0,
        sp_id: None,
        id,
        sequence: 0,
        in_flight: 0,
        closing: false,
        delayed: VecDeque::new(),
        clock: None,
    };
    let due = Arc::new(Notify::new());
    if !shared.options.answer_delay.is_zero() {
        match AnswerClock::start(Arc::clone(&due)) {
            Ok(clock) => link.clock = Some(clock),
            // Without it the answers would never go: no link.
            Err(_) => return,
        }
    }
    let mut tick = tokio::time::interval(tick_every);
    let mut buf = Vec::with_capacity(4096);
    while !link.closing {
        let outgoing = shared.outgoing.notified();
        tokio::select! {
            () = due.notified() => link.write_due().await,
            read = reader.read_buf(&mut buf) => match read {
                Ok(0) | Err(_) => break,
                Ok(_) => link.read_frames(&mut buf).await,
            },
            _ = cut.changed() => break,
            () = outgoing => link.send_owed().await,
            _ = tick.tick() => {
                link.resend_overdue().await;
                link.send_owed().await;
            }
        }
    }
    // What the SP did not answer is owed to its next link.
    let mut state = shared.state();
    state.return_unanswered(Some(id));
    state.seen.links = state.seen.links.saturating_sub(1);
    drop(state);
    shared.changed.notify_waiters();
    shared.outgoing.notify_waiters();
}

impl Link {
    async fn read_frames(&mut self, buf: &mut Vec<u8>) {
        loop {
            match decode(buf, self.version) {
                Ok(Some(Frame { consumed, pdu, .. })) => {
                    buf.drain(..consumed);
                    if let Ok(pdu) = pdu
                        && !self.shared.state().silent
                    {
                        self.handle(pdu).await;
                    }
                }
                Ok(None) => return,
                Err(_) => {
                    self.closing = true;
                    return;
                }
            }
        }
    }

    async fn handle(&mut self, pdu: Pdu) {
        let seq = pdu.sequence_id;
        match pdu.body {
            Body::Connect(connect) => self.login(seq, &connect).await,
            Body::Submit(submit) if self.sp_id.is_some() => self.submit(seq, &submit).await,
            Body::DeliverResp { msg_id, .. } => {
                let answered = self.shared.state().unanswered.remove(&(self.id, seq));
                if answered.is_some() {
                    self.in_flight = self.in_flight.saturating_sub(1);
                    self.shared.state().answered(msg_id);
                    self.shared.tell(IsmgEvent::DeliverAnswered { msg_id });
                }
                self.send_owed().await;
            }
            Body::ActiveTest => {
                self.shared.state().seen.active_tests += 1;
                self.write(seq, Body::ActiveTestResp).await;
            }
            Body::Terminate => {
                let hang_up = {
                    let mut state = self.shared.state();
                    state.seen.terminates += 1;
                    state.hang_up_on_terminate
                };
                if !hang_up {
                    self.write(seq, Body::TerminateResp).await;
                }
                self.closing = true;
            }
            Body::Query(query) if self.sp_id.is_some() => {
                let seen = {
                    let mut state = self.shared.state();
                    state.seen.queries += 1;
                    state.seen()
                };
                let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
                let dests: usize = seen.submits.iter().map(|s| s.dest.len()).sum();
                let resp = QueryResp {
                    time: query.time,
                    query_type: query.query_type,
                    query_code: query.query_code,
                    counters: [
                        count(seen.submits.len()),
                        count(dests),
                        count(seen.reports_sent),
                        0,
                        0,
                        count(seen.delivers_answered),
                        count(seen.delivers_pending),
                        0,
                    ],
                };
                self.write(seq, Body::QueryResp(resp)).await;
            }
            Body::Cancel { msg_id } if self.sp_id.is_some() => {
                let canceled = self.shared.state().cancel(msg_id);
                let success_id = u32::from(!canceled);
                self.write(seq, Body::CancelResp { success_id }).await;
            }
            _ => {}
        }
        self.shared.changed.notify_waiters();
    }

    async fn login(&mut self, seq: u32, connect: &Connect) {
        let sp_id = String::from_utf8_lossy(&connect.source_addr).into_owned();
        let version = match connect.version {
            0x30 if self.shared.options.version == Version::V3_0 => Some(Version::V3_0),
            v if v <= 0x20 => Some(Version::V2_0),
            _ => None,
        };
        let secret = self.shared.secret_of(&sp_id).map(str::to_owned);
        let status = match (&secret, version) {
            (None, _) => 2,
            (Some(_), None) => 4,
            (Some(secret), Some(_)) => {
                let timestamp = timestamp_of(connect.timestamp);
                let expected =
                    authenticator_source(&connect.source_addr, secret.as_bytes(), timestamp);
                if expected == connect.authenticator_source {
                    0
                } else {
                    3
                }
            }
        };
        self.version = version.unwrap_or(Version::V2_0);
        let authenticator_ismg = match (&secret, status) {
            (Some(secret), 0) => authenticator_ismg(
                0,
                &connect.authenticator_source,
                secret.as_bytes(),
                self.version,
            ),
            _ => [0; 16],
        };
        let resp = ConnectResp {
            status,
            authenticator_ismg,
            version: self.shared.options.version.byte(),
        };
        self.write(seq, Body::ConnectResp(resp)).await;
        if status == 0 {
            self.shared.state().seen.logins += 1;
            self.shared.tell(IsmgEvent::LoggedIn {
                sp_id: sp_id.clone(),
            });
            self.sp_id = Some(sp_id);
            self.send_owed().await;
        } else {
            self.shared.state().seen.refused += 1;
            self.shared.tell(IsmgEvent::Refused { sp_id, status });
            self.closing = true;
        }
    }

    async fn submit(&mut self, seq: u32, submit: &Submit) {
        let sp_id = self.sp_id.clone().unwrap_or_default();
        let (taken, answer) = {
            let mut state = self.shared.state();
            if state.throttle_next > 0 {
                state.throttle_next -= 1;
                state.seen.throttled += 1;
                (None, true)
            } else {
                let taken = state.take(&sp_id, submit);
                let answer = state.drop_responses == 0;
                state.drop_responses = state.drop_responses.saturating_sub(1);
                (Some(taken), answer)
            }
        };
        let (msg_id, result) = taken.as_ref().map_or((0, 8), |t| (t.msg_id, 0));
        if answer {
            let delay = self.shared.options.answer_delay;
            if delay.is_zero() {
                self.write(seq, Body::SubmitResp { msg_id, result }).await;
            } else {
                let bytes = Pdu {
                    sequence_id: seq,
                    body: Body::SubmitResp { msg_id, result },
                }
                .encode(self.version);
                let at = Instant::now() + delay;
                self.delayed.push_back((at, bytes));
                if let Some(clock) = &self.clock {
                    clock.wake_at(at);
                }
            }
        }
        let Some(taken) = taken else {
            return;
        };
        self.shared.tell(IsmgEvent::Submitted(taken.clone()));
        let shared = Arc::clone(&self.shared);
        let delay = shared.options.report_delay;
        let told = shared.state().report(&taken, delay);
        for (dest, stat) in told {
            shared.tell(IsmgEvent::Reported {
                msg_id: taken.msg_id,
                dest,
                stat,
            });
        }
        shared.outgoing.notify_waiters();
    }

    /// Sends what the gateway owes this link's SP, within the window.
    async fn send_owed(&mut self) {
        let Some(sp_id) = self.sp_id.clone() else {
            return;
        };
        while self.in_flight < WINDOW && !self.closing {
            let seq = self.next_sequence();
            let body = {
                let mut state = self.shared.state();
                if state.silent {
                    return;
                }
                let now = Instant::now();
                let at = state
                    .owed
                    .iter()
                    .position(|o| o.sp_id == sp_id && o.due <= now);
                let Some(owed) = at.and_then(|i| state.owed.remove(i)) else {
                    return;
                };
                let body = Body::Deliver(Box::new(owed.deliver.clone()));
                state.unanswered.insert((self.id, seq), (owed, now));
                body
            };
            self.in_flight += 1;
            self.write(seq, body).await;
        }
    }

    /// A DELIVER unanswered for T goes again, under a new Sequence_Id and
    /// its old Msg_Id.
    async fn resend_overdue(&mut self) {
        let now = Instant::now();
        let after = self.shared.options.resend_after;
        let overdue: Vec<(u64, u32)> = self
            .shared
            .state()
            .unanswered
            .iter()
            .filter(|((link, _), (_, sent))| *link == self.id && now.duration_since(*sent) >= after)
            .map(|(&key, _)| key)
            .collect();
        for old in overdue {
            let seq = self.next_sequence();
            let body = {
                let mut state = self.shared.state();
                if state.silent {
                    return;
                }
                let Some((owed, _)) = state.unanswered.remove(&old) else {
                    continue;
                };
                let body = Body::Deliver(Box::new(owed.deliver.clone()));
                state.unanswered.insert((self.id, seq), (owed, now));
                body
            };
            self.write(seq, body).await;
        }
    }

    /// Writes the held-back answers whose time has come.
    async fn write_due(&mut self) {
        let now = Instant::now();
        let mut out = Vec::new();
        while let Some((at, _)) = self.delayed.front()
            && *at <= now
        {
            if let Some((_, bytes)) = self.delayed.pop_front() {
                out.extend_from_slice(&bytes);
            }
        }
        if self.writer.write_all(&out).await.is_err() {
            self.closing = true;
        }
    }

    fn next_sequence(&mut self) -> u32 {
        self.sequence = self.sequence.wrapping_add(1);
        self.sequence
    }

    async fn write(&mut self, sequence_id: u32, body: Body) {
        let bytes = Pdu { sequence_id, body }.encode(self.version);
        if self.writer.write_all(&bytes).await.is_err() {
            self.closing = true;
        }
    }
}

/// The CONNECT's number back into the `MMDDHHMMSS` it was made from.
fn timestamp_of(wire: u32) -> Timestamp {
    let digit_pair = |div: u32| u8::try_from(wire / div % 100).unwrap_or(0);
    Timestamp {
        month: digit_pair(100_000_000),
        day: digit_pair(1_000_000),
        hour: digit_pair(10_000),
        minute: digit_pair(100),
        second: digit_pair(1),
    }
}
