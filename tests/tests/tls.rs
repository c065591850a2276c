//! TLS brokers (`mqtts://`): trusted through the account's CA file, and
//! refused with a clear error when the certificate cannot be verified.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

mod common;

use std::path::Path;
use std::process::Command;

use common::{Peer, account, dm};

use tether_tests::{MOSQUITTO_LOG_FILE, Mosquitto};

use tether_core::model::ConnectionState;
/// A throwaway CA and a server certificate for localhost / 127.0.0.1.
fn make_certs(dir: &Path) {
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=tether-test-ca",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    std::fs::write(
        dir.join("san.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "san.ext",
    ]);
}

fn tls_broker(certs: &Path) -> Mosquitto {
    let certs = certs.to_owned();
    Mosquitto::start_raw(move |port, dir| {
        format!(
            "user root\nlistener {port} 127.0.0.1\nallow_anonymous true\n\
             cafile {c}/ca.pem\ncertfile {c}/server.pem\nkeyfile {c}/server.key\n\
             log_dest file {log}\nlog_type all\npersistence false\n",
            c = certs.display(),
            log = dir.join(MOSQUITTO_LOG_FILE).display(),
        )
    })
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_over_tls_with_a_private_ca() {
    let certs = tempfile::tempdir().unwrap();
    make_certs(certs.path());
    let broker = tls_broker(certs.path());
    let url = format!("mqtts://localhost:{}", broker.port());
    let dir = tempfile::tempdir().unwrap();
    let with_ca = |user: &str| {
        let mut a = account(&url, user, 30);
        a.tls.ca_file = Some(certs.path().join("ca.pem"));
        a
    };
    let alice = Peer::with_account(with_ca("alice"), dir.path()).await;
    let mut bob = Peer::with_account(with_ca("bob"), dir.path()).await;
    alice.connected().await;
    bob.connected().await;
    alice.client.send(dm("bob"), "over TLS").await.unwrap();
    assert_eq!(bob.next_message().await.text, "over TLS");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_certificate_is_refused_with_a_tls_error() {
    let certs = tempfile::tempdir().unwrap();
    make_certs(certs.path());
    let broker = tls_broker(certs.path());
    let url = format!("mqtts://localhost:{}", broker.port());
    let dir = tempfile::tempdir().unwrap();
    // No CA file: only the system roots, which do not know this CA.
    let carol = Peer::with_account(account(&url, "carol", 30), dir.path()).await;
    let mut state = carol.client.connection();
    let waiting = tokio::time::timeout(
        common::WAIT,
        state.wait_for(|s| matches!(s, ConnectionState::Waiting { .. })),
    )
    .await
    .unwrap()
    .unwrap()
    .clone();
    let ConnectionState::Waiting { error, code, .. } = waiting else {
        unreachable!()
    };
    // The kind decides (the shell and the UI go by it), the words explain.
    assert_eq!(code, tether_core::error::ErrorCode::Tls, "{error}");
    assert!(error.starts_with("TLS"), "{error}");
}
