//! Big-message benchmark (issue 9): the app's sync worker downloads one message of N MB
//! (a base64 attachment, as mail carries big files) from Dovecot into IndexedDB through
//! the relay, in headless Chromium. It prints the worker's peak memory above its level
//! just before, against the message's size: the growth of its wasm memory (which only
//! grows, so its size after is its peak) plus the peak of its JS heap and `ArrayBuffer`
//! backing stores (sampled every 5 ms over the DevTools protocol). The baseline in the
//! same run: the page itself `fetch`es the same bytes and stores them in IndexedDB, the
//! least JavaScript can do, measured the same way.
//!
//! Then it opens the message in the app and prints the worker's peak rise while it reads
//! it for the page, the peak rise of the browser's main process (its blob store holds the
//! Blobs the page is handed), and the time until the open message shows its attachment.
//!
//! `cargo run --profile relay -p cartero-tests --bin big-message-bench -- [MB ...]`
//! (default 50; the app must be built: `cargo xtask build`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use cartero_tests::bench::{PASSWORD, bench_account};
use cartero_tests::browser::Browser;
use cartero_tests::devtools::DevTools;
use cartero_tests::dovecot::{Dovecot, Mail, User};
use cartero_tests::relay::{Relay, RelaySetup};
use serde_json::json;

/// One message of about `mb` MB: a short text and a base64 attachment.
fn big_user(mb: usize) -> User {
    let line = "QmlnIGF0dGFjaG1lbnQgYnl0ZXMgZm9yIENhcnRlcm8ncyBtZW1vcnkgYmVuY2htYXJrLi4uLi4u\n";
    let lines = mb * 1024 * 1024 / line.len();
    let raw = format!(
        "From: Big <big@example.org>\nTo: bench@example.org\nSubject: the big one\n\
         Message-ID: <big@bench>\nMIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\n\
         A big attachment.\n--b\nContent-Type: application/octet-stream\n\
         Content-Disposition: attachment; filename=\"big.bin\"\n\
         Content-Transfer-Encoding: base64\n\n{}--b--\n",
        line.repeat(lines)
    );
    User {
        name: "bench".into(),
        password: PASSWORD.into(),
        mail: vec![Mail::new("1700000000.M1P1.bench", raw)],
    }
}

