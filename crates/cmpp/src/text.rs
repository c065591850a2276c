//! Text into SMS parts, each a SUBMIT's Msg_Content.
//!
//! One SUBMIT carries at most 140 octets of user data. UCS2 (Msg_Fmt 8,
//! UTF-16BE) fits 70 characters in one message, 67 per part once the
//! 6-byte header `05 00 03 RR TT II` takes its room; ASCII (Msg_Fmt 0)
//! fewer than 160 in one, 134 per part as 8-bit text. A part never ends
//! between the two halves of a surrogate pair (an emoji would show as
//! U+FFFD on the phone). GBK (Msg_Fmt 15), when an account prefers it for
//! Chinese, fits 140 bytes in one and 134 per part, cut between characters
//! (one or two bytes each). At most 255 parts.

/// Msg_Fmt of ASCII text.
pub const FMT_ASCII: u8 = 0;
/// Msg_Fmt of UCS2 (UTF-16BE) text.
pub const FMT_UCS2: u8 = 8;
/// Msg_Fmt of GB/GBK Chinese text.
pub const FMT_GBK: u8 = 15;
/// Octets of user data in one message (UCS2, GBK).
pub const OCTETS_SINGLE: usize = 140;
/// Octets of user data per part of a long message, after the 6-byte UDH.
pub const OCTETS_PART: usize = 134;
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

/// How text that is not all ASCII is sent: UCS2, which every phone reads
/// (the default), or GBK where an operator asks for it. Text GBK cannot
/// write (emoji, most scripts but Chinese) goes as UCS2 anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Chinese {
    #[default]
    Ucs2,
    Gbk,
}

/// The Msg_Fmt `text` is sent with: ASCII if it is all ASCII, else UCS2,
/// or GBK when preferred and every character has a GBK form.
pub fn format_for(text: &str, chinese: Chinese) -> u8 {
    if text.is_ascii() {
        FMT_ASCII
    } else if chinese == Chinese::Gbk && gbk_chars(text).is_some() {
        FMT_GBK
    } else {
        FMT_UCS2
    }
}

/// What a text costs: its Msg_Fmt, how many SMS it takes, and how many
/// more characters fit before it takes one more (for the composer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    pub msg_fmt: u8,
    pub parts: usize,
    pub left: usize,
}

/// The cost of `text` as [`split`] would send it (however many parts).
pub fn cost(text: &str, chinese: Chinese) -> Cost {
    let msg_fmt = format_for(text, chinese);
    let chunks = chunks(text, msg_fmt);
    let parts = chunks.len();
    // Characters left are counted as the user sees them in each format:
    // bytes (ASCII), UTF-16 units (UCS2; an emoji takes two), two bytes a
    // Chinese character (GBK).
    let (single, part, unit) = match msg_fmt {
        FMT_ASCII => (ASCII_SINGLE, ASCII_PART, 1),
        _ => (OCTETS_SINGLE, OCTETS_PART, 2),
    };
    let room = if parts == 1 { single } else { part };
    let last = chunks.last().map_or(0, Vec::len);
    Cost {
        msg_fmt,
        parts,
        left: room.saturating_sub(last) / unit,
    }
}

/// Each character of `text` in GBK, or `None` if one has no GBK form.
fn gbk_chars(text: &str) -> Option<Vec<Vec<u8>>> {
    let mut buf = [0u8; 4];
    text.chars()
        .map(|c| {
            let (bytes, _, unmappable) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
            (!unmappable).then(|| bytes.into_owned())
        })
        .collect()
}

/// The message of `text` in parts, with `reference` (the same for every
/// part of one message, different per message) in their headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    pub msg_fmt: u8,
    pub parts: Vec<Part>,
}

/// `text` in SMS parts (see the module's rules).
pub fn split(text: &str, reference: u8, chinese: Chinese) -> Result<Encoded, TooLong> {
    let msg_fmt = format_for(text, chinese);
    let parts = with_headers(chunks(text, msg_fmt), reference)?;
    Ok(Encoded { msg_fmt, parts })
}

/// The payload of each part of `text` in `msg_fmt` (one chunk if it fits
/// a single message).
fn chunks(text: &str, msg_fmt: u8) -> Vec<Vec<u8>> {
    match msg_fmt {
        FMT_ASCII => {
            let bytes = text.as_bytes();
            if bytes.len() <= ASCII_SINGLE {
                vec![bytes.to_vec()]
            } else {
                bytes.chunks(ASCII_PART).map(<[u8]>::to_vec).collect()
            }
        }
        FMT_GBK => gbk_chunks(text),
        _ => {
            let units: Vec<u16> = text.encode_utf16().collect();
            let runs = if units.len() <= UCS2_SINGLE {
                vec![units.as_slice()]
            } else {
                ucs2_chunks(&units)
            };
            runs.into_iter()
                .map(|run| run.iter().flat_map(|u| u.to_be_bytes()).collect())
                .collect()
        }
    }
}

