//! The PDUs an SP sends or receives, their encoding and their decoding
//! from a byte stream, in the 2.0 layout or the 3.0 one ([`Version`]).
//!
//! [`decode`] reads one PDU off the front of a buffer. The header is
//! checked before anything else: a Total_Length outside [`crate::MIN_PDU`] ..=
//! [`crate::MAX_PDU`] is a [`FramingError`] (the stream cannot be trusted: drop
//! the link); a body that does not fit its command is a [`DecodeError`]
//! for that PDU alone, which is skipped by its length while the link stays.

mod decode;
mod encode;

pub use decode::{DecodeError, Frame, FramingError, decode};

/// Version byte of CMPP 2.0 (high nibble major, low nibble minor).
pub const VERSION_2_0: u8 = 0x20;
/// Version byte of CMPP 3.0.
pub const VERSION_3_0: u8 = 0x30;
/// Destination numbers one SUBMIT may carry.
pub const MAX_DESTINATIONS: usize = 100;

/// Which layout a link speaks. The header, the command ids, QUERY and the
/// link rules are the same in both; 3.0 widens a few fields (a status or
/// result to 4 bytes, a number to 32 bytes plus a type byte) and ends
/// SUBMIT and DELIVER with a LinkID instead of the reserved bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Version {
    #[default]
    V2_0,
    V3_0,
}

impl Version {
    /// The byte CONNECT sends.
    pub fn byte(self) -> u8 {
        match self {
            Version::V2_0 => VERSION_2_0,
            Version::V3_0 => VERSION_3_0,
        }
    }

    /// Width of a terminal number (Dest_terminal_Id, Src_terminal_Id, …).
    pub(crate) fn number(self) -> usize {
        match self {
            Version::V2_0 => 21,
            Version::V3_0 => 32,
        }
    }

    /// Width of CONNECT_RESP's Status, a response's Result and
    /// CANCEL_RESP's Success_Id.
    pub(crate) fn status(self) -> usize {
        match self {
            Version::V2_0 => 1,
            Version::V3_0 => 4,
        }
    }

    /// Length of the status report inside a DELIVER.
    pub(crate) fn report(self) -> usize {
        8 + 7 + 10 + 10 + self.number() + 4
    }

    /// Length of what ends a SUBMIT or DELIVER: Reserve (2.0), LinkID (3.0).
    pub(crate) fn tail(self) -> usize {
        match self {
            Version::V2_0 => 8,
            Version::V3_0 => 20,
        }
    }
}

/// One PDU: its sequence id and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pdu {
    pub sequence_id: u32,
    pub body: Body,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Connect(Connect),
    ConnectResp(ConnectResp),
    Terminate,
    TerminateResp,
    Submit(Box<Submit>),
    SubmitResp { msg_id: u64, result: u32 },
    Deliver(Box<Deliver>),
    DeliverResp { msg_id: u64, result: u32 },
    Query(Query),
    QueryResp(QueryResp),
    Cancel { msg_id: u64 },
    CancelResp { success_id: u32 },
    ActiveTest,
    ActiveTestResp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connect {
    /// The SP id (Source_Addr), at most 6 bytes.
    pub source_addr: Vec<u8>,
    pub authenticator_source: [u8; 16],
    pub version: u8,
    /// `MMDDHHMMSS` as a number (see `auth::Timestamp::wire`).
    pub timestamp: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectResp {
    /// 0 ok; 2 unknown SP id and 3 bad secret mean "stop and tell the user".
    pub status: u32,
    /// All zero when authentication failed.
    pub authenticator_ismg: [u8; 16],
    pub version: u8,
}

/// A message to up to 100 numbers (one part of a long one).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Submit {
    pub pk_total: u8,
    pub pk_number: u8,
    /// 0 no status report, 1 report wanted, 2 billing only.
    pub registered_delivery: u8,
    pub msg_level: u8,
    pub service_id: Vec<u8>,
    pub fee_user_type: u8,
    pub fee_terminal_id: Vec<u8>,
    /// 3.0 only: 0 a real number, 1 a pseudo one.
    pub fee_terminal_type: u8,
    pub tp_pid: u8,
    /// 1: `content` starts with a user data header.
    pub tp_udhi: u8,
    /// 0 ASCII, 8 UCS2, 15 GBK, 4 binary.
    pub msg_fmt: u8,
    pub msg_src: Vec<u8>,
    pub fee_type: Vec<u8>,
    pub fee_code: Vec<u8>,
    pub valid_time: Vec<u8>,
    pub at_time: Vec<u8>,
    pub src_id: Vec<u8>,
    pub dest_terminal_ids: Vec<Vec<u8>>,
    /// 3.0 only: the type of the destination numbers.
    pub dest_terminal_type: u8,
    pub content: Vec<u8>,
    /// 3.0 only: LinkID (on-demand services), at most 20 bytes.
    pub link_id: Vec<u8>,
}

/// An incoming SMS (MO) or a status report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deliver {
    /// This DELIVER's own id (answered in DELIVER_RESP; resends repeat it).
    pub msg_id: u64,
    pub dest_id: Vec<u8>,
    pub service_id: Vec<u8>,
    pub tp_pid: u8,
    pub tp_udhi: u8,
    pub msg_fmt: u8,
    /// The sender; in a report, the SUBMIT's destination.
    pub src_terminal_id: Vec<u8>,
    /// 3.0 only: the type of the sender's number.
    pub src_terminal_type: u8,
    pub content: DeliverContent,
    /// 3.0 only: LinkID.
    pub link_id: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliverContent {
    /// Registered_Delivery 0: a message from a phone.
    Message(Vec<u8>),
    /// Registered_Delivery 1: a status report.
    Report(Report),
}

/// The status report of a submitted message (60 bytes in 2.0, 71 in 3.0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The SUBMIT_RESP's Msg_Id: the key to the message (not the
    /// DELIVER's own id).
    pub msg_id: u64,
    /// `DELIVRD` is success; anything else is shown verbatim.
    pub stat: Vec<u8>,
    pub submit_time: Vec<u8>,
    pub done_time: Vec<u8>,
    pub dest_terminal_id: Vec<u8>,
    pub smsc_sequence: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// `YYYYMMDD`.
    pub time: Vec<u8>,
    /// 0 totals, 1 by service (`query_code` is then the Service_Id).
    pub query_type: u8,
    pub query_code: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryResp {
    pub time: Vec<u8>,
    pub query_type: u8,
    pub query_code: Vec<u8>,
    /// MT_TLMsg, MT_Tlusr, MT_Scs, MT_WT, MT_FL, MO_Scs, MO_WT, MO_FL.
    pub counters: [u32; 8],
}

#[cfg(test)]
mod tests;
