//! What arrives in a DELIVER's Msg_Content: the user data header of a part
//! of a long message, and the text by its Msg_Fmt.
//!
//! Content is bytes until Msg_Fmt says what they are: 8 is UTF-16BE (a BOM
//! and an odd trailing byte tolerated), 15 GBK (read with a GB18030
//! decoder, its superset), 0 ASCII; 3 and 4 are binary, and other values
//! seen in the wild keep their bytes.

use crate::text::{FMT_ASCII, FMT_GBK, FMT_UCS2};

/// Where one part belongs in a long message (from its UDH).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Concat {
    /// The same for every part of one message (8 or 16 bits on the wire).
    pub reference: u16,
    pub total: u8,
    /// 1-based.
    pub number: u8,
}

/// A message's content split into its concatenation header, if any, and
/// the user data after the UDH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserData<'a> {
    pub concat: Option<Concat>,
    pub payload: &'a [u8],
}

/// The UDH at the front of `content` when TP_udhi says there is one.
///
/// Both concatenation elements are read (`00 03 RR TT II`, `08 04 RR RR TT
/// II`); others are skipped. A header that runs past the content, or a part
/// number outside 1..=total, leaves the content as it is (shown whole
/// rather than lost).
pub fn user_data(content: &[u8], udhi: bool) -> UserData<'_> {
    let whole = UserData {
        concat: None,
        payload: content,
    };
    if !udhi {
        return whole;
    }
    let Some((&udhl, rest)) = content.split_first() else {
        return whole;
    };
    let Some((mut header, payload)) = rest.split_at_checked(usize::from(udhl)) else {
        return whole;
    };
    let mut concat = None;
    while let [iei, len, tail @ ..] = header {
        let Some((value, next)) = tail.split_at_checked(usize::from(*len)) else {
            return whole;
        };
        concat = match (*iei, value) {
            (0x00, &[r, t, n]) => Some(Concat {
                reference: u16::from(r),
                total: t,
                number: n,
            }),
            (0x08, &[r1, r2, t, n]) => Some(Concat {
                reference: u16::from_be_bytes([r1, r2]),
                total: t,
                number: n,
            }),
            _ => concat,
        };
        header = next;
    }
    match concat {
        Some(c) if c.number == 0 || c.number > c.total => whole,
        concat => UserData { concat, payload },
    }
}

/// What a message's bytes say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    Text(String),
    /// Binary (Msg_Fmt 3 and 4) or a format we cannot read: kept as bytes.
    Binary(Vec<u8>),
}

/// The text of `payload` by its `msg_fmt`.
pub fn decode_text(msg_fmt: u8, payload: &[u8]) -> Decoded {
    match msg_fmt {
        FMT_UCS2 => {
            let (text, _) = encoding_rs::UTF_16BE.decode_with_bom_removal(payload);
            Decoded::Text(text.into_owned())
        }
        FMT_GBK => {
            let (text, _, _) = encoding_rs::GB18030.decode(payload);
            Decoded::Text(text.into_owned())
        }
        FMT_ASCII => Decoded::Text(
            payload
                .iter()
                .map(|&b| {
                    if b.is_ascii() {
                        char::from(b)
                    } else {
                        '\u{FFFD}'
                    }
                })
                .collect(),
        ),
        _ => Decoded::Binary(payload.to_vec()),
    }
}

impl Decoded {
    /// As shown to a user: the text, or the bytes in hex.
    pub fn display(&self) -> String {
        match self {
            Decoded::Text(t) => t.clone(),
            Decoded::Binary(b) => {
                let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
                format!("[binary SMS, {} bytes: {hex}]", b.len())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_concatenation_headers_are_read() {
        let eight = [5, 0, 3, 0xAB, 3, 2, b'h', b'i'];
        let data = user_data(&eight, true);
        assert_eq!(
            data.concat,
            Some(Concat {
                reference: 0xAB,
                total: 3,
                number: 2
            })
        );
        assert_eq!(data.payload, b"hi");
        let sixteen = [6, 8, 4, 0x12, 0x34, 2, 1, b'x'];
        let data = user_data(&sixteen, true);
        assert_eq!(data.concat.map(|c| c.reference), Some(0x1234));
        assert_eq!(data.payload, b"x");
        // Another element first (a port address, IEI 5) is skipped.
        let ports = [11, 5, 4, 0, 0, 0, 0, 0, 3, 7, 2, 2, b'y'];
        assert_eq!(user_data(&ports, true).concat.map(|c| c.number), Some(2));
        // Without TP_udhi the bytes are the text.
        assert_eq!(user_data(&eight, false).payload, &eight);
    }

    #[test]
    fn a_broken_header_leaves_the_content_whole() {
        for bad in [
            &[][..],
            &[9, 0, 3, 1][..],
            &[5, 0, 9, 1, 2, 1][..],
            &[5, 0, 3, 1, 2, 3, b'z'][..],
            &[5, 0, 3, 1, 2, 0, b'z'][..],
        ] {
            let data = user_data(bad, true);
            assert_eq!((data.concat, data.payload), (None, bad), "{bad:?}");
        }
    }

    #[test]
    fn text_is_decoded_by_its_format() {
        assert_eq!(
            decode_text(FMT_UCS2, &[0x4f, 0x60, 0x59, 0x7d]),
            Decoded::Text("你好".into())
        );
        // A BOM is dropped; an odd trailing byte becomes U+FFFD, not a panic.
        assert_eq!(
            decode_text(FMT_UCS2, &[0xfe, 0xff, 0x4f, 0x60, 0x59]),
            Decoded::Text("你\u{FFFD}".into())
        );
        assert_eq!(
            decode_text(FMT_GBK, &[0xc4, 0xe3, 0xba, 0xc3]),
            Decoded::Text("你好".into())
        );
        assert_eq!(
            decode_text(FMT_ASCII, b"ok\xff"),
            Decoded::Text("ok\u{FFFD}".into())
        );
        let binary = decode_text(4, &[1, 2]);
        assert_eq!(binary, Decoded::Binary(vec![1, 2]));
        assert_eq!(binary.display(), "[binary SMS, 2 bytes: 0102]");
        assert_eq!(decode_text(9, b"?"), Decoded::Binary(b"?".to_vec()));
    }
}
