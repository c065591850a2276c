//! Reading PDUs off a byte stream: the header is checked before anything
//! else, then the body against its command's layout.

use super::{
    Body, Connect, ConnectResp, Deliver, DeliverContent, MAX_DESTINATIONS, Pdu, Query, QueryResp,
    Report, Submit, Version,
};
use crate::fields;
use crate::header::{CommandId, Header, MAX_PDU, MIN_PDU};

/// The stream cannot be read on: drop the link.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Total_Length {0} is outside {MIN_PDU}..={MAX_PDU}: the stream is out of step")]
pub struct FramingError(pub u32);

/// One PDU that does not fit its command: skipped, the link kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("command id {0:#010x} is not one an SP handles")]
    UnknownCommand(u32),
    #[error("{command:?} with a {len}-byte body does not fit its layout")]
    BadLength { command: CommandId, len: usize },
    #[error("{0}")]
    BadField(&'static str),
}

/// One PDU read off the front of a buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// Bytes it took (its Total_Length): skip them, decodable or not.
    pub consumed: usize,
    pub sequence_id: u32,
    pub pdu: Result<Pdu, DecodeError>,
}

/// Reads the PDU at the front of `bytes` in `version`'s layout: `Ok(None)`
/// until all of it has arrived. Never allocates more than the PDU's
/// checked length.
pub fn decode(bytes: &[u8], version: Version) -> Result<Option<Frame>, FramingError> {
    let Some(header) = Header::peek(bytes) else {
        return Ok(None);
    };
    if !(MIN_PDU..=MAX_PDU).contains(&header.total_length) {
        return Err(FramingError(header.total_length));
    }
    let total = header.total_length as usize;
    let Some(pdu) = bytes.get(..total) else {
        return Ok(None);
    };
    let body = &pdu[12..];
    let decoded = CommandId::from_code(header.command_id)
        .ok_or(DecodeError::UnknownCommand(header.command_id))
        .and_then(|command| decode_body(command, body, version))
        .map(|body| Pdu {
            sequence_id: header.sequence_id,
            body,
        });
    Ok(Some(Frame {
        consumed: total,
        sequence_id: header.sequence_id,
        pdu: decoded,
    }))
}

/// Reads fields off a body, front to back.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if self.rest.len() < n {
            return Err(DecodeError::BadField("body ends inside a field"));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }
    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, DecodeError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, DecodeError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_be_bytes(a))
    }
    fn text(&mut self, width: usize) -> Result<Vec<u8>, DecodeError> {
        Ok(fields::get(self.take(width)?).to_vec())
    }
    /// A status, result or success id: one byte in 2.0, four in 3.0.
    fn status(&mut self, version: Version) -> Result<u32, DecodeError> {
        match version {
            Version::V2_0 => self.u8().map(u32::from),
            Version::V3_0 => self.u32(),
        }
    }
    fn array16(&mut self) -> Result<[u8; 16], DecodeError> {
        let mut a = [0u8; 16];
        a.copy_from_slice(self.take(16)?);
        Ok(a)
    }
}

fn decode_body(command: CommandId, body: &[u8], v: Version) -> Result<Body, DecodeError> {
    let len = body.len();
    let status = v.status();
    let exact = |want: usize| {
        if len == want {
            Ok(())
        } else {
            Err(DecodeError::BadLength { command, len })
        }
    };
    let mut r = Reader { rest: body };
    Ok(match command {
        CommandId::Connect => {
            exact(27)?;
            Body::Connect(Connect {
                source_addr: r.text(6)?,
                authenticator_source: r.array16()?,
                version: r.u8()?,
                timestamp: r.u32()?,
            })
        }
        CommandId::ConnectResp => {
            exact(17 + status)?;
            Body::ConnectResp(ConnectResp {
                status: r.status(v)?,
                authenticator_ismg: r.array16()?,
                version: r.u8()?,
            })
        }
        CommandId::Terminate => {
            exact(0)?;
            Body::Terminate
        }
        CommandId::TerminateResp => {
            exact(0)?;
            Body::TerminateResp
        }
        CommandId::ActiveTest => {
            exact(0)?;
            Body::ActiveTest
        }
        // One reserved byte; tolerate its absence, as lax peers send 12.
        CommandId::ActiveTestResp if len <= 1 => Body::ActiveTestResp,
        CommandId::ActiveTestResp => return Err(DecodeError::BadLength { command, len }),
        CommandId::SubmitResp | CommandId::DeliverResp => {
            exact(8 + status)?;
            let (msg_id, result) = (r.u64()?, r.status(v)?);
            match command {
                CommandId::SubmitResp => Body::SubmitResp { msg_id, result },
                _ => Body::DeliverResp { msg_id, result },
            }
        }
        CommandId::Cancel => {
            exact(8)?;
            Body::Cancel { msg_id: r.u64()? }
        }
        CommandId::CancelResp => {
            exact(status)?;
            Body::CancelResp {
                success_id: r.status(v)?,
            }
        }
        CommandId::Query => {
            exact(27)?;
            let query = Query {
                time: r.text(8)?,
                query_type: r.u8()?,
                query_code: r.text(10)?,
            };
            Body::Query(query)
        }
        CommandId::QueryResp => {
            // 51 bytes as gateways send it; one transcription of 2.0 has no
            // leading Time (43 bytes): decoded by length.
            let time = match len {
                51 => r.text(8)?,
                43 => Vec::new(),
                _ => return Err(DecodeError::BadLength { command, len }),
            };
            let query_type = r.u8()?;
            let query_code = r.text(10)?;
            let mut counters = [0u32; 8];
            for c in &mut counters {
                *c = r.u32()?;
            }
            Body::QueryResp(QueryResp {
                time,
                query_type,
                query_code,
                counters,
            })
        }
        CommandId::Submit => Body::Submit(Box::new(decode_submit(&mut r, len, v)?)),
        CommandId::Deliver => Body::Deliver(Box::new(decode_deliver(&mut r, len, v)?)),
    })
}

