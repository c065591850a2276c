//! P6: a history of 10k, 100k or 1M messages on disk: opening a chat (its
//! latest 50 messages), full-text search, and client start-up, all through
//! the same `Client` the app uses (reads on its own SQLite connection);
//! and the same with a tenth of the messages edited and three tenths
//! carrying reactions.

use std::path::{Path, PathBuf};

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use tether_core::account::{Account, BrokerUrl};
use tether_core::model::{ConversationId, MessageStatus, StoredMessage};
use tether_core::protocol::UserId;
use tether_core::store::{Change, ChangeKind, Store};
use tether_core::{Client, ClientOptions};
use tokio::time::Instant;
use uuid::Uuid;

use crate::error::BenchError;
use crate::stats::ms;

/// Conversations the history is spread over; the first holds a share
/// of `1 / CHATS` like the others.
const CHATS: usize = 20;
/// Messages stored per transaction while filling.
const FILL_BATCH: usize = 10_000;

/// Timings on one history size, in ms.
#[derive(Debug, Clone)]
pub struct HistoryTimes {
    pub open_chat: Vec<f64>,
    pub search: Vec<f64>,
    pub start_up: Vec<f64>,
    /// How long filling the store took (context, not a target).
    pub fill_secs: f64,
}

/// Words of the synthetic messages: a fixed pseudo-vocabulary so that
/// searches hit a realistic share of messages.
fn vocabulary(rng: &mut StdRng) -> Vec<String> {
    const SYLLABLES: [&str; 20] = [
        "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "de", "po", "qua", "zen", "bri", "tor",
        "mel", "dax", "fen", "gul", "hup", "jin",
    ];
    (0..3000)
        .map(|_| {
            let n = rng.random_range(2..=4);
            (0..n)
                .map(|_| *SYLLABLES.choose(rng).unwrap_or(&"ka"))
                .collect()
        })
        .collect()
}

fn chat(i: usize) -> Result<ConversationId, BenchError> {
    let user: UserId = format!("friend{i:02}")
        .parse()
        .map_err(|e| BenchError::Setup(format!("user id: {e}")))?;
    Ok(ConversationId::Direct(user))
}

/// What the history carries besides its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changes {
    /// Messages only, as first sent.
    None,
    /// One message in ten edited (its latest text shown, the original in
    /// its history) and three in ten with one or two reactions.
    EditedAndReacted,
}

/// Writes `size` messages into a new store at `path`.
fn fill(
    path: &Path,
    size: usize,
    words: &[String],
    rng: &mut StdRng,
    changes: Changes,
) -> Result<(), BenchError> {
    let mut store = Store::open(path)?;
    let me: UserId = "me"
        .parse()
        .map_err(|e| BenchError::Setup(format!("{e}")))?;
    let chats: Vec<ConversationId> = (0..CHATS).map(chat).collect::<Result<_, _>>()?;
    let start_ts = 1_700_000_000_000_i64;
    let mut batch = Vec::with_capacity(FILL_BATCH);
    for i in 0..size {
        let conversation = chats[i % CHATS].clone();
        let ConversationId::Direct(friend) = &conversation else {
            continue;
        };
        let outgoing = i % 3 == 0;
        let len = rng.random_range(4..=16);
        let text: Vec<&str> = (0..len)
            .map(|_| words.choose(rng).map_or("x", String::as_str))
            .collect();
        batch.push(StoredMessage {
            // Ordered like the timestamps, as UUIDv7 ids would be.
            id: Uuid::from_u128(i as u128 + 1),
            sender: if outgoing { me.clone() } else { friend.clone() },
            conversation,
            ts: start_ts + i as i64 * 1000,
            seq: Some((i / CHATS) as u64 + 1),
            text: text.join(" "),
            reply_to: None,
            outgoing,
            status: if outgoing {
                MessageStatus::Read
            } else {
                MessageStatus::Received
            },
            unsupported: false,
            changes: Default::default(),
            file: None,
        });
        if batch.len() == FILL_BATCH {
            store.store_incoming_batch(&batch)?;
            batch.clear();
        }
    }
    store.store_incoming_batch(&batch)?;
    if changes == Changes::EditedAndReacted {
        change_some(&mut store, size, &me, words, rng)?;
    }
    // A history this size has long been indexed by the engine.
    store.index_all_pending()?;
    Ok(())
}

