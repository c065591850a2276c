//! A real `mosquitto` broker per test, on a free port, in its own tempdir.
//!
//! About persistence and `kill -9`: mosquitto writes its persistence file
//! only on autosave and on clean shutdown. With persistence on, the harness
//! autosaves every second unless told otherwise (`autosave_interval 1`,
//! `autosave_on_changes false`), so a SIGKILL loses up to a second of broker
//! state. Chaos tests must therefore rely on QoS 1 retransmission from the
//! clients' outboxes, not on the broker's file, for message delivery across
//! a broker crash.

use std::fs::{self, OpenOptions};
use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::free_port;

/// Name of the broker log inside [`Mosquitto::dir`]. Configs passed to
/// [`Mosquitto::start_raw`] should log there too (`log_dest file`), so that
/// readiness detection and [`Mosquitto::log`] work.
pub const MOSQUITTO_LOG_FILE: &str = "mosquitto.log";
/// Where the broker's own stdout/stderr go (config errors land here, since
/// they happen before `log_dest` takes effect).
const STDERR_FILE: &str = "stderr.log";
const CONFIG_FILE: &str = "mosquitto.conf";
/// How long a broker gets to start listening (and to exit on SIGTERM).
const START_TIMEOUT: Duration = Duration::from_secs(5);
/// Attempts at picking a port, in case another process takes the port that
/// `free_port` returned before mosquitto binds it.
const PORT_ATTEMPTS: usize = 5;

/// How the harness configures a broker. `Default` is an anonymous,
/// non-persistent broker with no ACL.
#[derive(Debug, Clone)]
pub struct MosquittoOptions {
    /// Keep sessions and queued messages in `persistence_location` (inside
    /// the tempdir), autosaved every `autosave_interval_secs`; survives
    /// [`Mosquitto::restart`].
    pub persistence: bool,
    /// Seconds between autosaves of the persistence database (1 by
    /// default, see the module docs; docs/deploy uses 60).
    pub autosave_interval_secs: u32,
    /// A `mosquitto_passwd` file (see [`crate::mosquitto_passwd`]).
    pub password_file: Option<PathBuf>,
    /// A mosquitto ACL file, e.g. `docs/deploy/acl`.
    pub acl_file: Option<PathBuf>,
    /// Whether clients without a username may connect.
    pub allow_anonymous: bool,
    /// Per-client queue limit for offline/in-flight messages.
    pub max_queued_messages: Option<u32>,
    /// Largest packet accepted: a client sending a larger one is
    /// disconnected (Mosquitto 2.0's `max_packet_size`).
    pub max_packet_size: Option<u32>,
    /// `set_tcp_nodelay`: send each packet at once instead of letting
    /// Nagle's algorithm hold small ones back (docs/deploy turns it on).
    pub tcp_nodelay: bool,
    /// Log every packet (`log_type all`), which tests read when they fail;
    /// benchmarks turn it off so that logging does not slow the broker.
    pub log_packets: bool,
}

impl Default for MosquittoOptions {
    fn default() -> Self {
        Self {
            persistence: false,
            autosave_interval_secs: 1,
            password_file: None,
            acl_file: None,
            allow_anonymous: true,
            max_queued_messages: None,
            max_packet_size: None,
            tcp_nodelay: false,
            log_packets: true,
        }
    }
}

