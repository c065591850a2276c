//! File frames (extension 12 of docs/protocol.md): the binary chunks,
//! requests and refusals that carry files on the `file` topics.
//!
//! Binary, not JSON: a chunk is up to 256 KiB of arbitrary bytes, which
//! JSON would grow by a third (base64) and parse slowly. Every field is
//! fixed-size and checked before anything is trusted; a frame that fails a
//! check is a [`FrameError`], which the receiver counts and drops.

use sha2::{Digest, Sha256};
use uuid::Uuid;

/// `T`, `F`, version 1.
const MAGIC: [u8; 3] = *b"TF\x01";
/// Magic, type, transfer id.
const HEAD: usize = 3 + 1 + 16;
/// What a chunk frame has before its data.
pub const CHUNK_HEAD: usize = HEAD + 8 + 4 + 4 + 32;
/// Smallest and largest chunk size a file may be cut into.
pub const MIN_CHUNK: u32 = 16 * 1024;
pub const MAX_CHUNK: u32 = 256 * 1024;
/// Largest file, in bytes (4 GiB).
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024 * 1024;
/// Most ranges in one `want`.
pub const MAX_WANT_RANGES: usize = 256;
/// Largest frame of any type.
pub const MAX_FRAME_BYTES: usize = CHUNK_HEAD + MAX_CHUNK as usize;

const CHUNK: u8 = 1;
const WANT: u8 = 2;
const GONE: u8 = 3;

/// Why bytes from a `file` topic are not a frame we accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("not a file frame (bad magic or version)")]
    Magic,
    #[error("unknown frame type {0}")]
    Type(u8),
    #[error("frame length does not match its contents")]
    Length,
    #[error("file size or chunk size out of range")]
    Sizes,
    #[error("chunk index beyond the end of the file")]
    Index,
    #[error("chunk data does not match its hash")]
    Hash,
    #[error("a want must ask for 1 to {MAX_WANT_RANGES} ranges, each within the file")]
    Ranges,
}

impl FrameError {
    /// The label the drop counters use (see `engine::drops`).
    pub fn reason(self) -> &'static str {
        match self {
            FrameError::Hash => "bad_chunk_hash",
            FrameError::Magic | FrameError::Type(_) => "not_a_frame",
            FrameError::Length | FrameError::Sizes | FrameError::Index | FrameError::Ranges => {
                "bad_frame"
            }
        }
    }
}

/// How a file is cut: its size and its chunk size, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub size: u64,
    pub chunk: u32,
}

impl Layout {
    pub fn new(size: u64, chunk: u32) -> Result<Layout, FrameError> {
        if size == 0 || size > MAX_FILE_BYTES || !(MIN_CHUNK..=MAX_CHUNK).contains(&chunk) {
            return Err(FrameError::Sizes);
        }
        Ok(Layout { size, chunk })
    }

    /// How many chunks the file has.
    pub fn chunks(self) -> u32 {
        // ≤ 4 GiB / 16 KiB = 262,144: fits.
        u32::try_from(self.size.div_ceil(u64::from(self.chunk))).unwrap_or(u32::MAX)
    }

    /// Where chunk `index` starts in the file.
    pub fn offset(self, index: u32) -> u64 {
        u64::from(index) * u64::from(self.chunk)
    }

    /// How many bytes chunk `index` has (the last one may be short).
    pub fn chunk_len(self, index: u32) -> usize {
        let rest = self.size.saturating_sub(self.offset(index));
        // ≤ MAX_CHUNK: fits.
        usize::try_from(rest.min(u64::from(self.chunk))).unwrap_or(0)
    }
}

/// A run of chunk indexes: `first .. first + count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub first: u32,
    pub count: u32,
}

impl Span {
    pub fn end(self) -> u64 {
        u64::from(self.first) + u64::from(self.count)
    }
}

/// A decoded frame; a chunk borrows its data from the payload.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    Chunk {
        file: Uuid,
        layout: Layout,
        index: u32,
        data: &'a [u8],
    },
    /// Asks the file's sender for these chunks.
    Want { file: Uuid, spans: Vec<Span> },
    /// The sender no longer has the file.
    Gone { file: Uuid },
}

