//! Text into SMS parts, each a SUBMIT's Msg_Content.
//!
//! One SUBMIT carries at most 140 octets of user data. UCS2 (Msg_Fmt 8,
//! UTF-16BE) fits 70 characters in one message, 67 per part once the
//! 6-byte header `05 00 03 RR TT II` takes its room; ASCII (Msg_Fmt 0)
//! fewer than 160 in one, 134 per part as 8-bit text. A part never ends
//! between the two halves of a surrogate pair (an emoji would show as
//! U+FFFD on the phone). At most 255 parts.

/// Msg_Fmt of ASCII text.
pub const FMT_ASCII: u8 = 0;
/// Msg_Fmt of UCS2 (UTF-16BE) text.
pub const FMT_UCS2: u8 = 8;
/// UCS2 code units in a message of one part.
pub const UCS2_SINGLE: usize = 70;
/// UCS2 code units per part of a long message.
pub const UCS2_PART: usize = 67;
/// ASCII bytes in a message of one part (fewer than 160).
pub const ASCII_SINGLE: usize = 159;
/// ASCII bytes per part of a long message.
pub const ASCII_PART: usize = 134;
/// Parts one message may have (the UDH counts them in one byte).
pub const MAX_PARTS: usize = 255;

/// One SUBMIT's worth of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Msg_Content: the UDH (when `udhi`) then the text's bytes.
    pub content: Vec<u8>,
    /// TP_udhi: the content starts with a UDH.
    pub udhi: bool,
    pub total: u8,
    pub number: u8,
}

/// Too long to send as one message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the text needs {parts} SMS; at most {MAX_PARTS} make one message")]
pub struct TooLong {
    pub parts: usize,
}

/// The Msg_Fmt `text` is sent with: ASCII if it is all ASCII, else UCS2.
pub fn format_for(text: &str) -> u8 {
    if text.is_ascii() { FMT_ASCII } else { FMT_UCS2 }
}

/// `text` in parts, with `reference` (the same for every part of one
/// message, different per message) in their headers.
pub fn split(text: &str, reference: u8) -> Result<Vec<Part>, TooLong> {
    if format_for(text) == FMT_ASCII {
        let bytes = text.as_bytes();
        let chunks: Vec<&[u8]> = if bytes.len() <= ASCII_SINGLE {
            vec![bytes]
        } else {
            bytes.chunks(ASCII_PART).collect()
        };
        return with_headers(chunks.into_iter().map(<[u8]>::to_vec).collect(), reference);
    }
    let units: Vec<u16> = text.encode_utf16().collect();
    let chunks = if units.len() <= UCS2_SINGLE {
        vec![units.as_slice()]
    } else {
        ucs2_chunks(&units)
    };
    let bytes = chunks
        .into_iter()
        .map(|chunk| chunk.iter().flat_map(|u| u.to_be_bytes()).collect())
        .collect();
    with_headers(bytes, reference)
}

/// Runs of at most [`UCS2_PART`] units, never ending on a high surrogate.
fn ucs2_chunks(units: &[u16]) -> Vec<&[u16]> {
    let mut chunks = Vec::new();
    let mut rest = units;
    while !rest.is_empty() {
        let mut end = rest.len().min(UCS2_PART);
        if end < rest.len() && (0xD800..0xDC00).contains(&rest[end - 1]) {
            end -= 1;
        }
        let (chunk, tail) = rest.split_at(end);
        chunks.push(chunk);
        rest = tail;
    }
    chunks
}

fn with_headers(chunks: Vec<Vec<u8>>, reference: u8) -> Result<Vec<Part>, TooLong> {
    let parts = chunks.len();
    if parts > MAX_PARTS {
        return Err(TooLong { parts });
    }
    if parts == 1 {
        let content = chunks.into_iter().next().unwrap_or_default();
        return Ok(vec![Part {
            content,
            udhi: false,
            total: 1,
            number: 1,
        }]);
    }
    // `parts` fits a u8 (checked above), so do the part numbers.
    let total = parts as u8;
    Ok(chunks
        .into_iter()
        .zip(1..=total)
        .map(|(chunk, number)| {
            let mut content = vec![0x05, 0x00, 0x03, reference, total, number];
            content.extend_from_slice(&chunk);
            Part {
                content,
                udhi: true,
                total,
                number,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn text_of(parts: &[Part]) -> String {
        let bytes: Vec<u8> = parts
            .iter()
            .flat_map(|p| p.content[if p.udhi { 6 } else { 0 }..].to_vec())
            .collect();
        let units: Vec<u16> = bytes
            .chunks(2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .collect();
        String::from_utf16(&units).unwrap()
    }

    #[test]
    fn seventy_chinese_characters_are_one_sms_and_seventy_one_are_two() {
        let seventy = "好".repeat(70);
        let one = split(&seventy, 9).unwrap();
        assert_eq!(one.len(), 1);
        assert!(!one[0].udhi);
        assert_eq!(one[0].content.len(), 140);
        let two = split(&"好".repeat(71), 9).unwrap();
        assert_eq!(two.len(), 2);
        assert_eq!(&two[0].content[..6], &[5, 0, 3, 9, 2, 1]);
        assert_eq!(&two[1].content[..6], &[5, 0, 3, 9, 2, 2]);
        assert_eq!(two[0].content.len(), 6 + 134, "67 characters a part");
        assert!(two.iter().all(|p| p.content.len() <= 140));
        assert_eq!(text_of(&two), "好".repeat(71));
    }

    #[test]
    fn a_part_never_ends_inside_a_surrogate_pair() {
        // 66 characters, then emoji: unit 67 is the first half of a pair.
        let text = format!("{}{}", "好".repeat(66), "😀".repeat(10));
        let parts = split(&text, 1).unwrap();
        assert_eq!(parts[0].content.len(), 6 + 66 * 2, "the pair moved on");
        for p in &parts {
            let last = u16::from_be_bytes([
                p.content[p.content.len() - 2],
                p.content[p.content.len() - 1],
            ]);
            assert!(
                !(0xD800..0xDC00).contains(&last),
                "part {} ends on a high half",
                p.number
            );
        }
        assert_eq!(text_of(&parts), text);
    }

    #[test]
    fn ascii_fits_159_bytes_in_one_and_134_a_part() {
        assert_eq!(format_for("hello"), FMT_ASCII);
        assert_eq!(format_for("你好"), FMT_UCS2);
        assert_eq!(split(&"a".repeat(159), 0).unwrap().len(), 1);
        let parts = split(&"a".repeat(160), 0).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].content.len(), 6 + 134);
        assert_eq!(parts[1].content.len(), 6 + 26);
    }

    #[test]
    fn more_than_255_parts_is_refused() {
        assert!(split(&"好".repeat(67 * 255), 0).is_ok());
        assert_eq!(
            split(&"好".repeat(67 * 255 + 1), 0),
            Err(TooLong { parts: 256 })
        );
    }
}
