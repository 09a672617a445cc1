//! The relay serving HTTPS itself: verified by a client that trusts the CA, HSTS on its
//! answers, a renewed certificate picked up without a restart, and a broken renewal
//! leaving the working certificate in place.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use cartero_native::stream::handshake;
use cartero_native::tls::client_tls_config;
use cartero_relay::Config;
use cartero_tests::certs::{issue_server_cert, test_pki};
use cartero_tests::relay::Relay;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// GET `path` over TLS: the server's certificate (DER) and the reply's head.
async fn get(relay: &Relay, path: &str) -> (Vec<u8>, String) {
    let trusted = Arc::new(client_tls_config(Some(&test_pki().ca)).expect("the test CA"));
    let tcp = tokio::net::TcpStream::connect(relay.addr)
        .await
        .expect("connect");
    let mut tls = handshake(tcp, "127.0.0.1", trusted)
        .await
        .expect("a verified handshake");
    let cert = tls.get_ref().1.peer_certificates().expect("a certificate")[0].to_vec();
    let request = format!("GET {path} HTTP/1.0\r\nHost: {}\r\n\r\n", relay.addr);
    tls.write_all(request.as_bytes()).await.expect("send");
    let mut reply = Vec::new();
    let _ = tls.read_to_end(&mut reply).await;
    let head = String::from_utf8_lossy(&reply)
        .split("\r\n\r\n")
        .next()
        .unwrap_or("")
        .to_owned();
    (cert, head)
}

/// Waits (up to 20 s) until the relay serves a certificate other than `old`; returns it.
async fn served_other_than(relay: &Relay, old: &[u8], what: &str) -> Vec<u8> {
    cartero_tests::wait::wait_until(what, Duration::from_secs(20), || async move {
        let (cert, _) = get(relay, "/healthz").await;
        (cert != old).then_some(cert)
    })
    .await
}

async fn https_relay(dir: &Path) -> Relay {
    let mut config = Config::defaults();
    config.tls_cert = Some(dir.join("live.pem"));
    config.tls_key = Some(dir.join("live.key"));
    Relay::start_with(config).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_serves_https_and_picks_up_a_renewed_certificate() {
    let dir = tempfile::tempdir().expect("a directory");
    issue_server_cert(&test_pki().dir, dir.path(), "live");
    let relay = https_relay(dir.path()).await;
    let (first, head) = get(&relay, "/healthz").await;
    assert!(
        head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200"),
        "{head}"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("strict-transport-security: max-age="),
        "{head}"
    );

    // Renewal, as certbot does it: new files in place, no restart.
    issue_server_cert(&test_pki().dir, dir.path(), "live");
    let renewed = served_other_than(&relay, &first, "the renewed certificate").await;

    // A renewal the file watch cannot see (same modification times, as when a tool
    // preserves them) is picked up on SIGHUP, what `systemctl reload` sends.
    let times = |name: &str| {
        std::fs::metadata(dir.path().join(name))
            .and_then(|m| m.modified())
            .expect("a modification time")
    };
    let (cert_time, key_time) = (times("live.pem"), times("live.key"));
    issue_server_cert(&test_pki().dir, dir.path(), "live");
    for (name, time) in [("live.pem", cert_time), ("live.key", key_time)] {
        std::fs::File::options()
            .write(true)
            .open(dir.path().join(name))
            .and_then(|f| f.set_modified(time))
            .expect("restore the modification time");
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (unseen, _) = get(&relay, "/healthz").await;
    assert_eq!(unseen, renewed, "no reload without a change or a signal");
    // The relay's certificate watch handles SIGHUP in this process (as in the binary).
    let status = std::process::Command::new("kill")
        .args(["-HUP", &std::process::id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let renewed = served_other_than(&relay, &renewed, "the certificate reloaded on SIGHUP").await;

    // A broken renewal (a half-written file) keeps the working certificate.
    std::fs::write(
        dir.path().join("live.pem"),
        "-----BEGIN CERTIFICATE-----\ntruncated",
    )
    .unwrap();
    cartero_tests::wait_for_log_line(&["TLS certificate not reloaded"]).await;
    let (still, _) = get(&relay, "/healthz").await;
    assert_eq!(
        still, renewed,
        "the working certificate stays after a failed reload"
    );
}
