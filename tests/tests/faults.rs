//! Fault injection with a scripted in-process POP3 server (a byte-level mock that knows
//! no POP3): stalls, cuts and garbage, each ending in a specific error, never a hang.

use std::time::Duration;

use cartero_native::session::DirectSession;
use cartero_native::{DriveError, Session};
use cartero_shared::pop3::framing::FrameError;
use cartero_shared::pop3::{Command, Error, MsgNum, Options};
use cartero_tests::mock_pop3::{reply, reply_then_hang_up, start as mock};

async fn session(addr: std::net::SocketAddr) -> DirectSession {
    let mut options = Options::default();
    options.require_tls = false;
    options.reply_timeout = Duration::from_millis(500);
    Session::connect_with(addr, options).await.expect("connect")
}

fn retr() -> Command {
    Command::Retr(MsgNum::try_from(1).unwrap())
}

/// Runs `f` under a 10 s limit so a regression shows as a failure, not a hung suite.
async fn bounded<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), f)
        .await
        .expect("the fault ended the session in time")
}

#[tokio::test]
async fn a_server_that_stalls_mid_retr_times_out() {
    let addr = mock(b"+OK hi\r\n", vec![reply("+OK 100 octets\r\nhalf a messa")]).await;
    let mut s = session(addr).await;
    let started = std::time::Instant::now();
    let result = bounded(s.call(retr())).await;
    assert!(
        matches!(result, Err(DriveError::Protocol(Error::Timeout))),
        "{result:?}"
    );
    assert!(started.elapsed() >= Duration::from_millis(500));
}

#[tokio::test]
async fn a_connection_cut_mid_retr_is_an_error_not_a_message() {
    let addr = mock(
        b"+OK hi\r\n",
        vec![reply_then_hang_up("+OK\r\nSubject: cut\r\n\r\nhalf")],
    )
    .await;
    let mut s = session(addr).await;
    let result = bounded(s.call(retr())).await;
    assert!(
        matches!(result, Err(DriveError::Transport(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn garbage_instead_of_a_greeting_is_a_parse_error() {
    let addr = mock(b"SSH-2.0-OpenSSH_9.2\r\n", vec![]).await;
    let mut s = session(addr).await;
    let result = bounded(s.call(Command::Noop)).await;
    assert!(
        matches!(result, Err(DriveError::Protocol(Error::Parse(_)))),
        "{result:?}"
    );
}

#[tokio::test]
async fn an_endless_status_line_is_refused_at_the_cap() {
    let long = [b"+OK ".as_slice(), &[b'x'; 20_000]].concat();
    let addr = mock(b"+OK hi\r\n", vec![reply(long)]).await;
    let mut s = session(addr).await;
    let result = bounded(s.call(Command::Noop)).await;
    assert!(
        matches!(
            result,
            Err(DriveError::Protocol(Error::Frame(FrameError::LineTooLong)))
        ),
        "{result:?}"
    );
}

#[tokio::test]
async fn err_at_each_step_reaches_the_command_that_asked() {
    let addr = mock(
        b"+OK hi\r\n",
        vec![
            reply("-ERR [SYS/TEMP] try later\r\n"),
            reply("+OK\r\n"),
            reply("-ERR [IN-USE] mailbox locked\r\n"),
        ],
    )
    .await;
    let mut s = session(addr).await;
    match bounded(s.call(Command::Capa)).await {
        Err(DriveError::Server(e)) => assert_eq!(e.text, "try later"),
        other => panic!("{other:?}"),
    }
    bounded(s.call(Command::user("u").unwrap()))
        .await
        .expect("USER");
    match bounded(s.call(Command::pass(cartero_shared::pop3::Secret::new("p")).unwrap())).await {
        Err(DriveError::Server(e)) => {
            assert_eq!(e.code, Some(cartero_shared::pop3::RespCode::InUse))
        }
        other => panic!("{other:?}"),
    }
}
