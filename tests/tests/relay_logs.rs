//! What the relay writes in its logs: one line per session with client, upstream, bytes
//! each way, duration and outcome, and never a credential or a word of mail, at any log
//! level, whichever way the password travels.

use cartero_native::relay_client::RelaySession;
use cartero_shared::pop3::auth::encode_b64;
use cartero_shared::pop3::{LoginMethod, Mechanism};
use cartero_shared::wire::{ConnectQuery, Security};
use cartero_tests::dovecot::{Dovecot, Mail, User};
use cartero_tests::relay::{Relay, RelaySetup};

const PASSWORD: &str = "Zr9-kept-out-of-logs";
const BODY_PHRASE: &str = "the vault code is 7731";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_session_leaves_no_password_and_no_mail_in_the_logs() {
    let user = User {
        name: "lena".into(),
        password: PASSWORD.into(),
        mail: vec![Mail::new(
            "1763300000.M1P1.cartero",
            format!("From: a@b.example\nSubject: private\n\nRemember: {BODY_PHRASE}.\n"),
        )],
    };
    let dovecot = Dovecot::start(vec![user]).await;
    let relay = Relay::start(RelaySetup {
        allow: vec![dovecot.pop3],
        ..RelaySetup::default()
    })
    .await;
    let query = ConnectQuery {
        host: "127.0.0.1".into(),
        port: dovecot.pop3.port(),
        security: Security::None,
    };
    // Only what is logged from here on is this test's: an earlier test's server may have
    // had the same port.
    let before = cartero_tests::captured_logs().len();
    // Plain USER/PASS and SASL PLAIN: the password crosses the relay readable or in base64.
    for method in [LoginMethod::UserPass, LoginMethod::Sasl(Mechanism::Plain)] {
        let mut session = RelaySession::open(relay.addr, &query).await.expect("open");
        session.capa().await.expect("CAPA");
        session
            .log_in_with(method, "lena", PASSWORD)
            .await
            .expect("login");
        let messages = session.fetch_all().await.expect("fetch");
        assert!(String::from_utf8_lossy(&messages[0].1).contains(BODY_PHRASE));
        session.quit().await.expect("QUIT");
    }
    // The session lines are written when the sessions end, just after QUIT.
    let upstream = format!("upstream=127.0.0.1:{}", dovecot.pop3.port());
    let logs = cartero_tests::wait::wait_until(
        "both session lines",
        std::time::Duration::from_secs(10),
        || {
            let upstream = upstream.clone();
            async move {
                let logs = cartero_tests::captured_logs()
                    .get(before..)
                    .unwrap_or_default()
                    .to_owned();
                let ours = logs
                    .lines()
                    .filter(|l| l.contains("session ended") && l.contains(&upstream))
                    .count();
                (ours == 2).then_some(logs)
            }
        },
    )
    .await;
    for line in logs.lines().filter(|l| l.contains(&upstream)) {
        for field in [
            "client=",
            "bytes_up=",
            "bytes_down=",
            "duration_ms=",
            "outcome=",
        ] {
            assert!(line.contains(field), "{field} missing in {line}");
        }
    }
    let plain_sasl = encode_b64(format!("\0lena\0{PASSWORD}").as_bytes());
    for secret in [PASSWORD, plain_sasl.as_str(), BODY_PHRASE, "private"] {
        assert!(!logs.contains(secret), "the logs contain {secret:?}");
    }
}
