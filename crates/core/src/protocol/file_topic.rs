//! The two topics that carry files (extension 12 of docs/protocol.md),
//! read only by an account's file session: `P/u/{to}/file/{from}` and
//! `P/r/{room}/file/{from}`. As everywhere, the last level is the sender.

use super::ids::{RoomId, UserId};
use super::topic::{Prefix, TopicError};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FileTopic {
    /// Chunks and requests from `from` to `to`.
    Direct { to: UserId, from: UserId },
    /// Chunks `from` pushed to every member of `room`.
    Room { room: RoomId, from: UserId },
}

impl FileTopic {
    pub fn parse(prefix: &Prefix, topic: &str) -> Result<FileTopic, TopicError> {
        let rest = topic
            .strip_prefix(prefix.as_str())
            .and_then(|r| r.strip_prefix('/'))
            .ok_or(TopicError::NotUnderPrefix)?;
        let levels: Vec<&str> = rest.split('/').collect();
        Ok(match levels.as_slice() {
            ["u", to, "file", from] => FileTopic::Direct {
                to: UserId::new(*to)?,
                from: UserId::new(*from)?,
            },
            ["r", room, "file", from] => FileTopic::Room {
                room: RoomId::new(*room)?,
                from: UserId::new(*from)?,
            },
            _ => return Err(TopicError::Malformed),
        })
    }

    pub fn render(&self, prefix: &Prefix) -> String {
        match self {
            FileTopic::Direct { to, from } => format!("{prefix}/u/{to}/file/{from}"),
            FileTopic::Room { room, from } => format!("{prefix}/r/{room}/file/{from}"),
        }
    }

    /// Who published: the identity the broker's ACL guarantees.
    pub fn sender(&self) -> &UserId {
        match self {
            FileTopic::Direct { from, .. } | FileTopic::Room { from, .. } => from,
        }
    }
}

/// `P/u/{me}/file/+`: chunks and requests addressed to `me`.
pub fn file_inbox_filter(prefix: &Prefix, me: &UserId) -> String {
    format!("{prefix}/u/{me}/file/+")
}

/// `P/r/{room}/file/+`: chunks pushed to a room.
pub fn file_room_filter(prefix: &Prefix, room: &RoomId) -> String {
    format!("{prefix}/r/{room}/file/+")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_topics_render_and_parse() {
        let p = Prefix::default();
        let (alice, bob) = (UserId::new("alice").unwrap(), UserId::new("bob").unwrap());
        let direct = FileTopic::Direct {
            to: bob.clone(),
            from: alice.clone(),
        };
        assert_eq!(direct.render(&p), "tether/v1/u/bob/file/alice");
        assert_eq!(
            FileTopic::parse(&p, "tether/v1/u/bob/file/alice").unwrap(),
            direct
        );
        let room = FileTopic::Room {
            room: RoomId::new("dev").unwrap(),
            from: alice.clone(),
        };
        assert_eq!(FileTopic::parse(&p, &room.render(&p)).unwrap(), room);
        assert_eq!(room.sender(), &alice);
        for bad in [
            "tether/v1/u/bob/inbox/alice",
            "tether/v1/u/bob/file",
            "tether/v1/u/b+b/file/alice",
            "other/u/bob/file/alice",
        ] {
            assert!(FileTopic::parse(&p, bad).is_err(), "{bad}");
        }
        assert_eq!(file_inbox_filter(&p, &bob), "tether/v1/u/bob/file/+");
    }
}
