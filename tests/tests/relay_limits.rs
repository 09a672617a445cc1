//! The relay's limits and its operator's view: sessions per client address, the longest
//! a session may last, backpressure from a slow browser, `/healthz` and `/metrics`. Each refusal is checked where the
//! browser sees it (the relay's `error` message) and where the operator does (metrics).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cartero_native::relay_client::{RelaySession, open_socket};
use cartero_native::{DriveError, TransportError};
use cartero_relay::Config;
use cartero_relay::policy::AllowEntry;
use cartero_shared::wire::{ConnectQuery, ErrorCode, RelayMessage, Security};
use cartero_tests::relay::Relay;
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

/// An upstream that greets every connection and then holds it open.
async fn patient_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut socket, _)) = listener.accept().await {
            let _ = socket.write_all(b"+OK patient server\r\n").await;
            held.push(socket);
        }
    });
    addr
}

async fn relay_to(server: SocketAddr, adjust: impl FnOnce(&mut Config)) -> Relay {
    let mut config = Config::defaults();
    config.allow = vec![AllowEntry::ip(server)];
    adjust(&mut config);
    Relay::start_with(config).await
}

fn query(server: SocketAddr) -> ConnectQuery {
    ConnectQuery {
        host: server.ip().to_string(),
        port: server.port(),
        security: Security::None,
    }
}

