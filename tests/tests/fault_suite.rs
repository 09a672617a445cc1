//! Never lose, never duplicate: the real sync worker in Chromium against Dovecot, through
//! a proxy that cuts the link at a random byte of the session (during RETR, DELE or QUIT)
//! or with the page reloaded mid-sync, under a random server policy. After each faulty
//! sync and after the clean one that follows, Dovecot's maildir and the browser's store
//! are compared message by message, byte for byte:
//! - nothing stored is partial or foreign, nothing is stored twice;
//! - every message gone from the server has a committed copy in the browser;
//! - after the clean sync, every message is in the browser (and, under "delete after
//!   download", none is left on the server).
//!
//! `CARTERO_FAULT_RUNS=N` (default 12) and `CARTERO_FAULT_SEED=S` set the run count and the
//! seed; every run prints its fault so a failure can be replayed.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use cartero_tests::browser::{AccountInput, Browser, CarteroPage};
use cartero_tests::dovecot::{Dovecot, Mail, User};
use cartero_tests::relay::{Relay, RelaySetup};
use serde_json::Value;

const MESSAGES: usize = 30;

/// Reads the app's store: UIDL → stored bytes, and UIDL → state.
const READ_STORE: &str = r#"
const done = arguments[arguments.length - 1];
const open = indexedDB.open('cartero');
open.onerror = () => done({ error: String(open.error) });
open.onsuccess = () => {
  const db = open.result, out = { raw: {}, states: {} };
  const tx = db.transaction(['raw', 'uidl_state', 'messages'], 'readonly');
  tx.objectStore('raw').getAll().onsuccess = (e) => {
    for (const r of e.target.result) out.raw[r.id.slice(r.id.indexOf('/') + 1)] = Array.from(r.bytes);
  };
  tx.objectStore('uidl_state').getAll().onsuccess = (e) => {
    for (const s of e.target.result) out.states[s.uidl] = s.status;
  };
  // A message's own state (in its metadata) is the newer; requests answer in order.
  tx.objectStore('messages').getAll().onsuccess = (e) => {
    for (const m of e.target.result) if (m.state) out.states[m.uidl] = m.state.status;
  };
  tx.oncomplete = () => { db.close(); done(out); };
};
"#;

/// A small deterministic generator (no dependency): the same seed, the same faults.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

#[derive(Debug, Clone, Copy)]
enum Fault {
    /// The link drops after this many server bytes.
    Cut(usize),
    /// The page reloads this many milliseconds after the sync starts.
    Reload(u64),
    /// The relay dies this many milliseconds after the sync starts (its sessions cut), and
    /// is back on the same port half a second later.
    RelayRestart(u64),
    /// A second tab opens this many milliseconds after the sync starts and presses Sync:
    /// it must follow the first tab's sync, not open a second POP3 session beside it.
    SecondTab(u64),
}

fn mailbox(run: usize) -> Vec<Mail> {
    (0..MESSAGES)
        .map(|i| {
            let raw = format!(
                "From: Run {run} <run{run}@example.org>\r\nSubject: run {run} message {i}\r\n\
                 Message-ID: <r{run}m{i}@example.org>\r\nDate: Mon, 16 Nov 2026 10:{i:02}:00 +0000\r\n\r\n\
                 .a line that starts with a dot\r\n{}\r\n",
                format!("body of message {i} ").repeat(60)
            );
            Mail::new(&format!("{:010}.M{i}P{run}.fault", 1_763_000_000 + i), raw)
        })
        .collect()
}

/// The browser's store now: UIDL → bytes.
async fn stored(page: &CarteroPage<'_>) -> BTreeMap<String, Vec<u8>> {
    let out = page
        .client
        .execute_async(READ_STORE, vec![])
        .await
        .expect("read the store");
    let raw = out["raw"].as_object().cloned().unwrap_or_default();
    raw.into_iter()
        .map(|(uidl, bytes)| {
            let bytes = bytes
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_u64)
                        .map(|b| b as u8)
                        .collect()
                })
                .unwrap_or_default();
            (uidl, bytes)
        })
        .collect()
}

/// The invariant after any sync.
fn assert_safe(
    context: &str,
    original: &BTreeMap<String, Vec<u8>>,
    dovecot: &Dovecot,
    here: &BTreeMap<String, Vec<u8>>,
) {
    for (uidl, bytes) in here {
        assert_eq!(
            Some(bytes),
            original.get(uidl),
            "{context}: {uidl} stored partial or foreign"
        );
    }
    let on_server: Vec<String> = dovecot
        .mailbox("alice")
        .into_iter()
        .map(|m| m.uidl)
        .collect();
    for uidl in original.keys().filter(|u| !on_server.contains(u)) {
        assert!(
            here.contains_key(uidl),
            "{context}: {uidl} left the server with no copy here"
        );
    }
}

