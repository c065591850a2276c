//! What a file is (by its bytes, not its name) and, for an image, the small
//! JPEG that travels in the announcement.
//!
//! Images are decoded with hard limits (pixels and memory), so a
//! decompression bomb is refused instead of eating the machine; SVG is
//! never decoded or shown as an image.

use std::io::Cursor;
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::{ImageFormat, ImageReader, Limits};

use crate::protocol::{MAX_THUMB_BYTES, MAX_THUMB_SIDE, Thumbnail};

/// Longest side of a thumbnail we make.
const THUMB_SIDE: u32 = 320;
/// Images larger than this are not decoded for a thumbnail (sent as files).
const MAX_PIXELS: u64 = 50_000_000;
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// The MIME type of a file from its first bytes; `octet-stream` when the
/// bytes say nothing, `text/plain` for valid UTF-8 text.
pub fn sniff(head: &[u8]) -> String {
    if let Some(kind) = infer::get(head) {
        return kind.mime_type().to_owned();
    }
    // A head cut mid-character is still text.
    let text = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && e.valid_up_to() + 4 > head.len(),
    };
    if text && !head.is_empty() && !head.contains(&0) {
        "text/plain".to_owned()
    } else {
        "application/octet-stream".to_owned()
    }
}

/// Whether files of this type are shown as images (never SVG).
pub fn is_image(mime: &str) -> bool {
    matches!(
        mime,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/bmp"
    )
}

/// Whether opening a file of this type runs code: the app asks first.
pub fn is_executable(mime: &str, name: &str) -> bool {
    let by_type = matches!(
        mime,
        "application/x-executable"
            | "application/x-elf"
            | "application/x-sharedlib"
            | "application/vnd.microsoft.portable-executable"
            | "application/x-msdownload"
            | "application/x-mach-binary"
            | "application/x-sh"
            | "application/x-shellscript"
            | "application/java-archive"
            | "application/vnd.android.package-archive"
            | "application/x-msi"
    );
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    by_type
        || matches!(
            extension.as_str(),
            "exe"
                | "msi"
                | "bat"
                | "cmd"
                | "com"
                | "scr"
                | "ps1"
                | "vbs"
                | "js"
                | "jar"
                | "sh"
                | "app"
                | "command"
                | "desktop"
                | "appimage"
                | "run"
                | "bin"
                | "deb"
                | "rpm"
                | "dmg"
                | "pkg"
                | "apk"
                | "lnk"
        )
}

/// Why no thumbnail was made (the file is sent without one).
#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error("not an image we preview")]
    NotAnImage,
    #[error("the image could not be decoded: {0}")]
    Decode(#[from] image::ImageError),
    #[error("the image could not be read: {0}")]
    Io(#[from] std::io::Error),
    #[error("the preview would be too large")]
    TooLarge,
}

/// A JPEG of at most 320 px a side and 48 KiB, of the image at `path`.
pub fn thumbnail(path: &Path, mime: &str) -> Result<Thumbnail, PreviewError> {
    let format = match mime {
        "image/png" => ImageFormat::Png,
        "image/jpeg" => ImageFormat::Jpeg,
        "image/gif" => ImageFormat::Gif,
        "image/webp" => ImageFormat::WebP,
        "image/bmp" => ImageFormat::Bmp,
        _ => return Err(PreviewError::NotAnImage),
    };
    let mut reader = ImageReader::open(path)?;
    reader.set_format(format);
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let (width, height) = reader.into_dimensions()?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PreviewError::TooLarge);
    }
    let mut reader = ImageReader::open(path)?;
    reader.set_format(format);
    reader.limits(limits);
    let image = reader.decode()?;
    let small = image.thumbnail(THUMB_SIDE, THUMB_SIDE).to_rgb8();
    for quality in [80, 60, 40] {
        let mut data = Vec::new();
        JpegEncoder::new_with_quality(&mut Cursor::new(&mut data), quality).encode_image(&small)?;
        if data.len() <= MAX_THUMB_BYTES {
            return Ok(Thumbnail {
                mime: "image/jpeg",
                width: small.width().clamp(1, MAX_THUMB_SIDE),
                height: small.height().clamp(1, MAX_THUMB_SIDE),
                data,
            });
        }
    }
    Err(PreviewError::TooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb};

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png");
        assert_eq!(sniff(b"hello, world\n"), "text/plain");
        assert_eq!(sniff("héllo".as_bytes()), "text/plain");
        assert_eq!(sniff(&[0, 1, 2, 3, 0xff]), "application/octet-stream");
        assert_eq!(sniff(b""), "application/octet-stream");
        // An "image" that is an SVG is text, never an image.
        let svg = sniff(b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>");
        assert!(!is_image(&svg), "{svg}");
        assert!(is_executable("application/x-executable", "a"));
        assert!(is_executable("text/plain", "setup.EXE"));
        assert!(!is_executable("text/plain", "notes.txt"));
    }

    #[test]
    fn an_image_gets_a_small_jpeg_thumbnail() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shot.png");
        let image = ImageBuffer::from_fn(1200, 600, |x, y| {
            Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        image.save(&path).unwrap();
        let thumb = thumbnail(&path, "image/png").unwrap();
        assert_eq!((thumb.width, thumb.height), (320, 160));
        assert!(thumb.data.len() <= MAX_THUMB_BYTES);
        assert_eq!(Thumbnail::sniff(&thumb.data), Some("image/jpeg"));
    }

    #[test]
    fn a_decompression_bomb_or_a_lie_gets_no_thumbnail() {
        let dir = tempfile::tempdir().unwrap();
        // A PNG header claiming 100,000 × 100,000 pixels.
        let bomb = dir.path().join("bomb.png");
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        std::fs::write(&bomb, &png).unwrap();
        assert!(thumbnail(&bomb, "image/png").is_err());
        let lie = dir.path().join("lie.png");
        std::fs::write(&lie, b"not a png at all").unwrap();
        assert!(thumbnail(&lie, "image/png").is_err());
        assert!(matches!(
            thumbnail(&lie, "image/svg+xml"),
            Err(PreviewError::NotAnImage)
        ));
    }
}