fn metric(text: &str, line_start: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(line_start)?.trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_from_one_address_is_capped_and_counted() {
    let server = patient_server().await;
    let relay = relay_to(server, |c| c.max_sessions_per_ip = 3).await;
    let mut open = Vec::new();
    for _ in 0..3 {
        open.push(
            RelaySession::open(relay.addr, &query(server))
                .await
                .expect("open"),
        );
    }
    for _ in 0..5 {
        match RelaySession::open(relay.addr, &query(server)).await {
            Err(DriveError::Transport(TransportError::Relay(RelayMessage::Error {
                code: ErrorCode::TooManySessions,
                message,
                ..
            }))) => {
                assert!(message.contains("from your address"), "{message}");
                cartero_tests::wait_for_log_line(&["session refused", "code=TooManySessions"])
                    .await;
            }
            Err(e) => panic!("a fourth session: {e:?}"),
            Ok(_) => panic!("a fourth session from one address was opened"),
        }
    }
    let metrics = String::from_utf8(relay.get("/metrics").await.body).unwrap();
    assert_eq!(metric(&metrics, "cartero_sessions_open"), 3, "{metrics}");
    assert_eq!(
        metric(&metrics, "cartero_refusals_total{reason=\"per_ip_limit\"}"),
        5,
        "{metrics}"
    );
    // A place freed is a place to take.
    drop(open.pop());
    let reopened = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Ok(session) = RelaySession::open(relay.addr, &query(server)).await {
                return session;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(reopened.is_ok(), "the freed place was not given back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_past_its_time_limit_is_ended_with_a_reason() {
    let server = patient_server().await;
    let relay = relay_to(server, |c| c.max_session_secs = 1).await;
    let session = RelaySession::open(relay.addr, &query(server))
        .await
        .expect("open");
    let mut session = session.into_session();
    let ended = tokio::time::timeout(
        Duration::from_secs(10),
        session.call(cartero_shared::pop3::Command::Noop),
    )
    .await
    .expect("the relay ends the session by itself");
    match ended {
        Err(DriveError::Transport(TransportError::Relay(RelayMessage::Error {
            code: ErrorCode::Timeout,
            message,
            ..
        }))) => assert!(message.contains("time limit of 1 s"), "{message}"),
        other => panic!("a session past its limit: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_and_metrics_count_what_happened() {
    let server = patient_server().await;
    let relay = relay_to(server, |_| {}).await;
    let health = relay.get("/healthz").await;
    assert_eq!(health.status, 200);
    assert!(String::from_utf8_lossy(&health.body).starts_with("ok"));

    let foreign = open_socket(relay.addr, &query(server), Some("https://evil.example")).await;
    assert!(foreign.is_err(), "a foreign Origin was upgraded");
    let off_list = ConnectQuery {
        port: server.port() + 1,
        ..query(server)
    };
    assert!(RelaySession::open(relay.addr, &off_list).await.is_err());
    let session = RelaySession::open(relay.addr, &query(server))
        .await
        .expect("open");
    drop(session);

    let reply = relay.get("/metrics").await;
    assert_eq!(reply.status, 200);
    assert!(reply.header("content-type").starts_with("text/plain"));
    let text = String::from_utf8(reply.body).unwrap();
    assert_eq!(
        metric(&text, "cartero_refusals_total{reason=\"origin\"}"),
        1,
        "{text}"
    );
    assert_eq!(
        metric(&text, "cartero_refusals_total{reason=\"not_allowed\"}"),
        1,
        "{text}"
    );
    assert_eq!(metric(&text, "cartero_sessions_total"), 1, "{text}");
}

/// An upstream that answers every command line with `+OK`.
async fn agreeable_server() -> SocketAddr {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let _ = write.write_all(b"+OK agreeable\r\n").await;
                let mut lines = BufReader::new(read).lines();
                while let Ok(Some(_)) = lines.next_line().await {
                    if write.write_all(b"+OK\r\n").await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    addr
}

async fn wait_until_refused(addr: SocketAddr) {
    cartero_tests::wait::wait_until(
        "the relay to stop accepting",
        Duration::from_secs(10),
        || async move {
            tokio::net::TcpStream::connect(addr)
                .await
                .is_err()
                .then_some(())
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_stops_accepting_and_lets_open_sessions_finish() {
    let server = agreeable_server().await;
    let relay = relay_to(server, |c| c.shutdown_grace_secs = 30).await;
    let addr = relay.addr;
    let mut session = RelaySession::open(addr, &query(server))
        .await
        .expect("open")
        .into_session();
    let stopping = tokio::spawn(relay.stop());
    wait_until_refused(addr).await;
    session
        .call(cartero_shared::pop3::Command::Noop)
        .await
        .expect("an open session keeps working while the relay drains");
    session.quit().await.expect("QUIT");
    // The drain ends when the last session does, long before the 30 s grace.
    tokio::time::timeout(Duration::from_secs(10), stopping)
        .await
        .expect("the relay stops once its sessions are done")
        .expect("the relay task");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_still_open_after_the_grace_are_cut() {
    let server = agreeable_server().await;
    let relay = relay_to(server, |c| c.shutdown_grace_secs = 1).await;
    let mut session = RelaySession::open(relay.addr, &query(server))
        .await
        .expect("open")
        .into_session();
    tokio::time::timeout(Duration::from_secs(10), relay.stop())
        .await
        .expect("the relay stops after its grace even with a session open");
    let after = tokio::time::timeout(
        Duration::from_secs(10),
        session.call(cartero_shared::pop3::Command::Noop),
    )
    .await
    .expect("the cut session fails at once rather than hanging");
    match after {
        Err(DriveError::Transport(TransportError::Relay(RelayMessage::Error {
            code: ErrorCode::ShuttingDown,
            ..
        }))) => {}
        other => panic!("a session past the shutdown grace: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_frame_ends_the_session_without_reaching_the_server() {
    let server = agreeable_server().await;
    let relay = relay_to(server, |_| {}).await;
    let mut ws = open_socket(relay.addr, &query(server), None)
        .await
        .expect("open");
    let _connected = ws.next().await;
    let _greeting = ws.next().await;
    // 2 MiB in one frame: twice what the relay accepts from a browser.
    let huge = vec![b'A'; 2 * 1024 * 1024];
    let _ = ws.send(Message::Binary(huge.into())).await;
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Binary(_))) => continue,
                other => return other,
            }
        }
    })
    .await
    .expect("the relay ends the session");
    assert!(
        !matches!(ended, Some(Ok(Message::Text(_)))),
        "no session goes on after an oversized frame: {ended:?}"
    );
    // The session's line is written just after its close frame.
    let upstream = format!("upstream={server}");
    cartero_tests::wait_for_log_line(&["session ended", &upstream, "bytes_up=0"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_client_is_closed_after_the_idle_timeout() {
    let server = patient_server().await;
    let relay = relay_to(server, |c| c.idle_timeout_secs = 1).await;
    let mut ws = open_socket(relay.addr, &query(server), None)
        .await
        .expect("open");
    let _connected = ws.next().await;
    let _greeting = ws.next().await;
    let closed = tokio::time::timeout(Duration::from_secs(10), ws.next())
        .await
        .expect("the relay closes an idle session by itself");
    assert!(
        matches!(closed, Some(Ok(Message::Close(_))) | None),
        "{closed:?}"
    );
    let upstream = format!("upstream={server}");
    cartero_tests::wait_for_log_line(&["session ended", &upstream, "outcome=Idle"]).await;
}

/// Bytes the kernel holds, sent or received but not yet read, in the established TCP
/// sockets whose local or remote port is one of `ports` (tx_queue + rx_queue in
/// /proc/net/tcp).
fn kernel_queued(ports: &[u16]) -> usize {
    let table = std::fs::read_to_string("/proc/net/tcp").expect("/proc/net/tcp");
    let port_of = |address: &str| {
        let hex = address.rsplit(':').next().unwrap_or("");
        u16::from_str_radix(hex, 16).unwrap_or(0)
    };
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (local, remote, state, queues) = (fields[1], fields[2], fields[3], fields[4]);
            let ours = ports.contains(&port_of(local)) || ports.contains(&port_of(remote));
            (ours && state == "01").then(|| {
                queues
                    .split(':')
                    .map(|q| usize::from_str_radix(q, 16).expect("a queue size"))
                    .sum::<usize>()
            })
        })
        .sum()
}

/// The byte at `offset` of the firehose's mailbox.
fn firehose_byte(offset: usize) -> u8 {
    (offset % 251) as u8
}

/// An upstream that greets, then writes `total` bytes as fast as it may, counting in
/// `accepted` what its socket took.
async fn firehose(total: usize, accepted: Arc<AtomicUsize>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let _ = socket.write_all(b"+OK firehose\r\n").await;
        let block: Vec<u8> = (0..251 * 256).map(firehose_byte).collect();
        let mut sent = 0;
        while sent < total {
            let part = block.len().min(total - sent);
            if socket.write_all(&block[..part]).await.is_err() {
                return;
            }
            sent += part;
            accepted.store(sent, Ordering::SeqCst);
        }
        // Held open until the browser has read everything.
        let _ = socket.read(&mut [0u8; 1]).await;
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_that_stops_reading_holds_the_server_back_and_loses_nothing() {
    let total = 64 * 1024 * 1024;
    let accepted = Arc::new(AtomicUsize::new(0));
    let server = firehose(total, accepted.clone()).await;
    let relay = relay_to(server, |_| {}).await;
    let mut ws = open_socket(relay.addr, &query(server), None)
        .await
        .expect("open");
    let _connected = ws.next().await;

    // The browser reads nothing more until the server has made no progress for two
    // samples in a row.
    let (mut last, mut still) = (usize::MAX, 0);
    tokio::time::timeout(Duration::from_secs(30), async {
        while still < 2 {
            tokio::time::sleep(Duration::from_millis(300)).await;
            let now = accepted.load(Ordering::SeqCst);
            still = if now == last { still + 1 } else { 0 };
            last = now;
        }
    })
    .await
    .expect("the server is held back while the browser does not read");
    // What the server got out is in the kernel's socket buffers (both connections, both
    // ends), in the relay, or in the browser's WebSocket read buffer. The relay may hold
    // one chunk; tungstenite's read buffer is 128 KiB.
    let in_kernel = kernel_queued(&[server.port(), relay.addr.port()]);
    let elsewhere = last.saturating_sub(in_kernel);
    let allowed = cartero_relay::pump::READ_CHUNK + 256 * 1024;
    assert!(
        elsewhere <= allowed,
        "of {last} bytes the server got out, {in_kernel} are in socket buffers and {elsewhere} \
         elsewhere: the relay buffers more than a chunk (allowed {allowed})"
    );
    assert!(
        last < total,
        "the server got all {total} bytes out to a browser that read none"
    );

    // Then it reads on, and every byte arrives in order.
    let mut greeting = Vec::new();
    let mut got = 0;
    tokio::time::timeout(Duration::from_secs(60), async {
        while got < total {
            let Some(Ok(Message::Binary(bytes))) = ws.next().await else {
                panic!("the session ended after {got} of {total} bytes");
            };
            let mut bytes = &bytes[..];
            if greeting.len() < 14 {
                let take = (14 - greeting.len()).min(bytes.len());
                greeting.extend_from_slice(&bytes[..take]);
                bytes = &bytes[take..];
            }
            if let (Some(first), Some(last)) = (bytes.first(), bytes.last()) {
                assert_eq!(*first, firehose_byte(got), "byte {got}");
                assert_eq!(*last, firehose_byte(got + bytes.len() - 1));
            }
            got += bytes.len();
        }
    })
    .await
    .expect("the rest arrives once the browser reads");
    assert_eq!(greeting, b"+OK firehose\r\n");
    assert_eq!(got, total);
}