/// Samples the JS heap and buffers of the target attached as `session` every 5 ms until
/// `stop`; returns the level at the start and the peak.
fn sample(
    mut devtools: DevTools,
    session: String,
    stop: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<(DevTools, u64, u64)> {
    tokio::spawn(async move {
        let start = devtools.heap_usage(&session).await.total();
        let mut peak = start;
        while !stop.load(Ordering::Relaxed) {
            peak = peak.max(devtools.heap_usage(&session).await.total());
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        peak = peak.max(devtools.heap_usage(&session).await.total());
        (devtools, start, peak)
    })
}

/// The resident memory of process `pid` now, in bytes (`VmRSS`).
fn resident(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Samples the resident memory of process `pid` every 5 ms until `stop`; answers the rise
/// of its peak above its level at the start.
fn sample_resident(pid: u32, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let start = resident(pid);
        let mut peak = start;
        while !stop.load(Ordering::Relaxed) {
            peak = peak.max(resident(pid));
            std::thread::sleep(Duration::from_millis(5));
        }
        peak.max(resident(pid)).saturating_sub(start)
    })
}

/// The functions with the most self time in a CPU profile (`Profiler.stop`'s `profile`),
/// one per line.
fn top_self_time(profile: &serde_json::Value) -> String {
    let nodes = profile["nodes"].as_array().cloned().unwrap_or_default();
    let samples = profile["samples"].as_array().cloned().unwrap_or_default();
    let deltas = profile["timeDeltas"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let name_of: std::collections::HashMap<u64, String> = nodes
        .iter()
        .map(|n| {
            let frame = &n["callFrame"];
            let name = frame["functionName"].as_str().unwrap_or_default();
            let name = if name.is_empty() { "(anonymous)" } else { name };
            (n["id"].as_u64().unwrap_or(0), name.to_owned())
        })
        .collect();
    let mut by_name: std::collections::HashMap<String, f64> = Default::default();
    for (sample, delta) in samples.iter().zip(deltas.iter().skip(1).chain([&json!(0)])) {
        let name = name_of
            .get(&sample.as_u64().unwrap_or(0))
            .cloned()
            .unwrap_or_default();
        *by_name.entry(name).or_default() += delta.as_f64().unwrap_or(0.0) / 1000.0;
    }
    let mut top: Vec<_> = by_name.into_iter().collect();
    top.sort_by(|a, b| b.1.total_cmp(&a.1));
    top.iter()
        .take(15)
        .map(|(name, ms)| format!("  {ms:8.1} ms  {name:.120}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The page fetches the message's bytes from the relay's static files and stores them
/// in IndexedDB.
const BASELINE: &str = r#"
const done = arguments[arguments.length - 1];
fetch('/bench-big.eml').then((r) => r.arrayBuffer()).then((buf) => {
  const open = indexedDB.open('bench-big-' + Math.random(), 1);
  open.onupgradeneeded = () => open.result.createObjectStore('raw', { keyPath: 'id' });
  open.onsuccess = () => {
    const tx = open.result.transaction('raw', 'readwrite');
    tx.objectStore('raw').put({ id: 'big', bytes: new Uint8Array(buf) });
    tx.oncomplete = () => done(buf.byteLength);
    tx.onerror = () => done(-1);
  };
}, () => done(-2));
"#;

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("sizes in MB"))
        .collect();
    let sizes = if sizes.is_empty() { vec![50] } else { sizes };
    println!(
        "| message | Cartero's worker: peak rise | × size | fetch + IndexedDB put in the page: peak rise | × size | sync time | open: worker peak rise | × size | browser process peak rise | open time |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let mib = |b: f64| b / (1024.0 * 1024.0);
    for mb in sizes {
        let user = big_user(mb);
        let wire = user.mail[0].wire_bytes();
        let size = wire.len() as f64;
        let static_dir = tempfile::tempdir().expect("a static dir");
        for entry in std::fs::read_dir(cartero_tests::app_dir()).expect("the built app") {
            let entry = entry.expect("an app file");
            let _ = std::fs::copy(entry.path(), static_dir.path().join(entry.file_name()));
        }
        std::fs::write(static_dir.path().join("bench-big.eml"), &wire).expect("baseline file");
        let dovecot = Dovecot::start(vec![user]).await;
        let relay = Relay::start(RelaySetup {
            allow: vec![dovecot.pop3],
            ca_file: None,
            static_dir: Some(static_dir.path().to_owned()),
        })
        .await;
        let browser = Browser::start().await;
        let page = browser.page();
        page.open(&relay.url()).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let mut devtools = DevTools::connect(browser.profile()).await;
        let page_session = devtools.attach("page", &relay.url()).await;
        let worker_session = devtools.attach("worker", "cartero-worker").await;

        let stop = Arc::new(AtomicBool::new(false));
        let sampler = sample(devtools, page_session.clone(), stop.clone());
        let stored = page
            .client
            .execute_async(BASELINE, vec![])
            .await
            .expect("the baseline run");
        assert!(stored.as_f64().unwrap_or(0.0) > 0.0, "baseline: {stored}");
        stop.store(true, Ordering::Relaxed);
        let (mut devtools, start, peak) = sampler.await.expect("sampler");
        let baseline = peak.saturating_sub(start) as f64;

        page.fill_account_form(&bench_account(dovecot.pop3)).await;
        let wasm_before = devtools.wasm_memory(&worker_session).await;
        let stop = Arc::new(AtomicBool::new(false));
        let sampler = sample(devtools, worker_session.clone(), stop.clone());
        let started = Instant::now();
        page.click("account-save").await;
        page.wait_count_within(1, Duration::from_secs(120)).await;
        page.wait_sync_settled().await;
        let seconds = started.elapsed().as_secs_f64();
        stop.store(true, Ordering::Relaxed);
        let (mut devtools, start, peak) = sampler.await.expect("sampler");
        let wasm_after = devtools.wasm_memory(&worker_session).await;
        let wasm = wasm_after.saturating_sub(wasm_before) as f64;
        let rise = wasm + peak.saturating_sub(start) as f64;

        let profiled = std::env::var_os("BENCH_PROFILE_OPEN").is_some();
        if profiled {
            for session in [&worker_session, &page_session] {
                devtools
                    .call(Some(session), "Profiler.enable", json!({}))
                    .await;
                devtools
                    .call(Some(session), "Profiler.start", json!({}))
                    .await;
            }
        }
        let stop = Arc::new(AtomicBool::new(false));
        let sampler = sample(devtools, worker_session.clone(), stop.clone());
        let browser_pid = browser.browser_pid().expect("the browser process");
        let resident_sampler = sample_resident(browser_pid, stop.clone());
        let started = Instant::now();
        page.click("message-row").await;
        page.find("attachment").await;
        let open_seconds = started.elapsed().as_secs_f64();
        // What the open left held (Blobs the page keeps) shows a moment after.
        tokio::time::sleep(Duration::from_millis(300)).await;
        stop.store(true, Ordering::Relaxed);
        let browser_rise = resident_sampler.join().expect("resident sampler") as f64;
        let (mut devtools, start, peak) = sampler.await.expect("sampler");
        if profiled {
            for (name, session) in [("worker", &worker_session), ("page", &page_session)] {
                let profile = devtools
                    .call(Some(session), "Profiler.stop", json!({}))
                    .await;
                eprintln!(
                    "{name}, self time during the open:\n{}",
                    top_self_time(&profile["profile"])
                );
            }
        }
        let open_wasm = devtools.wasm_memory(&worker_session).await;
        let open_rise =
            open_wasm.saturating_sub(wasm_after) as f64 + peak.saturating_sub(start) as f64;
        browser.close().await;
        println!(
            "| {:.1} MiB | {:.0} MiB ({:.0} wasm) | {:.2} | {:.0} MiB | {:.2} | {seconds:.1} s | {:.0} MiB ({:.0} wasm) | {:.2} | {:.0} MiB | {open_seconds:.2} s |",
            mib(size),
            mib(rise),
            mib(wasm),
            rise / size,
            mib(baseline),
            baseline / size,
            mib(open_rise),
            mib(open_wasm.saturating_sub(wasm_after) as f64),
            open_rise / size,
            mib(browser_rise),
        );
    }
}
