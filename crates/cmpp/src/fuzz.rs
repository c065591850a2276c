//! The property the fuzzer checks (`crates/cmpp/fuzz`) and the property
//! tests run on every `cargo test`: any bytes from the network, read as a
//! stream of PDUs in either layout, never panic, never allocate past a
//! checked length, and every PDU that decodes encodes back to bytes that
//! decode to the same PDU; incoming content decodes to something showable.

use crate::content::{decode_text, user_data};
use crate::pdu::{Body, DeliverContent, Version, decode};

/// Reads `data` as a byte stream of PDUs until it ends or is out of step.
/// Panics (the finding) if a property does not hold.
pub fn check_stream(data: &[u8]) {
    for version in [Version::V2_0, Version::V3_0] {
        let mut rest = data;
        while let Ok(Some(frame)) = decode(rest, version) {
            assert!(frame.consumed >= 12 && frame.consumed <= rest.len());
            if let Ok(pdu) = frame.pdu {
                let wire = pdu.encode(version);
                let again = decode(&wire, version).ok().flatten().map(|frame| frame.pdu);
                assert_eq!(again, Some(Ok(pdu.clone())), "{pdu:?} did not round-trip");
                if let Body::Deliver(deliver) = &pdu.body
                    && let DeliverContent::Message(bytes) = &deliver.content
                {
                    let data = user_data(bytes, deliver.tp_udhi & 1 == 1);
                    assert!(data.payload.len() <= bytes.len());
                    let _shown = decode_text(deliver.msg_fmt, data.payload).display();
                }
            }
            rest = &rest[frame.consumed..];
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::check_stream;
    use crate::pdu::{Body, Pdu, Submit, Version};

    proptest! {
        #[test]
        fn any_bytes_are_read_safely(data in proptest::collection::vec(any::<u8>(), 0..600)) {
            check_stream(&data);
        }

        /// Mostly-valid PDUs with bytes flipped reach deeper than noise.
        #[test]
        fn corrupted_submits_are_read_safely(
            content in proptest::collection::vec(any::<u8>(), 0..160),
            dests in 1usize..4,
            flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
            v3 in any::<bool>(),
        ) {
            let version = if v3 { Version::V3_0 } else { Version::V2_0 };
            let submit = Submit {
                dest_terminal_ids: vec![b"13800138000".to_vec(); dests],
                content,
                ..Submit::default()
            };
            let mut wire = Pdu { sequence_id: 1, body: Body::Submit(Box::new(submit)) }.encode(version);
            for (at, byte) in flips {
                let at = 12 + at % (wire.len() - 12);
                wire[at] = byte;
            }
            check_stream(&wire);
        }
    }
}
