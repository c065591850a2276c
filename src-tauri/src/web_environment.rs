//! What GTK and WebKit's processes are told through the environment on
//! Linux.
//!
//! GTK and WebKit read these before the app could call any API of theirs,
//! and WebKit's web process inherits them from the app, so [`before_gtk`]
//! runs first thing in `main`. A value the user set already is kept (e.g.
//! `GDK_GL` to debug GTK, or a `JSC_` option to profile the page).
//!
//! - Painting: `GDK_GL=disable` and `WEBKIT_DISABLE_DMABUF_RENDERER=1` turn
//!   off two OpenGL probes that are of no use while the page is painted on
//!   the CPU: GTK asking the X server for GLX when it opens the display, and
//!   WebKit setting up DMA-BUF buffers to hand frames to the window (why
//!   the page is painted on the CPU: `rendering`). The idle app took ~11 MB
//!   less (P8 in docs/BENCHMARKS.md). WebKit still opens an EGL display of
//!   its own (it refuses to start without one).
//! - The page's JavaScript heap: JavaScriptCore sizes it for speed, not
//!   footprint. On a machine with 16 GB of RAM or more it lets the heap grow
//!   to ~4× what outlived the last full collection, and it never collects
//!   before 32 MB were allocated. Under a stream of messages into the open
//!   chat (P7: 1,000 a second) the heap swung between ~8 and ~90 MB and the
//!   app grew by 75–130 MB. A chat that sits in the tray all day should stay
//!   small: the heap grows to 1.5× what lived (JSC's own factor for larger
//!   heaps; 2× on machines under 16 GB) and collections start from 8 MB
//!   allocated. The same stream then kept the heap under ~16 MB and the app
//!   grew 52–55 MB (60–67 MB with 2×); the web process used about the same
//!   CPU under that stream (77–86% of a core, 76–82% with 2×, 71–75%
//!   before). Collections of a heap this small take a few milliseconds.
//! - The page's code cache: JavaScriptCore keeps the compiled form of every
//!   top-level script it ran, keyed by its source, for when the same source
//!   runs again (up to 2,000 scripts or ~16 MB of source). Tauri delivers
//!   each message of an IPC channel by running a script made for it (one
//!   that holds the message itself when it is under 8 KB), so no source
//!   ever comes twice: under the stream the cache filled with up to 30 new
//!   scripts a second (one per batch of events) that are never reused.
//!   The page's own code is loaded once, so the cache has nothing to give
//!   it either; `JSC_useCodeCache=0` turns it off. Two seconds after the
//!   stream the app had grown 46–47 MB instead of 53–58 MB (three runs
//!   each, alternating), the web process at about the same CPU.

/// Painting: see the module docs.
#[cfg(target_os = "linux")]
const PAINTING: [(&str, &str); 2] = [
    ("GDK_GL", "disable"),
    ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
];

/// The JavaScript heap: see the module docs. The "aggressive" growth JSC
/// picks from 16 GB of RAM up is turned off by raising that threshold to
/// 1 TB; below it the "small heap" factor applies (the web process stays
/// under 80% of RAM); sizes are in bytes.
#[cfg(target_os = "linux")]
const JAVASCRIPT_HEAP: [(&str, &str); 3] = [
    ("JSC_aggressiveHeapThresholdInMB", "1048576"),
    ("JSC_smallHeapGrowthFactor", "1.5"),
    ("JSC_largeHeapSize", "8388608"),
];

/// The code cache: see the module docs.
#[cfg(target_os = "linux")]
const JAVASCRIPT_CODE_CACHE: [(&str, &str); 1] = [("JSC_useCodeCache", "0")];

/// The variables above that `is_set` says the user has not set.
#[cfg(target_os = "linux")]
fn unset(is_set: impl Fn(&str) -> bool) -> impl Iterator<Item = (&'static str, &'static str)> {
    PAINTING
        .into_iter()
        .chain(JAVASCRIPT_HEAP)
        .chain(JAVASCRIPT_CODE_CACHE)
        .filter(move |(name, _)| !is_set(name))
}

/// Sets the variables above on Linux (those the user has not set) for this
/// process and the WebKit processes it starts; does nothing elsewhere.
///
/// # Safety
/// No other thread may exist yet: the environment is written while nothing
/// else can read it. Call it first thing in `main`.
#[allow(unsafe_code)]
pub unsafe fn before_gtk() {
    #[cfg(target_os = "linux")]
    for (name, value) in unset(|name| std::env::var_os(name).is_some()) {
        // SAFETY: the caller guarantees this is the only thread.
        unsafe { std::env::set_var(name, value) };
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_value_the_user_set_is_kept() {
        let to_set: Vec<_> =
            unset(|name| name == "GDK_GL" || name == "JSC_largeHeapSize").collect();
        assert_eq!(
            to_set,
            [
                ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
                ("JSC_aggressiveHeapThresholdInMB", "1048576"),
                ("JSC_smallHeapGrowthFactor", "1.5"),
                ("JSC_useCodeCache", "0"),
            ]
        );
    }

    #[test]
    fn jsc_options_are_numbers_jsc_can_read() {
        // JSC ignores an option it cannot parse, silently: a typo here
        // would quietly bring the large heap back. Sizes are whole numbers,
        // booleans 0 or 1.
        for (name, value) in JAVASCRIPT_HEAP.into_iter().chain(JAVASCRIPT_CODE_CACHE) {
            assert!(name.starts_with("JSC_"), "{name}");
            let whole = value.parse::<u64>().is_ok();
            let factor = value.parse::<f64>().is_ok_and(|f| f > 1.0);
            assert!(
                whole || (name.ends_with("Factor") && factor),
                "{name}={value}"
            );
        }
    }
}
