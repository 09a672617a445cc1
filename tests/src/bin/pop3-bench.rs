//! POP3 retrieval benchmark: Cartero's core against the tools people use, in one run,
//! against the same Dovecot. Prints a table; results go to docs/benchmarks.md.
//!
//! `cargo run --profile relay -p cartero-tests --bin pop3-bench`
//! (the `relay` profile: optimised for speed; `release` is tuned for the wasm bundle) (needs Dovecot and python3:
//! `cargo xtask setup`).

use std::net::SocketAddr;
use std::process::Command as Process;
use std::time::{Duration, Instant};

use cartero_native::{Session, TransportError};
use cartero_shared::drive::Transport;
use cartero_shared::pop3::Command;
use cartero_tests::bench::{
    PASSWORD, Run, bench_user as mailbox, native_run, native_via_relay as cartero_relay,
};
use cartero_tests::delay_proxy;
use cartero_tests::dovecot::Dovecot;
use cartero_tests::relay::{Relay, RelaySetup};

const RUNS: usize = 3;

const POPLIB: &str = r#"
import poplib, sys, time
host, port, user, pw = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
t = time.perf_counter()
p = poplib.POP3(host, port)
p.user(user); p.pass_(pw)
n = len(p.uidl()[1]); total = 0
for i in range(1, n + 1):
    total += sum(len(l) + 2 for l in p.retr(i)[1])
p.quit()
print(n, total, time.perf_counter() - t)
"#;

