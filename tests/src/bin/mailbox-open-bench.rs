//! Mailbox benchmark (issue 11): how long the app takes to show a big mailbox, and to
//! search it, in headless Chromium. The app syncs one real message from Dovecot; the
//! benchmark then clones that message's own stored records (metadata and bytes, exactly as
//! the sync worker wrote them) into N messages, reloads, and measures:
//! - the time from the reload to the first rows, and to the list's whole count;
//! - the page's wasm memory and JS heap once the list shows;
//! - a one-word search that matches one message, from the keystroke to the one row,
//!   measured inside the page.
//!
//! Each size runs in the same process, the smallest first: its numbers are the baseline
//! the larger ones are read against.
//!
//! `cargo run --profile relay -p cartero-tests --bin mailbox-open-bench -- [N ...]`
//! (default 5000 20000 50000; the app must be built: `cargo xtask build`).

use std::time::{Duration, Instant};

use cartero_tests::bench::{bench_account, bench_user};
use cartero_tests::browser::Browser;
use cartero_tests::devtools::DevTools;
use cartero_tests::dovecot::Dovecot;
use cartero_tests::relay::Relay;
use cartero_tests::wait::wait_until;
use serde_json::json;

/// Clones the one stored message into `n` (ids `account/bench-i`, a date a minute apart,
/// a subject and a sender each their own; message 7 alone says "zanahoria"), 5,000 per
/// transaction; answers how many messages are stored, or an error.
const SEED: &str = r#"
const n = arguments[0], done = arguments[arguments.length - 1];
const open = indexedDB.open('cartero');
open.onerror = () => done('open: ' + open.error);
open.onsuccess = async () => {
  const db = open.result;
  const read = (store) => new Promise((resolve, reject) => {
    const r = db.transaction(store).objectStore(store).getAll();
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  try {
    const [meta] = await read('messages');
    const [raw] = await read('raw');
    const account = meta.account;
    const names = ['Lucía Fernández', 'Javier Ruiz', 'Maya Okafor', 'Biblioteca del Pueblo', 'Tomás'];
    const words = ['reunión', 'factura', 'excursión', 'boletín', 'presupuesto', 'horario'];
    for (let start = 1; start < n; start += 5000) {
      await new Promise((resolve, reject) => {
        const tx = db.transaction(['messages', 'raw'], 'readwrite');
        const m = tx.objectStore('messages'), r = tx.objectStore('raw');
        for (let i = start; i < Math.min(n, start + 5000); i++) {
          const id = account + '/bench-' + i;
          const word = i === 7 ? 'zanahoria' : words[i % words.length];
          m.put(Object.assign({}, meta, {
            id, uidl: 'bench-' + i, date_ms: meta.date_ms - i * 60000,
            subject: 'Mensaje ' + i + ': ' + word + ' de la semana',
            from: names[i % names.length], unread: i % 3 === 0,
          }));
          r.put(Object.assign({}, raw, { id }));
        }
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
    }
    const count = db.transaction('messages').objectStore('messages').count();
    count.onsuccess = () => done(count.result);
  } catch (e) { done('seed: ' + e); }
};
"#;

/// Types `arguments[0]` into the search box (an empty text clears it) and answers the
/// milliseconds until the list counts `arguments[1]` messages.
const SEARCH: &str = r#"
const [text, n, done] = [arguments[0], String(arguments[1]), arguments[arguments.length - 1]];
const input = document.querySelector('[data-testid="search-input"]');
const list = document.querySelector('[data-testid="message-list"]');
const t = performance.now();
const check = () => list.getAttribute('data-count') === n && done(performance.now() - t);
new MutationObserver(check).observe(list, { attributes: true, childList: true, subtree: true });
input.value = text;
input.dispatchEvent(new Event('input', { bubbles: true }));
check();
"#;

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("sizes in messages"))
        .collect();
    let sizes = if sizes.is_empty() {
        vec![5_000, 20_000, 50_000]
    } else {
        sizes
    };
    let dovecot = Dovecot::start(vec![bench_user("bench", 1, 2_000)]).await;
    let relay = Relay::serving_app(dovecot.pop3).await;
    println!(
        "| messages | first rows | whole count | rows in the DOM | page wasm memory | page JS heap | search, one word | search cleared |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    for n in sizes {
        let browser = Browser::start().await;
        let page = browser.page();
        page.open(&relay.url()).await;
        page.add_account(&bench_account(dovecot.pop3)).await;
        page.wait_count(1).await;
        page.wait_sync_settled().await;
        let seeded = page
            .client
            .execute_async(SEED, vec![json!(n)])
            .await
            .expect("seed the store");
        assert_eq!(seeded, json!(n), "seeded");

        let started = Instant::now();
        page.client.refresh().await.expect("reload");
        let first_rows = wait_until("the first rows", Duration::from_secs(120), || async {
            (!page.all("message-row").await.is_empty()).then(|| started.elapsed())
        })
        .await;
        page.wait_count_within(n, Duration::from_secs(120)).await;
        let whole = started.elapsed();
        let rows = page.all("message-row").await.len();

        let mut devtools = DevTools::connect(browser.profile()).await;
        let session = devtools.attach("page", &relay.url()).await;
        let wasm = devtools.wasm_memory(&session).await;
        let heap = devtools.heap_usage(&session).await.js;

        let search = page
            .client
            .execute_async(SEARCH, vec![json!("zanahoria"), json!(1)])
            .await
            .expect("search");
        let cleared = page
            .client
            .execute_async(SEARCH, vec![json!(""), json!(n)])
            .await
            .expect("clear the search");
        browser.close().await;
        println!(
            "| {n} | {:.2} s | {:.2} s | {rows} | {:.0} MiB | {:.0} MiB | {:.0} ms | {:.0} ms |",
            first_rows.as_secs_f64(),
            whole.as_secs_f64(),
            mib(wasm),
            mib(heap),
            search.as_f64().unwrap_or(-1.0),
            cleared.as_f64().unwrap_or(-1.0),
        );
    }
}
