//! The 12-byte header every PDU starts with: Total_Length (header
//! included), Command_Id, Sequence_Id; all big-endian.

/// A PDU with no body: ACTIVE_TEST, TERMINATE, TERMINATE_RESP.
pub const MIN_PDU: u32 = 12;
/// Larger than any legal 2.0 PDU (a SUBMIT to 100 numbers is 2,397 bytes):
/// a Total_Length beyond it means the stream cannot be trusted, so the
/// link is dropped before anything is allocated.
pub const MAX_PDU: u32 = 4096;

/// The command ids an SP sends or receives; a response is its request's
/// id with bit 31 set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommandId {
    Connect,
    ConnectResp,
    Terminate,
    TerminateResp,
    Submit,
    SubmitResp,
    Deliver,
    DeliverResp,
    Query,
    QueryResp,
    Cancel,
    CancelResp,
    ActiveTest,
    ActiveTestResp,
}

impl CommandId {
    pub fn code(self) -> u32 {
        match self {
            CommandId::Connect => 0x0000_0001,
            CommandId::ConnectResp => 0x8000_0001,
            CommandId::Terminate => 0x0000_0002,
            CommandId::TerminateResp => 0x8000_0002,
            CommandId::Submit => 0x0000_0004,
            CommandId::SubmitResp => 0x8000_0004,
            CommandId::Deliver => 0x0000_0005,
            CommandId::DeliverResp => 0x8000_0005,
            CommandId::Query => 0x0000_0006,
            CommandId::QueryResp => 0x8000_0006,
            CommandId::Cancel => 0x0000_0007,
            CommandId::CancelResp => 0x8000_0007,
            CommandId::ActiveTest => 0x0000_0008,
            CommandId::ActiveTestResp => 0x8000_0008,
        }
    }

    /// `None` for ids an SP never handles (gateway-to-gateway routes, or
    /// garbage): such a PDU is skipped by its length, the link kept.
    pub fn from_code(code: u32) -> Option<CommandId> {
        [
            CommandId::Connect,
            CommandId::ConnectResp,
            CommandId::Terminate,
            CommandId::TerminateResp,
            CommandId::Submit,
            CommandId::SubmitResp,
            CommandId::Deliver,
            CommandId::DeliverResp,
            CommandId::Query,
            CommandId::QueryResp,
            CommandId::Cancel,
            CommandId::CancelResp,
            CommandId::ActiveTest,
            CommandId::ActiveTestResp,
        ]
        .into_iter()
        .find(|id| id.code() == code)
    }
}

/// A decoded header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The whole PDU's length, header included.
    pub total_length: u32,
    /// The raw command id (unknown ones are kept, to skip them).
    pub command_id: u32,
    pub sequence_id: u32,
}

impl Header {
    /// The header at the start of `bytes`, if 12 bytes are there. Checks
    /// nothing: see [`crate::pdu::decode`] for the limits.
    pub fn peek(bytes: &[u8]) -> Option<Header> {
        let word = |i: usize| -> Option<u32> {
            Some(u32::from_be_bytes(bytes.get(i..i + 4)?.try_into().ok()?))
        };
        Some(Header {
            total_length: word(0)?,
            command_id: word(4)?,
            sequence_id: word(8)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_set_bit_31_of_their_request() {
        for (req, resp) in [
            (CommandId::Connect, CommandId::ConnectResp),
            (CommandId::Submit, CommandId::SubmitResp),
            (CommandId::Deliver, CommandId::DeliverResp),
            (CommandId::ActiveTest, CommandId::ActiveTestResp),
        ] {
            assert_eq!(req.code() | 0x8000_0000, resp.code());
            assert_eq!(CommandId::from_code(resp.code()), Some(resp));
        }
        assert_eq!(
            CommandId::from_code(0x0000_0009),
            None,
            "CMPP_FWD is ISMG-only"
        );
    }
}