/// One run; answers whether the faulty sync failed (a cut after the session's last byte,
/// or a reload after it finished, leaves it whole).
async fn one_run(browser: &Browser, run: usize, fault: Fault, delete: bool) -> bool {
    let mail = mailbox(run);
    let original: BTreeMap<String, Vec<u8>> = mail
        .iter()
        .map(|m| (m.uidl.clone(), m.wire_bytes()))
        .collect();
    let dovecot = Dovecot::start(vec![User {
        name: "alice".into(),
        password: "secret".into(),
        mail,
    }])
    .await;
    let (proxy, cuts) = cartero_tests::cut_proxy::start(dovecot.pop3).await;
    if let Fault::Cut(at) = fault {
        cuts.lock().expect("the plan").push_back(Some(at));
    }
    // A relay of its own: a new origin, so a new, empty browser store. No shutdown
    // grace: a restart cuts its sessions at once.
    let setup = RelaySetup {
        allow: vec![proxy],
        static_dir: Some(cartero_tests::app_dir()),
        ..RelaySetup::default()
    };
    let mut relay = Relay::start_adjusted(setup, |c| c.shutdown_grace_secs = 0).await;
    let page = browser.page();
    let context = format!("run {run}: {fault:?}, delete after download: {delete}");
    page.open(&relay.url()).await;
    fill_account(&page, proxy, delete).await;
    let first_tab = browser.client.window().await.expect("this tab");
    // The second tab is open before the account exists: it hears of the new account and
    // checks it at once too, racing the first tab's sync.
    let second_tab = match fault {
        Fault::SecondTab(_) => {
            let (_, tab) = browser.open_tab().await;
            page.open(&relay.url()).await;
            browser.switch_to(first_tab.clone()).await;
            Some(tab)
        }
        _ => None,
    };
    page.click("account-save").await;
    let mut in_second_tab = false;
    match fault {
        Fault::Cut(_) => {}
        Fault::Reload(ms) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            browser.client.refresh().await.expect("reload mid-sync");
            page.wait_ready().await;
        }
        Fault::RelayRestart(ms) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            relay = relay.restart(Duration::from_millis(500)).await;
        }
        Fault::SecondTab(ms) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            browser.switch_to(second_tab.expect("the second tab")).await;
            page.click("sync-button").await;
            page.wait_sync_settled().await;
            in_second_tab = true;
        }
    }
    if in_second_tab {
        assert_safe(&context, &original, &dovecot, &stored(&page).await);
        browser
            .client
            .close_window()
            .await
            .expect("close the second tab");
        browser.switch_to(first_tab).await;
    }
    let (said, broke) = page.wait_sync_settled().await;
    println!("{context}: {said}");
    assert_safe(&context, &original, &dovecot, &stored(&page).await);

    page.click("sync-button").await;
    let (status, failed) = page.wait_sync_settled().await;
    assert!(!failed, "{context}: the clean sync failed: {status}");
    let here = stored(&page).await;
    assert_safe(&context, &original, &dovecot, &here);
    assert_eq!(here, original, "{context}: not everything is here, once");
    // Served the app and the sessions to the end (a restarted one included).
    drop(relay);
    page.wait_count(MESSAGES).await;
    if delete {
        assert!(
            dovecot.mailbox("alice").is_empty(),
            "{context}: the server was not freed"
        );
    }
    broke
}

async fn fill_account(page: &CarteroPage<'_>, server: SocketAddr, delete: bool) {
    page.fill_account_form(&AccountInput {
        email: "alice@example.org",
        host: "127.0.0.1",
        port: server.port(),
        security: "none",
        username: "alice",
        password: "secret",
    })
    .await;
    let policy = if delete {
        "delete-after-download"
    } else {
        "leave"
    };
    page.select("account-policy", policy).await;
    page.click("account-remember").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_faults_never_lose_or_duplicate_mail() {
    let runs: usize = std::env::var("CARTERO_FAULT_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(12);
    let seed: u64 = std::env::var("CARTERO_FAULT_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0x5eed);
    println!("fault suite: {runs} runs, seed {seed}");
    let mut rng = Lcg(seed);
    // A whole session sends about this many server bytes; cuts land anywhere in it.
    let session_bytes = mailbox(0)
        .iter()
        .map(|m| m.wire_bytes().len())
        .sum::<usize>()
        + 2_000;
    let browser = Browser::start().await;
    let all = async {
        let mut broken = 0;
        for run in 0..runs {
            let fault = match rng.below(6) {
                0 => Fault::Reload(rng.below(400)),
                1 => Fault::RelayRestart(rng.below(150)),
                2 => Fault::SecondTab(rng.below(300)),
                _ => Fault::Cut(rng.below(session_bytes as u64) as usize),
            };
            let delete = rng.below(2) == 0;
            broken += usize::from(one_run(&browser, run, fault, delete).await);
        }
        println!(
            "fault suite: {broken} of {runs} syncs broken by their fault, none lost or duplicated mail"
        );
        assert!(broken > 0, "no fault took effect: the suite tested nothing");
    };
    browser
        .check(Duration::from_secs(30 + 20 * runs as u64), all)
        .await;
    browser.close().await;
}
