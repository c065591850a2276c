//! When a link's held-back answers are due, told to within microseconds.
//!
//! Tokio's timers fire on a millisecond tick, rounded up: an answer held
//! back 5 ms would go after about 6, and a benchmark's window bound (16
//! per round trip) would be measured against a slower gateway than the
//! one configured. A thread of the link's own sleeps until each moment
//! (the OS's precise timer) and wakes the link's task, which writes what
//! is due; the task itself never blocks, so it reads SUBMITs as they come
//! and their answers are timed from then.

use std::collections::VecDeque;
use std::io;
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Instant;

use tokio::sync::Notify;

/// The thread's handle; the thread ends when this is dropped.
pub(super) struct AnswerClock {
    moments: mpsc::Sender<Instant>,
}

impl AnswerClock {
    /// Starts the thread; `due` is notified whenever a moment passes.
    pub(super) fn start(due: Arc<Notify>) -> io::Result<AnswerClock> {
        let (moments, asked) = mpsc::channel::<Instant>();
        std::thread::Builder::new()
            .name("ismg-answer-clock".into())
            .spawn(move || {
                // The delay is the same for every answer: moments come in
                // order.
                let mut waiting: VecDeque<Instant> = VecDeque::new();
                loop {
                    let next = match waiting.front() {
                        None => asked.recv().map_err(|_| RecvTimeoutError::Disconnected),
                        Some(at) => {
                            asked.recv_timeout(at.saturating_duration_since(Instant::now()))
                        }
                    };
                    match next {
                        Ok(at) => waiting.push_back(at),
                        Err(RecvTimeoutError::Timeout) => {}
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                    let now = Instant::now();
                    let mut passed = false;
                    while waiting.front().is_some_and(|at| *at <= now) {
                        waiting.pop_front();
                        passed = true;
                    }
                    if passed {
                        due.notify_one();
                    }
                }
            })?;
        Ok(AnswerClock { moments })
    }

    /// Wakes the link at `at`.
    pub(super) fn wake_at(&self, at: Instant) {
        let _ = self.moments.send(at);
    }
}
