//! The session's state and the rules applied to it.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use super::{Config, Event, NotNow, Phase};
use crate::auth::{Timestamp, authenticator_ismg, authenticator_source};
use crate::pdu::{Body, Connect, Pdu, Query, Submit, Version};

/// The pause after a Result 8; doubled for each one in a row, up to
/// [`THROTTLE_MAX`], and forgotten at the first Result 0.
const THROTTLE_FIRST: Duration = Duration::from_secs(1);
const THROTTLE_MAX: Duration = Duration::from_secs(32);
/// Sequence ids of answered SUBMITs kept to spot a second answer.
const SETTLED_MEMORY: usize = 4096;

/// What a request in flight is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Connect,
    Submit(u64),
    Query(u64),
    Cancel(u64),
    ActiveTest,
    Terminate,
}

impl Kind {
    /// Counted against the window W (the link's own requests are not: an
    /// ACTIVE_TEST must go out even when the window is full).
    fn windowed(self) -> bool {
        matches!(self, Kind::Submit(_) | Kind::Query(_) | Kind::Cancel(_))
    }
}

#[derive(Debug)]
struct InFlight {
    kind: Kind,
    body: Body,
    /// Every Sequence_Id it went out under (one per attempt).
    sequence_ids: Vec<u32>,
    attempts: u8,
    deadline: Instant,
}

/// One link's protocol state (see the module).
#[derive(Debug)]
pub struct Session {
    config: Config,
    phase: Phase,
    next_sequence: u32,
    /// Requests in flight by a number of their own.
    requests: HashMap<u64, InFlight>,
    next_request: u64,
    /// Any Sequence_Id a request went out under, to the request.
    by_sequence: HashMap<u32, u64>,
    /// Sequence ids of answered SUBMITs, to their tokens, oldest first.
    settled: HashMap<u32, u64>,
    settled_order: VecDeque<u32>,
    /// Sequence ids of SUBMITs given up after N attempts, to their tokens.
    given_up: HashMap<u32, u64>,
    /// When the gateway last sent anything.
    last_heard: Instant,
    throttled_until: Option<Instant>,
    throttle: Duration,
    /// What our CONNECT proved, to check the gateway's answer against.
    authenticator: [u8; 16],
    transmit: VecDeque<Pdu>,
    events: VecDeque<Event>,
}

