//! The `tether-app` binary: see the library for what it does.

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[allow(unsafe_code)]
fn main() -> std::process::ExitCode {
    // SAFETY: nothing has started a thread yet; this is main's first step.
    unsafe { tether_app::before_gtk() };
    match tether_app::run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tether: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
