//! The PDUs an SP sends or receives (CMPP 2.0 layout), their encoding and
//! their decoding from a byte stream.
//!
//! [`decode`] reads one PDU off the front of a buffer. The header is
//! checked before anything else: a Total_Length outside [`MIN_PDU`] ..=
//! [`MAX_PDU`] is a [`FramingError`] (the stream cannot be trusted: drop
//! the link); a body that does not fit its command is a [`DecodeError`]
//! for that PDU alone, which is skipped by its length while the link stays.

use crate::fields;
use crate::header::{CommandId, Header, MAX_PDU, MIN_PDU};

/// Version byte of CMPP 2.0 (high nibble major, low nibble minor).
pub const VERSION_2_0: u8 = 0x20;
/// Destination numbers one SUBMIT may carry.
pub const MAX_DESTINATIONS: usize = 100;
/// A number's width in 2.0 (Dest_terminal_Id, Src_terminal_Id, …).
const NUMBER: usize = 21;
/// The status report in a DELIVER's content (2.0).
const REPORT_LEN: usize = 60;

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
    SubmitResp { msg_id: u64, result: u8 },
    Deliver(Box<Deliver>),
    DeliverResp { msg_id: u64, result: u8 },
    Query(Query),
    QueryResp(QueryResp),
    Cancel { msg_id: u64 },
    CancelResp { success_id: u8 },
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
    pub status: u8,
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
    pub content: Vec<u8>,
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
    pub content: DeliverContent,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliverContent {
    /// Registered_Delivery 0: a message from a phone.
    Message(Vec<u8>),
    /// Registered_Delivery 1: a status report.
    Report(Report),
}

/// The 60-byte status report of a submitted message.
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

/// Reads the PDU at the front of `bytes`: `Ok(None)` until all of it has
/// arrived. Never allocates more than the PDU's checked length.
pub fn decode(bytes: &[u8]) -> Result<Option<Frame>, FramingError> {
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
        .and_then(|command| decode_body(command, body))
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
    fn array16(&mut self) -> Result<[u8; 16], DecodeError> {
        let mut a = [0u8; 16];
        a.copy_from_slice(self.take(16)?);
        Ok(a)
    }
}

fn decode_body(command: CommandId, body: &[u8]) -> Result<Body, DecodeError> {
    let len = body.len();
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
            exact(18)?;
            Body::ConnectResp(ConnectResp {
                status: r.u8()?,
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
            exact(9)?;
            let (msg_id, result) = (r.u64()?, r.u8()?);
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
            exact(1)?;
            Body::CancelResp {
                success_id: r.u8()?,
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
        CommandId::Submit => Body::Submit(Box::new(decode_submit(&mut r, len)?)),
        CommandId::Deliver => Body::Deliver(Box::new(decode_deliver(&mut r, len)?)),
    })
}

fn decode_submit(r: &mut Reader<'_>, len: usize) -> Result<Submit, DecodeError> {
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
        fee_terminal_id: r.text(NUMBER)?,
        tp_pid: r.u8()?,
        tp_udhi: r.u8()?,
        msg_fmt: r.u8()?,
        msg_src: r.text(6)?,
        fee_type: r.text(2)?,
        fee_code: r.text(6)?,
        valid_time: r.text(17)?,
        at_time: r.text(17)?,
        src_id: r.text(NUMBER)?,
        ..Submit::default()
    };
    let n = usize::from(r.u8()?);
    if n == 0 || n > MAX_DESTINATIONS {
        return Err(DecodeError::BadField("DestUsr_tl must be 1 to 100"));
    }
    for _ in 0..n {
        s.dest_terminal_ids.push(r.text(NUMBER)?);
    }
    let content_len = usize::from(r.u8()?);
    s.content = r.take(content_len)?.to_vec();
    r.take(8)?;
    if !r.rest.is_empty() {
        return Err(bad);
    }
    Ok(s)
}

fn decode_deliver(r: &mut Reader<'_>, len: usize) -> Result<Deliver, DecodeError> {
    let msg_id = r.u64()?;
    let dest_id = r.text(NUMBER)?;
    let service_id = r.text(10)?;
    let tp_pid = r.u8()?;
    let tp_udhi = r.u8()?;
    let msg_fmt = r.u8()?;
    let src_terminal_id = r.text(NUMBER)?;
    let registered_delivery = r.u8()?;
    let content_len = usize::from(r.u8()?);
    let raw = r.take(content_len)?;
    r.take(8)?;
    if !r.rest.is_empty() {
        return Err(DecodeError::BadLength {
            command: CommandId::Deliver,
            len,
        });
    }
    let content = match registered_delivery {
        0 => DeliverContent::Message(raw.to_vec()),
        1 => DeliverContent::Report(decode_report(raw)?),
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
        content,
    })
}

fn decode_report(raw: &[u8]) -> Result<Report, DecodeError> {
    if raw.len() != REPORT_LEN {
        return Err(DecodeError::BadField("a status report is 60 bytes"));
    }
    let mut r = Reader { rest: raw };
    Ok(Report {
        msg_id: r.u64()?,
        stat: r.text(7)?,
        submit_time: r.text(10)?,
        done_time: r.text(10)?,
        dest_terminal_id: r.text(NUMBER)?,
        smsc_sequence: r.u32()?,
    })
}

