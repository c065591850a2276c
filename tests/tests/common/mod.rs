//! Shared helpers: a chat peer on a real broker, (`cli`) the `tether`
//! binary run as a process, (`app`) the desktop app's window, and (`sms`)
//! an SMS account on the gateway simulator.

#![allow(dead_code)] // each test binary uses a different subset

pub mod acl;
pub mod app;
pub mod cli;
pub mod sms;

use std::path::{Path, PathBuf};
use std::time::Duration;

use tether_core::account::Account;
use tether_core::model::{ConnectionState, ConversationId, StoredMessage};

use tether_core::{Client, ClientOptions, Event};
use tokio::sync::broadcast;

pub const WAIT: Duration = Duration::from_secs(20);

/// One chat user: an account, its store file, a running client.
pub struct Peer {
    pub account: Account,
    pub store_path: PathBuf,
    pub client: Client,
    pub events: broadcast::Receiver<Event>,
}

pub fn account(url: &str, user: &str, keep_alive: u16) -> Account {
    let mut a = Account::new(user, url.parse().unwrap(), user.parse().unwrap());
    a.keep_alive_secs = keep_alive;
    a
}

impl Peer {
    pub async fn start(url: &str, user: &str, dir: &Path) -> Peer {
        Peer::with_account(account(url, user, 30), dir).await
    }

    pub async fn with_account(account: Account, dir: &Path) -> Peer {
        let store_path = dir.join(format!("{}.db", account.user));
        let client = Client::start(ClientOptions {
            account: account.clone(),
            password: None,
            store_path: store_path.clone(),
        })
        .await
        .unwrap();
        let events = client.subscribe();
        Peer {
            account,
            store_path,
            client,
            events,
        }
    }

    /// Stops cleanly and starts again with the same identity and store.
    pub async fn restart(self) -> Peer {
        self.client.shutdown().await;
        let dir = self.store_path.parent().unwrap().to_owned();
        Peer::with_account(self.account, &dir).await
    }

    pub async fn connected(&self) {
        let mut state = self.client.connection();
        tokio::time::timeout(
            WAIT,
            state.wait_for(|s| matches!(s, ConnectionState::Connected { .. })),
        )
        .await
        .expect("not connected in time")
        .unwrap();
    }

    /// The next event matching `pred`, skipping others.
    pub async fn wait_for(&mut self, pred: impl FnMut(&Event) -> bool) -> Event {
        self.wait_for_within(WAIT, pred).await
    }

    /// Like [`Peer::wait_for`], with a limit of its own.
    pub async fn wait_for_within(
        &mut self,
        within: Duration,
        mut pred: impl FnMut(&Event) -> bool,
    ) -> Event {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let event = tokio::time::timeout_at(deadline, self.events.recv())
                .await
                .expect("event did not come in time")
                .expect("event stream closed");
            if pred(&event) {
                return event;
            }
        }
    }

    /// The next message received from someone else.
    pub async fn next_message(&mut self) -> StoredMessage {
        match self
            .wait_for(|e| matches!(e, Event::Message { message } if !message.outgoing))
            .await
        {
            Event::Message { message } => message,
            _ => unreachable!(),
        }
    }

    /// Collects `n` received messages (any order of arrival).
    pub async fn messages(&mut self, n: usize) -> Vec<StoredMessage> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            out.push(self.next_message().await);
        }
        out
    }

    pub async fn history(&self, with: &ConversationId) -> Vec<StoredMessage> {
        self.client
            .history(with.clone(), None, 100_000)
            .await
            .unwrap()
    }
}

pub fn dm(user: &str) -> ConversationId {
    ConversationId::Direct(user.parse().unwrap())
}

pub fn room(name: &str) -> ConversationId {
    ConversationId::Room(name.parse().unwrap())
}

/// alice, bob and carol, connected, all in room `dev`, each having seen
/// the other two join (so every subscription is in place).
pub async fn room_of_three(url: &str, dir: &Path) -> [Peer; 3] {
    let mut peers = Vec::new();
    for user in ["alice", "bob", "carol"] {
        let peer = Peer::start(url, user, dir).await;
        peer.connected().await;
        peer.client
            .join_room("dev".parse().unwrap(), None)
            .await
            .unwrap();
        peers.push(peer);
    }
    for peer in &mut peers {
        for _ in 0..2 {
            peer.wait_for(|e| matches!(e, Event::Member { joined: true, .. }))
                .await;
        }
    }
    <[Peer; 3]>::try_from(peers).ok().unwrap()
}