impl Frame<'_> {
    pub fn file(&self) -> Uuid {
        match self {
            Frame::Chunk { file, .. } | Frame::Want { file, .. } | Frame::Gone { file } => *file,
        }
    }

    /// Decodes and checks a frame: sizes, index, the data's hash.
    pub fn decode(bytes: &[u8]) -> Result<Frame<'_>, FrameError> {
        if bytes.len() < HEAD || bytes[..3] != MAGIC {
            return Err(FrameError::Magic);
        }
        if bytes.len() > MAX_FRAME_BYTES {
            return Err(FrameError::Length);
        }
        let file = Uuid::from_bytes(array(&bytes[4..HEAD]));
        let rest = &bytes[HEAD..];
        match bytes[3] {
            CHUNK => decode_chunk(file, rest),
            WANT => decode_want(file, rest),
            GONE if rest.is_empty() => Ok(Frame::Gone { file }),
            GONE => Err(FrameError::Length),
            other => Err(FrameError::Type(other)),
        }
    }
}

fn array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0; N];
    out.copy_from_slice(&bytes[..N]);
    out
}

fn decode_chunk(file: Uuid, rest: &[u8]) -> Result<Frame<'_>, FrameError> {
    if rest.len() < CHUNK_HEAD - HEAD {
        return Err(FrameError::Length);
    }
    let size = u64::from_be_bytes(array(&rest[0..8]));
    let chunk = u32::from_be_bytes(array(&rest[8..12]));
    let index = u32::from_be_bytes(array(&rest[12..16]));
    let hash: [u8; 32] = array(&rest[16..48]);
    let data = &rest[48..];
    let layout = Layout::new(size, chunk)?;
    if index >= layout.chunks() {
        return Err(FrameError::Index);
    }
    if data.len() != layout.chunk_len(index) {
        return Err(FrameError::Length);
    }
    if Sha256::digest(data).as_slice() != hash {
        return Err(FrameError::Hash);
    }
    Ok(Frame::Chunk {
        file,
        layout,
        index,
        data,
    })
}

fn decode_want(file: Uuid, rest: &[u8]) -> Result<Frame<'static>, FrameError> {
    if rest.len() < 2 {
        return Err(FrameError::Length);
    }
    let count = usize::from(u16::from_be_bytes(array(&rest[..2])));
    if count == 0 || count > MAX_WANT_RANGES {
        return Err(FrameError::Ranges);
    }
    if rest.len() != 2 + count * 8 {
        return Err(FrameError::Length);
    }
    let spans = rest[2..]
        .chunks_exact(8)
        .map(|r| Span {
            first: u32::from_be_bytes(array(&r[..4])),
            count: u32::from_be_bytes(array(&r[4..])),
        })
        .collect::<Vec<_>>();
    if spans.iter().any(|s| s.count == 0) {
        return Err(FrameError::Ranges);
    }
    Ok(Frame::Want { file, spans })
}

fn head(kind: u8, file: Uuid, capacity: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(capacity);
    out.extend_from_slice(&MAGIC);
    out.push(kind);
    out.extend_from_slice(file.as_bytes());
    out
}

/// A chunk frame: `data` is chunk `index` of a file cut as `layout`.
pub fn encode_chunk(file: Uuid, layout: Layout, index: u32, data: &[u8]) -> Vec<u8> {
    let mut out = head(CHUNK, file, CHUNK_HEAD + data.len());
    out.extend_from_slice(&layout.size.to_be_bytes());
    out.extend_from_slice(&layout.chunk.to_be_bytes());
    out.extend_from_slice(&index.to_be_bytes());
    out.extend_from_slice(&Sha256::digest(data));
    out.extend_from_slice(data);
    out
}

/// A want frame; at most [`MAX_WANT_RANGES`] spans are taken.
pub fn encode_want(file: Uuid, spans: &[Span]) -> Vec<u8> {
    let spans = &spans[..spans.len().min(MAX_WANT_RANGES)];
    let mut out = head(WANT, file, HEAD + 2 + spans.len() * 8);
    // ≤ 256: fits.
    out.extend_from_slice(&(spans.len() as u16).to_be_bytes());
    for s in spans {
        out.extend_from_slice(&s.first.to_be_bytes());
        out.extend_from_slice(&s.count.to_be_bytes());
    }
    out
}

