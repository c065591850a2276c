//! Which chunks of a file a side has: a bitmap that is also the stored form
//! (one bit per chunk, lowest bit first), and the missing runs of it.

use crate::protocol::frame::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunks {
    bits: Vec<u8>,
    len: u32,
    count: u32,
}

impl Chunks {
    /// None of `len` chunks.
    pub fn none(len: u32) -> Chunks {
        Chunks {
            bits: vec![0; len.div_ceil(8) as usize],
            len,
            count: 0,
        }
    }

    /// As stored by [`Chunks::as_bytes`]; bits past `len` are ignored and a
    /// short map counts the rest as missing.
    pub fn from_bytes(bytes: &[u8], len: u32) -> Chunks {
        let mut chunks = Chunks::none(len);
        let n = chunks.bits.len().min(bytes.len());
        chunks.bits[..n].copy_from_slice(&bytes[..n]);
        let full = n == chunks.bits.len();
        if let Some(last) = chunks.bits.last_mut()
            && !len.is_multiple_of(8)
            && full
        {
            *last &= (1u8 << (len % 8)) - 1;
        }
        chunks.count = chunks.bits.iter().map(|b| b.count_ones()).sum();
        chunks
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bits
    }

    /// How many chunks the file has.
    pub fn total(&self) -> u32 {
        self.len
    }

    /// How many are had.
    pub fn count(&self) -> u32 {
        self.count
    }

    pub fn is_complete(&self) -> bool {
        self.count == self.len
    }

    pub fn has(&self, index: u32) -> bool {
        index < self.len && self.bits[(index / 8) as usize] & (1 << (index % 8)) != 0
    }

    /// Marks `index` had; whether it is new.
    pub fn insert(&mut self, index: u32) -> bool {
        if index >= self.len || self.has(index) {
            return false;
        }
        self.bits[(index / 8) as usize] |= 1 << (index % 8);
        self.count += 1;
        true
    }

    /// The first chunk not had at or after `from`.
    pub fn next_missing(&self, from: u32) -> Option<u32> {
        (from..self.len).find(|&i| !self.has(i))
    }

    /// Runs of missing chunks from the start, at most `limit` chunks in
    /// all, skipping those `skip` says are already on their way.
    pub fn missing(&self, limit: u32, skip: impl Fn(u32) -> bool) -> Vec<Span> {
        let mut spans: Vec<Span> = Vec::new();
        let mut taken = 0;
        let mut i = 0;
        while i < self.len && taken < limit {
            if self.has(i) || skip(i) {
                i += 1;
                continue;
            }
            match spans.last_mut() {
                Some(last) if u64::from(i) == last.end() => last.count += 1,
                _ => spans.push(Span { first: i, count: 1 }),
            }
            taken += 1;
            i += 1;
        }
        spans
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_round_trips_through_bytes() {
        let mut c = Chunks::none(11);
        assert!(c.insert(0) && c.insert(10) && !c.insert(10) && !c.insert(11));
        assert_eq!(c.count(), 2);
        let back = Chunks::from_bytes(c.as_bytes(), 11);
        assert_eq!(back, c);
        assert!(back.has(10) && !back.has(9));
        // Garbage past the end is not counted; a short map misses the rest.
        assert_eq!(Chunks::from_bytes(&[0xff, 0xff], 11).count(), 11);
        assert_eq!(Chunks::from_bytes(&[0xff], 11).count(), 8);
    }

    #[test]
    fn missing_runs_skip_what_is_had_or_on_its_way() {
        let mut c = Chunks::none(10);
        for i in [0, 1, 5] {
            c.insert(i);
        }
        let spans = c.missing(100, |i| i == 7);
        assert_eq!(
            spans,
            vec![
                Span { first: 2, count: 3 },
                Span { first: 6, count: 1 },
                Span { first: 8, count: 2 }
            ]
        );
        assert_eq!(c.missing(2, |_| false), vec![Span { first: 2, count: 2 }]);
        assert_eq!(c.next_missing(5), Some(6));
        for i in 0..10 {
            c.insert(i);
        }
        assert!(c.is_complete() && c.missing(5, |_| false).is_empty());
    }
}
