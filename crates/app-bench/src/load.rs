//! P7: the app receiving a steady stream into the open chat.
//!
//! A frame probe in the page (a `requestAnimationFrame` loop) records the
//! longest gap between frames: a gap over 100 ms is a stall a user sees
//! (typing, scrolling and clicks wait for it). Nothing talks to the page
//! over WebDriver while the stream runs, so the probe measures the app,
//! not the benchmark.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tether_core::model::{MessageChange, StoredMessage};
use tether_core::protocol::MessageId;

use crate::error::AppBenchError;
use crate::procs::{CpuTimes, Memory};
use crate::scene::{Scene, wait_js};

const OPEN_CHAT: &str = "const b = [...document.querySelectorAll('nav.conversations button')]\
    .find(b => b.textContent.includes(arguments[0])); if (b) b.click(); return !!b";

const CHAT_OPEN: &str = "const h = document.querySelector('.chat header'); \
    return !!h && h.textContent.includes(arguments[0])";

const INSTALL_PROBE: &str = "const p = { longest: 0, stalls: 0, frames: 0, last: 0 }; \
    window.__frameProbe = p; \
    const tick = t => { if (p.last > 0) { const gap = t - p.last; \
      if (gap > p.longest) p.longest = gap; if (gap > 100) p.stalls++; } \
      p.frames++; p.last = t; requestAnimationFrame(tick); }; \
    requestAnimationFrame(tick); return true";

/// Reads the probe and starts it over.
const READ_PROBE: &str = "const p = window.__frameProbe; \
    const seen = [p.longest, p.stalls, p.frames]; p.longest = 0; p.stalls = 0; p.frames = 0; \
    return seen";

/// The page at rest before the stream: the baseline for frame gaps (what
/// this machine's WebKit manages with nothing to do).
const IDLE_PROBE: Duration = Duration::from_secs(5);

const MESSAGE_SHOWN: &str = "return [...document.querySelectorAll('article.message')]\
    .some(a => a.textContent.includes(arguments[0]))";

/// How the stream is paced: `rate` messages (or reactions) a second for
/// `seconds`.
#[derive(Debug, Clone, Copy)]
pub struct Stream {
    pub rate: u32,
    pub seconds: u32,
}

/// What the stream carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Traffic {
    /// New messages.
    Messages,
    /// New messages, a tenth of them edited and three tenths reacted to
    /// right after (so 1.4 changes to the page per message).
    EditedAndReacted,
    /// Reactions only, toggled on and off on 50 messages already on
    /// screen: every one changes a row the user is looking at.
    Reactions,
}

impl Traffic {
    /// How the measure names it: "1000 msg/s …".
    pub fn unit(self) -> &'static str {
        match self {
            Traffic::Messages => "msg/s",
            Traffic::EditedAndReacted => "msg/s (10% edited, 30% reacted to)",
            Traffic::Reactions => "reactions/s",
        }
    }
}

/// Messages the reactions of [`Traffic::Reactions`] go to.
const REACTION_TARGETS: usize = 50;
/// The emoji a reaction stream toggles (fewer than the 20 a user may show).
const EMOJI: [&str; 10] = ["👍", "❤️", "😂", "🎉", "😮", "🙏", "👀", "🔥", "✅", "🚀"];
/// The stream's last reaction: once it is on screen, all were handled.
const FINISH: &str = "🏁";

impl Stream {
    pub fn total(&self) -> usize {
        usize::try_from(u64::from(self.rate) * u64::from(self.seconds)).unwrap_or(usize::MAX)
    }
}

/// What the frame probe saw over a stretch of time.
#[derive(Debug, Clone, Copy)]
pub struct Frames {
    pub longest_gap_ms: f64,
    pub stalls: u64,
    pub frames: u64,
    pub over: Duration,
}

impl Frames {
    fn read(probe: &Value, over: Duration) -> Frames {
        let number = |i: usize| probe.get(i).and_then(Value::as_f64).unwrap_or(f64::NAN);
        Frames {
            longest_gap_ms: number(0),
            stalls: number(1) as u64,
            frames: number(2) as u64,
            over,
        }
    }

    pub fn per_second(&self) -> f64 {
        self.frames as f64 / self.over.as_secs_f64().max(0.001)
    }
}

#[derive(Debug, Clone)]
pub struct LoadSample {
    /// The page at rest, just before the stream.
    pub idle: Frames,
    /// From the first message sent to the last one on screen.
    pub streaming: Frames,
    pub before: Memory,
    pub after: Memory,
    /// From the last message sent to it being on screen; `None` if it was
    /// not within [`SHOWN_WITHIN`] (the page fell behind).
    pub last_shown_after: Option<Duration>,
    /// How long sending took (longer than planned if bob fell behind).
    pub sending: Duration,
    /// RSS of app + WebKit every few seconds of the stream, in MiB: a
    /// straight climb is a leak, a climb that levels off is a heap sizing
    /// itself to the load.
    pub rss_trace: Vec<f64>,
    /// Where the CPU went during the stream.
    pub cpu: String,
}

/// Bursts of this many milliseconds' worth of messages.
const TICK_MS: u32 = 10;

/// How long the page may take to show the last message after it was sent.
pub const SHOWN_WITHIN: Duration = Duration::from_secs(120);