impl Pdu {
    /// The PDU on the wire, header included.
    pub fn encode(&self) -> Vec<u8> {
        let mut body = Vec::with_capacity(64);
        let command = encode_body(&self.body, &mut body);
        let mut out = Vec::with_capacity(12 + body.len());
        let total = u32::try_from(12 + body.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&total.to_be_bytes());
        out.extend_from_slice(&command.code().to_be_bytes());
        out.extend_from_slice(&self.sequence_id.to_be_bytes());
        out.extend_from_slice(&body);
        out
    }
}

fn encode_body(body: &Body, out: &mut Vec<u8>) -> CommandId {
    match body {
        Body::Connect(c) => {
            fields::put(out, &c.source_addr, 6);
            out.extend_from_slice(&c.authenticator_source);
            out.push(c.version);
            out.extend_from_slice(&c.timestamp.to_be_bytes());
            CommandId::Connect
        }
        Body::ConnectResp(c) => {
            out.push(c.status);
            out.extend_from_slice(&c.authenticator_ismg);
            out.push(c.version);
            CommandId::ConnectResp
        }
        Body::Terminate => CommandId::Terminate,
        Body::TerminateResp => CommandId::TerminateResp,
        Body::ActiveTest => CommandId::ActiveTest,
        Body::ActiveTestResp => {
            out.push(0);
            CommandId::ActiveTestResp
        }
        Body::SubmitResp { msg_id, result } => {
            out.extend_from_slice(&msg_id.to_be_bytes());
            out.push(*result);
            CommandId::SubmitResp
        }
        Body::DeliverResp { msg_id, result } => {
            out.extend_from_slice(&msg_id.to_be_bytes());
            out.push(*result);
            CommandId::DeliverResp
        }
        Body::Cancel { msg_id } => {
            out.extend_from_slice(&msg_id.to_be_bytes());
            CommandId::Cancel
        }
        Body::CancelResp { success_id } => {
            out.push(*success_id);
            CommandId::CancelResp
        }
        Body::Query(q) => {
            fields::put(out, &q.time, 8);
            out.push(q.query_type);
            fields::put(out, &q.query_code, 10);
            out.extend_from_slice(&[0; 8]);
            CommandId::Query
        }
        Body::QueryResp(q) => {
            fields::put(out, &q.time, 8);
            out.push(q.query_type);
            fields::put(out, &q.query_code, 10);
            for c in q.counters {
                out.extend_from_slice(&c.to_be_bytes());
            }
            CommandId::QueryResp
        }
        Body::Submit(s) => {
            encode_submit(s, out);
            CommandId::Submit
        }
        Body::Deliver(d) => {
            encode_deliver(d, out);
            CommandId::Deliver
        }
    }
}

/// Lengths above a field's width are cut (the caller validates before:
/// at most 100 numbers, content at most 140 bytes, or 159 in ASCII).
fn encode_submit(s: &Submit, out: &mut Vec<u8>) {
    out.extend_from_slice(&0u64.to_be_bytes());
    out.extend_from_slice(&[s.pk_total, s.pk_number, s.registered_delivery, s.msg_level]);
    fields::put(out, &s.service_id, 10);
    out.push(s.fee_user_type);
    fields::put(out, &s.fee_terminal_id, NUMBER);
    out.extend_from_slice(&[s.tp_pid, s.tp_udhi, s.msg_fmt]);
    fields::put(out, &s.msg_src, 6);
    fields::put(out, &s.fee_type, 2);
    fields::put(out, &s.fee_code, 6);
    fields::put(out, &s.valid_time, 17);
    fields::put(out, &s.at_time, 17);
    fields::put(out, &s.src_id, NUMBER);
    let dests = &s.dest_terminal_ids[..s.dest_terminal_ids.len().min(MAX_DESTINATIONS)];
    out.push(u8::try_from(dests.len()).unwrap_or(u8::MAX));
    for d in dests {
        fields::put(out, d, NUMBER);
    }
    let content = &s.content[..s.content.len().min(usize::from(u8::MAX))];
    out.push(u8::try_from(content.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(content);
    out.extend_from_slice(&[0; 8]);
}

fn encode_deliver(d: &Deliver, out: &mut Vec<u8>) {
    out.extend_from_slice(&d.msg_id.to_be_bytes());
    fields::put(out, &d.dest_id, NUMBER);
    fields::put(out, &d.service_id, 10);
    out.extend_from_slice(&[d.tp_pid, d.tp_udhi, d.msg_fmt]);
    fields::put(out, &d.src_terminal_id, NUMBER);
    let mut content = Vec::new();
    let registered = match &d.content {
        DeliverContent::Message(m) => {
            content.extend_from_slice(&m[..m.len().min(usize::from(u8::MAX))]);
            0
        }
        DeliverContent::Report(r) => {
            content.extend_from_slice(&r.msg_id.to_be_bytes());
            fields::put(&mut content, &r.stat, 7);
            fields::put(&mut content, &r.submit_time, 10);
            fields::put(&mut content, &r.done_time, 10);
            fields::put(&mut content, &r.dest_terminal_id, NUMBER);
            content.extend_from_slice(&r.smsc_sequence.to_be_bytes());
            1
        }
    };
    out.push(registered);
    out.push(u8::try_from(content.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(&content);
    out.extend_from_slice(&[0; 8]);
}

#[cfg(test)]
mod tests;
