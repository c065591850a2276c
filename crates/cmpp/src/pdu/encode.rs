//! Writing PDUs: the header with its Total_Length, then the body in its
//! command's layout (2.0 or 3.0).

use super::{Body, Deliver, DeliverContent, MAX_DESTINATIONS, Pdu, Submit, Version};
use crate::fields;
use crate::header::CommandId;

impl Pdu {
    /// The PDU on the wire in `version`'s layout, header included.
    pub fn encode(&self, version: Version) -> Vec<u8> {
        let mut body = Vec::with_capacity(64);
        let command = encode_body(&self.body, version, &mut body);
        let mut out = Vec::with_capacity(12 + body.len());
        let total = u32::try_from(12 + body.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&total.to_be_bytes());
        out.extend_from_slice(&command.code().to_be_bytes());
        out.extend_from_slice(&self.sequence_id.to_be_bytes());
        out.extend_from_slice(&body);
        out
    }
}

/// A status, result or success id: one byte in 2.0, four in 3.0.
fn put_status(out: &mut Vec<u8>, value: u32, v: Version) {
    match v {
        Version::V2_0 => out.push(u8::try_from(value).unwrap_or(u8::MAX)),
        Version::V3_0 => out.extend_from_slice(&value.to_be_bytes()),
    }
}

fn encode_body(body: &Body, v: Version, out: &mut Vec<u8>) -> CommandId {
    match body {
        Body::Connect(c) => {
            fields::put(out, &c.source_addr, 6);
            out.extend_from_slice(&c.authenticator_source);
            out.push(c.version);
            out.extend_from_slice(&c.timestamp.to_be_bytes());
            CommandId::Connect
        }
        Body::ConnectResp(c) => {
            put_status(out, c.status, v);
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
            put_status(out, *result, v);
            CommandId::SubmitResp
        }
        Body::DeliverResp { msg_id, result } => {
            out.extend_from_slice(&msg_id.to_be_bytes());
            put_status(out, *result, v);
            CommandId::DeliverResp
        }
        Body::Cancel { msg_id } => {
            out.extend_from_slice(&msg_id.to_be_bytes());
            CommandId::Cancel
        }
        Body::CancelResp { success_id } => {
            put_status(out, *success_id, v);
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
            encode_submit(s, v, out);
            CommandId::Submit
        }
        Body::Deliver(d) => {
            encode_deliver(d, v, out);
            CommandId::Deliver
        }
    }
}

/// Lengths above a field's width are cut (the caller validates before:
/// at most 100 numbers, content at most 140 bytes, or 159 in ASCII).
fn encode_submit(s: &Submit, v: Version, out: &mut Vec<u8>) {
    out.extend_from_slice(&0u64.to_be_bytes());
    out.extend_from_slice(&[s.pk_total, s.pk_number, s.registered_delivery, s.msg_level]);
    fields::put(out, &s.service_id, 10);
    out.push(s.fee_user_type);
    fields::put(out, &s.fee_terminal_id, v.number());
    if v == Version::V3_0 {
        out.push(s.fee_terminal_type);
    }
    out.extend_from_slice(&[s.tp_pid, s.tp_udhi, s.msg_fmt]);
    fields::put(out, &s.msg_src, 6);
    fields::put(out, &s.fee_type, 2);
    fields::put(out, &s.fee_code, 6);
    fields::put(out, &s.valid_time, 17);
    fields::put(out, &s.at_time, 17);
    fields::put(out, &s.src_id, 21);
    let dests = &s.dest_terminal_ids[..s.dest_terminal_ids.len().min(MAX_DESTINATIONS)];
    out.push(u8::try_from(dests.len()).unwrap_or(u8::MAX));
    for d in dests {
        fields::put(out, d, v.number());
    }
    if v == Version::V3_0 {
        out.push(s.dest_terminal_type);
    }
    let content = &s.content[..s.content.len().min(usize::from(u8::MAX))];
    out.push(u8::try_from(content.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(content);
    put_tail(out, &s.link_id, v);
}

/// Reserve (2.0, zeros) or LinkID (3.0).
fn put_tail(out: &mut Vec<u8>, link_id: &[u8], v: Version) {
    match v {
        Version::V2_0 => out.extend_from_slice(&[0; 8]),
        Version::V3_0 => fields::put(out, link_id, v.tail()),
    }
}

fn encode_deliver(d: &Deliver, v: Version, out: &mut Vec<u8>) {
    out.extend_from_slice(&d.msg_id.to_be_bytes());
    fields::put(out, &d.dest_id, 21);
    fields::put(out, &d.service_id, 10);
    out.extend_from_slice(&[d.tp_pid, d.tp_udhi, d.msg_fmt]);
    fields::put(out, &d.src_terminal_id, v.number());
    if v == Version::V3_0 {
        out.push(d.src_terminal_type);
    }
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
            fields::put(&mut content, &r.dest_terminal_id, v.number());
            content.extend_from_slice(&r.smsc_sequence.to_be_bytes());
            1
        }
    };
    out.push(registered);
    out.push(u8::try_from(content.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(&content);
    put_tail(out, &d.link_id, v);
}
