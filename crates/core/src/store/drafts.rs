//! Drafts: what the user was writing, per conversation (schema V7).

use rusqlite::params;

use super::rows::uuid_from_blob;
use super::{Store, StoreError};
use crate::model::{ConversationId, Draft};

impl Store {
    /// Keeps `draft` as its conversation's draft (replacing the one
    /// before); an empty draft removes it.
    pub fn set_draft(&mut self, draft: &Draft) -> Result<(), StoreError> {
        let key = draft.conversation.key();
        if draft.is_empty() {
            self.conn
                .prepare_cached("DELETE FROM drafts WHERE conv = ?1")?
                .execute([key])?;
            return Ok(());
        }
        self.conn
            .prepare_cached(
                "INSERT INTO drafts(conv, text, reply_to, updated) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(conv) DO UPDATE SET
                    text = excluded.text, reply_to = excluded.reply_to, updated = excluded.updated",
            )?
            .execute(params![
                key,
                draft.text,
                draft.reply_to.map(|id| id.as_bytes().to_vec()),
                draft.updated_ms
            ])?;
        Ok(())
    }

    /// Every draft, newest first.
    pub fn drafts(&self) -> Result<Vec<Draft>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT conv, text, reply_to, updated FROM drafts ORDER BY updated DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<Vec<u8>>>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        let mut drafts = Vec::new();
        for row in rows {
            let (conv, text, reply_to, updated_ms) = row?;
            let conversation =
                ConversationId::parse_key(&conv).map_err(|_| StoreError::Corrupt {
                    what: format!("drafts.conv {conv:?}"),
                })?;
            drafts.push(Draft {
                conversation,
                text,
                reply_to: reply_to
                    .map(|b| uuid_from_blob(&b, "drafts.reply_to"))
                    .transpose()?,
                updated_ms,
            });
        }
        Ok(drafts)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn draft(conv: &str, text: &str, reply: bool, at: i64) -> Draft {
        Draft {
            conversation: ConversationId::parse_key(conv).unwrap(),
            text: text.into(),
            reply_to: reply.then(uuid::Uuid::now_v7),
            updated_ms: at,
        }
    }

    #[test]
    fn a_draft_is_kept_replaced_and_removed_when_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        let mut store = Store::open(&path).unwrap();
        store
            .set_draft(&draft("u:bob", "half a thought", false, 1))
            .unwrap();
        store.set_draft(&draft("r:dev", "", true, 2)).unwrap();
        store
            .set_draft(&draft("u:bob", "a whole thought", false, 3))
            .unwrap();
        drop(store);
        // Across a restart, newest first.
        let mut store = Store::open(&path).unwrap();
        let kept = store.drafts().unwrap();
        let texts: Vec<_> = kept
            .iter()
            .map(|d| (d.conversation.key(), d.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [("u:bob".into(), "a whole thought"), ("r:dev".into(), "")]
        );
        assert!(kept[1].reply_to.is_some(), "a reply alone is a draft");
        store.set_draft(&draft("u:bob", "  \n", false, 4)).unwrap();
        store.set_draft(&draft("r:dev", "", false, 5)).unwrap();
        assert!(store.drafts().unwrap().is_empty());
    }
}
