//! CMPP 2.0, the protocol an SP (us) speaks with an operator's SMS gateway
//! (ISMG), as Tether's SMS channel needs it: an I/O-free codec for every
//! PDU an SP sends or receives, and the login authenticators. No sockets,
//! no clocks: the caller owns the socket and the time, and the engine over
//! Tether's model and store (in `tether-core`) is built on top.
//!
//! The facts, field by field, are in the project's design note on CMPP
//! (`shared/design/cmpp.md`); its test vectors are this crate's tests.
//!
//! # Layout
//! - [`header`]: the 12-byte header, command ids, framing limits.
//! - [`pdu`]: the PDUs as types, [`pdu::Pdu::encode`] and [`pdu::decode`].
//! - [`auth`]: AuthenticatorSource / AuthenticatorISMG and the timestamp.
//! - [`fields`]: fixed-width octet strings (NUL-padded, cut on read).
//! - [`msg_id`]: the Msg_Id bit fields (for logs; ids are opaque keys).
//! - [`text`]: text into SMS parts (UCS2, ASCII, GBK) with their UDH, and
//!   what a text costs.
//! - [`content`]: incoming content: the UDH of a part, text by Msg_Fmt.
//! - `fuzz`: the properties the fuzzer (`crates/cmpp/fuzz`) and the
//!   property tests check on any bytes from the network.
//! - [`session`]: one link's rules, I/O-free: login, window, T/N
//!   retransmission, ACTIVE_TEST, Result 8 back-off, TERMINATE.

pub mod auth;
pub mod content;
pub mod fields;
#[doc(hidden)]
pub mod fuzz;
pub mod header;
pub mod msg_id;
pub mod pdu;
pub mod session;
pub mod text;

pub use header::{CommandId, Header, MAX_PDU, MIN_PDU};
pub use pdu::{Body, DecodeError, Frame, FramingError, Pdu, Version, decode};
