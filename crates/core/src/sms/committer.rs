//! A link's store writes, on a thread of their own: what a turn heard
//! (answers, reports, incoming SMS) and the texts sent meanwhile are
//! committed while the link goes on
//! reading and writing, and the parts the window will take next are
//! marked "may have been written" in the same transaction, ahead of their
//! SUBMIT ([`Pipeline::reserved`]), so that a SUBMIT never waits for the
//! disk and still never leaves before the store knows it may have.
//!
//! One transaction is in flight at a time; what the link hears meanwhile
//! goes into the next one, so a slow disk makes bigger transactions rather
//! than a slower link. Two things still wait for a commit: the answer to a
//! DELIVER (the gateway forgets what was answered) and the events that
//! tell a message's new state (never ahead of the store).

use std::collections::VecDeque;
use std::path::Path;
use std::sync::mpsc as std_mpsc;

use tokio::sync::oneshot;

use super::SmsCommand;
use super::queue::Burst;
use super::turn::Heard;
use crate::error::ClientError;
use crate::protocol::MessageId;
use crate::store::sms::{SmsPart, Turn, TurnOutcome};
use crate::store::{Store, StoreError};

/// What one commit writes.
pub(super) struct Writes {
    /// Texts sent since the last commit, queued first.
    pub burst: Burst,
    pub heard: Heard,
    pub tried_more_than_once: bool,
    /// Queued parts to reserve for the window.
    pub take: usize,
}

/// A commit's outcome, with what it wrote (the link answers the DELIVERs
/// in it).
pub(super) struct Done {
    pub writes: Writes,
    pub outcome: Result<TurnOutcome, StoreError>,
}

struct Job {
    writes: Writes,
    done: oneshot::Sender<Done>,
}

/// The thread's handle; the thread ends when this is dropped.
pub(super) struct Committer {
    jobs: std_mpsc::Sender<Job>,
}

impl Committer {
    /// Opens a connection of its own to the account's store (committing
    /// with `synchronous=FULL`, as the engine's) and starts its thread.
    pub(super) fn start(path: &Path, account: &str) -> Result<Committer, ClientError> {
        let mut store = Store::open(path)?;
        store.sync_every_commit()?;
        let (jobs, queue) = std_mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name(format!("sms-store-{account}"))
            .spawn(move || {
                while let Ok(Job { writes, done }) = queue.recv() {
                    let heard = &writes.heard;
                    let outcome = store.sms_turn(&Turn {
                        queue: &writes.burst.rows,
                        answers: &heard.answers,
                        given_up: &heard.given_up,
                        tried_more_than_once: writes.tried_more_than_once,
                        incoming: &heard.incoming,
                        reports: &heard.reports,
                        take: writes.take,
                    });
                    let _ = done.send(Done { writes, outcome });
                }
            })
            .map_err(ClientError::Thread)?;
        Ok(Committer { jobs })
    }
}

/// A link's writes between the session and the store.
#[derive(Default)]
pub(super) struct Pipeline {
    /// Sent since the last commit started.
    pub burst: Burst,
    /// Heard since the last commit started.
    pub heard: Heard,
    /// The commit in flight.
    pub committing: Option<oneshot::Receiver<Done>>,
    /// Parts the store has marked written and the window has not taken.
    pub reserved: VecDeque<SmsPart>,
    /// The outbox may hold queued parts: cleared when a reservation comes
    /// back short, unless something may have queued since it started.
    pub more_waiting: bool,
    /// Counts what may have queued parts (a command, another process's
    /// commit): a reservation that began before the last of them cannot
    /// tell that nothing waits.
    pub queued_lately: u64,
    /// `queued_lately` when the reservation in flight began.
    asked_at: u64,
    /// A commit failed: the next waits until then.
    pub held_until: Option<tokio::time::Instant>,
    /// Cancels asked while a commit was in flight: done when it is, so
    /// that the parts it reserves are known (and taken back) first.
    pub deferred: Vec<SmsCommand>,
    /// Parts the window took since the last reservation: the next one
    /// brings as many again, so that a fast gateway never waits for the
    /// disk and a slow one does not have many parts marked ahead.
    pub taken_since: usize,
}

impl Pipeline {
    pub(super) fn new() -> Pipeline {
        Pipeline {
            more_waiting: true,
            ..Pipeline::default()
        }
    }

    /// Starts a commit of what was heard and of `take` reservations.
    pub(super) fn start(&mut self, committer: &Committer, tried_more_than_once: bool, take: usize) {
        let (done, answer) = oneshot::channel();
        let writes = Writes {
            burst: std::mem::take(&mut self.burst),
            heard: std::mem::take(&mut self.heard),
            tried_more_than_once,
            take,
        };
        if take > 0 {
            self.taken_since = 0;
            self.asked_at = self.queued_lately;
        }
        // A gone thread drops the job and its sender: `committed` says so.
        let _ = committer.jobs.send(Job { writes, done });
        self.committing = Some(answer);
    }

    /// Something may have queued parts.
    pub(super) fn may_have_queued(&mut self) {
        self.more_waiting = true;
        self.queued_lately += 1;
    }

    /// A reservation of `asked` parts brought `got`.
    pub(super) fn reserved(&mut self, asked: usize, parts: Vec<SmsPart>) {
        if asked > 0 && parts.len() < asked && self.asked_at == self.queued_lately {
            self.more_waiting = false;
        }
        self.reserved.extend(parts);
    }

    /// Nothing to commit, nothing committing, nothing reserved.
    pub(super) fn is_idle(&self) -> bool {
        self.committing.is_none()
            && self.deferred.is_empty()
            && self.burst.is_empty()
            && self.heard.is_empty()
            && self.reserved.is_empty()
    }

    /// Something waits to be committed.
    pub(super) fn has_writes(&self) -> bool {
        !self.burst.is_empty() || !self.heard.is_empty()
    }

    /// Takes a message's reserved parts back (it is being cancelled).
    pub(super) fn unreserve(&mut self, id: MessageId) -> Vec<i64> {
        let mut ids = Vec::new();
        self.reserved.retain(|p| {
            let keep = p.message_id != id;
            if !keep {
                ids.push(p.id);
            }
            keep
        });
        ids
    }

    /// Every reserved part, taken back (the link ends).
    pub(super) fn unreserve_all(&mut self) -> Vec<i64> {
        self.reserved.drain(..).map(|p| p.id).collect()
    }
}

/// The commit in flight's outcome (pending forever when there is none:
/// for `select!`, guarded by `committing.is_some()`); `None` if the
/// writer thread is gone.
pub(super) async fn committed(slot: &mut Option<oneshot::Receiver<Done>>) -> Option<Done> {
    match slot {
        Some(done) => done.await.ok(),
        None => std::future::pending().await,
    }
}
