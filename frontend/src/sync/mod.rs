//! The page's side of sync: it starts the sync worker, sends it intents, and applies the
//! notices every worker broadcasts (its own and other tabs'), so every open tab shows the
//! same progress and new mail.

pub mod filing;
pub mod reading;
pub mod rows;
pub mod schedule;
pub mod settings_file;

use std::cell::RefCell;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::i18n::T;
use crate::model::protocol::{CHANNEL, READY};
use crate::model::{Account, Intent, Notice, SyncError, SyncPhase};
use crate::state::{AppStore, Form, Mailbox, RulesStatus};

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
    waiting: Vec<JsValue>,
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

/// Applies a worker's notice to this page's state.
fn apply(store: AppStore, notice: Notice) {
    match notice {
        Notice::Phase { account, phase } => {
            let live = store.live(&account);
            // "Busy" is this tab's own attempt meeting another tab's sync: that sync's
            // progress, arriving on the channel, is more useful than the word.
            let shows_other = live.sync.with_untracked(SyncPhase::is_running);
            if !(phase == SyncPhase::Busy && shows_other) {
                live.sync.set(phase);
            }
        }
        Notice::Released { account } => {
            let live = store.live(&account);
            if live.sync.with_untracked(SyncPhase::is_running) {
                live.sync.set(SyncPhase::Idle);
            }
        }
        Notice::Saved {
            account,
            messages,
            fresh,
        } => {
            store.add_messages(&account, messages);
            if fresh > 0 {
                crate::attention::new_mail(store, &account, fresh as usize);
            }
        }
        Notice::Marked { ids, unread } => {
            store.set_unread(&ids, unread);
            store.changed();
        }
        Notice::Flagged { ids, flagged } => {
            store.set_flagged(&ids, flagged);
            store.changed();
        }
        Notice::Moved { ids, folder } => {
            store.set_folder(&ids, &folder);
            store.changed();
        }
        Notice::Upgraded => store.changed(),
        Notice::Indexing { indexed, ready } => {
            let was_ready = store.search_index.get_untracked().is_some_and(|(_, r)| r);
            store.search_index.set(Some((indexed, ready)));
            // A search made while indexing looked at senders and subjects: ask again.
            if ready && !was_ready {
                store.changed();
            }
        }
        Notice::RulesSaved { rules } => {
            store.rules.set(rules);
            store.rules_status.set(Some(RulesStatus::Saved));
        }
        Notice::RulesRan { changed } => {
            store.rules_status.set(Some(RulesStatus::Ran(changed)));
            store.changed();
        }
        Notice::FoldersSaved { folders } => {
            // The folder shown was deleted: the Inbox shows instead.
            let shown = store.folder.get_untracked();
            let gone = !crate::model::folder::BUILT_IN.contains(&shown.as_str())
                && !folders.iter().any(|f| f.id == shown);
            if gone {
                store.selected.set(None);
                store.folder.set(crate::model::folder::INBOX.into());
            }
            store.folders.set(folders);
            store.folder_error.set(None);
        }
        Notice::FoldersFailed { full } => store.folder_error.set(Some(if full {
            T::ErrStorageFull
        } else {
            T::ErrFolder
        })),
        Notice::RulesFailed { .. } => store.rules_status.set(Some(RulesStatus::Failed)),
        Notice::MoveFailed { .. } => store.list_error.set(Some(T::ErrMove)),
        Notice::Deleted { ids } => {
            if store.asks_to_delete_any(&ids) {
                store.deleting.set(None);
            }
            store.remove_messages(&ids);
        }
        Notice::DeleteFailed { ids } => {
            if store.asks_to_delete_any(&ids) {
                store.delete_error.set(Some(T::ErrDelete));
            }
        }
        Notice::AccountSaved { account } => {
            let pending = store.pending.get_value();
            if let Some((id, password)) = pending.filter(|(id, _)| *id == account.id) {
                store.pending.set_value(None);
                // Before the account shows: its checks start as soon as it does.
                if password.is_some() {
                    store.live(&id).password.set(password);
                }
                store.form.set(None);
                store.mailbox.set(Mailbox::Account(id));
            } else if store
                .form
                .with_untracked(|f| *f == Some(Form::Edit(account.id.clone())))
            {
                store.form.set(None);
            }
            store.put_account(*account);
        }
        Notice::VaultSaved { vault, accounts } => crate::passphrase::saved(store, vault, accounts),
        Notice::RemoteSenders { addresses } => store.remote_senders.set(addresses),
        Notice::PlainSenders { addresses } => store.plain_senders.set(addresses),
        Notice::VaultFailed { full } => {
            store.new_vault_key.set_value(None);
            let error = if full {
                T::ErrStorageFull
            } else {
                T::ErrStorage
            };
            store.vault_error.set(Some(error));
        }
        Notice::AccountFailed { account, full } => {
            let ours = store
                .pending
                .with_value(|p| p.as_ref().is_some_and(|(id, _)| *id == account))
                || store
                    .form
                    .with_untracked(|f| *f == Some(Form::Edit(account.clone())))
                || store
                    .removing
                    .with_untracked(|r| r.as_deref() == Some(&account));
            if ours {
                store.pending.set_value(None);
                let error = if full {
                    T::ErrStorageFull
                } else {
                    T::ErrStorage
                };
                store.form_error.set(Some(error));
            }
        }
        Notice::Removing { account } => {
            send(&Intent::Cancel {
                account: account.clone(),
            });
        }
        Notice::AccountRemoved { account, kept } => {
            if store
                .removing
                .with_untracked(|r| r.as_deref() == Some(&account))
            {
                store.removing.set(None);
            }
            if store
                .form
                .with_untracked(|f| *f == Some(Form::Edit(account.clone())))
            {
                store.form.set(None);
            }
            match kept {
                Some(kept) => store.put_account(*kept),
                None => store.drop_account(&account),
            }
            store.live(&account).sync.set(SyncPhase::Idle);
        }
    }
}

