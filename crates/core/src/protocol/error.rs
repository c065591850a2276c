//! Why a payload is not an envelope we take (shared by the encoder, which
//! refuses to write what receivers would drop, and the decoder).

use super::{MAX_ENVELOPE_BYTES, MAX_TEXT_BYTES};

/// Why a payload was dropped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("envelope is {len} bytes, over the {MAX_ENVELOPE_BYTES}-byte limit")]
    TooLarge { len: usize },
    #[error("envelope is not valid UTF-8")]
    NotUtf8,
    #[error("envelope is not valid JSON")]
    NotJson,
    #[error("envelope is not a JSON object")]
    NotObject,
    #[error("envelope lacks the required field `{0}`")]
    MissingField(&'static str),
    #[error("envelope field `{field}` is invalid: {why}")]
    BadField { field: &'static str, why: String },
    #[error("message text is {len} bytes, over the {MAX_TEXT_BYTES}-byte limit")]
    TextTooLong { len: usize },
}

impl DecodeError {
    /// A stable label for drop counters and log fields.
    pub fn reason(&self) -> &'static str {
        match self {
            DecodeError::TooLarge { .. } => "too_large",
            DecodeError::NotUtf8 => "not_utf8",
            DecodeError::NotJson => "not_json",
            DecodeError::NotObject => "not_object",
            DecodeError::MissingField(_) => "missing_field",
            DecodeError::BadField { .. } => "bad_field",
            DecodeError::TextTooLong { .. } => "text_too_long",
        }
    }
}
