//! P7: the app receiving a steady stream into the open chat.
//!
//! A frame probe in the page (a `requestAnimationFrame` loop) records the
//! longest gap between frames: a gap over 100 ms is a stall a user sees
//! (typing, scrolling and clicks wait for it). Nothing talks to the page
//! over WebDriver while the stream runs, so the probe measures the app,
//! not the benchmark.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::error::AppBenchError;
use crate::procs::Memory;
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

const READ_PROBE: &str = "const p = window.__frameProbe; \
    return [p.longest, p.stalls, p.frames]";

const MESSAGE_SHOWN: &str = "return [...document.querySelectorAll('article.message')]\
    .some(a => a.textContent.includes(arguments[0]))";

/// How the stream is paced: `rate` messages a second for `seconds`.
#[derive(Debug, Clone, Copy)]
pub struct Stream {
    pub rate: u32,
    pub seconds: u32,
}

impl Stream {
    pub fn total(&self) -> usize {
        usize::try_from(u64::from(self.rate) * u64::from(self.seconds)).unwrap_or(usize::MAX)
    }
}

#[derive(Debug, Clone, Copy)]
pub struct LoadSample {
    pub longest_frame_gap_ms: f64,
    pub stalls: u64,
    pub frames: u64,
    pub before: Memory,
    pub after: Memory,
    /// From the last message sent to it being on screen.
    pub last_shown_after: Duration,
    /// How long sending took (longer than planned if bob fell behind).
    pub sending: Duration,
}

/// Bursts of this many milliseconds' worth of messages.
const TICK_MS: u32 = 10;

pub async fn receive_stream(scene: &Scene, stream: Stream) -> Result<LoadSample, AppBenchError> {
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
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = scene.app_memory()?;
    session.execute(INSTALL_PROBE, vec![]).await?;

    let total = stream.total();
    let ticks = (stream.seconds * 1000 / TICK_MS).max(1);
    let per_tick = total.div_ceil(ticks as usize);
    let started = Instant::now();
    let mut sent = 0;
    for tick in 0..ticks {
        let due = started + Duration::from_millis(u64::from(tick * TICK_MS));
        tokio::time::sleep_until(due.into()).await;
        let n = per_tick.min(total - sent);
        let texts = (sent..sent + n).map(|i| format!("stream {i}"));
        scene
            .bob
            .client
            .send_many(scene.alice.clone(), texts)
            .await?;
        sent += n;
    }
    let sending = started.elapsed();
    let last_sent = Instant::now();
    let last = vec![json!(format!("stream {}", total - 1))];
    let shown = wait_js(
        &session,
        "the last message on screen",
        MESSAGE_SHOWN,
        last,
        Duration::from_millis(20),
        Duration::from_secs(300),
    )
    .await?;
    let probe = session.execute(READ_PROBE, vec![]).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = scene.app_memory()?;
    scene.quit_app(session).await?;
    let number = |i: usize| probe.get(i).and_then(Value::as_f64).unwrap_or(f64::NAN);
    Ok(LoadSample {
        longest_frame_gap_ms: number(0),
        stalls: number(1) as u64,
        frames: number(2) as u64,
        before,
        after,
        last_shown_after: shown.saturating_duration_since(last_sent),
        sending,
    })
}
