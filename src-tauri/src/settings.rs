//! Settings of the app as a whole, not of one account: the global
//! notification settings (do not disturb, hide message text), kept in
//! `notifications.json` in Tether's config directory.

use std::path::{Path, PathBuf};

use tether_core::model::GlobalNotify;

/// The file the global notification settings live in.
pub fn notify_file(config_dir: &Path) -> PathBuf {
    config_dir.join("notifications.json")
}

/// The saved settings; the defaults when there are none or they cannot be
/// read (said in the log: a broken file must not stop notifications).
pub fn load_notify(config_dir: &Path) -> GlobalNotify {
    let path = notify_file(config_dir);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            tracing::warn!("{} is not valid ({e}); using the defaults", path.display());
            GlobalNotify::default()
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => GlobalNotify::default(),
        Err(e) => {
            tracing::warn!("cannot read {} ({e}); using the defaults", path.display());
            GlobalNotify::default()
        }
    }
}

/// Saves the settings (written whole to a temporary file, then renamed,
/// so a crash leaves the old file or the new one).
pub fn save_notify(config_dir: &Path, notify: &GlobalNotify) -> std::io::Result<()> {
    std::fs::create_dir_all(config_dir)?;
    let path = notify_file(config_dir);
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(notify)?)?;
    std::fs::rename(&tmp, &path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_settings_come_back_and_a_broken_file_means_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load_notify(dir.path()), GlobalNotify::default());
        let set = GlobalNotify {
            dnd_until_ms: Some(i64::MAX),
            hide_text: true,
        };
        save_notify(dir.path(), &set).unwrap();
        assert_eq!(load_notify(dir.path()), set);
        std::fs::write(notify_file(dir.path()), b"{not json").unwrap();
        assert_eq!(load_notify(dir.path()), GlobalNotify::default());
    }
}
