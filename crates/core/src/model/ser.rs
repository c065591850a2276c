//! Serialization helpers shared by the model's types.

use serde::Serializer;

use crate::protocol::UserId;

/// Serializes a user id as its plain string, so JSON output does not depend on
/// how the protocol module chooses to derive serde for its newtypes.
pub(super) fn ser_user<S: Serializer>(u: &UserId, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(u.as_str())
}

pub(super) fn ser_opt_user<S: Serializer>(u: &Option<UserId>, s: S) -> Result<S::Ok, S::Error> {
    match u {
        Some(u) => s.serialize_some(u.as_str()),
        None => s.serialize_none(),
    }
}

pub(super) fn ser_users<S: Serializer>(users: &[UserId], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(users.iter().map(UserId::as_str))
}
