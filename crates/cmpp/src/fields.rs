//! Fixed-width octet strings: text left-aligned and right-padded with NUL
//! on write, cut at the first NUL (and trailing spaces, which some peers
//! pad with) on read.

/// Writes `text` into exactly `width` bytes, NUL-padded; longer text is cut
/// (callers validate lengths before, so this never hides data).
pub fn put(out: &mut Vec<u8>, text: &[u8], width: usize) {
    let n = text.len().min(width);
    out.extend_from_slice(&text[..n]);
    out.resize(out.len() + (width - n), 0);
}

/// The text of a fixed-width field: up to the first NUL, trailing spaces
/// trimmed.
pub fn get(field: &[u8]) -> &[u8] {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    let mut text = &field[..end];
    while let [rest @ .., b' '] = text {
        text = rest;
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_nul_padded_on_write_and_cut_on_read() {
        let mut out = Vec::new();
        put(&mut out, b"901234", 6);
        put(&mut out, b"10086", 21);
        assert_eq!(out.len(), 27);
        assert_eq!(get(&out[..6]), b"901234", "fills its field: no NUL");
        assert_eq!(get(&out[6..]), b"10086");
        assert_eq!(get(b"10086   \0\0"), b"10086", "space padding trimmed");
        assert_eq!(get(b"\0\0\0"), b"");
    }
}
