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
//! The OpenGL probes this leaves useless are turned off in
//! `web_environment`.

use tauri::WebviewWindow;

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