pub async fn receive_stream(
    scene: &Scene,
    stream: Stream,
    traffic: Traffic,
) -> Result<LoadSample, AppBenchError> {
    let session = scene.open_app().await?;
    let every = Duration::from_millis(50);
    let within = Duration::from_secs(60);
    let bob = vec![json!("bob")];
    wait_js(
        &session,
        "bob's chat",
        OPEN_CHAT,
        bob.clone(),
        every,
        within,
    )
    .await?;
    wait_js(&session, "bob's chat open", CHAT_OPEN, bob, every, within).await?;
    // The chat is read while the window has the focus, as when a user
    // watches it.
    scene
        .desktop
        .focus_window("Tether$")
        .map_err(AppBenchError::io("focusing the window"))?;
    let targets = match traffic {
        Traffic::Reactions => reaction_targets(scene, &session).await?,
        _ => Vec::new(),
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = scene.app_memory()?;
    session.execute(INSTALL_PROBE, vec![]).await?;
    let probing = Instant::now();
    tokio::time::sleep(IDLE_PROBE).await;
    let idle = Frames::read(
        &session.execute(READ_PROBE, vec![]).await?,
        probing.elapsed(),
    );

    let total = stream.total();
    let ticks = (stream.seconds * 1000 / TICK_MS).max(1);
    let per_tick = total.div_ceil(ticks as usize);
    let app = scene
        .app_pid()?
        .ok_or_else(|| AppBenchError::Setup("the app is not running".into()))?;
    let cpu_before = CpuTimes::read(app).map_err(AppBenchError::io("reading CPU times"))?;
    let started = Instant::now();
    let mut sent = 0;
    let mut rss_trace = vec![before.rss_mib()];
    let sample_every = (5_000 / TICK_MS).max(1);
    for tick in 0..ticks {
        if tick > 0 && tick % sample_every == 0 {
            rss_trace.push(scene.app_memory()?.rss_mib());
        }
        let due = started + Duration::from_millis(u64::from(tick * TICK_MS));
        tokio::time::sleep_until(due.into()).await;
        let n = per_tick.min(total - sent);
        match traffic {
            Traffic::Messages | Traffic::EditedAndReacted => {
                let texts = (sent..sent + n).map(|i| format!("stream {i}"));
                let messages = scene
                    .bob
                    .client
                    .send_many(scene.alice.clone(), texts)
                    .await?;
                if traffic == Traffic::EditedAndReacted {
                    change_some(scene, &messages, sent).await?;
                }
            }
            Traffic::Reactions => {
                for k in sent..sent + n {
                    let of = targets[k % targets.len()];
                    let emoji = EMOJI[(k / targets.len()) % EMOJI.len()].to_owned();
                    let on = (k / (targets.len() * EMOJI.len())).is_multiple_of(2);
                    let react = MessageChange::React { emoji, on };
                    scene.bob.client.change_message(of, react).await?;
                }
            }
        }
        sent += n;
    }
    let last_text = match traffic {
        Traffic::Reactions => {
            let of = targets[targets.len() - 1];
            let react = MessageChange::React {
                emoji: FINISH.into(),
                on: true,
            };
            scene.bob.client.change_message(of, react).await?;
            FINISH.to_owned()
        }
        _ => format!("stream {}", total - 1),
    };
    let sending = started.elapsed();
    let cpu = CpuTimes::read(app)
        .map_err(AppBenchError::io("reading CPU times"))?
        .since(&cpu_before);
    let last_sent = Instant::now();
    let last = vec![json!(last_text)];
    let shown = match wait_js(
        &session,
        "the last message on screen",
        MESSAGE_SHOWN,
        last,
        Duration::from_millis(20),
        SHOWN_WITHIN,
    )
    .await
    {
        Ok(at) => Some(at.saturating_duration_since(last_sent)),
        // A finding, not a failure of the benchmark: measured and reported.
        Err(AppBenchError::Timeout(..)) => None,
        Err(e) => return Err(e),
    };
    let streaming = Frames::read(
        &session.execute(READ_PROBE, vec![]).await?,
        started.elapsed(),
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = scene.app_memory()?;
    scene.quit_app(session).await?;
    Ok(LoadSample {
        idle,
        streaming,
        before,
        after,
        last_shown_after: shown,
        rss_trace,
        cpu,
        sending,
    })
}

/// Edits a tenth of `messages` (the `first`-th onwards of the stream) and
/// reacts to three tenths, as bob.
async fn change_some(
    scene: &Scene,
    messages: &[StoredMessage],
    first: usize,
) -> Result<(), AppBenchError> {
    for (i, message) in messages.iter().enumerate() {
        let n = first + i;
        if n.is_multiple_of(10) {
            let edit = MessageChange::Edit(format!("stream {n} (edited)"));
            scene.bob.client.change_message(message.id, edit).await?;
        }
        if n % 10 < 3 {
            let react = MessageChange::React {
                emoji: "👍".into(),
                on: true,
            };
            scene.bob.client.change_message(message.id, react).await?;
        }
    }
    Ok(())
}

/// Bob's messages the reactions go to, once they are on screen.
async fn reaction_targets(
    scene: &Scene,
    session: &fantoccini::Client,
) -> Result<Vec<MessageId>, AppBenchError> {
    let texts = (0..REACTION_TARGETS).map(|k| format!("react to me {k}"));
    let sent = scene
        .bob
        .client
        .send_many(scene.alice.clone(), texts)
        .await?;
    let last = vec![json!(format!("react to me {}", REACTION_TARGETS - 1))];
    let every = Duration::from_millis(50);
    let within = Duration::from_secs(60);
    wait_js(
        session,
        "the messages to react to",
        MESSAGE_SHOWN,
        last,
        every,
        within,
    )
    .await?;
    Ok(sent.into_iter().map(|m| m.id).collect())
}
