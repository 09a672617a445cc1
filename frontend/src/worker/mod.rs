//! The sync worker (the second wasm binary): intents in from its page, notices out to
//! every tab. It owns the relay sockets, the POP3 sessions and every write a sync makes
//! to IndexedDB; the page only renders.

pub mod idb_store;
pub mod locks;
pub mod session;
pub mod socket;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use futures_util::future::{AbortHandle, abortable};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{BroadcastChannel, DedicatedWorkerGlobalScope, MessageEvent};

use crate::model::protocol::{CHANNEL, READY};
use crate::model::{Account, Intent, Notice, SyncPhase};
use session::SyncRequest;

/// Running syncs of this worker, by account id.
type Running = Rc<RefCell<HashMap<String, AbortHandle>>>;

/// Tells every tab, this worker's own page included (each listens on its own channel
/// object, and a channel delivers to every object but the sender).
#[derive(Clone)]
struct Herald {
    channel: BroadcastChannel,
}

impl Herald {
    fn tell(&self, notice: &Notice) {
        // A closed channel only means nobody is listening any more.
        let _ = self
            .channel
            .post_message(&JsValue::from_str(&notice.to_json()));
    }

    fn phase(&self, account: &str, phase: SyncPhase) {
        self.tell(&Notice::Phase {
            account: account.to_owned(),
            phase,
        });
    }
}

fn start_sync(herald: &Herald, running: &Running, account: Account, request: SyncRequest) {
    if running.borrow().contains_key(&account.id) {
        return;
    }
    let (job, abort) = {
        let herald = herald.clone();
        let account = account.clone();
        abortable(async move {
            let id = account.id.clone();
            let report = |phase| herald.phase(&id, phase);
            let saved = |messages| {
                herald.tell(&Notice::Saved {
                    account: id.clone(),
                    messages,
                })
            };
            let end = match session::run(&account, request, report, saved).await {
                Ok(done) => done,
                Err(error) => SyncPhase::Failed(error),
            };
            herald.phase(&account.id, end);
        })
    };
    running.borrow_mut().insert(account.id.clone(), abort);
    let herald = herald.clone();
    let running = running.clone();
    spawn_local(async move {
        let lock = format!("cartero-sync/{}", account.id);
        let ran = locks::run_exclusive(&lock, async move {
            // Cancelled: the session future is dropped, closing the socket without QUIT,
            // so the server deletes nothing; committed batches stay.
            let _ = job.await;
        })
        .await;
        running.borrow_mut().remove(&account.id);
        if !ran {
            herald.phase(&account.id, SyncPhase::Busy);
            // The other sync's own notices tell how it ends; if its tab closed instead,
            // this tells every tab that it is over.
            locks::wait_until_free(&lock).await;
            herald.tell(&Notice::Released {
                account: account.id.clone(),
            });
        }
    });
}

fn handle(herald: &Herald, running: &Running, intent: Intent) {
    match intent {
        Intent::Sync {
            account,
            password,
            relay,
            now_ms,
            bodies,
        } => {
            let request = SyncRequest {
                password,
                relay,
                now_ms,
                bodies,
            };
            start_sync(herald, running, *account, request);
        }
        Intent::Cancel { account } => {
            if let Some(abort) = running.borrow_mut().remove(&account) {
                abort.abort();
                herald.phase(&account, SyncPhase::Cancelled);
            }
        }
    }
}

/// The worker's entry point: listens for intents from its page.
pub fn run() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let Ok(channel) = BroadcastChannel::new(CHANNEL) else {
        return;
    };
    let herald = Herald { channel };
    let running = Running::default();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(text) = event.data().as_string() else {
            return;
        };
        if let Ok(intent) = serde_json::from_str::<Intent>(&text) {
            handle(&herald, &running, intent);
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as its page: the handler is never dropped.
    on_message.forget();
    // Intents posted while the wasm was loading found no handler: say when one is here.
    let _ = scope.post_message(&JsValue::from_str(READY));
}
