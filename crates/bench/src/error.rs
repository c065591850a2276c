//! What can stop a benchmark.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum BenchError {
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Client(#[from] tether_core::ClientError),
    #[error(transparent)]
    Store(#[from] tether_core::store::StoreError),
    #[error("bad benchmark set-up: {0}")]
    Setup(String),
    #[error("{0} did not happen within {1:?}")]
    Timeout(String, std::time::Duration),
    #[error("wrong result: {0}")]
    Wrong(String),
}

impl BenchError {
    pub fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> BenchError {
        let what = what.into();
        move |source| BenchError::Io { what, source }
    }
}
