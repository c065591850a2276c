//! What the numbers were measured on: CPU, cores, memory, OS, versions.

use std::process::Command;

#[derive(Debug, Clone)]
pub struct Machine {
    /// UTC date of the run, `YYYY-MM-DD`.
    pub date: String,
    pub cpu: String,
    pub cores: usize,
    pub memory: String,
    pub os: String,
    pub mosquitto: String,
    pub tether: String,
}

impl Machine {
    pub fn read() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu =
            field(&cpuinfo, "model name").unwrap_or_else(|| std::env::consts::ARCH.to_owned());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory = field(&meminfo, "MemTotal")
            .and_then(|kb| kb.trim_end_matches(" kB").trim().parse::<f64>().ok())
            .map_or_else(
                || "unknown".to_owned(),
                |kb| format!("{:.0} GiB", kb / 1024.0 / 1024.0),
            );
        let os_release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
        let os = os_release
            .lines()
            .find_map(|l| l.strip_prefix("PRETTY_NAME="))
            .map_or_else(
                || std::env::consts::OS.to_owned(),
                |v| v.trim_matches('"').to_owned(),
            );
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        Machine {
            date: today(),
            cpu,
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            memory,
            os: format!("{os}, Linux {}", kernel.trim()),
            mosquitto: mosquitto_version(),
            tether: format!(
                "{} ({} build)",
                env!("CARGO_PKG_VERSION"),
                if cfg!(debug_assertions) {
                    "debug"
                } else {
                    "release"
                }
            ),
        }
    }

    pub fn describe(&self) -> String {
        format!(
            "{} × {} cores, {} RAM; {}; Mosquitto {}; Tether {}",
            self.cpu, self.cores, self.memory, self.os, self.mosquitto, self.tether
        )
    }

    #[cfg(test)]
    pub fn for_tests() -> Machine {
        Machine {
            date: "2026-01-01".into(),
            cpu: "cpu".into(),
            cores: 2,
            memory: "1 GiB".into(),
            os: "os".into(),
            mosquitto: "2".into(),
            tether: "0".into(),
        }
    }
}

/// The value of the first `key : value` line.
fn field(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == key).then(|| v.trim().to_owned())
    })
}

/// `mosquitto -h` prints "mosquitto version X.Y.Z" first.
fn mosquitto_version() -> String {
    ["/usr/sbin/mosquitto", "mosquitto"]
        .iter()
        .find_map(|bin| Command::new(bin).arg("-h").output().ok())
        .and_then(|out| {
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            text.lines()
                .next()
                .and_then(|l| l.split("version ").nth(1))
                .map(|v| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Today's UTC date, `YYYY-MM-DD`.
fn today() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_iso() {
        let date = today();
        assert_eq!(date.len(), 10, "{date}");
        assert_eq!(&date[4..5], "-");
    }

    #[test]
    fn fields_of_proc_files() {
        let text = "processor\t: 0\nmodel name\t: Some CPU @ 2GHz\n";
        assert_eq!(
            field(text, "model name").as_deref(),
            Some("Some CPU @ 2GHz")
        );
        assert_eq!(field(text, "flags"), None);
    }
}
