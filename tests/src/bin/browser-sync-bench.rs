//! Browser sync benchmark (issue 9): the app's sync worker downloads N × 2 KB messages from
//! Dovecot into IndexedDB through the relay, in headless Chromium, next to two baselines
//! measured in the same run: the native core through the same relay, and a bare
//! IndexedDB write of the same records as the app's (metadata holding its UIDL state, and
//! 2.2 KB of bytes, per message, in stores indexed like the app's, 1,000 messages per
//! transaction) in the same Chromium. It also counts the page's long tasks (over 50 ms) during the sync,
//! and prints where the machine's CPU went during the browser sync and the native run.
//!
//! `cargo run --profile relay -p cartero-tests --bin browser-sync-bench -- [N ...]`
//! (default 5000; the app must be built: `cargo xtask build`).

use std::time::{Duration, Instant};

use cartero_tests::bench::{bench_account, bench_user, native_via_relay};
use cartero_tests::browser::{Browser, CarteroPage};
use cartero_tests::cpu::{CpuSnapshot, CpuUse};
use cartero_tests::cpu_profile::CpuProfile;
use cartero_tests::devtools::DevTools;
use cartero_tests::dovecot::Dovecot;
use cartero_tests::relay::{Relay, RelaySetup};
use serde_json::json;

/// Writes `n` messages' records like the app's (metadata with its UIDL state, indexed by
/// account, and raw bytes; the app's store of states apart stays empty in a sync of new
/// mail), 1,000 messages per transaction; answers the milliseconds it took.
const BARE_IDB: &str = r#"
const n = arguments[0], done = arguments[arguments.length - 1];
const open = indexedDB.open('bench-baseline-' + Math.random(), 1);
open.onupgradeneeded = () => {
  open.result.createObjectStore('meta', { keyPath: 'id' }).createIndex('by_account', 'account');
  open.result.createObjectStore('raw', { keyPath: 'id' });
  open.result.createObjectStore('state', { keyPath: 'key' }).createIndex('by_account', 'account');
};
open.onerror = () => done(-1);
open.onsuccess = async () => {
  const db = open.result, bytes = new Uint8Array(2200).fill(65);
  const t = performance.now();
  for (let start = 0; start < n; start += 1000) {
    await new Promise((resolve, reject) => {
      const tx = db.transaction(['meta', 'raw', 'state'], 'readwrite');
      const meta = tx.objectStore('meta'), raw = tx.objectStore('raw');
      for (let i = start; i < Math.min(n, start + 1000); i++) {
        const id = 'bench/' + i;
        raw.put({ id, bytes: bytes.slice() });
        meta.put({ id, account: 'bench', uidl: String(i), from: 'bench', from_address: 'bench@example.org',
                   subject: 'message ' + i, date_ms: i, size: 2200, attachments: 0, partial: false,
                   unread: true, state: { status: 'kept', first_seen_ms: i, hash: 'a'.repeat(64),
                   message_id: '<' + i + '@bench>' } });
      }
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
  }
  done(performance.now() - t);
};
"#;

/// Starts collecting the page's long tasks.
const OBSERVE_LONG_TASKS: &str = r#"
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
}).observe({ type: 'longtask' });
"#;

struct BrowserRun {
    seconds: f64,
    /// A second sync that finds nothing new (it reads every stored state).
    check_seconds: f64,
    long_tasks: Vec<f64>,
    idb_ms: f64,
    /// The machine's CPU during the sync.
    cpu: CpuUse,
    /// The machine's CPU during the bare IndexedDB write.
    idb_cpu: CpuUse,
}

/// The group a program's CPU time counts in: Chromium by process role, Dovecot's
/// processes together, and this benchmark (the relay runs in it).
fn program_group(name: &str) -> String {
    const DOVECOT: [&str; 8] = [
        "dovecot",
        "pop3",
        "pop3-login",
        "auth",
        "anvil",
        "log",
        "config",
        "stats",
    ];
    match name {
        n if n.starts_with("chromedriver") => "chromedriver".into(),
        "chromium" | "chrome" => "Chromium browser process".into(),
        n if n.starts_with("chrom") => format!("Chromium {}", n.split_once(' ').map_or(n, |p| p.1)),
        n if DOVECOT.contains(&n) => "Dovecot".into(),
        n if n.starts_with("browser-sync") => "relay (in the bench)".into(),
        _ => "other".into(),
    }
}

