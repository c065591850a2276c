//! Writing PDUs: the header with its Total_Length, then the body in its
//! command's layout (2.0).

use super::{Body, Deliver, DeliverContent, MAX_DESTINATIONS, NUMBER, Pdu, Submit};
use crate::fields;
use crate::header::CommandId;

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
