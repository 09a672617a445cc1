//! Which IndexedDB record layout lets a sync write fastest (issue 9): the same N messages
//! (metadata, 2.2 KB of bytes and a UIDL state each, 1,000 per transaction) written in
//! headless Chromium under several layouts, alternating, so each is measured next to the
//! app's layout in the same browser.
//!
//! `cargo run --profile relay -p cartero-tests --bin idb-layout-bench -- [N] [ROUNDS]`
//! (default 5000 messages, 3 rounds; the app must be built: `cargo xtask build`).

use cartero_tests::browser::Browser;
use cartero_tests::relay::{Relay, RelaySetup};
use serde_json::json;

/// Writes `n` messages under layout `arguments[1]` (metadata and states indexed by account
/// when `arguments[2]`); answers the milliseconds it took.
const WRITE: &str = r#"
const n = arguments[0], layout = arguments[1], indexed = arguments[2];
const done = arguments[arguments.length - 1];
const open = indexedDB.open('layout-' + Math.random(), 1);
open.onupgradeneeded = () => {
  const meta = open.result.createObjectStore('meta', { keyPath: 'id' });
  const state = open.result.createObjectStore('state', { keyPath: 'key' });
  if (indexed) {
    meta.createIndex('by_account', 'account');
    state.createIndex('by_account', 'account');
  }
  open.result.createObjectStore('raw', { keyPath: 'id' });
};
open.onerror = () => done(-1);
open.onsuccess = async () => {
  const db = open.result, bytes = new Uint8Array(2200).fill(65);
  const metaOf = (i) => ({ id: 'bench/' + i, account: 'bench', uidl: String(i), from: 'bench',
    from_address: 'bench@example.org', subject: 'message ' + i, date_ms: i, size: 2200,
    attachments: 0, partial: false, unread: true });
  const stateOf = (i) => ({ key: 'bench/' + i, account: 'bench', uidl: String(i), status: 'kept',
    first_seen_ms: i, hash: 'a'.repeat(64), message_id: '<' + i + '@bench>' });
  const t = performance.now();
  for (let start = 0; start < n; start += 1000) {
    await new Promise((resolve, reject) => {
      const relaxed = layout.endsWith('(relaxed)');
      const tx = db.transaction(['meta', 'raw', 'state'], 'readwrite', { durability: relaxed ? 'relaxed' : 'default' });
      const meta = tx.objectStore('meta'), raw = tx.objectStore('raw'), state = tx.objectStore('state');
      const end = Math.min(n, start + 1000), chunk = [];
      for (let i = start; i < end; i++) {
        const id = 'bench/' + i;
        if (layout === 'one record: metadata, state and bytes') {
          meta.put({ ...metaOf(i), state: stateOf(i), bytes: bytes.slice() });
          continue;
        }
        raw.put({ id, bytes: bytes.slice() });
        if (layout.startsWith('metadata holding its state, bytes')) {
          meta.put({ ...metaOf(i), state: stateOf(i) });
        } else if (layout === 'metadata, bytes, states in one record per batch') {
          meta.put(metaOf(i));
          chunk.push(stateOf(i));
        } else {
          meta.put(metaOf(i));
          state.put(stateOf(i));
        }
      }
      if (chunk.length) state.put({ key: 'bench/batch-' + start, states: chunk });
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
  }
  db.close();
  done(performance.now() - t);
};
"#;

/// Each layout: its name (which the script reads), puts per message, and whether the
/// metadata and states are indexed by account as the app's are.
const LAYOUTS: [(&str, &str, bool); 6] = [
    ("three records (the app before)", "3", true),
    ("three records, no index", "3", false),
    ("metadata holding its state, bytes (the app now)", "2", true),
    (
        "metadata, bytes, states in one record per batch",
        "2 + 1 per batch",
        false,
    ),
    ("one record: metadata, state and bytes", "1", false),
    ("metadata holding its state, bytes (relaxed)", "2", true),
];

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .map_or(5000, |a| a.parse().expect("a message count"));
    let rounds: usize = args.next().map_or(3, |a| a.parse().expect("a round count"));
    let relay = Relay::start(RelaySetup {
        allow: vec![],
        ca_file: None,
        static_dir: Some(cartero_tests::app_dir()),
    })
    .await;
    let browser = Browser::start().await;
    let page = browser.page();
    page.open(&relay.url()).await;
    let mut rates = vec![Vec::new(); LAYOUTS.len()];
    for _ in 0..rounds {
        for ((layout, _, indexed), rate) in LAYOUTS.iter().zip(rates.iter_mut()) {
            let ms = page
                .client
                .execute_async(WRITE, vec![json!(n), json!(layout), json!(indexed)])
                .await
                .expect("a layout run")
                .as_f64()
                .expect("milliseconds");
            rate.push(n as f64 / (ms / 1000.0));
        }
    }
    browser.close().await;
    println!(
        "| layout ({n} messages, {rounds} rounds) | puts per message | median | ÷ the first |"
    );
    println!("|---|---|---|---|");
    let median = |r: &mut Vec<f64>| {
        r.sort_by(f64::total_cmp);
        r[r.len() / 2]
    };
    let first = median(&mut rates[0].clone());
    for ((layout, puts, _), rate) in LAYOUTS.iter().zip(rates.iter_mut()) {
        let m = median(rate);
        println!("| {layout} | {puts} | {m:.0} msg/s | {:.2} |", m / first);
    }
}
