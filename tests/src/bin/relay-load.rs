//! A bounded load run of the relay on loopback: many concurrent idle WebSocket sessions
//! (memory per session, errors), then bulk transfer through the relay against direct TCP
//! in the same run.
//!
//! ```sh
//! cargo run --profile relay -p cartero-tests --bin relay-load -- --sessions 1000
//! # the relay on a core of its own, the client and the upstream on the other:
//! taskset -c 0 target/relay/relay-load --sessions 1000 --relay-cpu 1
//! ```
//!
//! The relay runs in a child process (this program, re-executed with `--serve-relay`) so
//! that its resident memory is its own. The upstream is an in-process POP3-like server:
//! it greets, then answers `BULK n` with n bytes. It prints a table and exits non-zero
//! only when sessions failed (the speed and memory figures are reported, not asserted).
//!
//! Bulk is measured three ways, in rounds so that drift hits all alike: direct TCP; a
//! plain TCP forwarder in the relay's process (read a chunk, write it, nothing else: the
//! least any userspace relay costs, on the same cores); and the relay.

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::{Duration, Instant};

use cartero_native::relay_client::open_socket;
use cartero_relay::Config;
use cartero_relay::policy::AllowEntry;
use cartero_shared::wire::{ConnectQuery, Security};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;

/// Settings, from `--sessions N --streams S --megabytes M [--relay-cpu C]`.
struct Settings {
    sessions: usize,
    streams: usize,
    megabytes: usize,
    /// The CPU the relay's process is confined to (with `taskset`), if any.
    relay_cpu: Option<usize>,
}

fn settings() -> Settings {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str, default: usize| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .map_or(default, |v| v.parse().expect("a number"))
    };
    Settings {
        sessions: value("--sessions", 1000),
        streams: value("--streams", 4),
        megabytes: value("--megabytes", 64),
        relay_cpu: args
            .iter()
            .any(|a| a == "--relay-cpu")
            .then(|| value("--relay-cpu", 0)),
    }
}

/// The upstream: greets, then sends n bytes for each `BULK n` line.
async fn upstream() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = socket.set_nodelay(true);
                let (read, mut write) = socket.into_split();
                if write.write_all(b"+OK load upstream\r\n").await.is_err() {
                    return;
                }
                let block = vec![b'x'; 256 * 1024];
                let mut lines = BufReader::new(read).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    let Some(n) = line.strip_prefix("BULK ").and_then(|n| n.parse().ok()) else {
                        continue;
                    };
                    let mut left: usize = n;
                    while left > 0 {
                        let part = left.min(block.len());
                        if write.write_all(&block[..part]).await.is_err() {
                            return;
                        }
                        left -= part;
                    }
                }
            });
        }
    });
    addr
}

/// Child mode: a relay allowing `upstream`, on a loopback port printed to stdout, until
/// stdin closes.
async fn serve_relay(upstream: SocketAddr, sessions: usize) {
    let mut config = Config::defaults();
    config.allow = vec![AllowEntry::ip(upstream)];
    config.max_sessions = sessions + 16;
    config.max_sessions_per_ip = sessions + 16;
    config.shutdown_grace_secs = 1;
    let state = cartero_relay::AppState::new(config).expect("config");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    println!("{}", listener.local_addr().expect("address").port());
    let forwarder = cartero_tests::forward::start(upstream, copy_chunks).await;
    println!("{}", forwarder.port());
    let stdin_closed = async {
        let mut sink = Vec::new();
        let _ = tokio::io::stdin().read_to_end(&mut sink).await;
    };
    cartero_relay::serve(state, listener, stdin_closed)
        .await
        .expect("serve");
}

/// Copies in the relay's chunk size until the reader ends: the load run's plain
/// forwarder, the least a userspace relay does.
async fn copy_chunks(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
) {
    let mut buf = Vec::with_capacity(cartero_relay::pump::READ_CHUNK);
    loop {
        buf.clear();
        match from.read_buf(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) if to.write_all(&buf).await.is_err() => return,
            Ok(_) => {}
        }
    }
}

