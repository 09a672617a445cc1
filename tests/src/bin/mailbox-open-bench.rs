//! Mailbox benchmark (issue 11): how long the app takes to show a big mailbox, and to
//! search it, in headless Chromium. The app syncs one real message from Dovecot; the
//! benchmark then clones that message's own stored records (metadata and bytes, exactly as
//! the sync worker wrote them) into N messages, reloads, and measures:
//! - the time from the reload to the first rows, and to the list's whole count; and by the
//!   app's own performance marks, from the navigation to the app's start, and from then to
//!   the first rows (the target: within 300 ms of the start);
//! - the page's wasm memory and JS heap once the list shows;
//! - the time to open a folder (Archive, then back to the Inbox);
//! - scrolling the Inbox from top to bottom, 24 rows per frame: frames that missed a
//!   vsync (over 25 ms: at 60 Hz a frame is 16.7 ms, give or take the timer's jitter);
//! - how long the search index of the store takes to build, once, after the upgrade;
//! - a one-word and a two-word search that match one message, a word that every message
//!   has, and `is:unread`, from the keystroke to the rows, measured inside the page; the
//!   last two also once first, while the worker holds none of the folder's keys in memory,
//!   and the word once more in a new worker, typed 300 ms after the search box got the
//!   focus (which has the worker read them ahead);
//! - the worker's wasm memory after the searches;
//! - the Inbox put in sender order (Z to A), from the choice to the first row.
//! - the Inbox put in the conversations order, from the choice to the first row.
//!
//! Each size runs in the same process, the smallest first: its numbers are the baseline
//! the larger ones are read against.
//!
//! `cargo run --profile relay -p cartero-tests --bin mailbox-open-bench -- [N ...]`
//! (default 5000 20000 50000; the app must be built: `cargo xtask build`).

use std::time::{Duration, Instant};

use cartero_tests::bench::{bench_account, bench_user};
use cartero_tests::browser::Browser;
use cartero_tests::cpu_profile::CpuProfile;
use cartero_tests::devtools::DevTools;
use cartero_tests::dovecot::Dovecot;
use cartero_tests::relay::Relay;
use cartero_tests::wait::wait_until;
use serde_json::json;

