//! The page's side of sync: it starts the sync worker, sends it intents, and applies the
//! notices every worker broadcasts (its own and other tabs'), so every open tab shows the
//! same progress and new mail.

pub mod schedule;

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::model::protocol::{CHANNEL, READY};
use crate::model::{Intent, Notice, SyncError, SyncPhase};
use crate::state::AppStore;

/// The loader Trunk writes for the worker built from `src/bin/cartero-worker.rs`
/// (`data-loader-shim`: it imports the bindings, then starts the wasm).
const WORKER_SCRIPT: &str = "/cartero-worker_loader.js";

/// This page's sync worker, the channel it hears notices on, and the intents waiting for
/// the worker to be ready.
struct Link {
    worker: Worker,
    /// Kept so that its handler stays alive.
    _channel: BroadcastChannel,
    ready: bool,
    waiting: Vec<String>,
}

thread_local! {
    static LINK: RefCell<Option<Link>> = const { RefCell::new(None) };
}

/// The relay's WebSocket origin: the origin that served the app.
fn relay_origin() -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = match location.protocol().ok()?.as_str() {
        "https:" => "wss",
        _ => "ws",
    };
    Some(format!("{scheme}://{}", location.host().ok()?))
}

/// Applies a worker's notice to this page's state. Until the page has read its account,
/// notices are taken as its own (the only account on this device).
fn apply(store: AppStore, notice: Notice) {
    let current = store
        .account
        .with_untracked(|a| a.as_ref().map(|a| a.id.clone()));
    let ours = |account: &String| current.as_ref().is_none_or(|c| c == account);
    match notice {
        Notice::Phase { account, phase } if ours(&account) => {
            // "Busy" is this tab's own attempt meeting another tab's sync: that sync's
            // progress, arriving on the channel, is more useful than the word.
            let shows_other = store.sync.with_untracked(SyncPhase::is_running);
            if !(phase == SyncPhase::Busy && shows_other) {
                store.sync.set(phase);
            }
        }
        Notice::Released { account }
            if ours(&account) && store.sync.with_untracked(SyncPhase::is_running) =>
        {
            store.sync.set(SyncPhase::Idle);
        }
        Notice::Saved { account, messages } if ours(&account) => {
            store.add_messages(messages);
        }
        _ => {}
    }
}

/// Starts the sync worker and listens for notices; call once at the root.
pub fn connect(store: AppStore) {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Classic);
    let Ok(worker) = Worker::new_with_options(WORKER_SCRIPT, &options) else {
        store.sync.set(SyncPhase::Failed(SyncError::Protocol(
            "this browser cannot start the sync worker".into(),
        )));
        return;
    };
    let Ok(channel) = BroadcastChannel::new(CHANNEL) else {
        return;
    };
    let on_notice = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let notice = event
            .data()
            .as_string()
            .and_then(|text| serde_json::from_str::<Notice>(&text).ok());
        if let Some(notice) = notice {
            apply(store, notice);
        }
    });
    channel.set_onmessage(Some(on_notice.as_ref().unchecked_ref()));
    let on_ready = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        if event.data().as_string().as_deref() == Some(READY) {
            LINK.with(|link| {
                if let Some(link) = link.borrow_mut().as_mut() {
                    link.ready = true;
                    for json in link.waiting.drain(..) {
                        let _ = link.worker.post_message(&json.into());
                    }
                }
            });
        }
    });
    worker.set_onmessage(Some(on_ready.as_ref().unchecked_ref()));
    // The worker's scripts come from the relay (or the offline cache): if they cannot be
    // loaded, no sync can run, and the person is told instead of waiting.
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        let failed_to_start = LINK.with(|link| match link.borrow_mut().as_mut() {
            Some(link) if !link.ready => {
                link.waiting.clear();
                true
            }
            _ => false,
        });
        if failed_to_start {
            store
                .sync
                .set(SyncPhase::Failed(SyncError::RelayUnreachable));
        }
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // The page listens for its whole life.
    on_notice.forget();
    on_ready.forget();
    on_error.forget();
    LINK.with(|link| {
        *link.borrow_mut() = Some(Link {
            worker,
            _channel: channel,
            ready: false,
            waiting: Vec::new(),
        })
    });
}

/// Posts an intent now, or once the worker is ready; `false` when there is no worker.
fn send(intent: &Intent) -> bool {
    LINK.with(|link| match link.borrow_mut().as_mut() {
        Some(link) if link.ready => link.worker.post_message(&intent.to_json().into()).is_ok(),
        Some(link) => {
            link.waiting.push(intent.to_json());
            true
        }
        None => false,
    })
}

/// Asks the worker to sync the current account, unless a sync is running.
pub fn start(store: AppStore) {
    if store.sync.get_untracked().is_running() {
        return;
    }
    let (Some(account), Some(password), Some(relay)) = (
        store.account.get_untracked(),
        store.password(),
        relay_origin(),
    ) else {
        return;
    };
    store.sync.set(SyncPhase::Connecting);
    let sent = send(&Intent::Sync {
        account: Box::new(account),
        password,
        relay,
        now_ms: js_sys::Date::now(),
        bodies: store.bodies_wanted.get_untracked(),
    });
    if !sent {
        store.sync.set(SyncPhase::Failed(SyncError::Protocol(
            "the sync worker is not running".into(),
        )));
    }
}

/// Asks for the body of a headers-only message: now, or with the next sync when one is
/// running.
pub fn fetch_body(store: AppStore, uidl: &str) {
    if !store
        .bodies_wanted
        .with_untracked(|w| w.iter().any(|u| u == uidl))
    {
        store.bodies_wanted.update(|w| w.push(uidl.to_owned()));
    }
    start(store);
}

/// Asks the worker to stop the current account's sync.
pub fn cancel(store: AppStore) {
    if let Some(account) = store
        .account
        .with_untracked(|a| a.as_ref().map(|a| a.id.clone()))
    {
        send(&Intent::Cancel { account });
    }
}
