//! Login authenticators (MD5) and the CONNECT timestamp.
//!
//! The timestamp goes into the hash as its 10-character, zero-padded
//! `MMDDHHMMSS` string and onto the wire as that number: in January the
//! string starts with "0", which the number loses. Build the string first.

use md5::{Digest, Md5};

use crate::pdu::Version;

/// A CONNECT timestamp, `MMDDHHMMSS` of the local clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

impl Timestamp {
    /// The 10 characters that are hashed, e.g. `0105083000`.
    pub fn digits(self) -> String {
        format!(
            "{:02}{:02}{:02}{:02}{:02}",
            self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// The number on the wire, e.g. 105083000.
    pub fn wire(self) -> u32 {
        u32::from(self.month) * 100_000_000
            + u32::from(self.day) * 1_000_000
            + u32::from(self.hour) * 10_000
            + u32::from(self.minute) * 100
            + u32::from(self.second)
    }
}

/// AuthenticatorSource = MD5(Source_Addr ‖ 9 × 0x00 ‖ secret ‖ timestamp).
/// `sp_id` is hashed as its own bytes (real SP ids are 6 digits, where
/// every reading of the spec agrees).
pub fn authenticator_source(sp_id: &[u8], secret: &[u8], timestamp: Timestamp) -> [u8; 16] {
    let mut md5 = Md5::new();
    md5.update(sp_id);
    md5.update([0u8; 9]);
    md5.update(secret);
    md5.update(timestamp.digits().as_bytes());
    md5.finalize().into()
}

/// AuthenticatorISMG = MD5(Status ‖ AuthenticatorSource ‖ secret), the
/// status as its wire bytes (1 byte in 2.0, 4 in 3.0). What the gateway
/// proves it knows the secret with.
pub fn authenticator_ismg(
    status: u32,
    source: &[u8; 16],
    secret: &[u8],
    version: Version,
) -> [u8; 16] {
    let mut md5 = Md5::new();
    match version {
        Version::V2_0 => md5.update([u8::try_from(status).unwrap_or(u8::MAX)]),
        Version::V3_0 => md5.update(status.to_be_bytes()),
    }
    md5.update(source);
    md5.update(secret);
    md5.finalize().into()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The design note's moment (shared with the PDU tests).
    pub(crate) const DECEMBER: Timestamp = Timestamp {
        month: 12,
        day: 5,
        hour: 16,
        minute: 36,
        second: 26,
    };
    const JANUARY: Timestamp = Timestamp {
        month: 1,
        day: 5,
        hour: 8,
        minute: 30,
        second: 0,
    };

    #[test]
    fn the_design_notes_vectors() {
        assert_eq!(DECEMBER.wire(), 0x47D5_566A);
        let source = authenticator_source(b"901234", b"s3cret", DECEMBER);
        assert_eq!(hex(&source), "183f0d9b9eac968001c516d80fef5fa7");
        assert_eq!(
            hex(&authenticator_ismg(0, &source, b"s3cret", Version::V2_0)),
            "1b5be2e1464cfd174f4e95a53e48ab05"
        );
    }

    #[test]
    fn januarys_leading_zero_is_hashed_though_the_wire_loses_it() {
        assert_eq!(JANUARY.digits(), "0105083000");
        assert_eq!(JANUARY.wire(), 105_083_000);
        assert_eq!(JANUARY.wire(), 0x0643_7078);
        let source = authenticator_source(b"901234", b"s3cret", JANUARY);
        assert_eq!(hex(&source), "86025efb66a5e0eee443517102513074");
    }
}
