//! An SMS gateway (ISMG) of our own that speaks CMPP 2.0 (and 3.0 when
//! asked) to an SP, for tests, benchmarks and the README's demo.
//!
//! It checks logins (Status 2 for an unknown SP id, 3 for a wrong
//! secret), gives Msg_Ids in the spec's bit layout, answers SUBMITs (or,
//! when told, Result 8 or nothing at all), sends status reports after a
//! delay with the Stat a test chose, delivers messages from phones (long
//! ones in UCS2 parts, in any order, with repeats), and resends a DELIVER
//! that is not answered, on whichever link of the SP is up. It keeps its
//! state across [`Ismg::close_links`] and [`Ismg::stop`]/[`Ismg::restart`],
//! as a real gateway keeps its queues across a lost link. A black-holed
//! link is the [`crate::BlackHoleProxy`] in front of it.
//!
//! It runs on a thread of its own, like the proxy, so it serves plain
//! `#[test]`s and any runtime alike.

mod clock;
mod link;
mod state;

use std::io;
use std::net::{Ipv4Addr, TcpListener as StdTcpListener};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tether_cmpp::Version;
use tokio::sync::{Notify, broadcast, watch};

use state::State;
pub use state::{Mo, Seen, Submitted};

/// How the gateway behaves.
#[derive(Debug, Clone)]
pub struct IsmgOptions {
    /// SP ids and their shared secrets.
    pub accounts: Vec<(String, String)>,
    /// The gateway's code in Msg_Ids (e.g. 1001 for ISMG 001001).
    pub ismg_code: u32,
    /// How long after a SUBMIT its status report comes.
    pub report_delay: Duration,
    /// The highest version spoken: 3.0 also accepts 2.0 logins.
    pub version: Version,
    /// T for our DELIVERs: resent when unanswered this long.
    pub resend_after: Duration,
    /// How long a SUBMIT waits for its answer (a gateway's round trip).
    pub answer_delay: Duration,
}

impl IsmgOptions {
    /// One SP, `901234` with secret `s3cret`, reports at once.
    pub fn new() -> IsmgOptions {
        IsmgOptions {
            accounts: vec![("901234".into(), "s3cret".into())],
            ismg_code: 1001,
            report_delay: Duration::ZERO,
            version: Version::V2_0,
            resend_after: Duration::from_secs(2),
            answer_delay: Duration::ZERO,
        }
    }
}

impl Default for IsmgOptions {
    fn default() -> Self {
        IsmgOptions::new()
    }
}

/// What happens at the gateway, for a demo or a test to watch.
#[derive(Debug, Clone)]
pub enum IsmgEvent {
    LoggedIn {
        sp_id: String,
    },
    Refused {
        sp_id: String,
        status: u32,
    },
    Submitted(Submitted),
    Reported {
        msg_id: u64,
        dest: String,
        stat: String,
    },
    DeliverAnswered {
        msg_id: u64,
    },
}

/// Everything the links share.
pub(crate) struct Shared {
    pub options: IsmgOptions,
    state: Mutex<State>,
    /// Something in the state changed (tests wait on it).
    pub changed: Notify,
    /// A DELIVER is waiting to go out (links wait on it).
    pub outgoing: Notify,
    /// Bumped to close every link.
    pub cut: watch::Sender<u64>,
    pub events: broadcast::Sender<IsmgEvent>,
}

impl Shared {
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn secret_of(&self, sp_id: &str) -> Option<&str> {
        self.options
            .accounts
            .iter()
            .find(|(id, _)| id == sp_id)
            .map(|(_, secret)| secret.as_str())
    }

    pub fn tell(&self, event: IsmgEvent) {
        let _ = self.events.send(event);
        self.changed.notify_waiters();
    }
}

/// A running gateway on 127.0.0.1:[`Ismg::port`].
pub struct Ismg {
    port: u16,
    shared: Arc<Shared>,
    server: Option<Server>,
}

struct Server {
    stop: tokio::sync::oneshot::Sender<()>,
    thread: JoinHandle<()>,
}

impl Ismg {
    /// Starts a gateway on a free port.
    pub fn start(options: IsmgOptions) -> io::Result<Ismg> {
        Ismg::start_on(options, 0)
    }