/// Clones the one stored message into `n` (ids `account/bench-i`, a date a minute apart,
/// a subject and a sender each their own; message 7 alone says "zanahoria"), 5,000 per
/// transaction, filed across the folders (half in the Inbox). It then drops the data's
/// version and the search index (the clones have no number in it), so the app counts the
/// folders again and indexes every message when it next opens, as it does when it
/// upgrades a store from before folders. Answers `[stored, in the Inbox, in Archive,
/// unread in the Inbox]`, or an error.
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
    delete meta.doc;
    delete meta.sender_key; delete meta.unread_at; delete meta.flagged_at;
    const [raw] = await read('raw');
    const account = meta.account;
    const names = ['Lucía Fernández', 'Javier Ruiz', 'Maya Okafor', 'Biblioteca del Pueblo', 'Tomás'];
    const words = ['reunión', 'factura', 'excursión', 'boletín', 'presupuesto', 'horario'];
    const folders = ['inbox', 'inbox', 'inbox', 'inbox', 'inbox', 'archive', 'archive', 'sent', 'drafts', 'trash'];
    let inbox = 1, archive = 0, unread = meta.unread ? 1 : 0;
    // Conversations of five, each in one folder (message 7 alone), with their heads as
    // the worker keeps them: the clones share one Message-ID, so they cannot be read.
    const mates = (i) => {
      if (i === 7) return [7];
      const base = i - (i % 50) + (i % 10), out = [];
      for (let j = 0; j < 5; j++) { const x = base + 10 * j; if (x >= 1 && x < n && x !== 7) out.push(x); }
      return out;
    };
    for (let start = 1; start < n; start += 5000) {
      await new Promise((resolve, reject) => {
        const tx = db.transaction(['messages', 'raw'], 'readwrite');
        const m = tx.objectStore('messages'), r = tx.objectStore('raw');
        for (let i = start; i < Math.min(n, start + 5000); i++) {
          const id = account + '/bench-' + i;
          const word = i === 7 ? 'zanahoria' : words[i % words.length];
          const folder = i === 7 ? 'inbox' : folders[i % folders.length];
          inbox += folder === 'inbox'; archive += folder === 'archive';
          unread += folder === 'inbox' && i % 3 === 0;
          const copy = Object.assign({}, meta, {
            id, uidl: 'bench-' + i, date_ms: meta.date_ms - i * 60000,
            subject: 'Mensaje ' + i + ': ' + word + ' de la semana',
            from: names[i % names.length], unread: i % 3 === 0, folder,
          });
          // Its index fields come from the worker, as for mail from before schema 6.
          delete copy.sender_key; delete copy.unread_at; delete copy.flagged_at;
          const group = mates(i);
          copy.thread = account + '/bench-' + (i === 7 ? 'alone' : (i % 10) + '-' + Math.floor(i / 50));
          delete copy.head_at; delete copy.thread_count; delete copy.thread_unread;
          if (group[0] === i) {
            Object.assign(copy, { head_at: copy.date_ms, thread_count: group.length,
              thread_unread: group.filter((x) => x % 3 === 0).length });
          }
          m.put(copy);
          r.put(Object.assign({}, raw, { id }));
        }
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
    }
    await new Promise((resolve, reject) => {
      // An older build (BENCH_NO_SEARCH) has no index stores.
      const index = ['terms', 'docs'].filter((name) => db.objectStoreNames.contains(name));
      const tx = db.transaction(['settings', 'messages', ...index], 'readwrite');
      tx.objectStore('settings').delete('schema');
      tx.objectStore('settings').delete('search_index');
      tx.objectStore('settings').delete('key_fields');
      index.forEach((name) => tx.objectStore(name).clear());
      tx.objectStore('messages').put(meta);
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    const count = db.transaction('messages').objectStore('messages').count();
    count.onsuccess = () => done([count.result, inbox, archive, unread]);
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

/// Gives the search box the focus and answers after `arguments[0]` milliseconds (the
/// time a person takes to start typing).
const FOCUS_SEARCH: &str = r#"
const [wait, done] = [arguments[0], arguments[arguments.length - 1]];
document.querySelector('[data-testid="search-input"]').focus();
setTimeout(() => done(0), wait);
"#;

/// Types `arguments[0]` into the search box and answers the milliseconds until the list
/// shows at least `arguments[1]` rows, a new first row among them (its count may still
/// grow: the newest results come first).
const SEARCH_ROWS: &str = r#"
const [text, n, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
const input = document.querySelector('[data-testid="search-input"]');
const list = document.querySelector('[data-testid="message-list"]');
const first = () => list.querySelector('[data-testid="message-row"][aria-posinset="1"]')?.getAttribute('data-id');
const before = first();
const t = performance.now();
const check = () => list.querySelectorAll('[data-testid="message-row"]').length >= n
  && first() && first() !== before && done(performance.now() - t);
new MutationObserver(check).observe(list, { attributes: true, childList: true, subtree: true });
input.value = text;
input.dispatchEvent(new Event('input', { bubbles: true }));
"#;

/// Clicks the folder `arguments[0]` and answers the milliseconds until the list counts
/// `arguments[1]` messages and shows that folder's rows.
const OPEN_FOLDER: &str = r#"
const [folder, n, done] = [arguments[0], String(arguments[1]), arguments[arguments.length - 1]];
const list = document.querySelector('[data-testid="message-list"]');
const first = () => list.querySelector('[data-testid="message-row"]')?.getAttribute('data-id');
const before = first();
const t = performance.now();
const check = () => list.getAttribute('data-count') === n && first() && first() !== before
  && done(performance.now() - t);
new MutationObserver(check).observe(list, { attributes: true, childList: true, subtree: true });
document.querySelector(`[data-testid="folder-row"][data-folder="${folder}"]`).click();
"#;

/// Chooses the order `arguments[0]` in the list's menu and answers the milliseconds until
/// the list's first row is another message.
const SORT: &str = r#"
const [order, done] = [arguments[0], arguments[arguments.length - 1]];
const list = document.querySelector('[data-testid="message-list"]');
const menu = document.querySelector('[data-testid="list-sort"]');
// An older build has no menu, or not this order.
const offered = !!menu && [...menu.options].some((o) => o.value === order);
if (!offered) { done(-1); }
const first = () => list.querySelector('[data-testid="message-row"][aria-posinset="1"]')?.getAttribute('data-id');
const before = first();
const t = performance.now();
const check = () => first() && first() !== before && done(performance.now() - t);
if (offered) {
  new MutationObserver(check).observe(list, { attributes: true, childList: true, subtree: true });
  menu.value = order;
  menu.dispatchEvent(new Event('change', { bubbles: true }));
}
"#;

/// Scrolls the list `arguments[0]` pixels per frame from `arguments[1]` (a fraction of
/// its height) for at most `arguments[2]` frames or to its bottom, and answers `[frames,
/// frames that missed a vsync, the longest frame in ms, frames that showed no row in the
/// middle of the list, ms from reaching the end until the last row is drawn (-1: not
/// within 5 s, -2: the end was not reached)]`. A frame is the time between two animation
/// frames while the list scrolls; one over 25 ms (a vsync and a half at 60 Hz) missed at
/// least one.
const SCROLL: &str = r#"
const [step, from, most, done] = arguments;
// The list scrolls in its pane on a wide window, with the page on a narrow one.
const inPane = document.querySelector('.list-pane');
const pane = inPane.scrollHeight > inPane.clientHeight + 1 ? inPane : document.scrollingElement;
pane.scrollTop = Math.round(pane.scrollHeight * from);
// The row in the middle of the visible list: a frame without it drawn is blank. Found from
// the scroll position (no layout read while scrolling).
const list = document.querySelector('[data-testid="message-list"]');
const box = inPane.getBoundingClientRect();
const middle = (Math.max(box.top, 0) + Math.min(box.bottom, innerHeight)) / 2;
const [listTop, start] = [list.getBoundingClientRect().top, pane.scrollTop];
const middleRow = () => Math.floor((middle - listTop + pane.scrollTop - start) / 58) + 1;
let last = null, frames = 0, long = 0, longest = 0, blank = 0;
const tick = (now) => {
  if (last !== null) {
    const frame = now - last;
    frames += 1; long += frame > 25; longest = Math.max(longest, frame);
    blank += !list.querySelector(`[data-testid="message-row"][aria-posinset="${middleRow()}"]`);
  }
  last = now;
  if (frames >= most) return done([frames, long, longest, blank, -2]);
  if (pane.scrollTop + pane.clientHeight >= pane.scrollHeight - 1) {
    // How long the last row takes to be drawn (read) once the list is at its end.
    const count = document.querySelector('[data-testid="message-list"]').dataset.count;
    const end = performance.now();
    const wait = () => {
      const last = document.querySelector(`[data-testid="message-row"][aria-posinset="${count}"]`);
      const waited = performance.now() - end;
      if (last || waited > 5000) return done([frames, long, longest, blank, last ? waited : -1]);
      setTimeout(wait, 10);
    };
    return wait();
  }
  pane.scrollTop += step;
  requestAnimationFrame(tick);
};
requestAnimationFrame(tick);
"#;

/// The floor for [`SCROLL`]: builds a page of 50,000 plain rows of the list's height, 40
/// of them drawn around the middle, and scrolls it `arguments[0]` pixels a frame for
/// `arguments[1]` frames; answers as [`SCROLL`] does (no row is ever missing). Each frame it
/// looks for the middle row as [`SCROLL`] does (a scroll position read and a selector), so
/// that the measuring costs both pages the same. With `arguments[2]` true, each row is laid
/// out as the app's (a grid of sender, date and subject) and a row that comes into view
/// gets its message's text, as the app's pooled rows do: the floor of drawing new rows.
const PLAIN_SCROLL: &str = r#"
const [step, most, text, done] = arguments;
document.body.style.margin = '0';
const list = document.createElement('div');
list.style.cssText = 'position: relative; height: 2900000px; font: 14px sans-serif; contain: layout style';
document.body.append(list);
const rows = [];
for (let i = 0; i < 40; i++) {
  const row = document.createElement('div');
  row.style.cssText = 'position: absolute; left: 0; right: 0; height: 58px; border-bottom: 1px solid #ddd; box-sizing: border-box;'
    + (text ? 'display: grid; grid-template-columns: auto 1fr auto; padding: .6rem .9rem; overflow: hidden; contain: strict' : '');
  if (text) {
    row.innerHTML = '<input type=checkbox><span style="font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap"></span>'
      + '<span style="white-space: nowrap; font-size: .8rem"></span><span style="grid-column: 2 / 4; overflow: hidden; text-overflow: ellipsis; white-space: nowrap"></span>';
  } else {
    row.textContent = 'Remitente · Asunto del mensaje';
  }
  list.append(row);
  rows.push(row);
}
const fill = (row, n) => {
  const [from, date, subject] = row.querySelectorAll('span');
  from.textContent = `Remitente número ${n} <remitente${n}@ejemplo.es>`;
  date.textContent = `${1 + n % 28} nov ${2000 + n % 26}`;
  subject.textContent = `Asunto del mensaje ${n}: la reunión de la semana y el niño`;
};
const place = () => {
  const first = Math.floor(scrollY / 58);
  for (let n = first; n < first + 40; n++) {
    const row = text ? rows[n % 40] : rows[n - first];
    if (row.dataset.row === String(n + 1)) continue;
    row.style.top = `${n * 58}px`;
    row.dataset.row = n + 1;
    if (text) fill(row, n + 1);
  }
};
scrollTo(0, 1450000);
place();
let last = null, frames = 0, long = 0, longest = 0, blank = 0;
const tick = (now) => {
  if (last !== null) {
    const frame = now - last;
    frames += 1; long += frame > 25; longest = Math.max(longest, frame);
    blank += !list.querySelector(`[data-row="${Math.floor((scrollY + innerHeight / 2) / 58) + 1}"]`);
  }
  last = now;
  if (frames >= most) return done([frames, long, longest, blank, -2]);
  scrollBy(0, step);
  place();
  requestAnimationFrame(tick);
};
requestAnimationFrame(tick);
"#;

/// How a scroll went, from [`SCROLL`]'s answer.
fn scrolled(answer: &[f64]) -> String {
    let [frames, long, longest, blank, drawn] = answer else {
        return "?".to_owned();
    };
    let end = match *drawn {
        d if d >= 0.0 => format!(", last row after {d:.0} ms"),
        -1.0 => ", last row not drawn in 5 s".to_owned(),
        _ => String::new(),
    };
    format!(
        "{frames:.0} frames, {long:.0} missed a vsync (longest {longest:.0} ms), {blank:.0} blank{end}"
    )
}

/// Times the IndexedDB reads a search of "semana" in the Inbox makes, each alone:
/// answers `[ms for the term's bucket, records, ms for the Inbox's date index keys, keys]`.
const IDB_STEPS: &str = r#"
const done = arguments[arguments.length - 1];
const open = indexedDB.open('cartero');
open.onsuccess = async () => {
  const db = open.result;
  const time = (f) => new Promise((resolve) => {
    const t = performance.now();
    const r = f(db.transaction(['terms', 'messages']));
    r.onsuccess = () => resolve([performance.now() - t, r.result.length]);
  });
  const bucket = await time((tx) => tx.objectStore('terms').getAll(IDBKeyRange.bound(['se'], ['se', []])));
  const keys = await time((tx) => tx.objectStore('messages').index('by_folder_date').getAllKeys(IDBKeyRange.bound(['inbox'], ['inbox', []])));
  const records = await time((tx) => tx.objectStore('messages').index('by_folder_date').getAll(IDBKeyRange.bound(['inbox'], ['inbox', []]), 200));
  done([...bucket, ...keys, ...records]);
};
"#;

/// Times reading a chunk of 50 rows from the middle of the Inbox's date index, newest
/// first, each way alone: answers `[ms with a cursor that advances to the place, ms with a
/// cursor from a key range that ends at the place, ms with getAll and a direction from the
/// same range (-1: the browser has no such getAll), ms to count the Inbox]`.
const CHUNK_STEPS: &str = r#"
const done = arguments[arguments.length - 1];
const open = indexedDB.open('cartero');
open.onsuccess = () => {
  const index = () => open.result.transaction('messages').objectStore('messages').index('by_folder_date');
  const inbox = IDBKeyRange.bound(['inbox'], ['inbox', []]);
  const t0 = performance.now();
  const count = index().count(inbox);
  count.onsuccess = () => {
    const counted = performance.now() - t0;
    const place = Math.floor(count.result / 2);
    const read = (range, skip, then) => {
      const t = performance.now(), rows = [];
      const cursor = index().openCursor(range, 'prev');
      let skipped = skip === 0;
      cursor.onsuccess = () => {
        const c = cursor.result;
        if (!skipped) { skipped = true; return c.advance(skip); }
        if (!c || rows.length === 50) return then(performance.now() - t, rows);
        rows.push(c.value); c.continue();
      };
    };
    read(inbox, place, (advanced, rows) => {
      const range = IDBKeyRange.bound(['inbox'], ['inbox', rows[0].date_ms]);
      read(range, 0, (ranged) => {
        if (!('getAllRecords' in IDBIndex.prototype)) return done([advanced, ranged, -1, counted]);
        const timed = (query, direction, then) => {
          const t = performance.now();
          const all = index().getAll({ query, count: 50, direction });
          all.onsuccess = () => then(performance.now() - t);
        };
        const above = IDBKeyRange.bound(['inbox', rows[0].date_ms], ['inbox', []]);
        timed(range, 'prev', (prev) => timed(above, 'next', (next) => timed(inbox, 'prev', (newest) => timed(inbox, 'next', (oldest) =>
          done([advanced, ranged, prev, counted, next, newest, oldest])))));
      });
    });
  };
};
"#;

/// What `BENCH_TRACE` records: the main thread's tasks, style, layout and paint, with
/// the layout's dirty and total objects, and the frames.
const TRACE_CATEGORIES: &str = "devtools.timeline,disabled-by-default-devtools.timeline,disabled-by-default-devtools.timeline.frame,blink,cc";

/// What a timeline trace shows of the page's main thread (the renderer's main thread
/// with the most events): its layouts (count, total, median and longest, and the objects a
/// typical one had to lay out), and its tasks over 16 and over 25 ms.
fn trace_summary(events: &[serde_json::Value]) -> String {
    let thread = |e: &serde_json::Value| (e["pid"].as_i64(), e["tid"].as_i64());
    let mains: std::collections::HashSet<_> = events
        .iter()
        .filter(|e| e["name"] == "thread_name" && e["args"]["name"] == "CrRendererMain")
        .map(thread)
        .collect();
    let mut seen = std::collections::HashMap::new();
    for e in events.iter().filter(|e| mains.contains(&thread(e))) {
        *seen.entry(thread(e)).or_insert(0usize) += 1;
    }
    let Some(main) = seen.into_iter().max_by_key(|(_, n)| *n).map(|(t, _)| t) else {
        return "no renderer thread".to_owned();
    };
    let spans = |name: &str| -> Vec<(f64, &serde_json::Value)> {
        events
            .iter()
            .filter(|e| thread(e) == main && e["ph"] == "X" && e["name"] == name)
            .map(|e| (e["dur"].as_f64().unwrap_or(0.0) / 1000.0, e))
            .collect()
    };
    let mut layouts = spans("Layout");
    layouts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = layouts.iter().map(|(ms, _)| ms).sum();
    let (median, longest) = match layouts.as_slice() {
        [] => (0.0, 0.0),
        all => (all[all.len() / 2].0, all[all.len() - 1].0),
    };
    let objects = layouts
        .get(layouts.len() / 2)
        .map_or(String::new(), |(_, e)| {
            let data = &e["args"]["beginData"];
            format!(
                " ({} of {} objects dirty)",
                data["dirtyObjects"], data["totalObjects"]
            )
        });
    let tasks = spans("RunTask");
    let over = |ms: f64| tasks.iter().filter(|(t, _)| *t > ms).count();
    format!(
        "{} layouts, {total:.0} ms, median {median:.1} ms{objects}, longest {longest:.1} ms; tasks over 16 ms: {}, over 25 ms: {}",
        layouts.len(),
        over(16.0),
        over(25.0)
    )
}

/// The app's performance marks (see `cartero_frontend::START_MARK`): `[ms from the
/// navigation to the page's wasm starting, ms from then to the list's first rows]`, or
/// null for a build without them.
const APP_MARKS: &str = r#"
const at = (name) => performance.getEntriesByName(name)[0]?.startTime;
const [start, rows] = [at('cartero-start'), at('cartero-first-rows')];
return start === undefined || rows === undefined ? null : [start, rows];
"#;

/// The median of `runs`.
fn median(mut runs: Vec<f64>) -> f64 {
    runs.sort_by(f64::total_cmp);
    runs.get(runs.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Runs of each measure.
const RUNS: usize = 5;
/// Rows a search's first screen shows (the bench's window is phone-sized: 37 rows in
/// the DOM).
const SCREEN_ROWS: usize = 20;
/// Rows the scroll measure moves the list by per frame.
const ROWS_PER_FRAME: usize = 24;

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("sizes in messages"))
        .collect();
    let sizes = if sizes.is_empty() {
        vec![5_000, 50_000]
    } else {
        sizes
    };
    let dovecot = Dovecot::start(vec![bench_user("bench", 1, 2_000)]).await;
    let relay = Relay::serving_app(dovecot.pop3).await;
    println!(
        "Medians of {RUNS} runs; the upgrade (filing and counting a store from before folders) runs once."
    );
    println!(
        "| messages | upgrade | index built | first rows | app start, then first rows | Inbox's count | rows in the DOM | open a folder | scrolling: rows a frame, frames | page wasm memory | page JS heap | search, one word | two words | a word of every message: rows, count | is:unread: rows, count | the first of each, count; the first after the focus | worker wasm memory | cleared | sender order | conversations |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
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
        let counts: Vec<usize> =
            serde_json::from_value(seeded.clone()).unwrap_or_else(|_| panic!("seeded: {seeded}"));
        let (inbox, archive, unread) = (counts[1], counts[2], counts[3]);
        assert_eq!(counts[0], n, "seeded");

        let started = Instant::now();
        page.client.refresh().await.expect("reload");
        page.wait_count_within(inbox, Duration::from_secs(300))
            .await;
        let upgrade = started.elapsed().as_secs_f64();
        // `BENCH_NO_SEARCH=1`: an older build's page and scroll alone, for comparison.
        let search = std::env::var_os("BENCH_NO_SEARCH").is_none();
        if search {
            page.wait_search_index_within(Duration::from_secs(900))
                .await;
        }
        let indexed = started.elapsed().as_secs_f64();

        let (mut first_rows, mut whole) = (Vec::new(), Vec::new());
        let (mut app_start, mut rows_after_start) = (Vec::new(), Vec::new());
        for _ in 0..RUNS {
            let started = Instant::now();
            page.client.refresh().await.expect("reload");
            let first = wait_until("the first rows", Duration::from_secs(120), || async {
                (!page.all("message-row").await.is_empty()).then(|| started.elapsed())
            })
            .await;
            page.wait_count_within(inbox, Duration::from_secs(120))
                .await;
            first_rows.push(first.as_secs_f64());
            whole.push(started.elapsed().as_secs_f64());
            let marks = page.client.execute(APP_MARKS, vec![]).await.expect("marks");
            if let Ok([start, rows]) = serde_json::from_value::<[f64; 2]>(marks) {
                app_start.push(start);
                rows_after_start.push(rows - start);
            }
        }
        let rows = page.all("message-row").await.len();

        let mut devtools = DevTools::connect(browser.profile()).await;
        let session = devtools.attach("page", &relay.url()).await;
        let wasm = devtools.wasm_memory(&session).await;
        let heap = devtools.heap_usage(&session).await.js;

        let in_page = |script: &'static str, args: Vec<serde_json::Value>| {
            let page = &page;
            async move {
                page.client
                    .execute_async(script, args)
                    .await
                    .expect("a measure in the page")
                    .as_f64()
                    .unwrap_or(-1.0)
            }
        };
        // Once, first: the worker holds none of the Inbox's keys yet (the bench types
        // without the focus, which would have it read them ahead).
        let (mut cold_every, mut cold_unread, mut focused) = (-1.0, -1.0, -1.0);
        if search {
            cold_every = in_page(SEARCH, vec![json!("semana"), json!(inbox - 1)]).await;
            in_page(SEARCH, vec![json!("zanahoria"), json!(1)]).await;
            cold_unread = in_page(SEARCH, vec![json!("is:unread"), json!(unread)]).await;
            in_page(SEARCH, vec![json!(""), json!(inbox)]).await;
            // Again in a new worker, typed 300 ms after the search box got the focus.
            page.client.refresh().await.expect("reload");
            page.wait_count_within(inbox, Duration::from_secs(120))
                .await;
            // `BENCH_FOCUS_MS`: another wait after the focus.
            let wait: u64 = std::env::var("BENCH_FOCUS_MS")
                .ok()
                .and_then(|ms| ms.parse().ok())
                .unwrap_or(300);
            in_page(FOCUS_SEARCH, vec![json!(wait)]).await;
            focused = in_page(SEARCH, vec![json!("semana"), json!(inbox - 1)]).await;
            in_page(SEARCH, vec![json!(""), json!(inbox)]).await;
        }
        let (mut folder, mut one, mut two, mut cleared) = (vec![], vec![], vec![], vec![]);
        let (mut every, mut unread_only, mut by_sender) = (vec![], vec![], vec![]);
        let (mut by_thread, mut every_rows, mut unread_rows) = (vec![], vec![], vec![]);
        for _ in 0..RUNS {
            folder.push(in_page(OPEN_FOLDER, vec![json!("archive"), json!(archive)]).await);
            folder.push(in_page(OPEN_FOLDER, vec![json!("inbox"), json!(inbox)]).await);
            if !search {
                continue;
            }
            by_sender.push(in_page(SORT, vec![json!("sender-za")]).await);
            let threaded = in_page(SORT, vec![json!("conversations")]).await;
            by_thread.push(threaded);
            if threaded >= 0.0 {
                // Back through another first row: the newest message heads a conversation.
                in_page(SORT, vec![json!("sender-za")]).await;
            }
            in_page(SORT, vec![json!("newest")]).await;
            one.push(in_page(SEARCH, vec![json!("zanahoria"), json!(1)]).await);
            cleared.push(in_page(SEARCH, vec![json!(""), json!(inbox)]).await);
            two.push(in_page(SEARCH, vec![json!("semana zanahoria"), json!(1)]).await);
            // From one result to all the clones (the synced message says "message 0"): the
            // counts differ, so the measure sees the change. First until a screen of rows
            // shows, then until the whole count.
            every_rows.push(in_page(SEARCH_ROWS, vec![json!("semana"), json!(SCREEN_ROWS)]).await);
            in_page(SEARCH, vec![json!("zanahoria"), json!(1)]).await;
            every.push(in_page(SEARCH, vec![json!("semana"), json!(inbox - 1)]).await);
            in_page(SEARCH, vec![json!("zanahoria"), json!(1)]).await;
            unread_rows
                .push(in_page(SEARCH_ROWS, vec![json!("is:unread"), json!(SCREEN_ROWS)]).await);
            in_page(SEARCH, vec![json!("zanahoria"), json!(1)]).await;
            unread_only.push(in_page(SEARCH, vec![json!("is:unread"), json!(unread)]).await);
            in_page(SEARCH, vec![json!(""), json!(inbox)]).await;
        }
        let worker_wasm = match search {
            true => {
                let worker = devtools.attach("worker", "cartero-worker").await;
                mib(devtools.wasm_memory(&worker).await)
            }
            false => -1.0,
        };
        // `BENCH_PROFILE=DIR`: the page's and the worker's CPU during one search of a word
        // of every message, then the page's during the scroll (`.cpuprofile` files in DIR).
        let profiling = std::env::var_os("BENCH_PROFILE").map(std::path::PathBuf::from);
        if profiling.is_some() {
            for _ in 0..3 {
                let steps = page.client.execute_async(CHUNK_STEPS, vec![]).await;
                eprintln!(
                    "A chunk from the Inbox's middle [advanced, ranged cursor, ranged getAll, count; ms]: {steps:?}"
                );
            }
        }
        if let Some(dir) = &profiling
            && search
        {
            for _ in 0..3 {
                let steps = page
                    .client
                    .execute_async(IDB_STEPS, vec![])
                    .await
                    .expect("steps");
                eprintln!(
                    "IndexedDB alone [bucket ms, records, keys ms, keys, 200 records ms, records]: {steps}"
                );
            }
            in_page(SEARCH, vec![json!("zanahoria"), json!(1)]).await;
            let worker = devtools.attach("worker", "cartero-worker").await;
            let in_worker = CpuProfile::start(&mut devtools, &worker, "worker").await;
            let in_the_page = CpuProfile::start(&mut devtools, &session, "page").await;
            let ms = in_page(SEARCH, vec![json!("semana"), json!(inbox - 1)]).await;
            eprintln!("profiled search of a word of every message at {n}: {ms:.0} ms");
            let save = |name: &str| Some(dir.join(format!("{name}-search-{n}.cpuprofile")));
            in_the_page.stop(&mut devtools, save("page")).await;
            in_worker.stop(&mut devtools, save("worker")).await;
            in_page(SEARCH, vec![json!(""), json!(inbox)]).await;
        }
        let scroll_profile = match &profiling {
            Some(_) => Some(CpuProfile::start(&mut devtools, &session, "page (scroll)").await),
            None => None,
        };
        // Last: rows deep in a big folder load slowly (see docs/benchmarks.md).
        // A screen and a half of rows per frame, top to bottom of the Inbox; then a fast
        // flick's speed, two rows a frame for ten seconds from the middle.
        let mut scroll = Vec::new();
        // `BENCH_TRACE=FILE`: a timeline trace of the flick's scroll (the second), as JSON.
        let tracing = std::env::var_os("BENCH_TRACE").map(std::path::PathBuf::from);
        for (rows_per_frame, from, most) in [(ROWS_PER_FRAME, 0.0, 1e9), (2, 0.5, 600.0)] {
            let traced = tracing.as_ref().filter(|_| rows_per_frame == 2);
            if traced.is_some() {
                devtools.start_trace(TRACE_CATEGORIES).await;
            }
            let answer = page
                .client
                .execute_async(
                    SCROLL,
                    vec![json!(rows_per_frame * 58), json!(from), json!(most)],
                )
                .await
                .expect("scroll");
            if let Some(file) = traced {
                let events = devtools.end_trace().await;
                eprintln!("The flick's trace at {n}: {}", trace_summary(&events));
                std::fs::write(file, serde_json::to_vec(&events).expect("trace JSON"))
                    .expect("write the trace");
            }
            let answer: Vec<f64> = serde_json::from_value(answer).unwrap_or_default();
            scroll.push(format!("{rows_per_frame} a frame: {}", scrolled(&answer)));
        }
        if let (Some(profile), Some(dir)) = (scroll_profile, &profiling) {
            let save = dir.join(format!("page-scroll-{n}.cpuprofile"));
            profile.stop(&mut devtools, Some(save)).await;
        }
        // The floors, in the same browser: pages of plain rows that run nothing,
        // scrolled the same way.
        for (text, name) in [(false, "plain page"), (true, "plain rows with text")] {
            page.client.goto("about:blank").await.expect("a blank page");
            let answer = page
                .client
                .execute_async(PLAIN_SCROLL, vec![json!(2 * 58), json!(600), json!(text)])
                .await
                .expect("plain scroll");
            let answer: Vec<f64> = serde_json::from_value(answer).unwrap_or_default();
            scroll.push(format!("{name}, 2 a frame: {}", scrolled(&answer)));
        }
        let scroll = scroll.join("; ");
        browser.close().await;
        println!(
            "| {n} | {upgrade:.2} s | {indexed:.1} s | {:.3} s | {:.0} ms, {:.0} ms | {:.3} s | {rows} | {:.0} ms | {scroll} | {:.0} MiB | {:.0} MiB | {:.0} ms | {:.0} ms | {:.0} ms, {:.0} ms | {:.0} ms, {:.0} ms | {cold_every:.0} ms, {cold_unread:.0} ms; {focused:.0} ms | {worker_wasm:.0} MiB | {:.0} ms | {:.0} ms | {:.0} ms |",
            median(first_rows),
            median(app_start),
            median(rows_after_start),
            median(whole),
            median(folder),
            mib(wasm),
            mib(heap),
            median(one),
            median(two),
            median(every_rows),
            median(every),
            median(unread_rows),
            median(unread_only),
            median(cleared),
            median(by_sender),
            median(by_thread),
        );
    }
}