/// Starts the DevTools CPU profiler in the sync worker.
async fn start_profile(profile_dir: &std::path::Path) -> (DevTools, CpuProfile) {
    let mut devtools = DevTools::connect(profile_dir).await;
    let session = devtools.attach("worker", "cartero-worker").await;
    let profile = CpuProfile::start(&mut devtools, &session, "worker").await;
    (devtools, profile)
}

async fn browser_run(
    profile_dir: &std::path::Path,
    page: &CarteroPage<'_>,
    relay: &Relay,
    dovecot: &Dovecot,
    n: usize,
) -> BrowserRun {
    page.open(&relay.url()).await;
    let idb_cpu_before = CpuSnapshot::take();
    let idb_ms = page
        .client
        .execute_async(BARE_IDB, vec![json!(n)])
        .await
        .expect("the bare IndexedDB run")
        .as_f64()
        .expect("milliseconds");
    let idb_cpu = idb_cpu_before.until(&CpuSnapshot::take(), program_group);
    page.client
        .execute(OBSERVE_LONG_TASKS, vec![])
        .await
        .expect("observe long tasks");
    page.fill_account_form(&bench_account(dovecot.pop3)).await;
    let profiling = match std::env::var_os("BENCH_PROFILE") {
        Some(_) => Some(start_profile(profile_dir).await),
        None => None,
    };
    let cpu_before = CpuSnapshot::take();
    let started = Instant::now();
    page.click("account-save").await;
    let limit = Duration::from_secs(60 + n as u64 / 50);
    page.wait_count_within(n, limit).await;
    let seconds = started.elapsed().as_secs_f64();
    let cpu = cpu_before.until(&CpuSnapshot::take(), program_group);
    if let Some((mut devtools, profile)) = profiling {
        let save = std::env::var_os("BENCH_PROFILE").map(Into::into);
        profile.stop(&mut devtools, save).await;
    }
    let long_tasks = page
        .client
        .execute("return window.__longTasks;", vec![])
        .await
        .expect("the long tasks")
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_f64()).collect())
        .unwrap_or_default();
    page.wait_sync_settled().await;
    let started = Instant::now();
    page.click("sync-button").await;
    let (status, failed) = page.wait_sync_settled().await;
    let check_seconds = started.elapsed().as_secs_f64();
    assert!(!failed && status.contains("Up to date"), "{status}");
    BrowserRun {
        seconds,
        check_seconds,
        long_tasks,
        idb_ms,
        cpu,
        idb_cpu,
    }
}

#[tokio::main]
async fn main() {
    let counts: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("message counts"))
        .collect();
    let counts = if counts.is_empty() {
        vec![5000]
    } else {
        counts
    };
    println!(
        "| messages | browser sync | native core via relay | bare IndexedDB | browser / native | browser / IndexedDB | long tasks (count, longest, total) | check, nothing new |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut cpu_lines = Vec::new();
    for n in counts {
        let dovecot = Dovecot::start(vec![bench_user("bench", n, 2048)]).await;
        let relay = Relay::start(RelaySetup {
            allow: vec![dovecot.pop3],
            ca_file: None,
            static_dir: Some(cartero_tests::app_dir()),
        })
        .await;
        let cpu_before = CpuSnapshot::take();
        let native = native_via_relay(relay.addr, dovecot.pop3, "bench").await;
        let native_cpu = cpu_before.until(&CpuSnapshot::take(), program_group);
        assert_eq!(native.0, n, "the native run fetched everything");
        let browser = Browser::start().await;
        let run = browser_run(browser.profile(), &browser.page(), &relay, &dovecot, n).await;
        browser.close().await;
        let browser_rate = n as f64 / run.seconds;
        let native_rate = n as f64 / native.2;
        let idb_rate = n as f64 / (run.idb_ms / 1000.0);
        let longest = run.long_tasks.iter().copied().fold(0.0, f64::max);
        let total: f64 = run.long_tasks.iter().sum();
        println!(
            "| {n} | {browser_rate:.0} msg/s ({:.2} s) | {native_rate:.0} msg/s | {idb_rate:.0} msg/s | {:.3} | {:.3} | {}, {longest:.0} ms, {total:.0} ms | {:.2} s |",
            run.seconds,
            browser_rate / native_rate,
            browser_rate / idb_rate,
            run.long_tasks.len(),
            run.check_seconds
        );
        cpu_lines.push(format!("CPU, {n}, browser sync: {}", run.cpu.summary()));
        cpu_lines.push(format!("CPU, {n}, native core: {}", native_cpu.summary()));
        cpu_lines.push(format!(
            "CPU, {n}, bare IndexedDB: {}",
            run.idb_cpu.summary()
        ));
    }
    println!();
    for line in cpu_lines {
        println!("{line}");
    }
}