const RAW_PIPELINED: &str = r#"
import socket, sys, time
host, port, user, pw, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
t = time.perf_counter()
s = socket.create_connection((host, port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
batch = f"USER {user}\r\nPASS {pw}\r\n" + "".join(f"RETR {i}\r\n" for i in range(1, n + 1)) + "QUIT\r\n"
s.sendall(batch.encode())
buf = bytearray(); pos = 0; total = 0; got = 0
def fill():
    global buf
    data = s.recv(1 << 16)
    if not data: raise SystemExit("closed early")
    buf += data
def line():
    global pos
    while True:
        i = buf.find(b"\r\n", pos)
        if i >= 0:
            l = bytes(buf[pos:i]); pos = i + 2; return l
        fill()
for _ in range(3): line()  # greeting, USER, PASS
while got < n:
    status = line()
    if not status.startswith(b"+OK"): raise SystemExit(status)
    while True:
        i = buf.find(b"\r\n.\r\n", pos - 2 if pos >= 2 else 0)
        if i >= 0:
            total += i + 2 - pos; pos = i + 5; break
        fill()
    got += 1
    if pos > 1 << 20:
        del buf[:pos]; pos = 0
line()
print(got, total, time.perf_counter() - t)
"#;

fn python(script: &str, args: &[String]) -> Run {
    let out = Process::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut words = text.split_whitespace();
    let n = words.next().unwrap().parse().unwrap();
    let bytes = words.next().unwrap().parse().unwrap();
    let secs = words.next().unwrap().parse().unwrap();
    (n, bytes, secs)
}

async fn cartero_direct(server: SocketAddr, user: &str) -> Run {
    let started = Instant::now();
    let session = Session::connect(server).await.expect("connect");
    native_run(session, user, started).await
}

fn median(mut runs: Vec<Run>) -> Run {
    runs.sort_by(|a, b| a.2.total_cmp(&b.2));
    runs[runs.len() / 2]
}

fn row(workload: &str, client: &str, run: Run, baseline: Option<Run>, pipelined: Option<Run>) {
    let (n, bytes, secs) = run;
    let rate = n as f64 / secs;
    let ratio = |b: Option<Run>| {
        b.map_or("—".into(), |b| {
            format!("{:.2}×", rate / (b.0 as f64 / b.2))
        })
    };
    println!(
        "| {workload} | {client} | {n} | {:.1} MB | {secs:.3} s | {rate:.0} | {:.1} | {} | {} |",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs,
        ratio(baseline),
        ratio(pipelined)
    );
}

async fn table(dovecot: &Dovecot, relay: &Relay, user: &str, workload: &str, n: usize) {
    let host = "127.0.0.1".to_owned();
    let args = |extra: Option<usize>| {
        let mut a = vec![
            host.clone(),
            dovecot.pop3.port().to_string(),
            user.into(),
            PASSWORD.into(),
        ];
        a.extend(extra.map(|n| n.to_string()));
        a
    };
    let poplib = median((0..RUNS).map(|_| python(POPLIB, &args(None))).collect());
    let raw = median(
        (0..RUNS)
            .map(|_| python(RAW_PIPELINED, &args(Some(n))))
            .collect(),
    );
    let mut direct = Vec::new();
    let mut relayed = Vec::new();
    for _ in 0..RUNS {
        direct.push(cartero_direct(dovecot.pop3, user).await);
        relayed.push(cartero_relay(relay.addr, dovecot.pop3, user).await);
    }
    row(
        workload,
        "(a) Python poplib, sequential",
        poplib,
        None,
        None,
    );
    row(
        workload,
        "(b) raw socket, all commands pipelined",
        raw,
        Some(poplib),
        None,
    );
    row(
        workload,
        "(c) Cartero core, direct TCP",
        median(direct),
        Some(poplib),
        Some(raw),
    );
    row(
        workload,
        "(d) Cartero core through the relay",
        median(relayed),
        Some(poplib),
        Some(raw),
    );
}

async fn noop_rtt<T: Transport<Error = TransportError>>(session: &mut Session<T>) -> Duration {
    let started = Instant::now();
    for _ in 0..5 {
        session.call(Command::Capa).await.expect("CAPA");
    }
    started.elapsed() / 5
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    cartero_tests::init_logging_at("warn");
    let dovecot = Dovecot::start(vec![
        mailbox("small", 5000, 2048),
        mailbox("large", 20, 1024 * 1024),
        mailbox("thousand", 1000, 2048),
    ])
    .await;
    let relay = Relay::start(RelaySetup {
        allow: vec![dovecot.pop3],
        ..RelaySetup::default()
    })
    .await;
    // Warm-up: Dovecot moves new/ to cur/ and builds its index on first access.
    for user in ["small", "large", "thousand"] {
        cartero_direct(dovecot.pop3, user).await;
    }
    println!("| workload | client | messages | data | time | msg/s | MB/s | vs (a) | vs (b) |");
    println!("|---|---|---|---|---|---|---|---|---|");
    table(&dovecot, &relay, "small", "5,000 × 2 KB", 5000).await;
    table(&dovecot, &relay, "large", "20 × 1 MB", 20).await;

    // 50 ms round trip between the client and what it talks to.
    let one_way = Duration::from_millis(25);
    let slow_server = delay_proxy::start(dovecot.pop3, one_way).await;
    let slow_relay = delay_proxy::start(relay.addr, one_way).await;
    let mut probe = Session::connect(slow_server).await.expect("probe");
    let rtt = noop_rtt(&mut probe).await;
    let poplib = python(
        POPLIB,
        &[
            "127.0.0.1".into(),
            slow_server.port().to_string(),
            "thousand".into(),
            PASSWORD.into(),
        ],
    );
    let relayed = cartero_relay(slow_relay, dovecot.pop3, "thousand").await;
    println!();
    println!(
        "At a measured round trip (CAPA) of {:.1} ms (userspace delay proxy, 25 ms each way):",
        rtt.as_secs_f64() * 1000.0
    );
    println!();
    println!("| workload | client | messages | data | time | msg/s | MB/s | vs (a) | vs (b) |");
    println!("|---|---|---|---|---|---|---|---|---|");
    row(
        "1,000 × 2 KB at 50 ms RTT",
        "(a) Python poplib, sequential",
        poplib,
        None,
        None,
    );
    row(
        "1,000 × 2 KB at 50 ms RTT",
        "(d) Cartero core through the relay",
        relayed,
        Some(poplib),
        None,
    );
    relay.stop().await;
}