impl MosquittoOptions {
    /// The mosquitto.conf text for a broker on `port` living in `dir`.
    pub fn render(&self, port: u16, dir: &Path) -> String {
        let mut conf = format!(
            "# Written by the tether testbed.\n\
             # Keep root when tests run as root: the default `mosquitto` user\n\
             # could not write into the tempdir. Ignored when not root.\n\
             user root\n\
             per_listener_settings false\n\
             listener {port} 127.0.0.1\n\
             allow_anonymous {anon}\n\
             log_dest file {log}\n\
             {log_types}\
             log_timestamp_format %H:%M:%S\n\
             connection_messages true\n",
            anon = self.allow_anonymous,
            // "information" carries the "running" line that start-up
            // waits for (and one line per connection, which is cheap).
            log_types = if self.log_packets {
                "log_type all\n"
            } else {
                "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n"
            },
            log = dir.join(MOSQUITTO_LOG_FILE).display(),
        );
        if self.persistence {
            // The trailing slash is required: mosquitto concatenates it
            // with the database file name.
            conf.push_str(&format!(
                "persistence true\n\
                 persistence_location {}/\n\
                 autosave_interval {}\n\
                 autosave_on_changes false\n",
                dir.display(),
                self.autosave_interval_secs
            ));
        } else {
            conf.push_str("persistence false\n");
        }
        if let Some(file) = &self.password_file {
            conf.push_str(&format!("password_file {}\n", file.display()));
        }
        if let Some(file) = &self.acl_file {
            conf.push_str(&format!("acl_file {}\n", file.display()));
        }
        if self.tcp_nodelay {
            conf.push_str("set_tcp_nodelay true\n");
        }
        if let Some(max) = self.max_queued_messages {
            conf.push_str(&format!("max_queued_messages {max}\n"));
        }
        if let Some(max) = self.max_packet_size {
            conf.push_str(&format!("max_packet_size {max}\n"));
        }
        conf
    }
}

/// A running mosquitto process owned by one test. Dropping it kills the
/// broker and deletes its tempdir (config, log, persistence).
#[derive(Debug)]
pub struct Mosquitto {
    child: Option<Child>,
    port: u16,
    // Declared last so the process is killed before its files vanish.
    dir: TempDir,
}

impl Mosquitto {
    /// An anonymous, non-persistent broker (`MosquittoOptions::default()`).
    pub fn start() -> io::Result<Mosquitto> {
        Self::start_with(MosquittoOptions::default())
    }

    /// A broker configured by `options`.
    pub fn start_with(options: MosquittoOptions) -> io::Result<Mosquitto> {
        Self::start_raw(|port, dir| options.render(port, dir))
    }