/// The next port the relay's process printed.
async fn read_port(out: &mut tokio::io::Lines<BufReader<tokio::process::ChildStdout>>) -> u16 {
    let line = out.next_line().await.expect("the relay's output");
    line.expect("a port line").parse().expect("a port")
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn query(upstream: SocketAddr) -> ConnectQuery {
    ConnectQuery {
        host: upstream.ip().to_string(),
        port: upstream.port(),
        security: Security::None,
    }
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

/// Opens a session and reads `connected` and the greeting.
async fn idle_session(relay: SocketAddr, upstream: SocketAddr) -> Result<Socket, String> {
    let mut ws = open_socket(relay, &query(upstream), None)
        .await
        .map_err(|e| e.to_string())?;
    match ws.next().await {
        Some(Ok(Message::Text(t))) if t.contains("connected") => {}
        other => return Err(format!("first frame: {other:?}")),
    }
    match ws.next().await {
        Some(Ok(Message::Binary(b))) if b.starts_with(b"+OK") => Ok(ws),
        other => Err(format!("greeting: {other:?}")),
    }
}

/// Bytes of one bulk transfer through the relay.
async fn bulk_via_relay(relay: SocketAddr, upstream: SocketAddr, bytes: usize) -> usize {
    let mut ws = idle_session(relay, upstream).await.expect("a session");
    ws.send(Message::Binary(
        format!("BULK {bytes}\r\n").into_bytes().into(),
    ))
    .await
    .expect("send");
    let mut got = 0;
    while got < bytes {
        match ws.next().await {
            Some(Ok(Message::Binary(b))) => got += b.len(),
            other => panic!("bulk frame: {other:?}"),
        }
    }
    got
}

/// Bytes of one bulk transfer straight over TCP to `server` (the upstream, or the
/// forwarder in front of it).
async fn bulk_direct(server: SocketAddr, bytes: usize) -> usize {
    let tcp = TcpStream::connect(server).await.expect("connect");
    let _ = tcp.set_nodelay(true);
    let mut reader = BufReader::new(tcp);
    let mut greeting = String::new();
    reader.read_line(&mut greeting).await.expect("greeting");
    reader
        .get_mut()
        .write_all(format!("BULK {bytes}\r\n").as_bytes())
        .await
        .expect("send");
    let mut buf = vec![0u8; 256 * 1024];
    let mut got = 0;
    while got < bytes {
        let n = reader.read(&mut buf).await.expect("read");
        assert!(n > 0, "the upstream closed early");
        got += n;
    }
    got
}

/// Rounds of each bulk measurement; the table shows the median.
const ROUNDS: usize = 3;

fn median(mut runs: Vec<f64>) -> f64 {
    runs.sort_by(f64::total_cmp);
    runs[runs.len() / 2]
}

/// MB/s of `streams` parallel transfers of `bytes` each.
async fn throughput<F, Fut>(streams: usize, transfer: F) -> f64
where
    F: Fn() -> Fut,
    Fut: Future<Output = usize> + Send + 'static,
{
    let started = Instant::now();
    let tasks: Vec<_> = (0..streams).map(|_| tokio::spawn(transfer())).collect();
    let mut total = 0;
    for task in tasks {
        total += task.await.expect("a transfer");
    }
    total as f64 / 1e6 / started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--serve-relay") {
        let upstream = args[i + 1].parse().expect("the upstream address");
        serve_relay(upstream, args[i + 2].parse().expect("sessions")).await;
        return std::process::ExitCode::SUCCESS;
    }
    let s = settings();
    let upstream = upstream().await;
    let own_path = std::env::current_exe().expect("own path");
    let mut relay_process = match s.relay_cpu {
        Some(cpu) => {
            let mut taskset = tokio::process::Command::new("taskset");
            taskset.args(["-c", &cpu.to_string()]).arg(own_path);
            taskset
        }
        None => tokio::process::Command::new(own_path),
    };
    let mut child = relay_process
        .args([
            "--serve-relay",
            &upstream.to_string(),
            &s.sessions.to_string(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the relay process");
    let mut out = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let relay = SocketAddr::from(([127, 0, 0, 1], read_port(&mut out).await));
    let forwarder = SocketAddr::from(([127, 0, 0, 1], read_port(&mut out).await));
    let pid = child.id().expect("the relay's pid");

    // Warm up (first-use allocations), then measure idle sessions.
    drop(
        idle_session(relay, upstream)
            .await
            .expect("warm-up session"),
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = rss_kib(pid);
    let started = Instant::now();
    let mut open = Vec::with_capacity(s.sessions);
    let mut errors = Vec::new();
    for batch in (0..s.sessions).collect::<Vec<_>>().chunks(100) {
        let attempts: Vec<_> = batch
            .iter()
            .map(|_| tokio::spawn(idle_session(relay, upstream)))
            .collect();
        for attempt in attempts {
            match attempt.await.expect("a task") {
                Ok(ws) => open.push(ws),
                Err(e) => errors.push(e),
            }
        }
    }
    let opened_in = started.elapsed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = rss_kib(pid);
    let per_session = (after.saturating_sub(before)) as f64 / open.len().max(1) as f64;
    drop(open);

    let bytes = s.megabytes * 1_000_000;
    let mut bulk_rows = Vec::new();
    let mut stream_counts = vec![1, s.streams];
    stream_counts.dedup();
    for streams in stream_counts {
        let mut runs: [Vec<f64>; 3] = Default::default();
        for _ in 0..ROUNDS {
            runs[0].push(throughput(streams, || bulk_direct(upstream, bytes)).await);
            runs[1].push(throughput(streams, || bulk_direct(forwarder, bytes)).await);
            runs[2].push(throughput(streams, || bulk_via_relay(relay, upstream, bytes)).await);
        }
        bulk_rows.push((streams, runs.map(median)));
    }

    println!("| measure | value | target |");
    println!("|---|---|---|");
    println!(
        "| idle sessions opened | {} of {} in {:.2} s | all |",
        s.sessions - errors.len(),
        s.sessions,
        opened_in.as_secs_f64()
    );
    println!("| errors | {} | 0 |", errors.len());
    println!("| relay RSS before → with sessions open | {before} KiB → {after} KiB | |");
    println!(
        "| memory per idle session | {:.1} KiB | ≤ 64 KiB ({}) |",
        per_session,
        if per_session <= 64.0 {
            "met"
        } else {
            "not met"
        }
    );
    for (streams, [direct, forwarded, relayed]) in bulk_rows {
        let verdict = |ratio: f64| if ratio >= 0.8 { "met" } else { "not met" };
        println!(
            "| bulk, {streams} × {} MB, direct TCP (median of {ROUNDS}) | {direct:.0} MB/s | |",
            s.megabytes
        );
        println!(
            "| same, plain TCP forwarder (any relay's floor of cost) | {forwarded:.0} MB/s = {:.2}× direct | |",
            forwarded / direct
        );
        println!(
            "| same, through the relay | {relayed:.0} MB/s = {:.2}× direct = {:.2}× the forwarder | ≥ 0.8× direct ({}) |",
            relayed / direct,
            relayed / forwarded,
            verdict(relayed / direct)
        );
    }
    for error in errors.iter().take(5) {
        eprintln!("session error: {error}");
    }
    drop(child.stdin.take());
    let _ = tokio::time::timeout(Duration::from_secs(10), child.wait()).await;
    if errors.is_empty() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
