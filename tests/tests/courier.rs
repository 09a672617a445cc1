//! The POP3 client against a second real server, Courier: its login methods without
//! response codes, its own UIDLs, UTF8 (RFC 6856), DELE/RSET/QUIT on its maildir, and
//! every security mode through the relay. The native driver talks to it directly too,
//! over TCP, STLS and implicit TLS.

use std::sync::Arc;
use std::time::Duration;

use cartero_native::relay_client::download_mailbox;
use cartero_native::session::DirectSession;
use cartero_native::tls::client_tls_config;
use cartero_native::{DriveError, Session};
use cartero_shared::pop3::{Command, LoginMethod, Mechanism, MsgNum, Options, Reply};
use cartero_shared::wire::Security;
use cartero_tests::certs::test_pki;
use cartero_tests::courier::Courier;
use cartero_tests::dovecot::{Mail, User};
use cartero_tests::relay::{Relay, RelaySetup};
use cartero_tests::samples::alice;
use cartero_tests::wait::wait_until;

/// A message whose headers are raw UTF-8 (RFC 6532), as a Spanish sender's client writes
/// it. LF line ends, as in any maildir: Courier adds the CR itself.
const RAW_UTF8: &str = "From: José Núñez <jose@example.es>
To: María <maria@example.es>
Subject: Señal débil en el tren
Date: Sun, 22 Nov 2026 08:00:00 +0100
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Mañana llego a las nueve.
";

fn maria() -> User {
    User {
        name: "maría".into(),
        password: "contraseña".into(),
        mail: vec![Mail::new("1763110900.M9P1.cartero", RAW_UTF8)],
    }
}

/// Plain TCP, then STLS verified against the test CA, then CAPA.
async fn starttls(courier: &Courier, options: Options) -> DirectSession {
    let mut session = Session::connect_with(courier.pop3, options)
        .await
        .expect("connect");
    let config = client_tls_config(Some(&test_pki().ca)).expect("the test CA");
    session
        .start_tls("127.0.0.1", Arc::new(config))
        .await
        .expect("STLS");
    session.capa().await.expect("CAPA");
    session
}

fn tls_required() -> Options {
    let mut options = Options::default();
    options.require_tls = true;
    options
}

fn sorted_bodies(messages: Vec<(String, Vec<u8>)>) -> Vec<Vec<u8>> {
    let mut bodies: Vec<Vec<u8>> = messages.into_iter().map(|(_, b)| b).collect();
    bodies.sort();
    bodies
}