/// Starts the sync worker and listens for notices; call once at the root.
pub fn connect(store: AppStore) {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Classic);
    // Without a worker, each sync asked for says it cannot run (see `start`).
    let Ok(worker) = Worker::new_with_options(WORKER_SCRIPT, &options) else {
        return;
    };
    let Ok(channel) = BroadcastChannel::new(CHANNEL) else {
        return;
    };
    let on_notice = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        if let Some(notice) = Notice::from_value(event.data()) {
            apply(store, notice);
        }
    });
    channel.set_onmessage(Some(on_notice.as_ref().unchecked_ref()));
    let on_ready = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        if let Some(answer) = data.dyn_ref::<js_sys::Array>() {
            return reading::answer(answer);
        }
        if data.as_string().as_deref() == Some(READY) {
            LINK.with(|link| {
                if let Some(link) = link.borrow_mut().as_mut() {
                    link.ready = true;
                    for intent in link.waiting.drain(..) {
                        let _ = link.worker.post_message(&intent);
                    }
                }
            });
        }
    });
    worker.set_onmessage(Some(on_ready.as_ref().unchecked_ref()));
    // The worker's scripts come from the relay (or the offline cache): if they cannot be
    // loaded, no sync can run, and the person is told instead of waiting.
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        // Whatever failed (loading, or a message that broke the parser), no answer is
        // coming for the messages asked for so far.
        reading::give_up_all();
        let failed_to_start = LINK.with(|link| {
            let mut link = link.borrow_mut();
            let failed = link.as_ref().is_some_and(|l| !l.ready);
            if failed {
                *link = None;
            }
            failed
        });
        if failed_to_start {
            for account in store.accounts.get_untracked() {
                let live = store.live(&account.id);
                if live.sync.get_untracked().is_running() {
                    live.sync
                        .set(SyncPhase::Failed(SyncError::RelayUnreachable));
                }
            }
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
pub fn send(intent: &Intent) -> bool {
    LINK.with(|link| match link.borrow_mut().as_mut() {
        Some(link) if link.ready => link.worker.post_message(&intent.to_value()).is_ok(),
        Some(link) => {
            link.waiting.push(intent.to_value());
            true
        }
        None => false,
    })
}

/// Asks the worker to sync account `id`, unless a sync of it is running.
pub fn start(store: AppStore, id: &str) {
    let live = store.live(id);
    let removed = store
        .kept
        .with_untracked(|kept| kept.iter().any(|a| a.id == id));
    if removed || live.sync.get_untracked().is_running() {
        return;
    }
    let (Some(password), Some(relay)) = (store.password(id), relay_origin()) else {
        // A password sealed with the primary passphrase: this tab needs the key first.
        if store
            .account(id)
            .is_some_and(|a| a.sealed_password.is_some())
        {
            crate::passphrase::want_key(store);
        }
        return;
    };
    live.sync.set(SyncPhase::Connecting);
    let sent = send(&Intent::Sync {
        account: id.to_owned(),
        password,
        relay,
        now_ms: js_sys::Date::now(),
        bodies: live.bodies_wanted.get_untracked(),
    });
    if !sent {
        // The worker's scripts could not be loaded from the relay (nor the offline cache).
        live.sync
            .set(SyncPhase::Failed(SyncError::RelayUnreachable));
    }
}

/// Asks for the body of a headers-only message of account `id`: now, or with the next
/// sync when one is running.
pub fn fetch_body(store: AppStore, id: &str, uidl: &str) {
    let wanted = store.live(id).bodies_wanted;
    if !wanted.with_untracked(|w| w.iter().any(|u| u == uidl)) {
        wanted.update(|w| w.push(uidl.to_owned()));
    }
    start(store, id);
}

/// Asks the worker to stop account `id`'s sync.
pub fn cancel(id: &str) {
    send(&Intent::Cancel {
        account: id.to_owned(),
    });
}

/// Asks the worker to store an account; every tab shows it once stored. A new account
/// (`first_sync`: the password to use when it is not remembered) syncs once stored; one
/// that `replaces` another takes over from it (see [`Intent::SaveAccount`]).
pub fn save_account(
    store: AppStore,
    account: Account,
    first_sync: Option<Option<String>>,
    replaces: Option<String>,
) {
    store.form_error.set(None);
    spawn_local(async move {
        let account = match crate::passphrase::seal_for_storage(store, account).await {
            Ok(account) => account,
            Err(t) => return store.form_error.set(Some(t)),
        };
        if let Some(password) = first_sync {
            store
                .pending
                .set_value(Some((account.id.clone(), password)));
        }
        if !send(&Intent::SaveAccount {
            account: Box::new(account),
            replaces,
        }) {
            store.pending.set_value(None);
            store.form_error.set(Some(T::ErrStorage));
        }
    });
}

/// Marks messages read or unread: on this page at once, then in the store and every tab.
pub fn mark(store: AppStore, ids: Vec<String>, unread: bool) {
    store.set_unread(&ids, unread);
    send(&Intent::Mark { ids, unread });
}

/// Asks the worker to delete messages here for good; every tab drops them once deleted.
pub fn delete(store: AppStore, ids: Vec<String>) {
    store.delete_error.set(None);
    if !send(&Intent::Delete { ids }) {
        store.delete_error.set(Some(T::ErrDelete));
    }
}

/// Asks the worker to remove account `id`, keeping its downloaded mail or not.
pub fn remove_account(store: AppStore, id: &str, keep_mail: bool) {
    store.form_error.set(None);
    if !send(&Intent::RemoveAccount {
        account: id.to_owned(),
        keep_mail,
    }) {
        store.form_error.set(Some(T::ErrStorage));
    }
}