/// Edits 10% of the messages `fill` wrote (by their authors) and reacts to
/// 30% (one or two reactions each), as received changes.
fn change_some(
    store: &mut Store,
    size: usize,
    me: &UserId,
    words: &[String],
    rng: &mut StdRng,
) -> Result<(), BenchError> {
    let mut batch = Vec::with_capacity(FILL_BATCH);
    let start_ts = 1_700_000_000_000_i64 + size as i64 * 1000;
    for i in 0..size {
        let conversation = chat(i % CHATS)?;
        let ConversationId::Direct(friend) = &conversation else {
            continue;
        };
        let author = if i % 3 == 0 { me } else { friend };
        let of = Uuid::from_u128(i as u128 + 1);
        let change = |n: u128, sender: &UserId, kind: ChangeKind| Change {
            id: Uuid::from_u128((size as u128 + 1) * (n + 1) + i as u128),
            of,
            conversation: conversation.clone(),
            sender: sender.clone(),
            ts: start_ts + i as i64,
            kind,
        };
        if i % 10 == 0 {
            let len = rng.random_range(4..=16);
            let text: Vec<&str> = (0..len)
                .map(|_| words.choose(rng).map_or("x", String::as_str))
                .collect();
            batch.push(change(0, author, ChangeKind::Edit(text.join(" "))));
        }
        if i % 10 < 3 {
            let react = |emoji: &str| ChangeKind::React {
                emoji: emoji.into(),
                on: true,
            };
            batch.push(change(1, friend, react("👍")));
            if i % 2 == 0 {
                batch.push(change(2, me, react("🎉")));
            }
        }
        if batch.len() >= FILL_BATCH {
            store.apply_changes(&batch)?;
            batch.clear();
        }
    }
    store.apply_changes(&batch)?;
    Ok(())
}

/// The account whose store is timed; its broker is never reached (port 9
/// refuses), which start-up must not wait for.
fn account() -> Result<Account, BenchError> {
    let broker: BrokerUrl = "mqtt://127.0.0.1:9"
        .parse()
        .map_err(|e| BenchError::Setup(format!("{e}")))?;
    let me: UserId = "me"
        .parse()
        .map_err(|e| BenchError::Setup(format!("{e}")))?;
    Ok(Account::new("me", broker, me))
}

async fn start(path: &Path) -> Result<Client, BenchError> {
    Ok(Client::start(ClientOptions {
        account: account()?,
        password: None,
        store_path: path.to_path_buf(),
    })
    .await?)
}

/// Fills a store of `size` messages under `dir`, then times `queries`
/// chat openings and searches and `start_ups` client start-ups.
pub async fn measure(
    dir: &Path,
    size: usize,
    queries: usize,
    start_ups: usize,
    changes: Changes,
) -> Result<HistoryTimes, BenchError> {
    let path: PathBuf = dir.join(format!("history-{size}.sqlite3"));
    let mut rng = StdRng::seed_from_u64(size as u64);
    let words = vocabulary(&mut rng);
    let filling = Instant::now();
    let fill_path = path.clone();
    let fill_words = words.clone();
    tokio::task::spawn_blocking(move || {
        let mut rng = StdRng::seed_from_u64(size as u64 + 1);
        fill(&fill_path, size, &fill_words, &mut rng, changes)
    })
    .await
    .map_err(|_| BenchError::Setup("filling the store panicked".into()))??;
    let fill_secs = filling.elapsed().as_secs_f64();

    let mut start_up = Vec::with_capacity(start_ups);
    for _ in 0..start_ups {
        // From nothing to what the app shows first: the conversation list.
        let t = Instant::now();
        let client = start(&path).await?;
        let listed = client.conversations().await?;
        start_up.push(ms(t.elapsed()));
        if listed.len() != CHATS {
            return Err(BenchError::Wrong(format!(
                "{} conversations listed",
                listed.len()
            )));
        }
        client.shutdown().await;
    }

    let client = start(&path).await?;
    let mut open_chat = Vec::with_capacity(queries);
    let mut search = Vec::with_capacity(queries);
    for q in 0..queries {
        let conversation = chat(q % CHATS)?;
        let t = Instant::now();
        let page = client.history(conversation, None, 50).await?;
        open_chat.push(ms(t.elapsed()));
        if page.len() != 50.min(size / CHATS) {
            return Err(BenchError::Wrong(format!(
                "a chat opened with {} messages",
                page.len()
            )));
        }
        let word = words.choose(&mut rng).cloned().unwrap_or_default();
        let t = Instant::now();
        client.search(word, 50).await?;
        search.push(ms(t.elapsed()));
    }
    client.shutdown().await;
    // A million messages take a few hundred MB: free them before the next size.
    let _ = std::fs::remove_file(&path);
    Ok(HistoryTimes {
        open_chat,
        search,
        start_up,
        fill_secs,
    })
}