    /// Starts a gateway on `port` (0: a free one).
    pub fn start_on(options: IsmgOptions, port: u16) -> io::Result<Ismg> {
        let listener = StdTcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        let port = listener.local_addr()?.port();
        let shared = Arc::new(Shared {
            state: Mutex::new(State::new(options.ismg_code)),
            options,
            changed: Notify::new(),
            outgoing: Notify::new(),
            cut: watch::channel(0).0,
            events: broadcast::channel(4096).0,
        });
        let server = serve(listener, Arc::clone(&shared))?;
        Ok(Ismg {
            port,
            shared,
            server: Some(server),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// What happens from now on.
    pub fn events(&self) -> broadcast::Receiver<IsmgEvent> {
        self.shared.events.subscribe()
    }

    /// What the gateway has seen so far.
    pub fn seen(&self) -> Seen {
        self.shared.state().seen()
    }

    /// Waits until `done` holds for what the gateway has seen.
    pub async fn wait_until(
        &self,
        timeout: Duration,
        done: impl Fn(&Seen) -> bool,
    ) -> io::Result<Seen> {
        let waiting = async {
            loop {
                let changed = self.shared.changed.notified();
                let seen = self.seen();
                if done(&seen) {
                    return seen;
                }
                changed.await;
            }
        };
        tokio::time::timeout(timeout, waiting).await.map_err(|_| {
            io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "the gateway did not see it within {timeout:?}: {:?}",
                    self.seen()
                ),
            )
        })
    }

    /// The next `n` SUBMITs are answered with Result 8 (and not taken).
    pub fn throttle_next(&self, n: usize) {
        self.shared.state().throttle_next = n;
    }

    /// The next `n` SUBMITs are taken but never answered.
    pub fn drop_responses(&self, n: usize) {
        self.shared.state().drop_responses = n;
    }

    /// Stops answering everything (ACTIVE_TEST included) while on, keeping
    /// links open: a gateway that hangs.
    pub fn set_silent(&self, on: bool) {
        self.shared.state().silent = on;
    }

    /// TERMINATE is met by closing the link without TERMINATE_RESP.
    pub fn hang_up_on_terminate(&self) {
        self.shared.state().hang_up_on_terminate = true;
    }

    /// The Stat reports to `number` carry (`DELIVRD` otherwise).
    pub fn set_stat(&self, number: &str, stat: &str) {
        self.shared.state().stats.insert(number.into(), stat.into());
    }

    /// Sends a message from a phone to the SP, split as a phone would.
    pub fn send_mo(&self, mo: Mo) {
        let code = self
            .shared
            .options
            .accounts
            .first()
            .map(|(id, _)| id.clone());
        self.shared.state().queue_mo(&mo, code.unwrap_or_default());
        self.shared.outgoing.notify_waiters();
    }

    /// Sends the status reports of scheduled (At_Time) messages not
    /// cancelled, as if their time had come.
    pub fn release_scheduled(&self) {
        self.shared.state().release_scheduled();
        self.shared.outgoing.notify_waiters();
    }

    /// Closes every link (the SP sees the gateway hang up); keeps serving.
    pub fn close_links(&self) {
        self.shared.cut.send_modify(|generation| *generation += 1);
    }

    /// Kills the gateway: the listener and every link close; state is kept
    /// for [`Ismg::restart`].
    pub fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            let _ = server.stop.send(());
            let _ = server.thread.join();
            let mut state = self.shared.state();
            state.return_unanswered(None);
            state.seen.links = 0;
        }
    }

    /// Serves again on the same port after [`Ismg::stop`].
    pub fn restart(&mut self) -> io::Result<()> {
        self.stop();
        let listener = StdTcpListener::bind((Ipv4Addr::LOCALHOST, self.port))?;
        self.server = Some(serve(listener, Arc::clone(&self.shared))?);
        Ok(())
    }
}

impl Drop for Ismg {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve(listener: StdTcpListener, shared: Arc<Shared>) -> io::Result<Server> {
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let listener = {
        let _context = runtime.enter();
        tokio::net::TcpListener::from_std(listener)?
    };
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let thread = std::thread::Builder::new()
        .name("ismg-simulator".into())
        .spawn(move || {
            runtime.block_on(async move {
                tokio::select! {
                    _ = stopped => {}
                    () = link::accept_loop(listener, shared) => {}
                }
            });
        })?;
    Ok(Server { stop, thread })
}
