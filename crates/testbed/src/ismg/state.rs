//! The gateway's memory: what it took, what it owes the SP, and how it is
//! told to misbehave.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tether_cmpp::content::{decode_text, user_data};
use tether_cmpp::msg_id::MsgIdFields;
use tether_cmpp::pdu::{Deliver, DeliverContent, Report, Submit};
use tether_cmpp::text::{Chinese, split};

/// A SUBMIT the gateway took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub msg_id: u64,
    pub sp_id: String,
    pub dest: Vec<String>,
    pub src_id: String,
    pub msg_fmt: u8,
    pub pk_total: u8,
    pub pk_number: u8,
    pub registered_delivery: u8,
    pub at_time: String,
    /// Msg_Content as sent (UDH included).
    pub content: Vec<u8>,
    pub udhi: bool,
}

impl Submitted {
    /// The part's text, decoded by its Msg_Fmt, without its UDH.
    pub fn text(&self) -> String {
        decode_text(self.msg_fmt, user_data(&self.content, self.udhi).payload).display()
    }
}

/// A message from a phone, to send to the SP.
#[derive(Debug, Clone)]
pub struct Mo {
    pub from: String,
    /// Dest_Id: the SP's service code, maybe with an extension.
    pub to: String,
    pub text: String,
    pub chinese: Chinese,
    /// Parts go last first.
    pub reversed: bool,
    /// The first part goes twice.
    pub repeat_first: bool,
    /// This part (1-based) never goes.
    pub omit: Option<u8>,
}

impl Mo {
    pub fn new(from: &str, to: &str, text: &str) -> Mo {
        Mo {
            from: from.into(),
            to: to.into(),
            text: text.into(),
            chinese: Chinese::Ucs2,
            reversed: false,
            repeat_first: false,
            omit: None,
        }
    }
}

/// A snapshot of what the gateway saw.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    pub logins: usize,
    pub refused: usize,
    pub links: usize,
    pub submits: Vec<Submitted>,
    pub throttled: usize,
    pub reports_sent: usize,
    /// DELIVERs (messages and reports) the SP answered, by their Msg_Id.
    pub delivers_answered: usize,
    /// DELIVERs still owed to the SP.
    pub delivers_pending: usize,
    pub active_tests: usize,
    pub terminates: usize,
    pub cancels: usize,
    pub queries: usize,
}

impl Seen {
    /// SUBMITs taken for `number`.
    pub fn to(&self, number: &str) -> Vec<&Submitted> {
        self.submits
            .iter()
            .filter(|s| s.dest.iter().any(|d| d == number))
            .collect()
    }
}

/// A DELIVER owed to an SP, and when it is due (a report after its delay).
#[derive(Debug, Clone)]
pub struct Owed {
    pub sp_id: String,
    pub deliver: Deliver,
    pub due: Instant,
}

pub struct State {
    ismg_code: u32,
    sequence: u16,
    reference: u8,
    pub seen: Seen,
    answered: HashSet<u64>,
    pub throttle_next: usize,
    pub drop_responses: usize,
    pub silent: bool,
    /// TERMINATE is met by closing the link, unanswered.
    pub hang_up_on_terminate: bool,
    pub stats: HashMap<String, String>,
    /// DELIVERs waiting for a link of their SP.
    pub owed: VecDeque<Owed>,
    /// DELIVERs written and not answered, by link and Sequence_Id, with
    /// when they went: owed again if their link goes (or the gateway
    /// stops), so a killed gateway loses nothing of its own.
    pub unanswered: HashMap<(u64, u32), (Owed, Instant)>,
    next_link: u64,
    /// Taken with an At_Time and not cancelled yet: their reports wait.
    scheduled: HashMap<u64, Submitted>,
}

impl State {
    pub fn new(ismg_code: u32) -> State {
        State {
            ismg_code,
            sequence: 0,
            reference: 0,
            seen: Seen::default(),
            answered: HashSet::new(),
            throttle_next: 0,
            drop_responses: 0,
            silent: false,
            hang_up_on_terminate: false,
            stats: HashMap::new(),
            owed: VecDeque::new(),
            unanswered: HashMap::new(),
            next_link: 0,
            scheduled: HashMap::new(),
        }
    }

    pub fn seen(&self) -> Seen {
        let mut seen = self.seen.clone();
        seen.delivers_answered = self.answered.len();
        seen.delivers_pending = self.owed.len() + self.unanswered.len();
        seen
    }

    /// A fresh Msg_Id: month, day, hour, minute, second (UTC), the
    /// gateway's code, a 16-bit sequence (section 8 of the design note).
    pub fn msg_id(&mut self) -> u64 {
        self.sequence = self.sequence.wrapping_add(1);
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let (month, day) = month_day(secs / 86_400);
        let of_day = secs % 86_400;
        // Every value is below its field's limit (a month, a day, …).
        let narrow = |v: u64| u8::try_from(v).unwrap_or(0);
        MsgIdFields {
            month: narrow(month),
            day: narrow(day),
            hour: narrow(of_day / 3600),
            minute: narrow(of_day / 60 % 60),
            second: narrow(of_day % 60),
            ismg: self.ismg_code,
            sequence: self.sequence,
        }
        .id()
    }

