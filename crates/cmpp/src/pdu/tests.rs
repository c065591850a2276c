//! The design note's vectors, round trips, and hostile framing.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::auth::tests::DECEMBER;
use crate::auth::{authenticator_ismg, authenticator_source};
use crate::header::MAX_PDU;

const V2: Version = Version::V2_0;
const V3: Version = Version::V3_0;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn one(bytes: &[u8]) -> Pdu {
    one_in(bytes, V2)
}

fn one_in(bytes: &[u8], version: Version) -> Pdu {
    let frame = decode(bytes, version).unwrap().unwrap();
    assert_eq!(frame.consumed, bytes.len());
    frame.pdu.unwrap()
}

#[test]
fn connect_and_its_response_match_the_design_notes_bytes() {
    let source = authenticator_source(b"901234", b"s3cret", DECEMBER);
    let connect = Pdu {
        sequence_id: 1,
        body: Body::Connect(Connect {
            source_addr: b"901234".to_vec(),
            authenticator_source: source,
            version: VERSION_2_0,
            timestamp: DECEMBER.wire(),
        }),
    };
    let wire =
        unhex("000000270000000100000001393031323334183f0d9b9eac968001c516d80fef5fa72047d5566a");
    assert_eq!(connect.encode(V2), wire);
    assert_eq!(one(&wire), connect);

    let resp = Pdu {
        sequence_id: 1,
        body: Body::ConnectResp(ConnectResp {
            status: 0,
            authenticator_ismg: authenticator_ismg(0, &source, b"s3cret", Version::V2_0),
            version: VERSION_2_0,
        }),
    };
    let wire = unhex("0000001e8000000100000001001b5be2e1464cfd174f4e95a53e48ab0520");
    assert_eq!(resp.encode(V2), wire);
    assert_eq!(one(&wire), resp);
}

#[test]
fn active_test_and_its_response_match_the_design_notes_bytes() {
    let test = Pdu {
        sequence_id: 7,
        body: Body::ActiveTest,
    };
    assert_eq!(test.encode(V2), unhex("0000000c0000000800000007"));
    let resp = Pdu {
        sequence_id: 7,
        body: Body::ActiveTestResp,
    };
    assert_eq!(resp.encode(V2), unhex("0000000d800000080000000700"));
    assert_eq!(one(&unhex("0000000d800000080000000700")), resp);
    // A lax peer's 12-byte response is an answer too.
    assert_eq!(one(&unhex("0000000c8000000800000007")), resp);
}

fn submit(dests: usize, content: &[u8]) -> Submit {
    Submit {
        pk_total: 1,
        pk_number: 1,
        registered_delivery: 1,
        service_id: b"MTEST".to_vec(),
        msg_fmt: 8,
        msg_src: b"901234".to_vec(),
        fee_type: b"01".to_vec(),
        fee_code: b"000000".to_vec(),
        src_id: b"1065901234".to_vec(),
        dest_terminal_ids: (0..dests)
            .map(|i| format!("1380013{i:04}").into_bytes())
            .collect(),
        content: content.to_vec(),
        ..Submit::default()
    }
}

#[test]
fn a_submit_has_the_layouts_length_and_comes_back_the_same() {
    // "你好" in UCS2 (the design note's vector).
    let hello = unhex("4f60597d");
    let pdu = Pdu {
        sequence_id: 42,
        body: Body::Submit(Box::new(submit(1, &hello))),
    };
    let wire = pdu.encode(V2);
    // 12 + 117 + 21×1 + 1 + 4 + 8
    assert_eq!(wire.len(), 12 + 117 + 21 + 1 + 4 + 8);
    assert_eq!(
        &wire[..4],
        &u32::try_from(wire.len()).unwrap().to_be_bytes()
    );
    assert_eq!(one(&wire), pdu);
    // To a hundred numbers, the largest legal 2.0 PDU is well inside MAX_PDU.
    let big = Pdu {
        sequence_id: 1,
        body: Body::Submit(Box::new(submit(100, &[b'x'; 159]))),
    };
    let wire = big.encode(V2);
    assert_eq!(wire.len(), 12 + 117 + 2100 + 1 + 159 + 8);
    assert_eq!(one(&wire), big);
}

