//! Tests that span several protocol files: decoding rules, receiver rules
//! and the property tests. Per-file unit tests live next to their code.

mod decode;
mod inbound;
mod props;

use serde_json::{Value, json};

use super::{Decoded, Envelope};

/// A valid `msg` envelope as JSON, for tests to mutate one field at a time.
pub(super) fn msg_json() -> Value {
    json!({
        "v": 1,
        "id": "0193a0c4-0000-7000-8000-000000000001",
        "kind": "msg",
        "ts": 1_732_233_600_123_i64,
        "from": "alice",
        "seq": 42,
        "body": {"text": "hi"},
        "reply_to": null
    })
}

pub(super) fn bytes(v: &Value) -> Vec<u8> {
    v.to_string().into_bytes()
}

/// Decodes and insists on a full envelope.
pub(super) fn envelope(v: &Value) -> Envelope {
    match Envelope::decode(&bytes(v)) {
        Ok(Decoded::Envelope(e)) => e,
        other => panic!("expected an envelope, got {other:?}"),
    }
}