    /// Takes a SUBMIT: recorded, its reports owed (or held until its time).
    pub fn take(&mut self, sp_id: &str, submit: &Submit) -> Submitted {
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let taken = Submitted {
            msg_id: self.msg_id(),
            sp_id: sp_id.into(),
            dest: submit.dest_terminal_ids.iter().map(|d| text(d)).collect(),
            src_id: text(&submit.src_id),
            msg_fmt: submit.msg_fmt,
            pk_total: submit.pk_total,
            pk_number: submit.pk_number,
            registered_delivery: submit.registered_delivery,
            at_time: text(&submit.at_time),
            content: submit.content.clone(),
            udhi: submit.tp_udhi & 1 == 1,
        };
        self.seen.submits.push(taken.clone());
        if !taken.at_time.is_empty() {
            self.scheduled.insert(taken.msg_id, taken.clone());
        }
        taken
    }

    /// A number for a new link.
    pub fn new_link(&mut self) -> u64 {
        self.next_link += 1;
        self.next_link
    }

    /// What `link` (or, `None`, every link) left unanswered is owed again.
    pub fn return_unanswered(&mut self, link: Option<u64>) {
        let keys: Vec<(u64, u32)> = self
            .unanswered
            .keys()
            .filter(|(l, _)| link.is_none_or(|want| *l == want))
            .copied()
            .collect();
        for key in keys {
            if let Some((owed, _)) = self.unanswered.remove(&key) {
                self.owed.push_front(owed);
            }
        }
    }

    /// The reports of a taken SUBMIT, one per destination, owed after
    /// `delay`.
    pub fn report(&mut self, taken: &Submitted, delay: Duration) -> Vec<(String, String)> {
        if taken.registered_delivery != 1 || self.scheduled.contains_key(&taken.msg_id) {
            return Vec::new();
        }
        let mut told = Vec::new();
        for dest in &taken.dest {
            let stat = self.stats.get(dest).cloned().unwrap_or("DELIVRD".into());
            let deliver = Deliver {
                msg_id: self.msg_id(),
                dest_id: taken.src_id.clone().into_bytes(),
                service_id: Vec::new(),
                tp_pid: 0,
                tp_udhi: 0,
                msg_fmt: 0,
                src_terminal_id: dest.clone().into_bytes(),
                src_terminal_type: 0,
                content: DeliverContent::Report(Report {
                    msg_id: taken.msg_id,
                    stat: stat.clone().into_bytes(),
                    submit_time: b"2612051636".to_vec(),
                    done_time: b"2612051637".to_vec(),
                    dest_terminal_id: dest.clone().into_bytes(),
                    smsc_sequence: 0,
                }),
                link_id: Vec::new(),
            };
            self.owed.push_back(Owed {
                sp_id: taken.sp_id.clone(),
                deliver,
                due: Instant::now() + delay,
            });
            self.seen.reports_sent += 1;
            told.push((dest.clone(), stat));
        }
        told
    }

    /// Cancels a scheduled message: whether it was still waiting.
    pub fn cancel(&mut self, msg_id: u64) -> bool {
        self.seen.cancels += 1;
        self.scheduled.remove(&msg_id).is_some()
    }

    pub fn release_scheduled(&mut self) {
        let due: Vec<Submitted> = self.scheduled.drain().map(|(_, s)| s).collect();
        for taken in due {
            self.report(&taken, Duration::ZERO);
        }
    }

    /// Queues a phone's message as the DELIVERs of its parts.
    pub fn queue_mo(&mut self, mo: &Mo, sp_id: String) {
        self.reference = self.reference.wrapping_add(1);
        let Ok(encoded) = split(&mo.text, self.reference, mo.chinese) else {
            return;
        };
        let mut parts: Vec<_> = encoded
            .parts
            .into_iter()
            .filter(|p| Some(p.number) != mo.omit)
            .collect();
        if mo.reversed {
            parts.reverse();
        }
        if mo.repeat_first
            && let Some(first) = parts.first().cloned()
        {
            parts.insert(1, first);
        }
        let mut ids = HashMap::new();
        for part in parts {
            // A repeat is the same DELIVER again, with the same Msg_Id.
            let msg_id = *ids.entry(part.number).or_insert_with(|| self.msg_id());
            self.owed.push_back(Owed {
                sp_id: sp_id.clone(),
                due: Instant::now(),
                deliver: Deliver {
                    msg_id,
                    dest_id: mo.to.clone().into_bytes(),
                    service_id: Vec::new(),
                    tp_pid: 0,
                    tp_udhi: u8::from(part.udhi),
                    msg_fmt: encoded.msg_fmt,
                    src_terminal_id: mo.from.clone().into_bytes(),
                    src_terminal_type: 0,
                    content: DeliverContent::Message(part.content),
                    link_id: Vec::new(),
                },
            });
        }
    }

    /// The SP answered the DELIVER with this Msg_Id.
    pub fn answered(&mut self, msg_id: u64) {
        self.answered.insert(msg_id);
    }
}

/// Month (1–12) and day (1–31) of a day counted from 1970-01-01
/// (Howard Hinnant's civil-from-days).
fn month_day(days: u64) -> (u64, u64) {
    let z = days + 719_468;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msg_ids_follow_the_spec_layout() {
        // 2026-12-05 is day 20427 since the epoch.
        assert_eq!(month_day(20_427), (12, 5));
        assert_eq!(month_day(0), (1, 1));
        let mut state = State::new(4321);
        let id = state.msg_id();
        let fields = MsgIdFields::of(id);
        assert_eq!(fields.ismg, 4321);
        assert_eq!(fields.sequence, 1);
        assert!((1..=12).contains(&fields.month));
        assert_eq!(state.msg_id() & 0xFFFF, 2);
    }
}
