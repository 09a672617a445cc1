//! What the benchmark binaries share: generated mailboxes and the native core's run.

use std::net::SocketAddr;
use std::time::Instant;

use cartero_native::Session;
use cartero_native::relay_client::RelaySession;
use cartero_shared::wire::{ConnectQuery, Security};

use crate::browser::AccountInput;
use crate::dovecot::{Mail, User};

/// The password of every benchmark mailbox.
pub const PASSWORD: &str = "bench";

/// (messages, bytes, seconds) of one retrieval.
pub type Run = (usize, usize, f64);

/// A user `name` with `count` messages of about `size` bytes each.
pub fn bench_user(name: &str, count: usize, size: usize) -> User {
    let line = "Cartero benchmark line, printable and long enough to look like mail..\n";
    let body: String = line.repeat(size / line.len() + 1)[..size].to_owned();
    let mail = (0..count)
        .map(|i| {
            let raw = format!(
                "From: bench@example.org\nSubject: message {i}\nMessage-ID: <{i}@bench>\n\n{body}\n"
            );
            Mail::new(&format!("{:010}.M{i}P1.bench", 1_700_000_000 + i), raw)
        })
        .collect();
    User {
        name: name.into(),
        password: PASSWORD.into(),
        mail,
    }
}

/// The add-account form's fields for the benchmark user on `server` (plain POP3).
pub fn bench_account(server: SocketAddr) -> AccountInput<'static> {
    AccountInput {
        email: "bench@example.org",
        host: "127.0.0.1",
        port: server.port(),
        security: "none",
        username: "bench",
        password: PASSWORD,
    }
}

/// The native core (`cartero-native`) fetching every message of `user` on `server`
/// through the relay at `relay`, in plain POP3.
pub async fn native_via_relay(relay: SocketAddr, server: SocketAddr, user: &str) -> Run {
    let started = Instant::now();
    let query = ConnectQuery {
        host: server.ip().to_string(),
        port: server.port(),
        security: Security::None,
    };
    let session = RelaySession::open(relay, &query).await.expect("open");
    native_run(session.into_session(), user, started).await
}

/// Logs in, fetches everything and quits on an open session.
pub async fn native_run<T>(mut session: Session<T>, user: &str, started: Instant) -> Run
where
    T: cartero_shared::drive::Transport<Error = cartero_native::TransportError>,
{
    session.capa().await.expect("CAPA");
    session.log_in(user, PASSWORD).await.expect("login");
    let messages = session.fetch_all().await.expect("fetch");
    session.quit().await.expect("QUIT");
    let bytes = messages.iter().map(|(_, m)| m.len()).sum();
    (messages.len(), bytes, started.elapsed().as_secs_f64())
}
