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
//! it for the page, and the time until the open message shows its attachment.
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
        "| message | Cartero's worker: peak rise | × size | fetch + IndexedDB put in the page: peak rise | × size | sync time | open: worker peak rise | × size | open time |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
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
        let sampler = sample(devtools, page_session, stop.clone());
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

        let stop = Arc::new(AtomicBool::new(false));
        let sampler = sample(devtools, worker_session.clone(), stop.clone());
        let started = Instant::now();
        page.click("message-row").await;
        page.find("attachment").await;
        let open_seconds = started.elapsed().as_secs_f64();
        stop.store(true, Ordering::Relaxed);
        let (mut devtools, start, peak) = sampler.await.expect("sampler");
        let open_wasm = devtools.wasm_memory(&worker_session).await;
        let open_rise =
            open_wasm.saturating_sub(wasm_after) as f64 + peak.saturating_sub(start) as f64;
        browser.close().await;
        println!(
            "| {:.1} MiB | {:.0} MiB ({:.0} wasm) | {:.2} | {:.0} MiB | {:.2} | {seconds:.1} s | {:.0} MiB ({:.0} wasm) | {:.2} | {open_seconds:.2} s |",
            mib(size),
            mib(rise),
            mib(wasm),
            rise / size,
            mib(baseline),
            baseline / size,
            mib(open_rise),
            mib(open_wasm.saturating_sub(wasm_after) as f64),
            open_rise / size,
        );
    }
}