fn wire(user: &User) -> Vec<Vec<u8>> {
    let mut bodies: Vec<Vec<u8>> = user.mail.iter().map(Mail::wire_bytes).collect();
    bodies.sort();
    bodies
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_security_mode_through_the_relay_downloads_courier_byte_for_byte() {
    let courier = Courier::start(vec![alice()]).await;
    let relay = Relay::start(RelaySetup {
        allow: vec![courier.pop3, courier.pop3s],
        ca_file: Some(test_pki().ca.clone()),
        static_dir: None,
    })
    .await;
    for (port, security) in [
        (courier.pop3.port(), Security::None),
        (courier.pop3.port(), Security::Starttls),
        (courier.pop3s.port(), Security::Tls),
    ] {
        let (_, messages) =
            download_mailbox(relay.addr, "127.0.0.1", port, security, "alice", "secret")
                .await
                .unwrap_or_else(|e| panic!("{security:?}: {e:?}"));
        // Courier's UIDLs are its own (UID<n>-<validity>), not the file names.
        assert!(messages.iter().all(|(uidl, _)| uidl.starts_with("UID")));
        assert_eq!(sorted_bodies(messages), wire(&alice()), "{security:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_login_method_courier_offers_works_and_a_wrong_password_is_refused() {
    let courier = Courier::start(vec![alice()]).await;
    let session = starttls(&courier, tls_required()).await;
    let caps = session.capabilities.clone().expect("Courier answers CAPA");
    assert_eq!(
        caps.login_delay(),
        Some(Duration::from_secs(10)),
        "{caps:?}"
    );
    assert!(!caps.has("RESP-CODES"), "Courier sends no response codes");
    drop(session);
    for method in [
        LoginMethod::Sasl(Mechanism::CramMd5),
        LoginMethod::Sasl(Mechanism::Plain),
        LoginMethod::Sasl(Mechanism::Login),
        LoginMethod::UserPass,
    ] {
        let mut session = starttls(&courier, tls_required()).await;
        session
            .log_in_with(method, "alice", "secret")
            .await
            .unwrap_or_else(|e| panic!("{method:?}: {e:?}\n{}", courier.log()));
        let stat = session.call(Command::Stat).await.expect("STAT");
        assert!(matches!(stat, Reply::Stat { count: 3, .. }), "{stat:?}");
        session.quit().await.expect("QUIT");
    }
    let mut session = starttls(&courier, tls_required()).await;
    match session.log_in("alice", "wrong").await {
        // No RESP-CODES: no [AUTH], only the text.
        Err(DriveError::Server(e)) => {
            assert_eq!(e.code, None, "{e:?}");
            assert!(e.text.contains("failed"), "{e:?}");
        }
        other => panic!("a wrong password: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn implicit_tls_straight_to_courier_is_verified_and_downloads() {
    let courier = Courier::start(vec![alice()]).await;
    let trusted = Arc::new(client_tls_config(Some(&test_pki().ca)).expect("the test CA"));
    let mut session = Session::connect_tls(courier.pop3s, "127.0.0.1", trusted)
        .await
        .expect("TLS");
    session.capa().await.expect("CAPA");
    session.log_in("alice", "secret").await.expect("login");
    let messages = session.fetch_all().await.expect("fetch");
    assert_eq!(sorted_bodies(messages), wire(&alice()));
    session.quit().await.expect("QUIT");

    let public_roots_only = Arc::new(client_tls_config(None).expect("roots"));
    match Session::connect_tls(courier.pop3s, "127.0.0.1", public_roots_only).await {
        Err(e) => assert!(e.to_string().contains("unknown authority"), "{e}"),
        Ok(_) => panic!("a certificate from an unknown CA was accepted"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf8_is_negotiated_so_a_message_with_raw_utf8_headers_arrives_intact() {
    let courier = Courier::start(vec![maria()]).await;
    let mut session = starttls(&courier, tls_required()).await;
    session
        .log_in("maría", "contraseña")
        .await
        .expect("a UTF-8 user name logs in");
    assert!(
        session.client.utf8_enabled(),
        "Courier announces UTF8 and accepts it"
    );
    let messages = session.fetch_all().await.expect("fetch");
    assert_eq!(sorted_bodies(messages), wire(&maria()));
    session.quit().await.expect("QUIT");

    // Without UTF8, Courier sends a notice in the message's place: what Cartero avoids.
    let mut ascii_only = tls_required();
    ascii_only.negotiate_utf8 = false;
    let mut session = starttls(&courier, ascii_only).await;
    session.log_in("maría", "contraseña").await.expect("login");
    assert!(!session.client.utf8_enabled());
    let messages = session.fetch_all().await.expect("fetch");
    assert_ne!(sorted_bodies(messages), wire(&maria()));
    session.quit().await.expect("QUIT");
}

fn dele(i: u32) -> Command {
    Command::Dele(MsgNum::try_from(i).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dele_is_committed_only_by_quit_on_courier_too() {
    let courier = Courier::start(vec![alice()]).await;
    let logged_in = || async {
        let mut s = starttls(&courier, tls_required()).await;
        s.log_in("alice", "secret").await.expect("login");
        s
    };
    let mut s = logged_in().await;
    s.call(dele(1)).await.expect("DELE 1");
    s.call(Command::Rset).await.expect("RSET");
    s.quit().await.expect("QUIT");
    assert_eq!(courier.mailbox(0).len(), 3, "RSET undid the DELE");

    let mut s = logged_in().await;
    s.call(dele(1)).await.expect("DELE 1");
    drop(s);
    // Courier has no [IN-USE]; the next login simply sees the whole mailbox.
    let mut s = logged_in().await;
    let Reply::Uidl(before) = s.call(Command::Uidl(None)).await.expect("UIDL") else {
        panic!("no listing");
    };
    assert_eq!(before.len(), 3, "no QUIT, no deletion");
    s.call(dele(1)).await.expect("DELE 1");
    assert!(
        matches!(
            s.call(Command::Retr(MsgNum::try_from(1).unwrap())).await,
            Err(DriveError::Server(_))
        ),
        "RETR of a deleted message fails"
    );
    s.quit().await.expect("QUIT");
    // Courier may answer QUIT a moment before its unlink reaches the maildir (seen once, on
    // a cold CI run): the deletion must come, soon.
    wait_until("QUIT to commit the DELE", Duration::from_secs(10), || {
        let left = courier.mailbox(0).len();
        async move { (left == 2).then_some(()) }
    })
    .await;

    let mut s = logged_in().await;
    let Reply::Uidl(after) = s.call(Command::Uidl(None)).await.expect("UIDL") else {
        panic!("no listing");
    };
    let kept: Vec<String> = before[1..].iter().map(|e| e.uidl.to_string()).collect();
    let now: Vec<String> = after.iter().map(|e| e.uidl.to_string()).collect();
    assert_eq!(now, kept, "the others keep their UIDLs");
}
