//! Between the store's nouns and CMPP's PDUs: a queued part into a SUBMIT,
//! a DELIVER into an incoming SMS or a report, the local clock into the
//! CONNECT timestamp and At_Time. Pure functions.

use chrono::{DateTime, Datelike, Local, Offset, TimeZone, Timelike};
use tether_cmpp::auth::Timestamp;
use tether_cmpp::content::user_data;
use tether_cmpp::pdu::{Deliver, DeliverContent, Submit};

use crate::account::SmsAccount;
use crate::model::PhoneNumber;
use crate::store::sms::{IncomingSms, PartOf, SmsPart};

/// The SUBMIT of one queued part.
pub(crate) fn submit(account: &SmsAccount, part: &SmsPart) -> Submit {
    Submit {
        pk_total: part.total,
        pk_number: part.part,
        registered_delivery: u8::from(account.reports),
        msg_level: 0,
        service_id: account.service_id.as_bytes().to_vec(),
        fee_user_type: account.fees.user_type,
        fee_terminal_id: Vec::new(),
        fee_terminal_type: 0,
        tp_pid: 0,
        tp_udhi: u8::from(part.total > 1),
        msg_fmt: part.msg_fmt,
        msg_src: account.sp_id.as_bytes().to_vec(),
        fee_type: account.fees.fee_type.as_bytes().to_vec(),
        fee_code: account.fees.fee_code.as_bytes().to_vec(),
        valid_time: Vec::new(),
        at_time: part.at_time.as_bytes().to_vec(),
        src_id: account.src_id.as_bytes().to_vec(),
        dest_terminal_ids: vec![part.dest.as_bytes().to_vec()],
        dest_terminal_type: 0,
        content: part.content.clone(),
        link_id: Vec::new(),
    }
}

/// What a DELIVER carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Arrived {
    Sms(IncomingSms),
    Report {
        /// The SUBMIT_RESP's Msg_Id (inside the report).
        msg_id: u64,
        dest: String,
        stat: String,
    },
    /// From a sender that is no telephone number: answered and dropped.
    Unreadable(String),
}

/// A DELIVER as the store takes it; `at` is now in ms.
pub(crate) fn arrived(deliver: &Deliver, at: i64) -> Arrived {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    match &deliver.content {
        DeliverContent::Report(report) => Arrived::Report {
            msg_id: report.msg_id,
            dest: text(&report.dest_terminal_id),
            stat: text(&report.stat),
        },
        DeliverContent::Message(bytes) => {
            let from = text(&deliver.src_terminal_id);
            let Ok(from) = from.parse::<PhoneNumber>() else {
                return Arrived::Unreadable(format!("an SMS from {from:?}, not a number"));
            };
            let data = user_data(bytes, deliver.tp_udhi & 1 == 1);
            Arrived::Sms(IncomingSms {
                deliver_id: deliver.msg_id,
                from,
                dest_id: text(&deliver.dest_id),
                part_of: data.concat.map(|c| PartOf {
                    reference: c.reference,
                    total: c.total,
                    number: c.number,
                }),
                payload: data.payload.to_vec(),
                msg_fmt: deliver.msg_fmt,
                at,
            })
        }
    }
}

/// The CONNECT timestamp: now, on the local clock.
pub(crate) fn timestamp_now() -> Timestamp {
    timestamp_of(&Local::now())
}

fn timestamp_of<Tz: TimeZone>(now: &DateTime<Tz>) -> Timestamp {
    // Each value is within its field (a month, a day, …): the narrowing
    // cannot lose anything.
    let narrow = |v: u32| u8::try_from(v).unwrap_or(0);
    Timestamp {
        month: narrow(now.month()),
        day: narrow(now.day()),
        hour: narrow(now.hour()),
        minute: narrow(now.minute()),
        second: narrow(now.second()),
    }
}

/// At_Time for a moment: the SMPP absolute time `YYMMDDhhmmsstnnp` in the
/// moment's own offset (quarter hours from UTC, then `+` or `-`).
pub(crate) fn at_time<Tz: TimeZone>(when: &DateTime<Tz>) -> String {
    let offset = when.offset().fix().local_minus_utc();
    let sign = if offset < 0 { '-' } else { '+' };
    let quarters = offset.unsigned_abs() / 900;
    format!(
        "{:02}{:02}{:02}{:02}{:02}{:02}0{:02}{sign}",
        when.year().rem_euclid(100),
        when.month(),
        when.day(),
        when.hour(),
        when.minute(),
        when.second(),
        quarters
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::FixedOffset;
    use tether_cmpp::pdu::Report;

    #[test]
    fn at_time_is_the_smpp_absolute_form() {
        let china = FixedOffset::east_opt(8 * 3600).unwrap();
        let when = china.with_ymd_and_hms(2026, 12, 5, 16, 30, 0).unwrap();
        // The design note's example.
        assert_eq!(at_time(&when), "261205163000032+");
        let west = FixedOffset::west_opt(5 * 3600).unwrap();
        let when = west.with_ymd_and_hms(2027, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(at_time(&when), "270102030405020-");
        // And back: the moment itself, whatever the offset.
        assert_eq!(
            crate::model::at_time_ms(&at_time(&when)),
            Some(when.timestamp_millis())
        );
        assert_eq!(crate::model::at_time_ms("270102030405020R"), None);
        assert_eq!(crate::model::at_time_ms("271302030405020+"), None);
        let january = china.with_ymd_and_hms(2027, 1, 5, 8, 30, 0).unwrap();
        assert_eq!(timestamp_of(&january).digits(), "0105083000");
    }

    fn deliver(content: DeliverContent, udhi: u8, from: &str) -> Deliver {
        Deliver {
            msg_id: 9,
            dest_id: b"1065901234".to_vec(),
            service_id: Vec::new(),
            tp_pid: 0,
            tp_udhi: udhi,
            msg_fmt: 8,
            src_terminal_id: from.as_bytes().to_vec(),
            src_terminal_type: 0,
            content,
            link_id: Vec::new(),
        }
    }

    #[test]
    fn a_deliver_is_a_part_of_a_message_or_a_report() {
        let part = deliver(
            DeliverContent::Message(vec![5, 0, 3, 7, 2, 1, 0x4f, 0x60]),
            1,
            "13800138000",
        );
        let Arrived::Sms(sms) = arrived(&part, 5) else {
            panic!()
        };
        assert_eq!(
            (sms.msg_fmt, sms.payload.as_slice()),
            (8, &[0x4f, 0x60][..])
        );
        assert_eq!(
            sms.part_of,
            Some(PartOf {
                reference: 7,
                total: 2,
                number: 1
            })
        );
        let report = deliver(
            DeliverContent::Report(Report {
                msg_id: 77,
                stat: b"MA:0001".to_vec(),
                submit_time: Vec::new(),
                done_time: Vec::new(),
                dest_terminal_id: b"13800138000".to_vec(),
                smsc_sequence: 0,
            }),
            0,
            "13800138000",
        );
        assert_eq!(
            arrived(&report, 5),
            Arrived::Report {
                msg_id: 77,
                dest: "13800138000".into(),
                stat: "MA:0001".into()
            }
        );
        let odd = deliver(DeliverContent::Message(b"x".to_vec()), 0, "ops team");
        assert!(matches!(arrived(&odd, 5), Arrived::Unreadable(_)));
    }
}
