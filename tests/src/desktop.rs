//! A headless desktop for driving the real app: an Xvfb display with a window
//! manager (openbox), a private D-Bus session with gnome-keyring as the Secret
//! Service, dunst as the notification server and a tray panel
//! ([`TrayHost`]), and tauri-driver
//! (with WebKitWebDriver) for WebDriver sessions against `tether-app`.
//!
//! Everything runs in one process group that [`Desktop`]'s `Drop` kills,
//! so no daemon outlives its test. Secrets live in a keyring under the
//! desktop's own `HOME`, never the developer's.

use std::io;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::free_port;
use crate::tray_host::TrayHost;

/// Where Debian's webkit2gtk-driver installs the native driver.
const WEBKIT_DRIVER: &str = "/usr/bin/WebKitWebDriver";

/// Where the desktop's session bus address is written, under its `HOME`.
const BUS_FILE: &str = "session-bus";

/// Where dunst logs each notification it receives, under `HOME`: one line
/// of summary and body as the app sent them (markup unparsed).
const NOTIFICATION_LOG: &str = "notifications.log";

/// A display, a session bus with a keyring and a notification server, and a
/// WebDriver endpoint.
#[derive(Debug)]
pub struct Desktop {
    // First, so the panel's bus connection closes before the bus goes away.
    tray: TrayHost,
    /// Held for its `Drop`, which ends them all.
    _processes: Processes,
    display: String,
    port: u16,
    home: TempDir,
}

/// The desktop's processes, killed together when dropped (also when
/// [`Desktop::start`] fails half-way).
#[derive(Debug)]
struct Processes {
    xvfb: Child,
    window_manager: Option<Child>,
    driver: Option<Child>,
}

impl Desktop {
    /// Starts everything; the app will see `TETHER_HOME=tether_home`.
    pub fn start(tether_home: &Path) -> io::Result<Desktop> {
        Desktop::start_with(tether_home, &[])
    }

    /// Like [`Desktop::start`], with more environment for the app.
    pub fn start_with(tether_home: &Path, env: &[(&str, &str)]) -> io::Result<Desktop> {
        let home = tempfile::tempdir()?;
        let (xvfb, display) = start_xvfb()?;
        let mut processes = Processes {
            xvfb,
            window_manager: None,
            driver: None,
        };
        processes.window_manager = Some(start_window_manager(&display)?);
        let port = free_port();
        let native_port = free_port();
        let tauri_driver = find_tauri_driver()?;
        configure_dunst(home.path())?;
        // A non-empty unlock password: with an empty one gnome-keyring makes
        // no login collection, and the Secret Service cannot store items.
        // dunst is the notification server (as a desktop has one); the bus
        // address is written down so tests can reach it (dunstctl).
        let script = format!(
            "printf 'desktop-test-keyring' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; \
             dunst >/dev/null 2>&1 & \
             printf '%s' \"$DBUS_SESSION_BUS_ADDRESS\" > \"$HOME/{BUS_FILE}\"; \
             exec '{}' --port {port} --native-port {native_port} --native-driver {WEBKIT_DRIVER}",
            tauri_driver.display()
        );
        let log = std::fs::File::create(home.path().join("driver.log"))?;
        processes.driver = Some(
            Command::new("dbus-run-session")
                .args(["--", "sh", "-c", &script])
                .env("DISPLAY", &display)
                .env("HOME", home.path())
                .env("TETHER_HOME", tether_home)
                .env("TETHER_LOG", "info,tether_core=debug")
                .env_remove("TETHER_PASSWORD")
                .env_remove("DBUS_SESSION_BUS_ADDRESS")
                .envs(env.iter().copied())
                .stdin(Stdio::null())
                .stdout(log.try_clone()?)
                .stderr(log)
                .process_group(0)
                .spawn()?,
        );
        let log = || std::fs::read_to_string(home.path().join("driver.log")).unwrap_or_default();
        // Both ends: tauri-driver listens at once, but forwards to
        // WebKitWebDriver, which takes a moment longer on a cold machine; a
        // session asked for before then fails outright.
        for (what, port) in [("tauri-driver", port), ("WebKitWebDriver", native_port)] {
            wait_for_port(port, Duration::from_secs(20))
                .map_err(|e| io::Error::other(format!("{what} did not start ({e}):\n{}", log())))?;
        }
        // The bus address is written before tauri-driver starts, so it is
        // there now; the panel must be up before the app makes its tray item.
        let bus = std::fs::read_to_string(home.path().join(BUS_FILE))?;
        let tray = TrayHost::start(&bus)?;
        Ok(Desktop {
            tray,
            _processes: processes,
            display,
            port,
            home,
        })
    }