pub fn encode_gone(file: Uuid) -> Vec<u8> {
    head(GONE, file, HEAD)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id() -> Uuid {
        Uuid::from_u128(0x0193_a0c4_5f2e_7a31_9c1d_3b2a_1f0e_9d88)
    }

    #[test]
    fn a_chunk_round_trips_and_its_layout_is_checked() {
        let layout = Layout::new(40_000, MIN_CHUNK).unwrap();
        assert_eq!(layout.chunks(), 3);
        assert_eq!(layout.chunk_len(2), 40_000 - 2 * 16_384);
        let data = vec![7u8; layout.chunk_len(2)];
        let bytes = encode_chunk(id(), layout, 2, &data);
        assert_eq!(bytes.len(), CHUNK_HEAD + data.len());
        assert_eq!(
            Frame::decode(&bytes).unwrap(),
            Frame::Chunk {
                file: id(),
                layout,
                index: 2,
                data: &data
            }
        );
    }

    #[test]
    fn a_chunk_whose_data_was_changed_is_refused() {
        let layout = Layout::new(100, MIN_CHUNK).unwrap();
        let mut bytes = encode_chunk(id(), layout, 0, &[1; 100]);
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert_eq!(Frame::decode(&bytes), Err(FrameError::Hash));
    }

    #[test]
    fn chunks_that_lie_about_their_place_are_refused() {
        let layout = Layout::new(40_000, MIN_CHUNK).unwrap();
        // A full-size last chunk, an index past the end, a short middle one.
        let long_last = encode_chunk(id(), layout, 2, &[0; 16_384]);
        assert_eq!(Frame::decode(&long_last), Err(FrameError::Length));
        let past_end = encode_chunk(id(), layout, 3, &[0; 1]);
        assert_eq!(Frame::decode(&past_end), Err(FrameError::Index));
        let short = encode_chunk(id(), layout, 0, &[0; 10]);
        assert_eq!(Frame::decode(&short), Err(FrameError::Length));
        for (size, chunk) in [(0, MIN_CHUNK), (1, MIN_CHUNK - 1), (1, MAX_CHUNK + 1)] {
            assert_eq!(Layout::new(size, chunk), Err(FrameError::Sizes));
        }
        assert_eq!(
            Layout::new(MAX_FILE_BYTES + 1, MAX_CHUNK),
            Err(FrameError::Sizes)
        );
    }

    #[test]
    fn wants_and_gone_round_trip() {
        let spans = [Span { first: 0, count: 3 }, Span { first: 9, count: 1 }];
        let bytes = encode_want(id(), &spans);
        assert_eq!(
            Frame::decode(&bytes).unwrap(),
            Frame::Want {
                file: id(),
                spans: spans.to_vec()
            }
        );
        assert_eq!(
            Frame::decode(&encode_gone(id())).unwrap(),
            Frame::Gone { file: id() }
        );
        let mut empty = encode_want(id(), &[]);
        assert_eq!(Frame::decode(&empty), Err(FrameError::Ranges));
        empty.truncate(HEAD + 1);
        assert_eq!(Frame::decode(&empty), Err(FrameError::Length));
        let zero = encode_want(id(), &[Span { first: 0, count: 0 }]);
        assert_eq!(Frame::decode(&zero), Err(FrameError::Ranges));
    }

    #[test]
    fn other_bytes_are_not_frames() {
        assert_eq!(Frame::decode(b""), Err(FrameError::Magic));
        assert_eq!(
            Frame::decode(br#"{"v":1,"kind":"msg"}"#),
            Err(FrameError::Magic)
        );
        let mut bytes = encode_gone(id());
        bytes[3] = 9;
        assert_eq!(Frame::decode(&bytes), Err(FrameError::Type(9)));
        bytes[2] = 2;
        assert_eq!(Frame::decode(&bytes), Err(FrameError::Magic));
        let huge = vec![0u8; MAX_FRAME_BYTES + 1];
        assert_eq!(Frame::decode(&huge), Err(FrameError::Magic));
    }

    proptest! {
        #[test]
        fn any_bytes_decode_or_fail_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = Frame::decode(&bytes);
            let mut framed = MAGIC.to_vec();
            framed.extend_from_slice(&bytes);
            let _ = Frame::decode(&framed);
        }

        #[test]
        fn every_chunk_of_a_file_round_trips(size in 1u64..200_000, chunk in MIN_CHUNK..=MAX_CHUNK) {
            let layout = Layout::new(size, chunk).unwrap();
            let total: u64 = (0..layout.chunks()).map(|i| layout.chunk_len(i) as u64).sum();
            prop_assert_eq!(total, size);
            let last = layout.chunks() - 1;
            let data = vec![3u8; layout.chunk_len(last)];
            let bytes = encode_chunk(id(), layout, last, &data);
            let decoded = Frame::decode(&bytes);
            let index = match decoded { Ok(Frame::Chunk { index, .. }) => Some(index), _ => None };
            prop_assert_eq!(index, Some(last));
        }
    }
}