#[test]
fn a_status_report_carries_the_submits_msg_id_not_the_delivers() {
    let report = Report {
        msg_id: 14_033_854_705_669_570_561,
        stat: b"DELIVRD".to_vec(),
        submit_time: b"2612051636".to_vec(),
        done_time: b"2612051637".to_vec(),
        dest_terminal_id: b"13800138000".to_vec(),
        smsc_sequence: 9,
    };
    let pdu = Pdu {
        sequence_id: 5,
        body: Body::Deliver(Box::new(Deliver {
            msg_id: 1,
            dest_id: b"1065901234".to_vec(),
            service_id: b"MTEST".to_vec(),
            tp_pid: 0,
            tp_udhi: 0,
            msg_fmt: 0,
            src_terminal_id: b"13800138000".to_vec(),
            src_terminal_type: 0,
            link_id: Vec::new(),
            content: DeliverContent::Report(report.clone()),
        })),
    };
    let wire = pdu.encode(V2);
    assert_eq!(wire.len(), 12 + 65 + 60 + 8);
    let Body::Deliver(deliver) = one(&wire).body else {
        panic!()
    };
    assert_eq!(deliver.msg_id, 1);
    assert_eq!(deliver.content, DeliverContent::Report(report));
}

#[test]
fn an_incoming_message_keeps_its_bytes() {
    let mo = Pdu {
        sequence_id: 6,
        body: Body::Deliver(Box::new(Deliver {
            msg_id: 77,
            dest_id: b"1065901234".to_vec(),
            service_id: Vec::new(),
            tp_pid: 0,
            tp_udhi: 0,
            msg_fmt: 15,
            src_terminal_id: b"13800138000".to_vec(),
            src_terminal_type: 0,
            link_id: Vec::new(),
            // "你好" in GBK.
            content: DeliverContent::Message(unhex("c4e3bac3")),
        })),
    };
    assert_eq!(one(&mo.encode(V2)), mo);
}

#[test]
fn responses_queries_and_cancels_round_trip() {
    for body in [
        Body::SubmitResp {
            msg_id: 0xC2C2_4480_10E1_0001,
            result: 8,
        },
        Body::DeliverResp {
            msg_id: 77,
            result: 0,
        },
        Body::Cancel { msg_id: 5 },
        Body::CancelResp { success_id: 1 },
        Body::Terminate,
        Body::TerminateResp,
        Body::Query(Query {
            time: b"20261205".to_vec(),
            query_type: 1,
            query_code: b"MTEST".to_vec(),
        }),
        Body::QueryResp(QueryResp {
            time: b"20261205".to_vec(),
            query_type: 0,
            query_code: Vec::new(),
            counters: [1, 2, 3, 4, 5, 6, 7, 8],
        }),
    ] {
        let pdu = Pdu {
            sequence_id: 3,
            body,
        };
        assert_eq!(one(&pdu.encode(V2)), pdu);
    }
}

#[test]
fn a_partial_pdu_waits_for_more_bytes() {
    let wire = Pdu {
        sequence_id: 7,
        body: Body::ActiveTestResp,
    }
    .encode(V2);
    for cut in 0..wire.len() {
        assert_eq!(decode(&wire[..cut], V2).unwrap(), None, "{cut} bytes");
    }
    // Two PDUs back to back: the first is read, the rest left.
    let mut two = wire.clone();
    two.extend_from_slice(&wire);
    assert_eq!(decode(&two, V2).unwrap().unwrap().consumed, wire.len());
}

#[test]
fn an_implausible_length_drops_the_link_before_anything_is_allocated() {
    for total in [0u32, 11, MAX_PDU + 1, u32::MAX] {
        let mut bytes = total.to_be_bytes().to_vec();
        bytes.extend_from_slice(&[0, 0, 0, 8, 0, 0, 0, 1]);
        assert_eq!(decode(&bytes, V2), Err(FramingError(total)));
    }
}

