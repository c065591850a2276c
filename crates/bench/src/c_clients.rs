//! The baseline: Mosquitto's own C clients. `mosquitto_sub` prints each
//! payload as a line (it flushes per message); `mosquitto_pub -l` publishes
//! each line of its stdin as one message. Both run as processes against the
//! same broker as Tether, at QoS 1, with payloads of the same size.
//!
//! Everything here blocks: run it on a blocking thread.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::error::BenchError;

/// A line that only proves the subscription is live.
const WARMUP: &str = "warmup";

/// `mosquitto_sub -q 1 -t topic`, its lines stamped as they arrive.
pub struct Subscriber {
    child: Child,
    lines: mpsc::Receiver<(String, Instant)>,
}

impl Subscriber {
    /// Starts subscribing and returns once the subscription carries messages.
    pub fn ready(port: u16, topic: &str) -> Result<Subscriber, BenchError> {
        let mut child = client("mosquitto_sub", port, topic)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(BenchError::io(
                "starting mosquitto_sub (install mosquitto-clients)",
            ))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| BenchError::Setup("mosquitto_sub has no stdout".into()))?;
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if tx.send((line, Instant::now())).is_err() {
                    return;
                }
            }
        });
        let sub = Subscriber { child, lines };
        // Publish probes until one comes through: then the subscription is live.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            publish_one(port, topic, WARMUP)?;
            if let Ok((line, _)) = sub.lines.recv_timeout(Duration::from_millis(100))
                && line == WARMUP
            {
                return Ok(sub);
            }
            if Instant::now() > deadline {
                return Err(BenchError::Timeout(
                    "mosquitto_sub subscribing".into(),
                    Duration::from_secs(10),
                ));
            }
        }
    }

    /// The next payload line (skipping late probes) and when it arrived.
    pub fn next(&self, timeout: Duration) -> Result<(String, Instant), BenchError> {
        loop {
            let (line, at) = self
                .lines
                .recv_timeout(timeout)
                .map_err(|_| BenchError::Timeout("a message at mosquitto_sub".into(), timeout))?;
            if line != WARMUP {
                return Ok((line, at));
            }
        }
    }
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `program` against the broker on `port`, QoS 1, on `topic`.
fn client(program: &str, port: u16, topic: &str) -> Command {
    let mut command = Command::new(program);
    command
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(["-q", "1", "-t", topic])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

fn publish_one(port: u16, topic: &str, payload: &str) -> Result<(), BenchError> {
    let status = client("mosquitto_pub", port, topic)
        .args(["-m", payload])
        .status()
        .map_err(BenchError::io(
            "running mosquitto_pub (install mosquitto-clients)",
        ))?;
    if status.success() {
        Ok(())
    } else {
        Err(BenchError::Setup(format!(
            "mosquitto_pub exited with {status}"
        )))
    }
}

/// `mosquitto_pub -q 1 -l -t topic`: one message per line written.
pub struct Publisher {
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Publisher {
    /// Starts it and gives it a moment to connect, so timing starts on a
    /// live link as Tether's does.
    pub fn connected(port: u16, topic: &str) -> Result<Publisher, BenchError> {
        let mut child = client("mosquitto_pub", port, topic)
            .arg("-l")
            .stdin(Stdio::piped())
            .spawn()
            .map_err(BenchError::io("starting mosquitto_pub"))?;
        let stdin = child.stdin.take();
        thread::sleep(Duration::from_millis(300));
        Ok(Publisher { child, stdin })
    }

    /// Writes (and flushes) one line: one message.
    pub fn line(&mut self, line: &str) -> Result<(), BenchError> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| BenchError::Setup("mosquitto_pub stdin closed".into()))?;
        writeln!(stdin, "{line}")
            .and_then(|()| stdin.flush())
            .map_err(BenchError::io("writing to mosquitto_pub"))
    }

    /// Writes all of `text` at once from another thread (the pipe fills up
    /// faster than the client reads), then closes stdin.
    pub fn write_all_then_close(&mut self, text: String) -> thread::JoinHandle<()> {
        let stdin = self.stdin.take();
        thread::spawn(move || {
            if let Some(mut stdin) = stdin {
                let _ = stdin.write_all(text.as_bytes());
            }
        })
    }
}

impl Drop for Publisher {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A line of exactly `len` bytes (at least the number) starting with `seq`.
pub fn numbered_line(seq: usize, len: usize) -> String {
    let mut line = format!("{seq:08} ");
    while line.len() < len {
        line.push('x');
    }
    line
}

/// The sequence number at the start of a [`numbered_line`].
pub fn seq_of(line: &str) -> Option<usize> {
    line.split(' ').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_lines_round_trip() {
        let line = numbered_line(42, 100);
        assert_eq!(line.len(), 100);
        assert_eq!(seq_of(&line), Some(42));
        assert_eq!(seq_of(WARMUP), None);
    }
}