fn gbk_chunks(text: &str) -> Vec<Vec<u8>> {
    let chars = gbk_chars(text).unwrap_or_default();
    let total: usize = chars.iter().map(Vec::len).sum();
    if total <= OCTETS_SINGLE {
        return vec![chars.concat()];
    }
    let mut chunks = vec![Vec::new()];
    for c in chars {
        if chunks
            .last()
            .is_some_and(|last| last.len() + c.len() > OCTETS_PART)
        {
            chunks.push(Vec::new());
        }
        if let Some(last) = chunks.last_mut() {
            last.extend_from_slice(&c);
        }
    }
    chunks
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
        let one = split(&seventy, 9, Chinese::Ucs2).unwrap().parts;
        assert_eq!(one.len(), 1);
        assert!(!one[0].udhi);
        assert_eq!(one[0].content.len(), 140);
        let two = split(&"好".repeat(71), 9, Chinese::Ucs2).unwrap().parts;
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
        let parts = split(&text, 1, Chinese::Ucs2).unwrap().parts;
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
        assert_eq!(format_for("hello", Chinese::Gbk), FMT_ASCII);
        assert_eq!(format_for("你好", Chinese::Ucs2), FMT_UCS2);
        let one = split(&"a".repeat(159), 0, Chinese::Ucs2).unwrap();
        assert_eq!((one.msg_fmt, one.parts.len()), (FMT_ASCII, 1));
        let parts = split(&"a".repeat(160), 0, Chinese::Ucs2).unwrap().parts;
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].content.len(), 6 + 134);
        assert_eq!(parts[1].content.len(), 6 + 26);
    }

    #[test]
    fn more_than_255_parts_is_refused() {
        assert!(split(&"好".repeat(67 * 255), 0, Chinese::Ucs2).is_ok());
        assert_eq!(
            split(&"好".repeat(67 * 255 + 1), 0, Chinese::Ucs2),
            Err(TooLong { parts: 256 })
        );
    }

    #[test]
    fn gbk_is_used_when_preferred_and_cut_between_characters() {
        // The design note's vector.
        let hello = split("你好", 0, Chinese::Gbk).unwrap();
        assert_eq!(hello.msg_fmt, FMT_GBK);
        assert_eq!(hello.parts[0].content, vec![0xc4, 0xe3, 0xba, 0xc3]);
        // 70 two-byte characters fit one; one ASCII letter in front makes
        // 141 bytes: two parts, the first cut after 67 characters (134 bytes
        // would end inside one: 1 + 66 × 2 = 133).
        assert_eq!(
            split(&"好".repeat(70), 0, Chinese::Gbk)
                .unwrap()
                .parts
                .len(),
            1
        );
        let two = split(&format!("a{}", "好".repeat(70)), 3, Chinese::Gbk).unwrap();
        assert_eq!(two.parts.len(), 2);
        assert_eq!(two.parts[0].content.len(), 6 + 133);
        let joined: Vec<u8> = two
            .parts
            .iter()
            .flat_map(|p| p.content[6..].to_vec())
            .collect();
        let (text, _, bad) = encoding_rs::GBK.decode(&joined);
        assert!(!bad);
        assert_eq!(text, format!("a{}", "好".repeat(70)));
        // An emoji has no GBK form: the text goes as UCS2.
        assert_eq!(format_for("你好😀", Chinese::Gbk), FMT_UCS2);
    }

    #[test]
    fn the_cost_says_how_many_sms_and_how_many_characters_are_left() {
        assert_eq!(
            cost("hello", Chinese::Ucs2),
            Cost {
                msg_fmt: FMT_ASCII,
                parts: 1,
                left: 154
            }
        );
        assert_eq!(cost(&"好".repeat(70), Chinese::Ucs2).left, 0);
        assert_eq!(
            cost(&"好".repeat(71), Chinese::Ucs2),
            Cost {
                msg_fmt: FMT_UCS2,
                parts: 2,
                left: 63
            }
        );
        assert_eq!(cost("你好", Chinese::Gbk).left, 68);
        for text in [
            "a".repeat(1000),
            "好".repeat(500),
            "😀".repeat(90),
            "好😀".repeat(60),
        ] {
            let parts = split(&text, 0, Chinese::Gbk).unwrap().parts.len();
            assert_eq!(cost(&text, Chinese::Gbk).parts, parts, "{}", text.len());
        }
    }
}
