//! The POP3 client against Dovecot's real behaviour: every login method it offers, and
//! what DELE, RSET and QUIT do to the mailbox on disk.

use cartero_native::DriveError;
use cartero_native::relay_client::RelaySession;
use cartero_shared::pop3::{Command, LoginMethod, Mechanism, MsgNum, Reply, RespCode};
use cartero_shared::wire::{ConnectQuery, Security};
use cartero_tests::certs::test_pki;
use cartero_tests::dovecot::Dovecot;
use cartero_tests::relay::{Relay, RelaySetup};
use cartero_tests::samples::alice;

async fn setup() -> (Dovecot, Relay) {
    let dovecot = Dovecot::start(vec![alice()]).await;
    let relay = Relay::start(RelaySetup {
        allow: vec![dovecot.pop3, dovecot.pop3s],
        ca_file: Some(test_pki().ca.clone()),
        static_dir: None,
    })
    .await;
    (dovecot, relay)
}

/// A session over STARTTLS, CAPA read after the upgrade.
async fn starttls_session(dovecot: &Dovecot, relay: &Relay) -> RelaySession {
    let query = ConnectQuery {
        host: "127.0.0.1".into(),
        port: dovecot.pop3.port(),
        security: Security::Starttls,
    };
    let mut session = RelaySession::open(relay.addr, &query).await.expect("open");
    session.start_tls().await.expect("STLS");
    session.capa().await.expect("CAPA");
    session
}

fn n(i: u32) -> Command {
    Command::Dele(MsgNum::try_from(i).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_login_method_dovecot_offers_works_and_refuses_a_wrong_password() {
    let (dovecot, relay) = setup().await;
    for method in [
        LoginMethod::Sasl(Mechanism::ScramSha256),
        LoginMethod::Sasl(Mechanism::CramMd5),
        LoginMethod::Apop,
        LoginMethod::Sasl(Mechanism::Plain),
        LoginMethod::Sasl(Mechanism::Login),
        LoginMethod::UserPass,
    ] {
        let mut session = starttls_session(&dovecot, &relay).await;
        session
            .log_in_with(method, "alice", "secret")
            .await
            .unwrap_or_else(|e| panic!("{method:?}: {e:?}"));
        let stat = session.call(Command::Stat).await.expect("STAT");
        assert!(
            matches!(stat, Reply::Stat { count: 3, .. }),
            "{method:?}: {stat:?}"
        );
        session.quit().await.expect("QUIT");
    }
    for method in ["SCRAM-SHA-256", "CRAM-MD5", "APOP", "PLAIN", "LOGIN"] {
        assert!(
            dovecot.log().contains(&format!("method={method},")),
            "Dovecot saw no {method} login"
        );
    }
    // One failure only: after it Dovecot delays every login from this IP for seconds.
    let mut session = starttls_session(&dovecot, &relay).await;
    match session
        .log_in_with(LoginMethod::Sasl(Mechanism::ScramSha256), "alice", "wrong")
        .await
    {
        Err(DriveError::Server(e)) => assert_eq!(e.code, Some(RespCode::Auth), "{e:?}"),
        other => panic!("SCRAM with a wrong password: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_strongest_method_is_chosen_by_default() {
    let (dovecot, relay) = setup().await;
    let mut session = starttls_session(&dovecot, &relay).await;
    session.log_in("alice", "secret").await.expect("login");
    session.quit().await.expect("QUIT");
    assert!(
        dovecot.log().contains("method=SCRAM-SHA-256"),
        "{}",
        dovecot.log()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dele_is_committed_only_by_quit_and_rset_undoes_it() {
    let (dovecot, relay) = setup().await;
    let all: Vec<String> = dovecot
        .mailbox("alice")
        .into_iter()
        .map(|m| m.uidl)
        .collect();
    let first_uidl = {
        let mut s = starttls_session(&dovecot, &relay).await;
        s.log_in("alice", "secret").await.expect("login");
        let Reply::UidlOne(entry) = s
            .call(Command::Uidl(Some(MsgNum::try_from(1).unwrap())))
            .await
            .expect("UIDL 1")
        else {
            panic!("UIDL 1 gave no entry");
        };
        // DELE then RSET then QUIT: nothing is deleted.
        s.call(n(1)).await.expect("DELE 1");
        s.call(Command::Rset).await.expect("RSET");
        s.quit().await.expect("QUIT");
        entry.uidl.to_string()
    };
    assert_eq!(dovecot.mailbox("alice").len(), 3, "RSET undid the DELE");

    // DELE, then the connection drops without QUIT: nothing is deleted.
    let mut s = starttls_session(&dovecot, &relay).await;
    s.log_in("alice", "secret").await.expect("login");
    s.call(n(1)).await.expect("DELE 1");
    drop(s);
    let still = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        // Dovecot notices the closed connection; the mailbox lock then frees.
        loop {
            let mut s = starttls_session(&dovecot, &relay).await;
            match s.log_in("alice", "secret").await {
                Ok(()) => return s,
                Err(DriveError::Server(e)) if e.code == Some(RespCode::InUse) => continue,
                Err(e) => panic!("login after a drop: {e:?}"),
            }
        }
    })
    .await
    .expect("the mailbox unlocks after a dropped session");
    let mut s = still;
    assert_eq!(dovecot.mailbox("alice").len(), 3, "no QUIT, no deletion");

    // DELE, RETR of it fails, QUIT commits; the others keep their UIDLs.
    s.call(n(1)).await.expect("DELE 1");
    match s.call(Command::Retr(MsgNum::try_from(1).unwrap())).await {
        Err(DriveError::Server(e)) => assert!(e.text.contains("deleted"), "{e:?}"),
        other => panic!("RETR of a deleted message: {other:?}"),
    }
    s.quit().await.expect("QUIT");
    let left: Vec<String> = dovecot
        .mailbox("alice")
        .into_iter()
        .map(|m| m.uidl)
        .collect();
    let want: Vec<String> = all.into_iter().filter(|u| *u != first_uidl).collect();
    assert_eq!(left, want);
    let mut s = starttls_session(&dovecot, &relay).await;
    s.log_in("alice", "secret").await.expect("login");
    let Reply::Uidl(entries) = s.call(Command::Uidl(None)).await.expect("UIDL") else {
        panic!("no listing");
    };
    let mut listed: Vec<String> = entries.iter().map(|e| e.uidl.to_string()).collect();
    listed.sort();
    assert_eq!(listed, want, "the remaining messages keep their UIDLs");
}
