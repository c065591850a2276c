//! What can stop an app benchmark.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum AppBenchError {
    #[error(transparent)]
    Bench(#[from] tether_bench::BenchError),
    #[error(transparent)]
    Client(#[from] tether_core::ClientError),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("WebDriver: {0}")]
    WebDriver(#[from] fantoccini::error::CmdError),
    #[error("{0}")]
    Setup(String),
    #[error("{0} did not happen within {1:?}")]
    Timeout(String, std::time::Duration),
}

impl AppBenchError {
    pub fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> AppBenchError {
        let what = what.into();
        move |source| AppBenchError::Io { what, source }
    }
}
