//! One link's protocol state, I/O-free (like rumqtt's `MqttState`): the
//! login, the window of requests in flight matched by Sequence_Id, the
//! T/N retransmission, ACTIVE_TEST after C idle, back-off on Result 8,
//! answering the gateway's requests, and the TERMINATE handshake.
//!
//! The caller owns the socket and the clock: it feeds decoded PDUs
//! ([`Session::handle_pdu`]) and the time ([`Session::handle_timeout`] at
//! [`Session::poll_timeout`]), writes what [`Session::poll_transmit`]
//! gives, and acts on [`Session::poll_event`]. Submits carry a token of the
//! caller's (an outbox row), so results come back keyed by it.
//!
//! A request unanswered after T is sent again under a new Sequence_Id (the
//! gateway may take a repeated one as Result 3, "duplicate"); an answer to
//! any of its ids settles it, and an answer to an id already settled is
//! reported too, since it means the gateway took the SUBMIT twice.

mod state;
#[cfg(test)]
mod tests;

use std::time::Duration;

pub use state::Session;

use crate::pdu::{Deliver, QueryResp, Version};

/// The link rules, with the spec's defaults.
#[derive(Debug, Clone)]
pub struct Config {
    pub version: Version,
    /// SP id (Source_Addr).
    pub sp_id: Vec<u8>,
    pub secret: Vec<u8>,
    /// C: send ACTIVE_TEST after this long without any traffic.
    pub idle: Duration,
    /// T: a request unanswered this long is sent again.
    pub response_timeout: Duration,
    /// N: attempts in all before a request is given up (the link is dead
    /// when it was the login or an ACTIVE_TEST).
    pub attempts: u8,
    /// W: requests in flight at most.
    pub window: usize,
    /// Check AuthenticatorISMG (off only for lax gateways that send zeros).
    pub verify_gateway: bool,
}

impl Config {
    pub fn new(sp_id: &[u8], secret: &[u8]) -> Config {
        Config {
            version: Version::V2_0,
            sp_id: sp_id.to_vec(),
            secret: secret.to_vec(),
            idle: Duration::from_secs(180),
            response_timeout: Duration::from_secs(60),
            attempts: 3,
            window: 16,
            verify_gateway: true,
        }
    }

    /// How long a dead link may go unnoticed: C idle, then N attempts T
    /// apart, the last one waited out.
    pub fn dead_link_bound(&self) -> Duration {
        self.idle + self.response_timeout * u32::from(self.attempts)
    }
}

/// What the caller hears from a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// CONNECT_RESP Status 0 (and the gateway proved it knows the secret).
    Connected {
        gateway_version: u8,
    },
    /// CONNECT_RESP with a non-zero Status; the gateway closes the link.
    /// 2 (unknown SP id) and 3 (wrong secret) cannot be fixed by retrying.
    Refused {
        status: u32,
    },
    /// Status 0 with an AuthenticatorISMG that does not match our secret.
    GatewayNotVerified,
    /// A SUBMIT_RESP. `repeated`: the SUBMIT was sent more than once before
    /// this answer, so the gateway may have taken it twice. `again`: a
    /// second answer for a SUBMIT already answered: it was taken twice.
    Submitted {
        token: u64,
        msg_id: u64,
        result: u32,
        repeated: bool,
        again: bool,
    },
    /// No answer after N attempts: the SUBMIT may or may not have gone.
    SubmitUnanswered {
        token: u64,
    },
    /// A DELIVER to store, then answer with [`Session::answer_deliver`].
    Deliver {
        sequence_id: u32,
        deliver: Box<Deliver>,
    },
    QueryAnswered {
        token: u64,
        resp: QueryResp,
    },
    QueryUnanswered {
        token: u64,
    },
    CancelAnswered {
        token: u64,
        success_id: u32,
    },
    CancelUnanswered {
        token: u64,
    },
    /// The login or an ACTIVE_TEST went unanswered N times: close the
    /// socket and reconnect.
    LinkDead,
    /// The TERMINATE handshake is over (either side started it): close.
    Closed,
}

/// Where a link is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// CONNECT sent, waiting for its answer.
    LoggingIn,
    Ready,
    /// TERMINATE sent, waiting for its answer.
    Closing,
    Closed,
}

/// Why a request was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotNow {
    #[error("the link is not logged in")]
    NotReady,
    #[error("{0} requests are in flight, the window is full")]
    WindowFull(usize),
    #[error("the gateway asked us to slow down (Result 8)")]
    Throttled,
}
