//! How the page is painted.
//!
//! On Linux, WebKitGTK composites the page with OpenGL. Where there is no
//! GPU (virtual machines, remote desktops, CI) that OpenGL is Mesa's
//! llvmpipe, emulated on the CPU: a chat scrolling under a stream of
//! messages kept WebKit's web process at 1.3 cores and the page at 15
//! frames a second (P7 in docs/BENCHMARKS.md). A chat has no 3D, video or
//! heavy animation for a GPU to help with; painted without compositing the
//! same stream ran at 55 frames a second on 0.8 cores, and the idle app
//! took ~70 MB less memory. macOS and Windows composite on the GPU.
//!
//! With painting on the CPU, two OpenGL probes at start-up are of no use:
//! GTK asking the X server for GLX when it opens the display, and WebKit
//! setting up DMA-BUF buffers to hand frames from the web process to the
//! window. They are turned off through the environment, which GTK and
//! WebKit read before the app could call them, so [`before_gtk`] runs
//! first thing in `main`. The idle app took ~11 MB less (P8). WebKit still
//! opens an EGL display of its own (it refuses to start without one).

use tauri::WebviewWindow;

/// What GTK and WebKit are told through the environment on Linux; a value
/// the user set already is kept (e.g. `GDK_GL` to debug GTK).
#[cfg(target_os = "linux")]
const ENVIRONMENT: [(&str, &str); 2] = [
    ("GDK_GL", "disable"),
    ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
];

/// Sets `GDK_GL=disable` and `WEBKIT_DISABLE_DMABUF_RENDERER=1` on Linux
/// (unless the user set them) for this process and the WebKit processes
/// it starts; does nothing elsewhere.
///
/// # Safety
/// No other thread may exist yet: the environment is written while nothing
/// else can read it. Call it first thing in `main`.
#[allow(unsafe_code)]
pub unsafe fn before_gtk() {
    #[cfg(target_os = "linux")]
    for (name, value) in ENVIRONMENT {
        if std::env::var_os(name).is_none() {
            // SAFETY: the caller guarantees this is the only thread.
            unsafe { std::env::set_var(name, value) };
        }
    }
}

pub fn configure(window: &WebviewWindow) {
    #[cfg(target_os = "linux")]
    {
        let painted = window.with_webview(|webview| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = webview.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
        if let Err(e) = painted {
            tracing::warn!("cannot configure how the page is painted: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