#[test]
fn a_pdu_that_does_not_fit_its_command_is_skipped_and_the_link_kept() {
    // An unknown command (CMPP_FWD, gateway to gateway) with 4 body bytes.
    let mut fwd = 16u32.to_be_bytes().to_vec();
    fwd.extend_from_slice(&[0, 0, 0, 9, 0, 0, 0, 4, 1, 2, 3, 4]);
    let frame = decode(&fwd, V2).unwrap().unwrap();
    assert_eq!(frame.consumed, 16);
    assert_eq!(frame.sequence_id, 4);
    assert_eq!(frame.pdu, Err(DecodeError::UnknownCommand(9)));
    // A CONNECT_RESP one byte short.
    let short = unhex("0000001d8000000100000001001b5be2e1464cfd174f4e95a53e48ab05");
    let frame = decode(&short, V2).unwrap().unwrap();
    assert_eq!(frame.consumed, 29);
    assert!(matches!(frame.pdu, Err(DecodeError::BadLength { .. })));
    // A DELIVER whose Msg_Length points past its end.
    let mut deliver = Pdu {
        sequence_id: 1,
        body: Body::Deliver(Box::new(Deliver {
            msg_id: 1,
            dest_id: Vec::new(),
            service_id: Vec::new(),
            tp_pid: 0,
            tp_udhi: 0,
            msg_fmt: 0,
            src_terminal_id: Vec::new(),
            src_terminal_type: 0,
            link_id: Vec::new(),
            content: DeliverContent::Message(b"hi".to_vec()),
        })),
    }
    .encode(V2);
    deliver[12 + 64] = 200;
    assert!(decode(&deliver, V2).unwrap().unwrap().pdu.is_err());
}

#[test]
fn the_30_layout_widens_numbers_and_results_and_ends_with_a_link_id() {
    let source = authenticator_source(b"901234", b"s3cret", DECEMBER);
    let resp = Pdu {
        sequence_id: 1,
        body: Body::ConnectResp(ConnectResp {
            status: 0,
            authenticator_ismg: authenticator_ismg(0, &source, b"s3cret", V3),
            version: VERSION_3_0,
        }),
    };
    let wire = resp.encode(V3);
    assert_eq!(wire.len(), 33);
    assert_eq!(&wire[12..16], &[0, 0, 0, 0]);
    assert_eq!(one_in(&wire, V3), resp);
    // The 4-byte status is hashed as 4 bytes.
    assert_ne!(
        authenticator_ismg(0, &source, b"s3cret", V3),
        authenticator_ismg(0, &source, b"s3cret", V2)
    );

    let mut s = submit(2, b"hi");
    s.fee_terminal_type = 1;
    s.dest_terminal_type = 0;
    s.link_id = b"LINK".to_vec();
    let pdu = Pdu {
        sequence_id: 9,
        body: Body::Submit(Box::new(s)),
    };
    let wire = pdu.encode(V3);
    // 117 fixed + 11 more for Fee_terminal_Id 32 and its type, numbers of
    // 32, their type, LinkID 20 instead of Reserve 8.
    assert_eq!(wire.len(), 12 + 117 + 12 + 32 * 2 + 1 + 1 + 2 + 20);
    assert_eq!(one_in(&wire, V3), pdu);
    // Read as 2.0, the same bytes do not fit.
    assert!(decode(&wire, V2).unwrap().unwrap().pdu.is_err());

    let report = Report {
        msg_id: 1,
        stat: b"DELIVRD".to_vec(),
        submit_time: b"2612051636".to_vec(),
        done_time: b"2612051637".to_vec(),
        dest_terminal_id: b"13800138000".to_vec(),
        smsc_sequence: 9,
    };
    let deliver = Pdu {
        sequence_id: 5,
        body: Body::Deliver(Box::new(Deliver {
            msg_id: 2,
            dest_id: b"1065901234".to_vec(),
            service_id: b"MTEST".to_vec(),
            tp_pid: 0,
            tp_udhi: 0,
            msg_fmt: 0,
            src_terminal_id: b"13800138000".to_vec(),
            src_terminal_type: 0,
            link_id: b"L".to_vec(),
            content: DeliverContent::Report(report),
        })),
    };
    let wire = deliver.encode(V3);
    assert_eq!(wire.len(), 12 + 65 + 12 + 71 + 20);
    assert_eq!(one_in(&wire, V3), deliver);

    for body in [
        Body::SubmitResp {
            msg_id: 7,
            result: 13,
        },
        Body::CancelResp { success_id: 1 },
    ] {
        let pdu = Pdu {
            sequence_id: 3,
            body,
        };
        assert_eq!(one_in(&pdu.encode(V3), V3), pdu);
    }
}
