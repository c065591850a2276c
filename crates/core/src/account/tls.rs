//! TLS settings for `mqtts://` and `wss://` brokers, built on rustls.
//!
//! The system's root certificates are trusted by default; an account may add
//! a private CA (common for self-hosted Mosquitto) and a client certificate.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore};
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsSettings {
    /// Extra CA certificate(s) in PEM, trusted in addition to the system roots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// Client certificate chain (PEM) for brokers that require mutual TLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_cert: Option<PathBuf>,
    /// Private key (PEM) for `client_cert`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_key: Option<PathBuf>,
}

#[derive(Debug, Error)]
pub enum TlsError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: rustls::pki_types::pem::Error,
    },
    #[error("{path} holds no PEM certificate")]
    NoCertificate { path: PathBuf },
    #[error("a client certificate needs its private key too (and the other way round)")]
    HalfClientAuth,
    #[error("no trusted root certificates: the system store is empty and no CA file is set")]
    NoRoots,
    #[error("TLS configuration rejected: {0}")]
    Rustls(#[from] rustls::Error),
}

impl TlsSettings {
    /// Builds the rustls client configuration for these settings.
    pub fn client_config(&self) -> Result<Arc<ClientConfig>, TlsError> {
        install_crypto_provider();
        let mut roots = RootCertStore::empty();
        // Unreadable individual system certificates are skipped: one broken
        // file in /etc/ssl must not stop the user from connecting.
        let native = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(native.certs);
        if let Some(ca) = &self.ca_file {
            let certs = read_certs(ca)?;
            roots.add_parsable_certificates(certs);
        }
        if roots.is_empty() {
            return Err(TlsError::NoRoots);
        }
        let builder = ClientConfig::builder().with_root_certificates(roots);
        let config = match (&self.client_cert, &self.client_key) {
            (Some(cert), Some(key)) => {
                let key = PrivateKeyDer::from_pem_file(key).map_err(|source| TlsError::Read {
                    path: key.clone(),
                    source,
                })?;
                builder.with_client_auth_cert(read_certs(cert)?, key)?
            }
            (None, None) => builder.with_no_client_auth(),
            _ => return Err(TlsError::HalfClientAuth),
        };
        Ok(Arc::new(config))
    }
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let read_err = |source| TlsError::Read {
        path: path.to_owned(),
        source,
    };
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(read_err)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(read_err)?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificate {
            path: path.to_owned(),
        });
    }
    Ok(certs)
}

/// rustls needs one process-wide crypto provider; we ship `ring`. Installing
/// twice is harmless (the second call reports the first is in place).
fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_client_auth_is_refused() {
        let s = TlsSettings {
            client_cert: Some("/nonexistent.pem".into()),
            ..Default::default()
        };
        assert!(matches!(s.client_config(), Err(TlsError::HalfClientAuth)));
    }

    #[test]
    fn missing_ca_file_names_the_file() {
        let s = TlsSettings {
            ca_file: Some("/nonexistent/ca.pem".into()),
            ..Default::default()
        };
        let err = s.client_config().unwrap_err().to_string();
        assert!(err.contains("/nonexistent/ca.pem"), "{err}");
    }

    #[test]
    fn a_file_without_certificates_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.pem");
        std::fs::write(&path, "not a certificate\n").unwrap();
        let s = TlsSettings {
            ca_file: Some(path),
            ..Default::default()
        };
        assert!(matches!(
            s.client_config(),
            Err(TlsError::NoCertificate { .. })
        ));
    }
}