impl Session {
    /// A new link: queues the CONNECT, hashed with `timestamp`.
    pub fn new(config: Config, timestamp: Timestamp, now: Instant) -> Session {
        let authenticator = authenticator_source(&config.sp_id, &config.secret, timestamp);
        let connect = Body::Connect(Connect {
            source_addr: config.sp_id.clone(),
            authenticator_source: authenticator,
            version: config.version.byte(),
            timestamp: timestamp.wire(),
        });
        let mut session = Session {
            config,
            phase: Phase::LoggingIn,
            next_sequence: 1,
            requests: HashMap::new(),
            next_request: 0,
            by_sequence: HashMap::new(),
            settled: HashMap::new(),
            settled_order: VecDeque::new(),
            given_up: HashMap::new(),
            last_heard: now,
            throttled_until: None,
            throttle: THROTTLE_FIRST,
            authenticator,
            transmit: VecDeque::new(),
            events: VecDeque::new(),
        };
        session.request(Kind::Connect, connect, now);
        session
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    pub fn version(&self) -> Version {
        self.config.version
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Requests in flight that count against the window.
    pub fn in_flight(&self) -> usize {
        self.requests.values().filter(|r| r.kind.windowed()).count()
    }

    /// Whether a SUBMIT, QUERY or CANCEL may go now.
    pub fn may_send(&self, now: Instant) -> Result<(), NotNow> {
        if self.phase != Phase::Ready {
            return Err(NotNow::NotReady);
        }
        if self.throttled_until.is_some_and(|until| now < until) {
            return Err(NotNow::Throttled);
        }
        let in_flight = self.in_flight();
        if in_flight >= self.config.window {
            return Err(NotNow::WindowFull(in_flight));
        }
        Ok(())
    }

    /// Sends one SUBMIT for `token`; its answer comes as
    /// [`Event::Submitted`] or [`Event::SubmitUnanswered`].
    pub fn submit(&mut self, token: u64, submit: Submit, now: Instant) -> Result<u32, NotNow> {
        self.may_send(now)?;
        Ok(self.request(Kind::Submit(token), Body::Submit(Box::new(submit)), now))
    }

    /// Asks for the gateway's counters of a day.
    pub fn query(&mut self, token: u64, query: Query, now: Instant) -> Result<u32, NotNow> {
        self.may_send(now)?;
        Ok(self.request(Kind::Query(token), Body::Query(query), now))
    }

    /// Asks the gateway not to deliver a submitted (scheduled) message.
    pub fn cancel(&mut self, token: u64, msg_id: u64, now: Instant) -> Result<u32, NotNow> {
        self.may_send(now)?;
        Ok(self.request(Kind::Cancel(token), Body::Cancel { msg_id }, now))
    }

    /// Answers a DELIVER (after it is stored, or with a non-zero result).
    pub fn answer_deliver(&mut self, sequence_id: u32, msg_id: u64, result: u32) {
        self.respond(sequence_id, Body::DeliverResp { msg_id, result });
    }

    /// Starts a clean close: TERMINATE, then [`Event::Closed`] at its
    /// answer (or after T without one).
    pub fn terminate(&mut self, now: Instant) {
        if matches!(self.phase, Phase::Closing | Phase::Closed) {
            return;
        }
        self.phase = Phase::Closing;
        self.request(Kind::Terminate, Body::Terminate, now);
    }

    /// Tokens of the SUBMITs still in flight: they may or may not have
    /// reached the gateway when a link is lost.
    pub fn submits_in_flight(&self) -> Vec<u64> {
        let mut tokens: Vec<u64> = self
            .requests
            .values()
            .filter_map(|r| match r.kind {
                Kind::Submit(token) => Some(token),
                _ => None,
            })
            .collect();
        tokens.sort_unstable();
        tokens
    }

    /// Bytes that arrived but did not decode still show the link is alive.
    pub fn heard(&mut self, now: Instant) {
        self.last_heard = now;
    }

    pub fn handle_pdu(&mut self, pdu: Pdu, now: Instant) {
        self.last_heard = now;
        let sequence_id = pdu.sequence_id;
        match pdu.body {
            Body::ConnectResp(resp) => {
                if self.settle(sequence_id, |k| k == Kind::Connect).is_none() {
                    return;
                }
                let expected = authenticator_ismg(
                    resp.status,
                    &self.authenticator,
                    &self.config.secret,
                    self.config.version,
                );
                if resp.status != 0 {
                    self.close_with(Event::Refused {
                        status: resp.status,
                    });
                } else if self.config.verify_gateway && resp.authenticator_ismg != expected {
                    self.close_with(Event::GatewayNotVerified);
                } else {
                    self.phase = Phase::Ready;
                    self.events.push_back(Event::Connected {
                        gateway_version: resp.version,
                    });
                }
            }
            Body::SubmitResp { msg_id, result } => self.submitted(sequence_id, msg_id, result, now),
            Body::QueryResp(resp) => {
                if let Some(Kind::Query(token)) =
                    self.settle(sequence_id, |k| matches!(k, Kind::Query(_)))
                {
                    self.events.push_back(Event::QueryAnswered { token, resp });
                }
            }
            Body::CancelResp { success_id } => {
                if let Some(Kind::Cancel(token)) =
                    self.settle(sequence_id, |k| matches!(k, Kind::Cancel(_)))
                {
                    self.events
                        .push_back(Event::CancelAnswered { token, success_id });
                }
            }
            Body::ActiveTestResp => {
                self.settle(sequence_id, |k| k == Kind::ActiveTest);
            }
            Body::TerminateResp => {
                if self.settle(sequence_id, |k| k == Kind::Terminate).is_some() {
                    self.close_with(Event::Closed);
                }
            }
            Body::ActiveTest => self.respond(sequence_id, Body::ActiveTestResp),
            Body::Terminate => {
                self.respond(sequence_id, Body::TerminateResp);
                self.close_with(Event::Closed);
            }
            Body::Deliver(deliver) => self.events.push_back(Event::Deliver {
                sequence_id,
                deliver,
            }),
            // Requests only an SP sends, and DELIVER_RESP (we send no
            // DELIVER): nothing to do but note the link is alive.
            Body::Connect(_)
            | Body::Submit(_)
            | Body::Query(_)
            | Body::Cancel { .. }
            | Body::DeliverResp { .. } => {}
        }
    }

    /// The next PDU to write, encoded in the link's layout.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.transmit
            .pop_front()
            .map(|pdu| pdu.encode(self.config.version))
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When [`Session::handle_timeout`] has something to do next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.phase == Phase::Closed {
            return None;
        }
        let requests = self.requests.values().map(|r| r.deadline).min();
        let idle = (self.phase == Phase::Ready && !self.testing())
            .then(|| self.last_heard + self.config.idle);
        [requests, idle, self.throttled_until]
            .into_iter()
            .flatten()
            .min()
    }

    /// Resends what is overdue, gives up what has had N attempts, and
    /// sends ACTIVE_TEST after C without traffic.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.throttled_until.is_some_and(|until| now >= until) {
            self.throttled_until = None;
        }
        let mut overdue: Vec<u64> = self
            .requests
            .iter()
            .filter(|(_, r)| r.deadline <= now)
            .map(|(&n, _)| n)
            .collect();
        overdue.sort_unstable();
        for n in overdue {
            self.overdue(n, now);
        }
        if self.phase == Phase::Ready
            && !self.testing()
            && now >= self.last_heard + self.config.idle
        {
            self.request(Kind::ActiveTest, Body::ActiveTest, now);
        }
    }

    fn testing(&self) -> bool {
        self.requests.values().any(|r| r.kind == Kind::ActiveTest)
    }

    fn overdue(&mut self, n: u64, now: Instant) {
        let Some(request) = self.requests.get(&n) else {
            return;
        };
        if request.attempts < self.config.attempts && request.kind != Kind::Terminate {
            let body = request.body.clone();
            let sequence_id = self.sequence();
            if let Some(request) = self.requests.get_mut(&n) {
                request.attempts += 1;
                request.sequence_ids.push(sequence_id);
                request.deadline = now + self.config.response_timeout;
            }
            self.by_sequence.insert(sequence_id, n);
            self.transmit.push_back(Pdu { sequence_id, body });
            return;
        }
        let Some(request) = self.forget(n) else {
            return;
        };
        match request.kind {
            Kind::Connect | Kind::ActiveTest => self.close_with(Event::LinkDead),
            Kind::Terminate => self.close_with(Event::Closed),
            Kind::Submit(token) => {
                // A late answer to any of its ids still counts.
                for id in &request.sequence_ids {
                    self.given_up.insert(*id, token);
                }
                while self.given_up.len() > SETTLED_MEMORY {
                    // Forget the oldest: ids grow, so the smallest is it
                    // (but for a wrap, where forgetting any is fine).
                    if let Some(&oldest) = self.given_up.keys().min() {
                        self.given_up.remove(&oldest);
                    }
                }
                self.events.push_back(Event::SubmitUnanswered { token });
            }
            Kind::Query(token) => self.events.push_back(Event::QueryUnanswered { token }),
            Kind::Cancel(token) => self.events.push_back(Event::CancelUnanswered { token }),
        }
    }

    fn submitted(&mut self, sequence_id: u32, msg_id: u64, result: u32, now: Instant) {
        if let Some(&token) = self.settled.get(&sequence_id) {
            self.events.push_back(Event::Submitted {
                token,
                msg_id,
                result,
                repeated: true,
                again: true,
            });
            return;
        }
        if let Some(token) = self.given_up.remove(&sequence_id) {
            // Answered after we gave up on it: this answer settles it after
            // all; an answer to another of its ids is a second copy.
            let siblings: Vec<u32> = self
                .given_up
                .iter()
                .filter(|(_, t)| **t == token)
                .map(|(&id, _)| id)
                .collect();
            for id in siblings {
                self.given_up.remove(&id);
                self.remember_settled(id, token);
            }
            self.remember_settled(sequence_id, token);
            self.events.push_back(Event::Submitted {
                token,
                msg_id,
                result,
                repeated: true,
                again: false,
            });
            return;
        }
        let Some(Kind::Submit(_)) = self
            .by_sequence
            .get(&sequence_id)
            .and_then(|n| self.requests.get(n))
            .map(|r| r.kind)
        else {
            return;
        };
        let Some(&n) = self.by_sequence.get(&sequence_id) else {
            return;
        };
        let Some(request) = self.forget(n) else {
            return;
        };
        let Kind::Submit(token) = request.kind else {
            return;
        };
        for id in &request.sequence_ids {
            self.remember_settled(*id, token);
        }
        if result == 8 {
            self.throttled_until = Some(now + self.throttle);
            self.throttle = (self.throttle * 2).min(THROTTLE_MAX);
        } else if result == 0 {
            self.throttle = THROTTLE_FIRST;
        }
        self.events.push_back(Event::Submitted {
            token,
            msg_id,
            result,
            repeated: request.attempts > 1,
            again: false,
        });
    }

    fn remember_settled(&mut self, sequence_id: u32, token: u64) {
        self.settled.insert(sequence_id, token);
        self.settled_order.push_back(sequence_id);
        while self.settled_order.len() > SETTLED_MEMORY {
            if let Some(old) = self.settled_order.pop_front() {
                self.settled.remove(&old);
            }
        }
    }

    /// The request `sequence_id` answers, taken out of flight if it is of
    /// the kind the answer is for (a confused gateway echoing another
    /// request's id settles nothing).
    fn settle(&mut self, sequence_id: u32, answers: fn(Kind) -> bool) -> Option<Kind> {
        let n = *self.by_sequence.get(&sequence_id)?;
        let kind = self.requests.get(&n)?.kind;
        if !answers(kind) {
            return None;
        }
        self.forget(n).map(|r| r.kind)
    }

    fn forget(&mut self, n: u64) -> Option<InFlight> {
        let request = self.requests.remove(&n)?;
        for id in &request.sequence_ids {
            self.by_sequence.remove(id);
        }
        Some(request)
    }

    fn request(&mut self, kind: Kind, body: Body, now: Instant) -> u32 {
        let sequence_id = self.sequence();
        let n = self.next_request;
        self.next_request += 1;
        self.by_sequence.insert(sequence_id, n);
        self.requests.insert(
            n,
            InFlight {
                kind,
                body: body.clone(),
                sequence_ids: vec![sequence_id],
                attempts: 1,
                deadline: now + self.config.response_timeout,
            },
        );
        self.transmit.push_back(Pdu { sequence_id, body });
        sequence_id
    }

    fn respond(&mut self, sequence_id: u32, body: Body) {
        self.transmit.push_back(Pdu { sequence_id, body });
    }

    /// The next Sequence_Id: +1 per request, wrapping, never one still in
    /// flight.
    fn sequence(&mut self) -> u32 {
        loop {
            let id = self.next_sequence;
            self.next_sequence = self.next_sequence.wrapping_add(1);
            if !self.by_sequence.contains_key(&id) {
                return id;
            }
        }
    }

    fn close_with(&mut self, event: Event) {
        self.phase = Phase::Closed;
        self.events.push_back(event);
    }
}