    /// The tray panel, where apps' tray items are.
    pub fn tray(&self) -> &TrayHost {
        &self.tray
    }

    /// The WebDriver URL to open sessions on.
    pub fn webdriver_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts `app` and opens a WebDriver session on its window.
    pub async fn open_app(&self, app: &Path) -> io::Result<fantoccini::Client> {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), serde_json::json!("wry"));
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app }),
        );
        fantoccini::ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&self.webdriver_url())
            .await
            .map_err(|e| {
                io::Error::other(format!("no WebDriver session ({e}); log:\n{}", self.log()))
            })
    }

    pub fn display(&self) -> &str {
        &self.display
    }

    /// What tauri-driver, the keyring and the app wrote to stderr/stdout.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.home.path().join("driver.log")).unwrap_or_default()
    }

    /// Brings the window titled `title` to the front with the input focus,
    /// as a user clicking on it would (through the window manager).
    pub fn focus_window(&self, title: &str) -> io::Result<()> {
        let status = Command::new("xdotool")
            .args([
                "search",
                "--sync",
                "--onlyvisible",
                "--name",
                title,
                "windowactivate",
                "--sync",
            ])
            .env("DISPLAY", &self.display)
            .status()?;
        if status.success() {
            Ok(())
        } else {
            Err(io::Error::other(format!(
                "xdotool could not focus {title:?}"
            )))
        }
    }

    /// Where the visible window titled `title` is and how big, as the X
    /// server has it: `(x, y, width, height)`.
    pub fn window_geometry(&self, title: &str) -> io::Result<(i32, i32, u32, u32)> {
        let out = self
            .command("xdotool")?
            .args(["search", "--onlyvisible", "--name", title])
            .args(["getwindowgeometry", "--shell"])
            .output()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let value = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
                .and_then(|v| v.trim().parse::<i64>().ok())
                .ok_or_else(|| io::Error::other(format!("no {key} for {title:?} in {text:?}")))
        };
        let size = |key: &str| value(key).and_then(|v| u32::try_from(v).map_err(io::Error::other));
        let place = |key: &str| value(key).and_then(|v| i32::try_from(v).map_err(io::Error::other));
        Ok((place("X")?, place("Y")?, size("WIDTH")?, size("HEIGHT")?))
    }

    /// Saves what the window titled `title` shows on screen as a PNG, read
    /// off the X server (ImageMagick's `import`): what a user sees, which
    /// WebDriver's own snapshot is not always (it can reuse stale
    /// compositing layers).
    pub fn screenshot(&self, title: &str, path: &Path) -> io::Result<()> {
        let found = self
            .command("xdotool")?
            .args(["search", "--onlyvisible", "--name", title])
            .output()?;
        let window = String::from_utf8_lossy(&found.stdout)
            .lines()
            .next()
            .map(str::to_owned)
            .ok_or_else(|| io::Error::other(format!("no visible window titled {title:?}")))?;
        let status = self
            .command("import")?
            .args(["-window", &window])
            .arg(path)
            .status()?;
        if status.success() {
            Ok(())
        } else {
            Err(io::Error::other(format!(
                "import could not capture {title:?}"
            )))
        }
    }

    /// Each notification shown so far, as `summary|body` in the raw form
    /// the notification server received (so escaping can be checked).
    pub fn notifications(&self) -> Vec<String> {
        std::fs::read_to_string(self.home.path().join(NOTIFICATION_LOG))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// `program` on this desktop: its display and session bus (for
    /// xdotool, dunstctl and the like).
    pub fn command(&self, program: &str) -> io::Result<Command> {
        let bus = std::fs::read_to_string(self.home.path().join(BUS_FILE))?;
        let mut cmd = Command::new(program);
        cmd.env("DISPLAY", &self.display)
            .env("DBUS_SESSION_BUS_ADDRESS", bus)
            .env("HOME", self.home.path());
        Ok(cmd)
    }

    /// The fake `HOME` (the keyring's files live below it).
    pub fn home(&self) -> &Path {
        self.home.path()
    }
}

