//! The link rules, driven by hand: a test plays the gateway.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use super::*;
use crate::auth::tests::DECEMBER;
use crate::auth::{authenticator_ismg, authenticator_source};
use crate::pdu::{Body, ConnectResp, Deliver, DeliverContent, Pdu, Submit, VERSION_2_0, decode};

const T: Duration = Duration::from_secs(60);
const C: Duration = Duration::from_secs(180);

fn sent(session: &mut Session) -> Vec<Pdu> {
    let mut out = Vec::new();
    while let Some(bytes) = session.poll_transmit() {
        let frame = decode(&bytes, session.version()).unwrap().unwrap();
        out.push(frame.pdu.unwrap());
    }
    out
}

fn events(session: &mut Session) -> Vec<Event> {
    std::iter::from_fn(|| session.poll_event()).collect()
}

fn connect_resp(sequence_id: u32, status: u32, secret: &[u8]) -> Pdu {
    let source = authenticator_source(b"901234", b"s3cret", DECEMBER);
    Pdu {
        sequence_id,
        body: Body::ConnectResp(ConnectResp {
            status,
            authenticator_ismg: authenticator_ismg(status, &source, secret, Version::V2_0),
            version: VERSION_2_0,
        }),
    }
}

/// A session logged in at `now`.
fn ready(now: Instant) -> Session {
    let mut session = Session::new(Config::new(b"901234", b"s3cret"), DECEMBER, now);
    let connect = sent(&mut session).remove(0);
    assert!(matches!(connect.body, Body::Connect(_)));
    session.handle_pdu(connect_resp(connect.sequence_id, 0, b"s3cret"), now);
    assert_eq!(
        events(&mut session),
        vec![Event::Connected {
            gateway_version: VERSION_2_0
        }]
    );
    session
}

fn sms() -> Submit {
    Submit {
        dest_terminal_ids: vec![b"13800138000".to_vec()],
        content: b"hi".to_vec(),
        ..Submit::default()
    }
}

fn submit_resp(sequence_id: u32, msg_id: u64, result: u32) -> Pdu {
    Pdu {
        sequence_id,
        body: Body::SubmitResp { msg_id, result },
    }
}

#[test]
fn login_succeeds_only_with_the_gateways_proof() {
    let now = Instant::now();
    ready(now);
    // Status 0 but an authenticator made with another secret.
    let mut session = Session::new(Config::new(b"901234", b"s3cret"), DECEMBER, now);
    let seq = sent(&mut session)[0].sequence_id;
    session.handle_pdu(connect_resp(seq, 0, b"other"), now);
    assert_eq!(events(&mut session), vec![Event::GatewayNotVerified]);
    assert_eq!(session.phase(), Phase::Closed);
    // Status 3: refused, nothing more is sent.
    let mut session = Session::new(Config::new(b"901234", b"s3cret"), DECEMBER, now);
    let seq = sent(&mut session)[0].sequence_id;
    session.handle_pdu(connect_resp(seq, 3, b"s3cret"), now);
    assert_eq!(events(&mut session), vec![Event::Refused { status: 3 }]);
    assert_eq!(session.poll_timeout(), None);
    // Nothing but CONNECT goes before the answer.
    let session = Session::new(Config::new(b"901234", b"s3cret"), DECEMBER, now);
    assert_eq!(session.may_send(now), Err(NotNow::NotReady));
}

#[test]
fn an_unanswered_login_is_tried_n_times_then_the_link_is_dead() {
    let now = Instant::now();
    let mut session = Session::new(Config::new(b"901234", b"s3cret"), DECEMBER, now);
    assert_eq!(sent(&mut session).len(), 1);
    assert_eq!(session.poll_timeout(), Some(now + T));
    session.handle_timeout(now + T);
    session.handle_timeout(now + T * 2);
    let resent = sent(&mut session);
    assert_eq!(resent.len(), 2);
    assert_ne!(resent[0].sequence_id, resent[1].sequence_id);
    session.handle_timeout(now + T * 3);
    assert_eq!(events(&mut session), vec![Event::LinkDead]);
}

