//! The shared POP3 client, driven natively through the real relay's WebSocket, against a
//! real Dovecot.

use cartero_native::relay_client::{RelaySession, download_mailbox, open_socket};
use cartero_native::{DriveError, TransportError};
use cartero_relay::Config;
use cartero_shared::pop3::RespCode;
use cartero_shared::wire::{CertificateProblem, ConnectQuery, ErrorCode, RelayMessage, Security};
use cartero_tests::certs::{LOOPBACK_NAMES, Validity, issue_cert, test_pki};
use cartero_tests::dovecot::Dovecot;
use cartero_tests::relay::{Relay, RelaySetup};
use cartero_tests::samples::alice;

async fn dovecot_and_relay(trust_test_ca: bool) -> (Dovecot, Relay) {
    let dovecot = Dovecot::start(vec![alice()]).await;
    let relay = Relay::start(RelaySetup {
        allow: vec![dovecot.pop3, dovecot.pop3s],
        ca_file: trust_test_ca.then(|| test_pki().ca.clone()),
        static_dir: None,
    })
    .await;
    (dovecot, relay)
}

fn expect_relay_error(result: Result<impl std::fmt::Debug, DriveError>, code: ErrorCode) -> String {
    expect_relay_error_with_certificate(result, code).0
}

/// The relay's error message and the certificate problem it named.
fn expect_relay_error_with_certificate(
    result: Result<impl std::fmt::Debug, DriveError>,
    code: ErrorCode,
) -> (String, Option<CertificateProblem>) {
    match result {
        Err(DriveError::Transport(TransportError::Relay(RelayMessage::Error {
            code: got,
            message,
            certificate,
        }))) if got == code => (message, certificate),
        other => panic!("expected relay error {code:?}, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_security_mode_downloads_the_mailbox_byte_for_byte() {
    let (dovecot, relay) = dovecot_and_relay(true).await;
    let want: Vec<(String, Vec<u8>)> = dovecot
        .mailbox("alice")
        .into_iter()
        .map(|m| (m.uidl.clone(), m.wire_bytes()))
        .collect();
    assert_eq!(want.len(), 3);
    for (port, security) in [
        (dovecot.pop3.port(), Security::None),
        (dovecot.pop3.port(), Security::Starttls),
        (dovecot.pop3s.port(), Security::Tls),
    ] {
        let (tls, got) =
            download_mailbox(relay.addr, "127.0.0.1", port, security, "alice", "secret")
                .await
                .unwrap_or_else(|e| panic!("{security:?}: {e:?}"));
        assert_eq!(
            got, want,
            "{security:?}: downloaded bytes differ from the server's"
        );
        match (security, tls) {
            (Security::None, RelayMessage::Connected { tls: None, .. }) => {}
            (
                Security::Tls,
                RelayMessage::Connected {
                    tls: Some(info), ..
                },
            )
            | (Security::Starttls, RelayMessage::TlsStarted { tls: info }) => {
                assert_eq!(info.version, "TLSv1.3", "{security:?}");
                assert_eq!(info.server_name, "127.0.0.1");
            }
            (security, other) => panic!("{security:?}: unexpected TLS report {other:?}"),
        }
    }
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_certificate_is_refused_with_the_reason() {
    let (dovecot, relay) = dovecot_and_relay(false).await;
    for (port, security) in [
        (dovecot.pop3s.port(), Security::Tls),
        (dovecot.pop3.port(), Security::Starttls),
    ] {
        let result =
            download_mailbox(relay.addr, "127.0.0.1", port, security, "alice", "secret").await;
        let (message, certificate) =
            expect_relay_error_with_certificate(result, ErrorCode::TlsFailed);
        assert!(
            message.contains("unknown authority"),
            "{security:?}: {message}"
        );
        assert_eq!(certificate, Some(CertificateProblem::UnknownIssuer));
    }
}

/// An expired certificate and one for another name, both from the CA the relay trusts:
/// each is refused, and the browser is told which check failed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_or_misnamed_certificate_is_refused_with_the_check_that_failed() {
    let pki = test_pki();
    for (names, validity, problem, words) in [
        (
            LOOPBACK_NAMES,
            Validity::Expired,
            CertificateProblem::Expired,
            "has expired",
        ),
        (
            "DNS:mail.example.org",
            Validity::ThreeDays,
            CertificateProblem::WrongName,
            "for another name",
        ),
    ] {
        let dir = tempfile::tempdir().expect("a temporary directory");
        issue_cert(&pki.dir, dir.path(), "server", names, validity);
        let (cert, key) = (dir.path().join("server.pem"), dir.path().join("server.key"));
        let dovecot = Dovecot::start_with_cert(vec![alice()], &cert, &key).await;
        let relay = Relay::start(RelaySetup {
            allow: vec![dovecot.pop3s],
            ca_file: Some(pki.ca.clone()),
            static_dir: None,
        })
        .await;
        let result = download_mailbox(
            relay.addr,
            "127.0.0.1",
            dovecot.pop3s.port(),
            Security::Tls,
            "alice",
            "secret",
        )
        .await;
        let (message, certificate) =
            expect_relay_error_with_certificate(result, ErrorCode::TlsFailed);
        assert!(message.contains(words), "{problem:?}: {message}");
        assert_eq!(certificate, Some(problem));
        relay.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_comes_back_as_the_servers_auth_error() {
    let (dovecot, relay) = dovecot_and_relay(true).await;
    let query = ConnectQuery {
        host: "127.0.0.1".into(),
        port: dovecot.pop3s.port(),
        security: Security::Tls,
    };
    let mut session = RelaySession::open(relay.addr, &query)
        .await
        .expect("connected");
    match session.log_in("alice", "not-her-password").await {
        Err(DriveError::Server(e)) => assert_eq!(e.code, Some(RespCode::Auth), "{e:?}"),
        other => panic!("expected -ERR [AUTH], got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstreams_off_the_allowlist_are_refused() {
    let (dovecot, relay) = dovecot_and_relay(true).await;
    let other_port = cartero_tests::free_port();
    for (host, port, why) in [
        ("127.0.0.1", other_port, "not allowed"),
        ("localhost", dovecot.pop3.port(), "not allowed"),
        ("[::ffff:127.0.0.2]", dovecot.pop3.port(), "not allowed"),
        ("2130706433", dovecot.pop3.port(), "unusual spelling"),
        ("0x7f.1", dovecot.pop3.port(), "unusual spelling"),
        ("0177.0.0.1", dovecot.pop3.port(), "unusual spelling"),
    ] {
        let result =
            download_mailbox(relay.addr, host, port, Security::None, "alice", "secret").await;
        let message = expect_relay_error(result, ErrorCode::NotAllowed);
        assert!(message.contains(why), "{host}:{port}: {message}");
        cartero_tests::wait_for_log_line(&["session refused", "code=NotAllowed", &message]).await;
    }
}

/// A listed name that resolves to loopback is refused after the
/// lookup: only an IP entry may allow a non-public address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listed_name_that_resolves_to_loopback_is_refused() {
    let dovecot = Dovecot::start(vec![alice()]).await;
    let mut config = Config::defaults();
    let port = dovecot.pop3.port();
    config.allow = vec![format!("localhost:{port}").parse().unwrap()];
    let relay = Relay::start_with(config).await;
    let result = download_mailbox(
        relay.addr,
        "localhost",
        port,
        Security::None,
        "alice",
        "secret",
    )
    .await;
    let message = expect_relay_error(result, ErrorCode::NotAllowed);
    assert!(message.contains("non-public address"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_is_down_is_connect_failed() {
    let closed_port = cartero_tests::free_port();
    let relay = Relay::start(RelaySetup {
        allow: vec![std::net::SocketAddr::from(([127, 0, 0, 1], closed_port))],
        ..RelaySetup::default()
    })
    .await;
    let result = download_mailbox(
        relay.addr,
        "127.0.0.1",
        closed_port,
        Security::None,
        "a",
        "b",
    )
    .await;
    let message = expect_relay_error(result, ErrorCode::ConnectFailed);
    assert!(message.contains("refused"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_and_missing_origins_are_refused_before_the_upgrade() {
    let relay = Relay::start(RelaySetup::default()).await;
    let query = ConnectQuery {
        host: "127.0.0.1".into(),
        port: 110,
        security: Security::None,
    };
    for origin in ["https://evil.example", ""] {
        match open_socket(relay.addr, &query, Some(origin)).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                assert_eq!(response.status(), 403, "origin {origin:?}");
                cartero_tests::wait_for_log_line(&["foreign or missing Origin"]).await;
            }
            other => panic!(
                "origin {origin:?}: expected 403, got {:?}",
                other.map(|_| ())
            ),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_mailbox_serves_every_message_through_the_relay() {
    let mailbox = cartero_relay::demo::start("127.0.0.1:0")
        .await
        .expect("demo");
    let mut config = Config::defaults();
    config.enable_demo(mailbox.clone());
    let relay = Relay::start_with(config).await;
    let (_, messages) = download_mailbox(
        relay.addr,
        "127.0.0.1",
        mailbox.addr.port(),
        Security::None,
        cartero_relay::demo::USER,
        cartero_relay::demo::PASSWORD,
    )
    .await
    .expect("the demo downloads");
    assert_eq!(messages.len(), 7);
    for (uidl, raw) in &messages {
        assert!(uidl.starts_with("demo-"), "{uidl}");
        assert!(
            raw.starts_with(b"Return-Path") || raw.starts_with(b"From:"),
            "{uidl}"
        );
    }
    let agenda = &messages
        .iter()
        .find(|(u, _)| u == "demo-02-agenda")
        .unwrap()
        .1;
    assert!(
        agenda.windows(6).any(|w| w == b"\r\n.. a"),
        "a line starting with dots arrives unstuffed"
    );
}
