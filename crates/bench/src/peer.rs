//! A Tether client as a benchmark drives it: the real engine with its
//! SQLite store on disk, and helpers that wait for what it reports.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use tether_core::account::{Account, BrokerUrl};
use tether_core::model::{ConnectionState, ConversationId};
use tether_core::protocol::{MessageId, UserId};

use tether_core::{Client, ClientOptions, Event};
use tokio::sync::{broadcast, oneshot};
use tokio::time::Instant;

use crate::error::BenchError;

/// One user's client, its store in `dir`.
pub struct Peer {
    pub client: Client,
    pub user: UserId,
}

impl Peer {
    pub async fn start(
        user: &str,
        broker: &str,
        keep_alive_secs: u16,
        dir: &Path,
    ) -> Result<Peer, BenchError> {
        let broker: BrokerUrl = broker
            .parse()
            .map_err(|e| BenchError::Setup(format!("broker URL {broker}: {e}")))?;
        let user: UserId = user
            .parse()
            .map_err(|e| BenchError::Setup(format!("user {user}: {e}")))?;
        let mut account = Account::new(user.as_str(), broker, user.clone());
        account.keep_alive_secs = keep_alive_secs;
        let client = Client::start(ClientOptions {
            account,
            password: None,
            store_path: dir.join(format!("{user}.sqlite3")),
        })
        .await?;
        Ok(Peer { client, user })
    }

    /// The direct conversation with `other`.
    pub fn chat_with(&self, other: &Peer) -> ConversationId {
        ConversationId::Direct(other.user.clone())
    }

    /// Waits until the connection state satisfies `want`; returns when.
    pub async fn wait_state(
        &self,
        what: &str,
        timeout: Duration,
        want: impl Fn(&ConnectionState) -> bool,
    ) -> Result<Instant, BenchError> {
        let mut state = self.client.connection();
        tokio::time::timeout(timeout, state.wait_for(|s| want(s)))
            .await
            .map_err(|_| BenchError::Timeout(format!("{} {what}", self.user), timeout))?
            .map_err(|_| BenchError::Setup("the client stopped".into()))?;
        Ok(Instant::now())
    }

    pub async fn connected(&self, timeout: Duration) -> Result<Instant, BenchError> {
        self.wait_state("connected", timeout, is_connected).await
    }
}

pub fn is_connected(state: &ConnectionState) -> bool {
    matches!(state, ConnectionState::Connected { .. })
}

/// One received message as a benchmark sees it.
#[derive(Debug, Clone)]
pub struct Arrival {
    pub id: MessageId,
    pub text: String,
    pub at: Instant,
}

/// Collects the first `n` messages `peer` receives from `from`, in the
/// order its engine reported them. Subscribes now (so start it before
/// anything is sent); the result resolves once all `n` are in.
///
/// It reads on a thread of its own, not a task: a task can sit behind a
/// worker busy with an engine's commit (tokio's LIFO slot is not stolen)
/// while thousands of events pass, and the arrival times would be late.
pub fn collect_arrivals(
    peer: &Peer,
    from: &UserId,
    n: usize,
) -> oneshot::Receiver<Result<Vec<Arrival>, BenchError>> {
    let mut events = peer.client.subscribe();
    let from = from.clone();
    let (done, result) = oneshot::channel();
    std::thread::spawn(move || {
        let mut got = Vec::with_capacity(n);
        let outcome = loop {
            if got.len() >= n {
                break Ok(got);
            }
            match events.blocking_recv() {
                // Chat only: files announced meanwhile (F3) are not counted.
                Ok(Event::Message { message })
                    if !message.outgoing && message.sender == from && message.file.is_none() =>
                {
                    got.push(Arrival {
                        id: message.id,
                        text: message.text,
                        at: Instant::now(),
                    });
                }
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(k)) => {
                    break Err(BenchError::Wrong(format!(
                        "the benchmark fell {k} events behind the engine"
                    )));
                }
                Err(broadcast::error::RecvError::Closed) => {
                    break Err(BenchError::Setup("the client stopped".into()));
                }
            }
        };
        let _ = done.send(outcome);
    });
    result
}

/// Waits for [`collect_arrivals`] with a time limit.
pub async fn arrivals(
    pending: oneshot::Receiver<Result<Vec<Arrival>, BenchError>>,
    what: &str,
    timeout: Duration,
) -> Result<Vec<Arrival>, BenchError> {
    tokio::time::timeout(timeout, pending)
        .await
        .map_err(|_| BenchError::Timeout(what.to_owned(), timeout))?
        .map_err(|_| BenchError::Setup("the collector stopped".into()))?
}

/// Arrival times by message id.
pub fn by_id(arrivals: &[Arrival]) -> HashMap<MessageId, Instant> {
    arrivals.iter().map(|a| (a.id, a.at)).collect()
}