#[test]
fn the_window_holds_sixteen_and_answers_match_by_sequence_id_in_any_order() {
    let now = Instant::now();
    let mut session = ready(now);
    let seqs: Vec<u32> = (0..16)
        .map(|token| session.submit(token, sms(), now).unwrap())
        .collect();
    assert_eq!(session.submit(16, sms(), now), Err(NotNow::WindowFull(16)));
    assert_eq!(sent(&mut session).len(), 16);
    // Answered backwards: each answer names its own token.
    for (token, seq) in seqs.iter().enumerate().rev() {
        session.handle_pdu(submit_resp(*seq, 1000 + token as u64, 0), now);
    }
    let tokens: Vec<u64> = events(&mut session)
        .into_iter()
        .map(|e| match e {
            Event::Submitted {
                token,
                msg_id,
                result: 0,
                repeated: false,
                again: false,
            } => {
                assert_eq!(msg_id, 1000 + token);
                token
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(tokens, (0..16).rev().collect::<Vec<_>>());
    assert_eq!(session.may_send(now), Ok(()));
}

#[test]
fn a_resent_submit_answered_twice_says_it_went_twice() {
    let now = Instant::now();
    let mut session = ready(now);
    let first = session.submit(7, sms(), now).unwrap();
    sent(&mut session);
    session.handle_timeout(now + T);
    let second = sent(&mut session)[0].sequence_id;
    assert_ne!(first, second);
    // The answer to the first attempt arrives late: settled, "repeated".
    session.handle_pdu(submit_resp(first, 11, 0), now + T);
    // Then the answer to the second: the gateway took it twice.
    session.handle_pdu(submit_resp(second, 12, 0), now + T);
    assert_eq!(
        events(&mut session),
        vec![
            Event::Submitted {
                token: 7,
                msg_id: 11,
                result: 0,
                repeated: true,
                again: false
            },
            Event::Submitted {
                token: 7,
                msg_id: 12,
                result: 0,
                repeated: true,
                again: true
            },
        ]
    );
}

#[test]
fn a_submit_without_answer_after_n_attempts_is_given_back() {
    let now = Instant::now();
    let mut session = ready(now);
    session.submit(3, sms(), now).unwrap();
    for k in 1..=3 {
        // Keep the link itself alive meanwhile.
        session.heard(now + T * k);
        session.handle_timeout(now + T * k);
    }
    assert_eq!(sent(&mut session).len(), 3);
    assert_eq!(
        events(&mut session),
        vec![Event::SubmitUnanswered { token: 3 }]
    );
    assert_eq!(session.in_flight(), 0);
}

#[test]
fn result_8_pauses_submits_longer_each_time_until_a_success() {
    let now = Instant::now();
    let mut session = ready(now);
    let seq = session.submit(1, sms(), now).unwrap();
    session.handle_pdu(submit_resp(seq, 1, 8), now);
    assert_eq!(session.may_send(now), Err(NotNow::Throttled));
    assert_eq!(session.poll_timeout(), Some(now + Duration::from_secs(1)));
    let later = now + Duration::from_secs(1);
    session.handle_timeout(later);
    let seq = session.submit(1, sms(), later).unwrap();
    session.handle_pdu(submit_resp(seq, 2, 8), later);
    assert_eq!(
        session.may_send(later + Duration::from_millis(1500)),
        Err(NotNow::Throttled),
        "the second pause is longer"
    );
    let again = later + Duration::from_secs(2);
    let seq = session.submit(1, sms(), again).unwrap();
    session.handle_pdu(submit_resp(seq, 3, 0), again);
    let seq = session.submit(2, sms(), again).unwrap();
    session.handle_pdu(submit_resp(seq, 4, 8), again);
    assert_eq!(
        session.may_send(again + Duration::from_secs(1)),
        Ok(()),
        "a success starts the pauses over"
    );
}

#[test]
fn idle_links_are_tested_and_any_traffic_counts_as_alive() {
    let now = Instant::now();
    let mut session = ready(now);
    assert_eq!(session.poll_timeout(), Some(now + C));
    // Traffic from the gateway (here its own ACTIVE_TEST) moves C on, and
    // is answered at once with the same Sequence_Id.
    let busy = now + Duration::from_secs(100);
    session.handle_pdu(
        Pdu {
            sequence_id: 900,
            body: Body::ActiveTest,
        },
        busy,
    );
    assert_eq!(
        sent(&mut session),
        vec![Pdu {
            sequence_id: 900,
            body: Body::ActiveTestResp
        }]
    );
    assert_eq!(session.poll_timeout(), Some(busy + C));
    session.handle_timeout(busy + C);
    let test = sent(&mut session);
    assert_eq!(test.len(), 1);
    assert_eq!(test[0].body, Body::ActiveTest);
    // Unanswered: two more tries T apart, then the link is dead, C + N×T
    // after the gateway was last heard.
    session.handle_timeout(busy + C + T);
    session.handle_timeout(busy + C + T * 2);
    assert!(events(&mut session).is_empty());
    session.handle_timeout(busy + C + T * 3);
    assert_eq!(events(&mut session), vec![Event::LinkDead]);
    assert_eq!(
        Config::new(b"", b"").dead_link_bound(),
        C + T * 3,
        "the bound the benchmark checks"
    );
}

#[test]
fn an_answered_active_test_keeps_the_link() {
    let now = Instant::now();
    let mut session = ready(now);
    session.handle_timeout(now + C);
    let test = sent(&mut session).remove(0);
    session.handle_pdu(
        Pdu {
            sequence_id: test.sequence_id,
            body: Body::ActiveTestResp,
        },
        now + C + Duration::from_secs(1),
    );
    session.handle_timeout(now + C + T * 3);
    assert!(events(&mut session).is_empty());
    assert_eq!(session.phase(), Phase::Ready);
}

#[test]
fn delivers_are_handed_over_and_answered_when_the_caller_says() {
    let now = Instant::now();
    let mut session = ready(now);
    let deliver = Deliver {
        msg_id: 55,
        dest_id: b"1065901234".to_vec(),
        service_id: Vec::new(),
        tp_pid: 0,
        tp_udhi: 0,
        msg_fmt: 0,
        src_terminal_id: b"13800138000".to_vec(),
        src_terminal_type: 0,
        content: DeliverContent::Message(b"hi".to_vec()),
        link_id: Vec::new(),
    };
    session.handle_pdu(
        Pdu {
            sequence_id: 41,
            body: Body::Deliver(Box::new(deliver.clone())),
        },
        now,
    );
    assert!(
        sent(&mut session).is_empty(),
        "not answered before it is stored"
    );
    assert_eq!(
        events(&mut session),
        vec![Event::Deliver {
            sequence_id: 41,
            deliver: Box::new(deliver)
        }]
    );
    session.answer_deliver(41, 55, 0);
    assert_eq!(
        sent(&mut session),
        vec![Pdu {
            sequence_id: 41,
            body: Body::DeliverResp {
                msg_id: 55,
                result: 0
            }
        }]
    );
}

#[test]
fn terminate_either_way_closes_the_link() {
    let now = Instant::now();
    let mut session = ready(now);
    session.terminate(now);
    let terminate = sent(&mut session).remove(0);
    assert_eq!(terminate.body, Body::Terminate);
    session.handle_pdu(
        Pdu {
            sequence_id: terminate.sequence_id,
            body: Body::TerminateResp,
        },
        now,
    );
    assert_eq!(events(&mut session), vec![Event::Closed]);
    // The gateway's TERMINATE is answered, then the link is closed.
    let mut session = ready(now);
    session.handle_pdu(
        Pdu {
            sequence_id: 5,
            body: Body::Terminate,
        },
        now,
    );
    assert_eq!(sent(&mut session)[0].body, Body::TerminateResp);
    assert_eq!(events(&mut session), vec![Event::Closed]);
    // A TERMINATE nobody answers closes after T.
    let mut session = ready(now);
    session.terminate(now);
    session.handle_timeout(now + T);
    assert_eq!(events(&mut session), vec![Event::Closed]);
}

#[test]
fn submits_in_flight_are_named_when_the_link_is_lost() {
    let now = Instant::now();
    let mut session = ready(now);
    for token in [5, 2, 9] {
        session.submit(token, sms(), now).unwrap();
    }
    assert_eq!(session.submits_in_flight(), vec![2, 5, 9]);
}

#[test]
fn a_late_answer_after_giving_up_still_settles_and_wrong_kinds_settle_nothing() {
    let now = Instant::now();
    let mut session = ready(now);
    let first = session.submit(4, sms(), now).unwrap();
    for k in 1..=3 {
        session.heard(now + T * k);
        session.handle_timeout(now + T * k);
    }
    assert_eq!(
        events(&mut session),
        vec![Event::SubmitUnanswered { token: 4 }]
    );
    session.handle_pdu(submit_resp(first, 99, 0), now + T * 4);
    assert_eq!(
        events(&mut session),
        vec![Event::Submitted {
            token: 4,
            msg_id: 99,
            result: 0,
            repeated: true,
            again: false
        }]
    );
    // An ACTIVE_TEST_RESP echoing a SUBMIT's id does not settle the SUBMIT.
    let seq = session.submit(5, sms(), now).unwrap();
    session.handle_pdu(
        Pdu {
            sequence_id: seq,
            body: Body::ActiveTestResp,
        },
        now,
    );
    assert_eq!(session.submits_in_flight(), vec![5]);
}
