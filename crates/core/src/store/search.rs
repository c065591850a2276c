//! Full-text search over message text.
//!
//! User input is never passed to FTS5 as query syntax: it is split on
//! whitespace and every term becomes a double-quoted FTS5 string (quotes
//! doubled), bound as a parameter. So `"`, `*`, `-`, `NEAR(`, `AND`, SQL
//! fragments and any unicode are just text to look for, never an error.
//!
//! Two indexes (see `schema`): `messages_fts` (unicode61, whole words) and
//! `messages_tri` (trigram, substrings) for scripts written without spaces,
//! where unicode61 would make a whole sentence one token.

use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::rows::{MESSAGE_COLUMNS, RawMessage, limit_param};
use super::{Store, StoreError, StoredMessage};

/// How many of the most recently stored matches are ranked by `(ts, id)`.
const CANDIDATES: usize = 5_000;

/// CJK radicals through unified ideographs (incl. kana), and Hangul syllables:
/// text with any of them goes into the trigram index too (see `indexing`).
/// Must match the GLOB of the `messages_fts_au` trigger in `schema`.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}')
}

/// An FTS5 string literal: the whole term, taken literally.
fn fts_string(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// A LIKE pattern matching `term` anywhere, with `\` as the escape character.
fn like_pattern(term: &str) -> String {
    let mut p = String::with_capacity(term.len() + 2);
    p.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// A user query turned into safe conditions; all of them must hold.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct SearchPlan {
    /// FTS5 query for `messages_fts` (implicit AND of quoted terms).
    words: Vec<String>,
    /// FTS5 query for `messages_tri` (CJK terms of 3+ characters).
    trigrams: Vec<String>,
    /// LIKE patterns for CJK terms too short for the trigram index.
    likes: Vec<String>,
}

impl SearchPlan {
    pub(crate) fn parse(query: &str) -> SearchPlan {
        let mut plan = SearchPlan::default();
        for raw in query.split_whitespace() {
            // Every word is a prefix, so results follow what is being typed
            // ("stand" finds "standup"); a trailing `*` says the same.
            let term = raw.trim_end_matches('*');
            if term.chars().any(is_cjk) {
                if term.chars().count() >= 3 {
                    plan.trigrams.push(fts_string(term));
                } else {
                    plan.likes.push(like_pattern(term));
                }
            } else if term.chars().any(char::is_alphanumeric) {
                // Terms of pure punctuation would tokenize to nothing; FTS5
                // treats an empty phrase inconsistently, so they are dropped.
                plan.words.push(format!("{} *", fts_string(term)));
            }
        }
        plan
    }

    fn is_empty(&self) -> bool {
        self.words.is_empty() && self.trigrams.is_empty() && self.likes.is_empty()
    }
}

impl Store {
    /// Messages whose text matches every term of `query`, newest first by
    /// `(ts, id)` among the 5 000 most recently stored matches (see below).
    ///
    /// Any string is a valid query; one with nothing searchable (empty,
    /// only punctuation) returns nothing. Unsupported (raw) messages are
    /// not searched. Messages still waiting to be indexed are indexed
    /// first (a write, on whichever connection searches), so every message
    /// stored before the call can be found; if that write fails, the search
    /// answers from what was indexed.
    pub fn search(&mut self, query: &str, limit: usize) -> Result<Vec<StoredMessage>, StoreError> {
        let plan = SearchPlan::parse(query);
        if plan.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        // A store that cannot write now (busy, disk full) still answers
        // from what is indexed.
        if let Err(e) = self.index_all_pending() {
            tracing::warn!("searching without the latest messages, not indexed yet: {e}");
        }
        // Candidates: the most recently stored CANDIDATES matches, found by
        // walking an index backwards by rowid (which FTS5 does natively)
        // with every other condition applied on the way. Only those are then
        // sorted by (ts, id). Sorting *all* matches of a common word costs
        // seconds at 1M messages; arrival order and ts differ only by
        // delivery delay, so the newest matches are virtually always in the set.
        let mut args: Vec<Value> = Vec::new();
        let mut conditions: Vec<&str> = Vec::new();
        let index = if !plan.words.is_empty() {
            conditions.push("messages_fts MATCH ?");
            args.push(Value::Text(plan.words.join(" ")));
            if !plan.trigrams.is_empty() {
                conditions
                    .push("f.rowid IN (SELECT rowid FROM messages_tri WHERE messages_tri MATCH ?)");
                args.push(Value::Text(plan.trigrams.join(" ")));
            }
            Some("messages_fts")
        } else if !plan.trigrams.is_empty() {
            conditions.push("messages_tri MATCH ?");
            args.push(Value::Text(plan.trigrams.join(" ")));
            Some("messages_tri")
        } else {
            // Only short CJK terms: no index can help, scan newest first.
            conditions.push("m.unsupported = 0");
            None
        };
        // The indexes hold supported messages only, so without a LIKE the
        // candidates come from the index alone: a message row is then read
        // once per candidate (below), not twice.
        let (source, key) = match index {
            Some(index) if plan.likes.is_empty() => (format!("{index} f"), "f.rowid"),
            Some(index) => (
                format!("{index} f JOIN messages m ON m.rid = f.rowid"),
                "f.rowid",
            ),
            None => ("messages m".to_owned(), "m.rid"),
        };
        for like in plan.likes {
            conditions.push("m.text LIKE ? ESCAPE '\\'");
            args.push(Value::Text(like));
        }
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m JOIN conversations c ON c.id = m.conv
              WHERE m.rid IN (SELECT {key} FROM {source} WHERE {}
                               ORDER BY {key} DESC LIMIT ?)
              ORDER BY m.ts DESC, m.id DESC LIMIT ?",
            conditions.join(" AND ")
        );
        args.push(Value::Integer(limit_param(limit.max(CANDIDATES))));
        args.push(Value::Integer(limit_param(limit)));

        // The statement shape depends only on which kinds of terms occur
        // (plus the number of short CJK terms), so caching pays off.
        let raw = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(args), RawMessage::from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        raw.into_iter().map(RawMessage::decode).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_quotes_and_drops_punctuation() {
        let p = SearchPlan::parse(r#" " * - NEAR( '; DROP TABLE x"y hel* "#);
        assert_eq!(
            p.words,
            vec![
                "\"NEAR(\" *",
                "\"DROP\" *",
                "\"TABLE\" *",
                "\"x\"\"y\" *",
                "\"hel\" *"
            ]
        );
        assert!(p.trigrams.is_empty() && p.likes.is_empty());
    }

    #[test]
    fn plan_routes_cjk() {
        let p = SearchPlan::parse("世界 你好世界 50%_");
        assert_eq!(p.likes, vec!["%世界%".to_string()]);
        assert_eq!(p.trigrams, vec!["\"你好世界\"".to_string()]);
        assert_eq!(p.words, vec!["\"50%_\" *".to_string()]);
        assert_eq!(like_pattern("a%b_c\\"), "%a\\%b\\_c\\\\%");
    }
}
