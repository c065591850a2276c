//! User and room identifiers: 1–64 characters of `[A-Za-z0-9._-]`.
//!
//! Ids become MQTT topic levels, so the alphabet deliberately excludes the
//! wildcards `+` and `#`, the level separator `/` and anything a broker ACL
//! pattern (`%u`) could interpret. Validation happens on construction *and*
//! on deserialization, so an invalid id can never exist in memory.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Longest id, in characters (all allowed characters are ASCII, so also bytes).
pub const MAX_ID_LEN: usize = 64;

/// Why a string is not a valid user or room id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("user and room ids must not be empty")]
    Empty,
    #[error("user and room ids may be at most 64 characters long (this one has {len})")]
    TooLong { len: usize },
    #[error(
        "user and room ids may only contain letters, digits, '.', '_' and '-' (found '{}')",
        .ch.escape_debug()
    )]
    BadChar { ch: char },
}

/// True for the characters allowed in ids.
fn allowed(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || matches!(ch, '.' | '_' | '-')
}

/// Checks the id rules; shared by [`UserId`] and [`RoomId`].
pub(crate) fn validate_id(s: &str) -> Result<(), IdError> {
    if s.is_empty() {
        return Err(IdError::Empty);
    }
    // Report a bad character before the length: "found '#'" helps the user
    // more than "too long" when both apply.
    if let Some(ch) = s.chars().find(|&c| !allowed(c)) {
        return Err(IdError::BadChar { ch });
    }
    // Only ASCII is left at this point, so bytes == characters.
    if s.len() > MAX_ID_LEN {
        return Err(IdError::TooLong { len: s.len() });
    }
    Ok(())
}

/// Defines a validated string newtype with the shared id rules.
macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, type = "string"))]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Validates `s` and wraps it.
            pub fn new(s: impl Into<String>) -> Result<Self, IdError> {
                let s = s.into();
                validate_id(&s)?;
                Ok(Self(s))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = IdError;
            fn try_from(s: &str) -> Result<Self, IdError> {
                Self::new(s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// A chat user; equal to the MQTT username the broker ACL is keyed on.
    UserId
);

id_type!(
    /// A chat room (a group conversation).
    RoomId
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_the_whole_alphabet() {
        let id = UserId::new("Az09._-").unwrap();
        assert_eq!(id.as_str(), "Az09._-");
        assert_eq!(id.to_string(), "Az09._-");
        assert!(RoomId::new("a".repeat(64)).is_ok());
        assert_eq!("bob".parse::<UserId>().unwrap().as_str(), "bob");
    }

    #[test]
    fn rejects_empty_long_and_bad_chars() {
        assert_eq!(UserId::new(""), Err(IdError::Empty));
        assert_eq!(
            RoomId::new("a".repeat(65)),
            Err(IdError::TooLong { len: 65 })
        );
        for (s, ch) in [
            ("a+b", '+'),
            ("a#", '#'),
            ("a/b", '/'),
            ("a b", ' '),
            ("é", 'é'),
            ("$SYS", '$'),
            ("a\0", '\0'),
        ] {
            assert_eq!(UserId::new(s), Err(IdError::BadChar { ch }), "{s:?}");
        }
    }

    #[test]
    fn bad_char_message_is_readable() {
        let err = UserId::new("a#b").unwrap_err();
        assert_eq!(
            err.to_string(),
            "user and room ids may only contain letters, digits, '.', '_' and '-' (found '#')"
        );
        // Control characters are escaped so a log line stays one line.
        let err = UserId::new("a\nb").unwrap_err();
        assert!(err.to_string().contains(r"(found '\n')"));
    }

    #[test]
    fn serde_is_a_plain_string_and_validates() {
        let id = UserId::new("alice").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"alice\"");
        let back: UserId = serde_json::from_str("\"alice\"").unwrap();
        assert_eq!(back, id);
        assert!(serde_json::from_str::<UserId>("\"al/ice\"").is_err());
        assert!(serde_json::from_str::<RoomId>("\"\"").is_err());
        assert!(serde_json::from_str::<RoomId>("42").is_err());
    }

    proptest! {
        #[test]
        fn valid_ids_are_accepted(s in "[A-Za-z0-9._-]{1,64}") {
            let id = UserId::new(s.clone()).unwrap();
            prop_assert_eq!(id.as_str(), s.as_str());
            prop_assert!(RoomId::new(s).is_ok());
        }

        #[test]
        fn ids_with_a_foreign_char_are_rejected(
            head in "[A-Za-z0-9._-]{0,30}",
            bad in any::<char>().prop_filter("outside alphabet", |c| !allowed(*c)),
            tail in "[A-Za-z0-9._-]{0,30}",
        ) {
            let s = format!("{head}{bad}{tail}");
            prop_assert_eq!(UserId::new(s.clone()), Err(IdError::BadChar { ch: bad }));
            prop_assert!(RoomId::new(s).is_err());
        }

        #[test]
        fn long_ids_are_rejected(s in "[A-Za-z0-9._-]{65,200}") {
            prop_assert_eq!(UserId::new(s.clone()), Err(IdError::TooLong { len: s.len() }));
            prop_assert!(RoomId::new(s).is_err());
        }

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            let ok = !s.is_empty() && s.len() <= MAX_ID_LEN && s.chars().all(allowed);
            prop_assert_eq!(UserId::new(s).is_ok(), ok);
        }
    }
}