    /// A broker with a caller-written config, e.g. the production config
    /// with its paths rewritten. `render(port, dir)` must return a config
    /// listening on `127.0.0.1:port`, keeping files inside `dir`, ideally
    /// logging to `dir/MOSQUITTO_LOG_FILE`. It may be called several times if a port
    /// turns out to be taken.
    ///
    /// Blocks (up to ~5 s per attempt) until the broker accepts connections.
    pub fn start_raw(mut render: impl FnMut(u16, &Path) -> String) -> io::Result<Mosquitto> {
        let dir = tempfile::Builder::new()
            .prefix("tether-mosquitto-")
            .tempdir()?;
        if dir.path().to_string_lossy().contains(char::is_whitespace) {
            // mosquitto.conf has no quoting, so such a path cannot be used.
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("temp dir {} contains whitespace", dir.path().display()),
            ));
        }
        let mut last_error = None;
        for _ in 0..PORT_ATTEMPTS {
            let port = free_port();
            fs::write(dir.path().join(CONFIG_FILE), render(port, dir.path()))?;
            match launch(dir.path(), port) {
                Ok(child) => {
                    return Ok(Mosquitto {
                        child: Some(child),
                        port,
                        dir,
                    });
                }
                // Someone else grabbed the port in between: pick another.
                Err(e) if e.kind() == io::ErrorKind::AddrInUse => last_error = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last_error.unwrap_or_else(|| io::Error::other("no port attempts made")))
    }

    /// The broker's process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The TCP port the broker listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The broker address as a Tether server URL: `mqtt://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("mqtt://127.0.0.1:{}", self.port)
    }

    /// The broker's tempdir (config, log, persistence database).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Everything the broker logged so far, across restarts, plus anything
    /// it wrote to stderr. Handy in assertion messages.
    pub fn log(&self) -> String {
        read_logs(self.dir.path())
    }

    /// Whether the broker process is still alive.
    pub fn is_running(&mut self) -> bool {
        match &mut self.child {
            Some(child) => matches!(child.try_wait(), Ok(None)),
            None => false,
        }
    }

    /// Crashes the broker with SIGKILL (what `Child::kill` sends on unix):
    /// no goodbye to clients, no final persistence save. Clients see their
    /// connections reset.
    pub fn kill9(&mut self) -> io::Result<()> {
        if let Some(mut child) = self.child.take() {
            // Already exited is fine: the goal is "not running".
            let _ = child.kill();
            child.wait()?;
        }
        Ok(())
    }

    /// Stops the broker gracefully with SIGTERM, so that it saves its
    /// persistence database; falls back to SIGKILL after ~5 s.
    pub fn stop(&mut self) -> io::Result<()> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        crate::process::terminate(&mut child, START_TIMEOUT)
    }

    /// Starts the broker again on the same port with the same config and
    /// persistence directory. A still-running broker is stopped gracefully
    /// first; call [`Mosquitto::kill9`] beforehand to simulate a crash.
    pub fn restart(&mut self) -> io::Result<()> {
        self.stop()?;
        // The old socket may linger briefly; mosquitto sets SO_REUSEADDR so
        // this rarely matters, but retry instead of failing a test on it.
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            match launch(self.dir.path(), self.port) {
                Ok(child) => {
                    self.child = Some(child);
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::AddrInUse && Instant::now() < deadline => {
                    sleep(Duration::from_millis(100));
                }
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        // Nothing useful to do with an error while dropping.
        let _ = self.kill9();
    }
}

/// The mosquitto executable: `MOSQUITTO_BIN`, else the Debian location
/// (`/usr/sbin` is not on a normal user's PATH), else whatever PATH finds.
fn mosquitto_bin() -> PathBuf {
    if let Some(explicit) = std::env::var_os("MOSQUITTO_BIN") {
        return PathBuf::from(explicit);
    }
    ["/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("mosquitto"))
}

/// Spawns mosquitto with `dir/CONFIG_FILE` and waits until it serves `port`.
/// Fails with `AddrInUse` if the port is taken, so callers can retry.
fn launch(dir: &Path, port: u16) -> io::Result<Child> {
    let log_path = dir.join(MOSQUITTO_LOG_FILE);
    // The log is appended to across restarts, so readiness means one more
    // "running" line than before this launch.
    let ready_lines_before = count_running_lines(&log_path);
    let stderr = OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(STDERR_FILE))?;
    let mut child = Command::new(mosquitto_bin())
        .arg("-c")
        .arg(dir.join(CONFIG_FILE))
        .stdin(Stdio::null())
        .stdout(stderr.try_clone()?)
        .stderr(stderr)
        .spawn()
        .map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("spawning mosquitto (install it: `make deps`): {e}"),
            )
        })?;
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + START_TIMEOUT;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait()? {
            let logs = read_logs(dir);
            let kind = if logs.contains("Address already in use") {
                io::ErrorKind::AddrInUse
            } else {
                io::ErrorKind::Other
            };
            return Err(io::Error::new(
                kind,
                format!("mosquitto exited during start-up ({status}); log:\n{logs}"),
            ));
        }
        // A bare connect could reach another process that owns the port, so
        // also require mosquitto's own "running" line when it logs to file.
        let logged_ready =
            !log_path.exists() || count_running_lines(&log_path) > ready_lines_before;
        if logged_ready && TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(child);
        }
        sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    Err(io::Error::new(
        io::ErrorKind::TimedOut,
        format!(
            "mosquitto did not accept connections on {addr} within {START_TIMEOUT:?}; log:\n{}",
            read_logs(dir)
        ),
    ))
}

/// Number of "mosquitto version … running" lines, logged once listeners are
/// open.
fn count_running_lines(log: &Path) -> usize {
    fs::read_to_string(log)
        .map(|text| {
            text.lines()
                .filter(|l| l.contains("mosquitto version") && l.ends_with(" running"))
                .count()
        })
        .unwrap_or(0)
}

/// The broker log followed by its stderr output, if any.
fn read_logs(dir: &Path) -> String {
    let mut text = fs::read_to_string(dir.join(MOSQUITTO_LOG_FILE)).unwrap_or_default();
    let stderr = fs::read_to_string(dir.join(STDERR_FILE)).unwrap_or_default();
    if !stderr.trim().is_empty() {
        text.push_str("\n--- mosquitto stdout/stderr ---\n");
        text.push_str(&stderr);
    }
    text
}
