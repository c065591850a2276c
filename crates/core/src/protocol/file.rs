//! The `file` a `msg` announces (extension 12 of docs/protocol.md): what
//! the file is, how it is cut into chunks, whether the sender pushed it to
//! the broker, and an optional thumbnail small enough to travel in the
//! message itself.
//!
//! Everything here comes from the network: the name is cleaned before
//! anyone shows or saves it, the MIME type is a hint never used to decide
//! what runs, and the thumbnail must be a JPEG or PNG by its bytes.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::decode::{as_str, as_uuid, bad, opt, req};
use super::error::DecodeError;
use super::frame::{FrameError, Layout};

/// Longest file name, in UTF-8 bytes.
pub const MAX_NAME_BYTES: usize = 255;
/// Longest MIME type.
pub const MAX_MIME_BYTES: usize = 127;
/// Largest thumbnail, decoded, and its largest side.
pub const MAX_THUMB_BYTES: usize = 48 * 1024;
pub const MAX_THUMB_SIDE: u32 = 512;

/// `body.file` of a `msg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileBody {
    /// Names the transfer; its chunks carry it.
    pub id: Uuid,
    /// As the sender gave it; [`FileBody::safe_name`] is what to show.
    pub name: String,
    pub layout: Layout,
    pub mime: String,
    pub sha256: [u8; 32],
    /// The sender pushes every chunk to the broker (within the limit);
    /// otherwise receivers ask for them.
    pub queued: bool,
    pub thumb: Option<Thumbnail>,
    /// Encrypted with a scheme this version does not know (`enc`).
    pub encrypted: bool,
}

/// A small preview of an image, made by the sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbnail {
    /// `image/jpeg` or `image/png`, and the bytes say so too.
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

impl Thumbnail {
    /// What the bytes are, by their magic numbers: JPEG or PNG only.
    pub fn sniff(data: &[u8]) -> Option<&'static str> {
        if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some("image/jpeg")
        } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some("image/png")
        } else {
            None
        }
    }
}

impl FileBody {
    /// The name to show and to save under: its last path component, with
    /// control and format characters (bidi overrides) replaced, never
    /// empty, `.` or `..`.
    pub fn safe_name(&self) -> String {
        safe_name(&self.name)
    }

    pub(super) fn to_value(&self) -> Value {
        let mut file = json!({
            "id": self.id.to_string(),
            "name": self.name,
            "size": self.layout.size,
            "mime": self.mime,
            "sha256": hex::encode(self.sha256),
            "chunk": self.layout.chunk,
            "queued": self.queued,
        });
        if let (Some(t), Value::Object(map)) = (&self.thumb, &mut file) {
            map.insert(
                "thumb".into(),
                json!({"mime": t.mime, "w": t.width, "h": t.height, "data": BASE64.encode(&t.data)}),
            );
        }
        file
    }

    pub(super) fn decode(obj: &Map<String, Value>) -> Result<FileBody, DecodeError> {
        let id = as_uuid(req(obj, "id", "body.file.id")?, "body.file.id")?;
        let name = as_str(req(obj, "name", "body.file.name")?, "body.file.name")?;
        if name.is_empty() || name.len() > MAX_NAME_BYTES {
            return Err(bad("body.file.name", "expected 1 to 255 bytes"));
        }
        let size = as_u64(req(obj, "size", "body.file.size")?, "body.file.size")?;
        let chunk = as_u64(req(obj, "chunk", "body.file.chunk")?, "body.file.chunk")?;
        let layout = u32::try_from(chunk)
            .map_err(|_| FrameError::Sizes)
            .and_then(|chunk| Layout::new(size, chunk))
            .map_err(|_| bad("body.file.size", "size or chunk size out of range"))?;
        let mime = match opt(obj, "mime") {
            Some(m) => as_str(m, "body.file.mime")?,
            None => "application/octet-stream",
        };
        if mime.len() > MAX_MIME_BYTES || mime.chars().any(char::is_control) {
            return Err(bad("body.file.mime", "expected a short MIME type"));
        }
        let digest = as_str(req(obj, "sha256", "body.file.sha256")?, "body.file.sha256")?;
        let mut sha256 = [0u8; 32];
        hex::decode_to_slice(digest, &mut sha256)
            .map_err(|_| bad("body.file.sha256", "expected 64 hex digits"))?;
        let queued = opt(obj, "queued").and_then(Value::as_bool).unwrap_or(false);
        let thumb = opt(obj, "thumb").map(decode_thumb).transpose()?;
        Ok(FileBody {
            id,
            name: name.to_owned(),
            layout,
            mime: mime.to_owned(),
            sha256,
            queued,
            thumb,
            encrypted: opt(obj, "enc").is_some(),
        })
    }
}