impl Drop for Processes {
    fn drop(&mut self) {
        if let Some(driver) = &mut self.driver {
            // The whole group: dbus-run-session, dbus-daemon, gnome-keyring,
            // tauri-driver, WebKitWebDriver and the app.
            // `kill -s KILL -- -PGID`: procps' kill reads `-KILL -PGID` as two
            // signal options and kills nothing (while exiting 0).
            let _ = Command::new("kill")
                .args(["-s", "KILL", "--", &format!("-{}", driver.id())])
                .status();
            let _ = driver.wait();
        }
        if let Some(window_manager) = &mut self.window_manager {
            let _ = window_manager.kill();
            let _ = window_manager.wait();
        }
        // SIGTERM first: Xvfb then removes its lock file and socket, which
        // a killed server leaves in /tmp for every run.
        let _ = tether_testbed::process::terminate(&mut self.xvfb, Duration::from_secs(2));
    }
}

/// A dunst rule for every notification that runs a script appending its
/// summary and body to [`NOTIFICATION_LOG`] (dunst passes them as `$2`, `$3`).
fn configure_dunst(home: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let dir = home.join(".config/dunst");
    std::fs::create_dir_all(&dir)?;
    let script = home.join("log-notification.sh");
    let log = home.join(NOTIFICATION_LOG);
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s|%s\\n' \"$2\" \"$3\" >> '{}'\n",
            log.display()
        ),
    )?;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))?;
    std::fs::write(
        dir.join("dunstrc"),
        format!(
            "[log]\n    appname = \"*\"\n    script = {}\n",
            script.display()
        ),
    )
}

/// `tether-app` next to the `tether` binary (same target directory).
pub fn app_bin() -> PathBuf {
    crate::tether_bin().with_file_name(format!("tether-app{}", std::env::consts::EXE_SUFFIX))
}

fn find_tauri_driver() -> io::Result<PathBuf> {
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join("tauri-driver"))
                .collect()
        })
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("CARGO_HOME")
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo").into_os_string()))
    {
        candidates.push(Path::new(&home).join("bin").join("tauri-driver"));
    }
    candidates.into_iter().find(|p| p.is_file()).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::NotFound,
            "tauri-driver not found; `make deps` installs it (cargo install tauri-driver)",
        )
    })
}

/// Starts Xvfb on a display it picks itself (`-displayfd`): it skips
/// displays in use and takes over those whose lock file a killed server
/// left behind, which a scan of `/tmp/.X*-lock` here would count as taken
/// (a machine that ran the suite often ran out of display numbers). It
/// writes the number to our pipe once it accepts connections.
fn start_xvfb() -> io::Result<(Child, String)> {
    let mut child = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let Some(stdout) = child.stdout.take() else {
        return Err(io::Error::other("Xvfb's stdout was not piped"));
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let read = io::BufRead::read_line(&mut io::BufReader::new(stdout), &mut line);
        let _ = tx.send(read.map(|_| line));
    });
    let number = match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(Ok(line)) => line.trim().parse::<u32>().ok(),
        _ => None,
    };
    match number {
        Some(n) => Ok((child, format!(":{n}"))),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            Err(io::Error::other("Xvfb did not say which display it took"))
        }
    }
}

/// A window manager, as every desktop has: it gives a newly mapped window
/// the focus and activates windows on request. Without one, X input focus
/// stays on the root window and the page never has focus (no read receipts,
/// notifications for every message).
fn start_window_manager(display: &str) -> io::Result<Child> {
    Command::new("openbox")
        .args(["--sm-disable"])
        .env("DISPLAY", display)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot start openbox ({e}); `make deps` installs it"),
            )
        })
}

fn wait_for_port(port: u16, within: Duration) -> io::Result<()> {
    let deadline = Instant::now() + within;
    loop {
        match std::net::TcpStream::connect(("127.0.0.1", port)) {
            Ok(_) => return Ok(()),
            Err(e) if Instant::now() > deadline => return Err(e),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}
