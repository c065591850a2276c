//! A TCP proxy that can turn into a black hole, to simulate dead links.
//!
//! A laptop whose Wi-Fi sleeps does not close its TCP connections: packets
//! just stop arriving, and neither end sees FIN or RST until its own
//! keep-alive logic gives up. Killing a socket does not reproduce that, so
//! tests put this proxy between client and broker and flip it into "black
//! hole" mode, where it keeps reading (so no window fills up and nothing
//! blocks) but throws every byte away in both directions.
//!
//! The proxy runs on its own thread with its own tokio runtime, so it works
//! from plain `#[test]`s and `#[tokio::test]`s alike and does not die with a
//! test's runtime.

use std::io;
use std::net::{Ipv4Addr, TcpListener as StdTcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};

/// Forwards 127.0.0.1:`port()` to 127.0.0.1:`target_port`, until told to
/// black-hole or cut. Dropping it closes the listener and all connections.
#[derive(Debug)]
pub struct BlackHoleProxy {
    port: u16,
    black_hole: watch::Sender<bool>,
    /// Bumped by `cut_all`; each connection task watches it.
    cut: watch::Sender<u64>,
    active: Arc<AtomicUsize>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl BlackHoleProxy {
    /// Starts forwarding a fresh free port to `target_port`.
    pub fn start(target_port: u16) -> io::Result<BlackHoleProxy> {
        // Bind synchronously so the caller gets the port, or the error, now.
        let std_listener = StdTcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        std_listener.set_nonblocking(true)?;
        let port = std_listener.local_addr()?.port();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let listener = {
            // Registering with the reactor needs the runtime's context.
            let _context = runtime.enter();
            TcpListener::from_std(std_listener)?
        };
        let (black_hole, black_hole_rx) = watch::channel(false);
        let (cut, cut_rx) = watch::channel(0u64);
        let (shutdown, shutdown_rx) = oneshot::channel();
        let active = Arc::new(AtomicUsize::new(0));
        let link = Link {
            target_port,
            black_hole: black_hole_rx,
            cut: cut_rx,
            active: Arc::clone(&active),
        };
        let thread = std::thread::Builder::new()
            .name(format!("black-hole-proxy-{port}"))
            .spawn(move || {
                runtime.block_on(async move {
                    tokio::select! {
                        _ = shutdown_rx => {}
                        () = accept_loop(listener, link) => {}
                    }
                });
                // Dropping the runtime here drops every connection task and
                // with it their sockets.
            })?;
        Ok(BlackHoleProxy {
            port,
            black_hole,
            cut,
            active,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// The port clients should connect to (on 127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The proxy as a Tether server URL: `mqtt://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("mqtt://127.0.0.1:{}", self.port)
    }

    /// On: silently discard all bytes in both directions and never close a
    /// socket, on existing and new connections alike. Off: forward new
    /// bytes again; what was discarded meanwhile stays lost, so a client is
    /// expected to have abandoned that connection and reconnected.
    pub fn set_black_hole(&self, on: bool) {
        self.black_hole.send_replace(on);
    }

    /// Whether black-hole mode is on.
    pub fn is_black_hole(&self) -> bool {
        *self.black_hole.borrow()
    }

    /// Closes every current connection (both sides get a FIN); the proxy
    /// keeps accepting new ones.
    pub fn cut_all(&self) {
        self.cut.send_modify(|generation| *generation += 1);
    }

    /// How many client connections the proxy currently holds open.
    pub fn connections(&self) -> usize {
        self.active.load(Ordering::SeqCst)
    }
}

impl Drop for BlackHoleProxy {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            // The thread may already be gone; then there is nothing to stop.
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What each connection task needs to know about the proxy's state.
#[derive(Clone)]
struct Link {
    target_port: u16,
    black_hole: watch::Receiver<bool>,
    cut: watch::Receiver<u64>,
    active: Arc<AtomicUsize>,
}

async fn accept_loop(listener: TcpListener, link: Link) {
    loop {
        match listener.accept().await {
            Ok((client, _)) => {
                tokio::spawn(serve(client, link.clone()));
            }
            // E.g. out of file descriptors: back off rather than spin.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

/// Counts a connection as active for as long as it lives.
struct ActiveGuard(Arc<AtomicUsize>);

impl ActiveGuard {
    fn new(counter: &Arc<AtomicUsize>) -> Self {
        counter.fetch_add(1, Ordering::SeqCst);
        ActiveGuard(Arc::clone(counter))
    }
}

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Proxies one client connection until either side leaves, or a cut.
async fn serve(client: TcpStream, mut link: Link) {
    let _active = ActiveGuard::new(&link.active);
    // A cloned receiver inherits the clone source's "seen" state; cuts that
    // happened before this connection existed must not apply to it.
    link.cut.borrow_and_update();
    let _ = client.set_nodelay(true);
    let (client_read, client_write) = client.into_split();
    match TcpStream::connect((Ipv4Addr::LOCALHOST, link.target_port)).await {
        Ok(upstream) => {
            let _ = upstream.set_nodelay(true);
            let (upstream_read, upstream_write) = upstream.into_split();
            tokio::select! {
                _ = link.cut.changed() => {}
                () = pump(client_read, upstream_write, link.black_hole.clone()) => {}
                () = pump(upstream_read, client_write, link.black_hole.clone()) => {}
            }
        }
        Err(_) => {
            // Target down (e.g. broker killed). Normally the client should
            // see the connection close, like a refused connection; inside a
            // black hole it must see nothing, so hold it silently first.
            let mut black_hole = link.black_hole.clone();
            tokio::select! {
                _ = link.cut.changed() => {}
                () = link_up(&mut black_hole) => {}
            }
            drop((client_read, client_write));
        }
    }
}

/// Copies `from` into `to`, or discards while the black hole is on. Returns
/// once either side is gone, but never while the black hole is on: the
/// connection closing would leak the FIN that a dead link cannot deliver.
async fn pump(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    mut black_hole: watch::Receiver<bool>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if *black_hole.borrow() {
                    continue;
                }
                if to.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
    link_up(&mut black_hole).await;
}

/// Resolves once the black hole is off (immediately if it already is).
async fn link_up(black_hole: &mut watch::Receiver<bool>) {
    // An error means the proxy is being dropped; returning is right then.
    let _ = black_hole.wait_for(|on| !on).await;
}