fn as_u64(v: &Value, field: &'static str) -> Result<u64, DecodeError> {
    v.as_u64()
        .ok_or_else(|| bad(field, "expected a non-negative integer"))
}

fn decode_thumb(v: &Value) -> Result<Thumbnail, DecodeError> {
    let obj = v
        .as_object()
        .ok_or_else(|| bad("body.file.thumb", "expected an object"))?;
    let side = |key: &str, field: &'static str| {
        as_u64(req(obj, key, field)?, field)?
            .try_into()
            .ok()
            .filter(|s| (1..=MAX_THUMB_SIDE).contains(s))
            .ok_or_else(|| bad(field, "expected 1 to 512"))
    };
    let (width, height) = (
        side("w", "body.file.thumb.w")?,
        side("h", "body.file.thumb.h")?,
    );
    let data = as_str(
        req(obj, "data", "body.file.thumb.data")?,
        "body.file.thumb.data",
    )?;
    if data.len() > MAX_THUMB_BYTES.div_ceil(3) * 4 {
        return Err(bad("body.file.thumb.data", "larger than 48 KiB"));
    }
    let data = BASE64
        .decode(data)
        .map_err(|_| bad("body.file.thumb.data", "expected base64"))?;
    // The bytes decide, not the claim: never an SVG or anything else.
    let mime = Thumbnail::sniff(&data)
        .ok_or_else(|| bad("body.file.thumb.data", "expected a JPEG or PNG image"))?;
    Ok(Thumbnail {
        mime,
        width,
        height,
        data,
    })
}

/// See [`FileBody::safe_name`].
pub fn safe_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = last
        .chars()
        .map(|c| {
            // Controls, and the invisible format characters that can make
            // `txt.exe` read as `exe.txt` (U+202E and friends).
            if c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim();
    if trimmed.is_empty() || trimmed == "." || trimmed == ".." {
        "file".to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::frame::MIN_CHUNK;

    fn body() -> FileBody {
        FileBody {
            id: Uuid::from_u128(7),
            name: "report.pdf".into(),
            layout: Layout::new(100_000, MIN_CHUNK).unwrap(),
            mime: "application/pdf".into(),
            sha256: [0xab; 32],
            queued: true,
            thumb: Some(Thumbnail {
                mime: "image/png",
                width: 10,
                height: 5,
                data: b"\x89PNG\r\n\x1a\nrest".to_vec(),
            }),
            encrypted: false,
        }
    }

    fn decode(v: Value) -> Result<FileBody, DecodeError> {
        FileBody::decode(v.as_object().unwrap())
    }

    #[test]
    fn a_file_round_trips() {
        assert_eq!(decode(body().to_value()).unwrap(), body());
    }

    #[test]
    fn names_are_shown_and_saved_safely() {
        for (given, shown) in [
            ("../../etc/passwd", "passwd"),
            ("C:\\Windows\\evil.exe", "evil.exe"),
            ("bad\nname\u{7}.txt", "bad_name_.txt"),
            ("invoice\u{202E}fdp.exe", "invoice_fdp.exe"),
            ("..", "file"),
            ("dir/", "file"),
            ("  spaced.txt ", "spaced.txt"),
        ] {
            assert_eq!(safe_name(given), shown, "{given:?}");
        }
    }

    #[test]
    fn thumbnails_must_be_jpeg_or_png_by_their_bytes() {
        let mut v = body().to_value();
        let svg = BASE64.encode(b"<svg onload=alert(1)></svg>");
        v["thumb"]["data"] = svg.into();
        assert!(matches!(
            decode(v),
            Err(DecodeError::BadField {
                field: "body.file.thumb.data",
                ..
            })
        ));
        let mut v = body().to_value();
        v["thumb"]["w"] = 4000.into();
        assert!(decode(v).is_err());
    }

    #[test]
    fn bad_sizes_names_and_digests_are_refused() {
        for (key, value) in [
            ("size", json!(0)),
            ("size", json!(-1)),
            ("chunk", json!(1)),
            ("chunk", json!(u64::MAX)),
            ("name", json!("")),
            ("name", json!("x".repeat(256))),
            ("sha256", json!("abc")),
            ("mime", json!("a\nb")),
        ] {
            let mut v = body().to_value();
            v[key] = value.clone();
            assert!(decode(v).is_err(), "{key} = {value}");
        }
        let mut v = body().to_value();
        v.as_object_mut().unwrap().remove("mime");
        assert_eq!(decode(v).unwrap().mime, "application/octet-stream");
        let mut v = body().to_value();
        v["enc"] = json!({"alg": "future"});
        assert!(decode(v).unwrap().encrypted);
    }
}
