//! Msg_Id: an opaque u64 for matching (reports to submits, DELIVER resends
//! to the first); its bit fields only help debugging.
//!
//! `id = month<<60 | day<<55 | hour<<50 | minute<<44 | second<<38 |
//! ismg<<16 | sequence`. Unique per gateway, not globally: key by
//! (account, Msg_Id).

/// What a Msg_Id says, for logs and the diagnostics view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MsgIdFields {
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// The gateway's code (e.g. 001001 → 1001).
    pub ismg: u32,
    pub sequence: u16,
}

impl MsgIdFields {
    pub fn of(id: u64) -> MsgIdFields {
        let bits = |shift: u32, width: u32| (id >> shift) & ((1u64 << width) - 1);
        // Each field is masked to its width, so the narrowing never loses bits.
        MsgIdFields {
            month: bits(60, 4) as u8,
            day: bits(55, 5) as u8,
            hour: bits(50, 5) as u8,
            minute: bits(44, 6) as u8,
            second: bits(38, 6) as u8,
            ismg: bits(16, 22) as u32,
            sequence: bits(0, 16) as u16,
        }
    }

    /// The id with these fields (what a gateway, or the test simulator,
    /// hands out).
    pub fn id(self) -> u64 {
        u64::from(self.month & 0x0f) << 60
            | u64::from(self.day & 0x1f) << 55
            | u64::from(self.hour & 0x1f) << 50
            | u64::from(self.minute & 0x3f) << 44
            | u64::from(self.second & 0x3f) << 38
            | u64::from(self.ismg & 0x3f_ffff) << 16
            | u64::from(self.sequence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_design_notes_example() {
        let fields = MsgIdFields::of(14_033_854_705_669_570_561);
        assert_eq!(
            fields,
            MsgIdFields {
                month: 12,
                day: 5,
                hour: 16,
                minute: 36,
                second: 18,
                ismg: 4321,
                sequence: 1,
            }
        );
        assert_eq!(fields.id(), 0xC2C2_4480_10E1_0001);
    }

    #[test]
    fn fields_round_trip_at_their_widest() {
        let widest = MsgIdFields {
            month: 12,
            day: 31,
            hour: 23,
            minute: 59,
            second: 59,
            ismg: 0x3f_ffff,
            sequence: u16::MAX,
        };
        assert_eq!(MsgIdFields::of(widest.id()), widest);
    }
}