fn decode_submit(r: &mut Reader<'_>, len: usize, v: Version) -> Result<Submit, DecodeError> {
    let bad = DecodeError::BadLength {
        command: CommandId::Submit,
        len,
    };
    let _msg_id = r.u64()?;
    let mut s = Submit {
        pk_total: r.u8()?,
        pk_number: r.u8()?,
        registered_delivery: r.u8()?,
        msg_level: r.u8()?,
        service_id: r.text(10)?,
        fee_user_type: r.u8()?,
        fee_terminal_id: r.text(v.number())?,
        fee_terminal_type: match v {
            Version::V2_0 => 0,
            Version::V3_0 => r.u8()?,
        },
        tp_pid: r.u8()?,
        tp_udhi: r.u8()?,
        msg_fmt: r.u8()?,
        msg_src: r.text(6)?,
        fee_type: r.text(2)?,
        fee_code: r.text(6)?,
        valid_time: r.text(17)?,
        at_time: r.text(17)?,
        src_id: r.text(21)?,
        ..Submit::default()
    };
    let n = usize::from(r.u8()?);
    if n == 0 || n > MAX_DESTINATIONS {
        return Err(DecodeError::BadField("DestUsr_tl must be 1 to 100"));
    }
    for _ in 0..n {
        s.dest_terminal_ids.push(r.text(v.number())?);
    }
    if v == Version::V3_0 {
        s.dest_terminal_type = r.u8()?;
    }
    let content_len = usize::from(r.u8()?);
    s.content = r.take(content_len)?.to_vec();
    let tail = r.take(v.tail())?;
    if v == Version::V3_0 {
        s.link_id = fields::get(tail).to_vec();
    }
    if !r.rest.is_empty() {
        return Err(bad);
    }
    Ok(s)
}

fn decode_deliver(r: &mut Reader<'_>, len: usize, v: Version) -> Result<Deliver, DecodeError> {
    let msg_id = r.u64()?;
    let dest_id = r.text(21)?;
    let service_id = r.text(10)?;
    let tp_pid = r.u8()?;
    let tp_udhi = r.u8()?;
    let msg_fmt = r.u8()?;
    let src_terminal_id = r.text(v.number())?;
    let src_terminal_type = match v {
        Version::V2_0 => 0,
        Version::V3_0 => r.u8()?,
    };
    let registered_delivery = r.u8()?;
    let content_len = usize::from(r.u8()?);
    let raw = r.take(content_len)?;
    let tail = r.take(v.tail())?;
    if !r.rest.is_empty() {
        return Err(DecodeError::BadLength {
            command: CommandId::Deliver,
            len,
        });
    }
    let content = match registered_delivery {
        0 => DeliverContent::Message(raw.to_vec()),
        1 => DeliverContent::Report(decode_report(raw, v)?),
        _ => return Err(DecodeError::BadField("Registered_Delivery must be 0 or 1")),
    };
    Ok(Deliver {
        msg_id,
        dest_id,
        service_id,
        tp_pid,
        tp_udhi,
        msg_fmt,
        src_terminal_id,
        src_terminal_type,
        content,
        link_id: match v {
            Version::V2_0 => Vec::new(),
            Version::V3_0 => fields::get(tail).to_vec(),
        },
    })
}

fn decode_report(raw: &[u8], v: Version) -> Result<Report, DecodeError> {
    if raw.len() != v.report() {
        return Err(DecodeError::BadField(
            "a status report is 60 bytes (71 in CMPP 3.0)",
        ));
    }
    let mut r = Reader { rest: raw };
    Ok(Report {
        msg_id: r.u64()?,
        stat: r.text(7)?,
        submit_time: r.text(10)?,
        done_time: r.text(10)?,
        dest_terminal_id: r.text(v.number())?,
        smsc_sequence: r.u32()?,
    })
}
