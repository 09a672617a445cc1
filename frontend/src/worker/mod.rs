//! The sync worker (the second wasm binary): intents in from its page, notices out to
//! every tab. It owns the relay sockets, the POP3 sessions and every write a sync makes
//! to IndexedDB; the page only renders.

pub mod accounts;
pub mod conversation;
pub mod deletion;
pub mod flags;
pub mod folder_keys;
pub mod folders;
pub mod idb_store;
pub mod index;
pub mod indexing;
pub mod key_fields;
pub mod locks;
pub mod migrate;
pub mod reader;
pub mod record;
pub mod rows;
pub mod rules;
pub mod scan;
pub mod search;
pub mod senders;
pub mod session;
pub mod settings_import;
pub mod socket;
pub mod startup;
pub mod threads;
pub mod user_folders;
pub mod walk;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use futures_util::future::{AbortHandle, abortable};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{BroadcastChannel, DedicatedWorkerGlobalScope, MessageEvent};

use crate::model::folder::FolderView;
use crate::model::protocol::{CHANNEL, READY};
use crate::model::{Account, Intent, MessageMeta, Notice, SyncPhase};
use crate::store::db::StoreError;
use flags::Mark;
use session::SyncRequest;

/// A sync of this worker.
struct Job {
    /// Tells this sync from a later one of the same account.
    ticket: u64,
    /// Stops it.
    abort: AbortHandle,
    /// A Sync asked for after this one was cancelled, before its lock was free: it starts
    /// once the lock is (else it would meet this sync's lock on its way out, as "busy").
    next: Option<SyncRequest>,
    /// Cancelled, still letting go of its lock.
    cancelled: bool,
}

/// Running syncs of this worker, by account id.
type Running = Rc<RefCell<HashMap<String, Job>>>;

thread_local! {
    static TICKETS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn next_ticket() -> u64 {
    TICKETS.with(|t| {
        t.set(t.get() + 1);
        t.get()
    })
}

/// Stops this worker's sync of `id` for good (the account goes), if it runs one.
fn stop(running: &Running, id: &str) {
    if let Some(job) = running.borrow_mut().remove(id) {
        job.abort.abort();
    }
}

/// Cancels this worker's sync of `id`; `true` when one was running.
fn cancel(running: &Running, id: &str) -> bool {
    match running.borrow_mut().get_mut(id) {
        Some(job) if !job.cancelled => {
            job.abort.abort();
            job.cancelled = true;
            job.next = None;
            true
        }
        _ => false,
    }
}

/// Tells every tab, this worker's own page included (each listens on its own channel
/// object, and a channel delivers to every object but the sender).
#[derive(Clone)]
struct Herald {
    channel: BroadcastChannel,
}

impl Herald {
    fn tell(&self, notice: &Notice) {
        // A closed channel only means nobody is listening any more.
        let _ = self.channel.post_message(&notice.to_value());
    }

    /// Tells every tab what became of a save: `saved` when it was stored, else what
    /// `failed` makes of whether the storage was full.
    fn tell_saved(
        &self,
        result: Result<(), StoreError>,
        saved: Notice,
        failed: impl FnOnce(bool) -> Notice,
    ) {
        match result {
            Ok(()) => self.tell(&saved),
            Err(error) => self.tell(&failed(error == StoreError::Full)),
        }
    }

    fn phase(&self, account: &str, phase: SyncPhase) {
        self.tell(&Notice::Phase {
            account: account.to_owned(),
            phase,
        });
    }
}

fn start_sync(herald: &Herald, running: &Running, id: String, request: SyncRequest) {
    if let Some(job) = running.borrow_mut().get_mut(&id) {
        if job.cancelled {
            job.next = Some(request);
        }
        return;
    }
    // The last word of the sync, told once its lock is free: a Sync pressed on seeing it
    // then finds the account free instead of meeting this sync's lock on its way out.
    let last_word = Rc::new(RefCell::new(None::<SyncPhase>));
    let (job, abort) = {
        let herald = herald.clone();
        let id = id.clone();
        let last_word = last_word.clone();
        abortable(async move {
            // The stored account, not the page's copy: an edit saved since, or a removal,
            // is what counts.
            let end = match accounts::load(&id).await {
                Ok(Some(account)) if account.removed_ms.is_none() => {
                    let report = |phase| herald.phase(&id, phase);
                    let saved = |messages, fresh| {
                        herald.tell(&Notice::Saved {
                            account: id.clone(),
                            messages,
                            fresh,
                        })
                    };
                    match session::run(&account, request, report, saved).await {
                        Ok(done) => done,
                        Err(error) => SyncPhase::Failed(error),
                    }
                }
                Ok(_) => SyncPhase::Idle,
                Err(error) => SyncPhase::Failed(session::storage_error(error)),
            };
            *last_word.borrow_mut() = Some(end);
        })
    };
    let ticket = next_ticket();
    let entry = Job {
        ticket,
        abort,
        next: None,
        cancelled: false,
    };
    running.borrow_mut().insert(id.clone(), entry);
    let herald = herald.clone();
    let running = running.clone();
    spawn_local(async move {
        let lock = sync_lock(&id);
        let ran = locks::run_exclusive(&lock, async move {
            // Cancelled: the session future is dropped, closing the socket without QUIT,
            // so the server deletes nothing; committed batches stay.
            let _ = job.await;
        })
        .await;
        // Unless the account was removed meanwhile (and maybe added again); a Sync asked
        // for while this one let go of its lock starts now.
        let next = {
            let mut jobs = running.borrow_mut();
            match jobs.get(&id).is_some_and(|j| j.ticket == ticket) {
                true => jobs.remove(&id).and_then(|j| j.next),
                false => None,
            }
        };
        if let Some(end) = last_word.borrow_mut().take() {
            herald.phase(&id, end);
        }
        if !ran {
            herald.phase(&id, SyncPhase::Busy);
            // The other sync's own notices tell how it ends; if its tab closed instead,
            // this tells every tab that it is over.
            locks::wait_until_free(&lock).await;
            herald.tell(&Notice::Released {
                account: id.clone(),
            });
        }
        if let Some(request) = next {
            start_sync(&herald, &running, id, request);
        }
    });
}

/// The Web Lock held by whoever syncs account `id` (or removes it).
fn sync_lock(id: &str) -> String {
    format!("cartero-sync/{id}")
}

fn failed(id: String, error: &StoreError) -> Notice {
    Notice::AccountFailed {
        account: id,
        full: *error == StoreError::Full,
    }
}

fn save_account(
    herald: &Herald,
    running: &Running,
    account: Box<Account>,
    replaces: Option<String>,
) {
    let (herald, running) = (herald.clone(), running.clone());
    spawn_local(async move {
        let Some(old) = replaces else {
            match accounts::save(&account).await {
                Ok(()) => herald.tell(&Notice::AccountSaved { account }),
                Err(error) => herald.tell(&failed(account.id, &error)),
            }
            return;
        };
        // The old account's syncs stop first; the swap is one transaction under its lock.
        let new = account.clone();
        let swap = {
            let old = old.clone();
            async move { accounts::replace(&new, &old, js_sys::Date::now()).await }
        };
        match remove_under_lock(&herald, &running, &old, swap).await {
            Some(Ok(kept)) => {
                herald.tell(&Notice::AccountRemoved {
                    account: old,
                    kept: kept.map(Box::new),
                });
                herald.tell(&Notice::AccountSaved { account });
            }
            Some(Err(error)) => herald.tell(&failed(account.id, &error)),
            None => herald.tell(&failed(account.id, &no_lock())),
        }
    });
}

fn no_lock() -> StoreError {
    StoreError::Failed("the browser refused the lock".into())
}

/// Stops every sync of account `id` (this worker's at once; other tabs' when they hear
/// [`Notice::Removing`]), then runs `job` under its sync lock, so no sync writes after it;
/// `None` when the lock was refused.
async fn remove_under_lock<T: 'static>(
    herald: &Herald,
    running: &Running,
    id: &str,
    job: impl Future<Output = T> + 'static,
) -> Option<T> {
    herald.tell(&Notice::Removing {
        account: id.to_owned(),
    });
    stop(running, id);
    under_lock(id, job).await
}

/// Runs `job` under account `id`'s sync lock, once no sync of it runs; `None` when the
/// lock was refused.
async fn under_lock<T: 'static>(id: &str, job: impl Future<Output = T> + 'static) -> Option<T> {
    let outcome = Rc::new(RefCell::new(None));
    let slot = outcome.clone();
    locks::run_when_free(&sync_lock(id), async move {
        *slot.borrow_mut() = Some(job.await);
    })
    .await;
    outcome.borrow_mut().take()
}

/// Removes account `id` (see [`remove_under_lock`]) and tells every tab how it went.
async fn remove_now(herald: &Herald, running: &Running, id: String, keep_mail: bool) {
    let job = {
        let id = id.clone();
        async move { accounts::remove(&id, keep_mail, js_sys::Date::now()).await }
    };
    let notice = match remove_under_lock(herald, running, &id, job).await {
        Some(Ok(kept)) => Notice::AccountRemoved {
            account: id,
            kept: kept.map(Box::new),
        },
        Some(Err(error)) => failed(id, &error),
        None => failed(id, &no_lock()),
    };
    herald.tell(&notice);
}

/// Deletes messages here (see [`deletion`]), each account's under its sync lock, so no
/// sync of it writes meanwhile (a body being fetched could otherwise store the message
/// again); tells every tab how each account's went.
async fn delete_now(herald: &Herald, ids: Vec<String>) {
    let mut by_account: Vec<(String, Vec<String>)> = Vec::new();
    for id in ids {
        let account = MessageMeta::account_of(&id).to_owned();
        match by_account.iter_mut().find(|(a, _)| *a == account) {
            Some((_, list)) => list.push(id),
            None => by_account.push((account, vec![id])),
        }
    }
    for (account, ids) in by_account {
        let job = {
            let ids = ids.clone();
            async move { deletion::delete_here(&ids).await }
        };
        let notice = match under_lock(&account, job).await {
            Some(Ok(())) => Notice::Deleted { ids },
            _ => Notice::DeleteFailed { ids },
        };
        herald.tell(&notice);
    }
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
            start_sync(herald, running, account, request);
        }
        Intent::Cancel { account } => {
            if cancel(running, &account) {
                herald.phase(&account, SyncPhase::Cancelled);
            }
        }
        Intent::SaveAccount { account, replaces } => {
            save_account(herald, running, account, replaces)
        }
        Intent::Mark { ids, unread } => {
            let herald = herald.clone();
            spawn_local(async move {
                // A failed mark only leaves the message as it was; the next open marks it.
                if flags::mark(&ids, Mark::Unread(unread)).await.is_ok() {
                    herald.tell(&Notice::Marked { ids, unread });
                }
            });
        }
        Intent::Flag { ids, flagged } => {
            let herald = herald.clone();
            spawn_local(async move {
                if flags::mark(&ids, Mark::Flagged(flagged)).await.is_ok() {
                    herald.tell(&Notice::Flagged { ids, flagged });
                }
            });
        }
        Intent::Move { ids, folder } => {
            let herald = herald.clone();
            spawn_local(async move {
                let notice = match folders::move_to(&ids, &folder).await {
                    Ok(ids) => Notice::Moved { ids, folder },
                    Err(_) => Notice::MoveFailed { ids },
                };
                herald.tell(&notice);
            });
        }
        Intent::EmptyFolder { folder, account } => {
            let herald = herald.clone();
            spawn_local(async move {
                let view = FolderView { folder, account };
                match folders::ids_in(&view).await {
                    Ok(ids) if !ids.is_empty() => delete_now(&herald, ids).await,
                    Ok(_) => {}
                    Err(_) => herald.tell(&Notice::DeleteFailed { ids: Vec::new() }),
                }
            });
        }
        Intent::SaveVault { vault, accounts } => {
            let herald = herald.clone();
            spawn_local(async move {
                let notice = match accounts::save_vault(vault.as_ref(), &accounts).await {
                    Ok(()) => Notice::VaultSaved { vault, accounts },
                    Err(error) => Notice::VaultFailed {
                        full: error == StoreError::Full,
                    },
                };
                herald.tell(&notice);
            });
        }
        Intent::Delete { ids } => {
            let herald = herald.clone();
            spawn_local(async move { delete_now(&herald, ids).await });
        }
        Intent::SaveRules { rules } => {
            let herald = herald.clone();
            spawn_local(async move {
                let saved = rules::save(&rules).await;
                herald.tell_saved(saved, Notice::RulesSaved { rules }, |full| {
                    Notice::RulesFailed { full }
                });
            });
        }
        Intent::Start { ticket } => spawn_local(async move { startup::answer(ticket).await }),
        Intent::ImportSettings { text, ticket } => {
            let herald = herald.clone();
            spawn_local(async move {
                let (answer, notices) = settings_import::answer(&text).await;
                notices.iter().for_each(|notice| herald.tell(notice));
                settings_import::post_answer(ticket, &answer);
            });
        }
        Intent::ExportSettings { ticket } => {
            spawn_local(async move { settings_import::answer_export(ticket).await })
        }
        Intent::Counters { ticket } => {
            spawn_local(async move { startup::answer_counters(ticket).await })
        }
        Intent::SaveFolders { folders } => {
            let herald = herald.clone();
            spawn_local(async move {
                let saved = user_folders::save(&folders).await;
                herald.tell_saved(saved, Notice::FoldersSaved { folders }, |full| {
                    Notice::FoldersFailed { full }
                });
            });
        }
        Intent::DeleteFolder { id } => {
            let herald = herald.clone();
            spawn_local(async move {
                match user_folders::delete(&id).await {
                    Ok(deleted) => {
                        if !deleted.moved.is_empty() {
                            herald.tell(&Notice::Moved {
                                ids: deleted.moved,
                                folder: crate::model::folder::TRASH.into(),
                            });
                        }
                        if let Some(rules) = deleted.rules {
                            herald.tell(&Notice::RulesSaved { rules });
                        }
                        herald.tell(&Notice::FoldersSaved {
                            folders: deleted.folders,
                        });
                    }
                    Err(error) => herald.tell(&Notice::FoldersFailed {
                        full: error == StoreError::Full,
                    }),
                }
            });
        }
        Intent::RunRules { view } => {
            let herald = herald.clone();
            spawn_local(async move {
                let stored = crate::store::settings::load_rules().await;
                let notice = match stored {
                    Ok(list) => match rules::run_on(&view, &list).await {
                        Ok(changed) => Notice::RulesRan { changed },
                        Err(error) => Notice::RulesFailed {
                            full: error == StoreError::Full,
                        },
                    },
                    Err(_) => Notice::RulesFailed { full: false },
                };
                herald.tell(&notice);
            });
        }
        Intent::Rows {
            view,
            order,
            offset,
            limit,
            anchor,
            ticket,
        } => spawn_local(async move {
            rows::answer_page(&view, order, (offset, limit), anchor, ticket).await
        }),
        Intent::ViewIds {
            view,
            order,
            ticket,
        } => spawn_local(async move { folders::answer_ids(&view, order.key(), ticket).await }),
        Intent::ConversationCount { view, ticket } => {
            spawn_local(async move { conversation::answer_count(&view, ticket).await })
        }
        Intent::Members { ids, ticket } => {
            spawn_local(async move { conversation::answer_members(&ids, ticket).await })
        }
        Intent::Thread { id, ticket } => {
            spawn_local(async move { conversation::answer_thread(&id, ticket).await })
        }
        Intent::RowsById { ids, ticket } => {
            spawn_local(async move { rows::answer_ids(&ids, ticket).await })
        }
        Intent::Search {
            view,
            query,
            first,
            ticket,
        } => spawn_local(async move { search::answer(&view, &query, first, ticket).await }),
        Intent::ReadyToSearch { view } => spawn_local(async move {
            // Only ahead of time: a search reads what this could not.
            let _ = search::read_ahead(&view).await;
        }),
        Intent::Open { id, ticket } => spawn_local(async move { reader::open(&id, ticket).await }),
        Intent::Attachment { id, index, ticket } => {
            spawn_local(async move { reader::attachment(&id, index, ticket).await })
        }
        Intent::ChooseForSender {
            list,
            address,
            chosen,
        } => {
            let herald = herald.clone();
            spawn_local(async move {
                // Not stored: this message shows as chosen all the same, the next asks again.
                if let Ok(addresses) = senders::choose(list, &address, chosen).await {
                    herald.tell(&list.notice(addresses));
                }
            });
        }
        Intent::RemoveAccount { account, keep_mail } => {
            let (herald, running) = (herald.clone(), running.clone());
            spawn_local(async move {
                remove_now(&herald, &running, account, keep_mail).await;
            });
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
    {
        let herald = herald.clone();
        spawn_local(async move {
            // Every tab reads the list and the counts again once the store is upgraded.
            if let Ok(true) = migrate::run().await {
                herald.tell(&Notice::Upgraded);
            }
            let tell = |indexed, ready| herald.tell(&Notice::Indexing { indexed, ready });
            // A failure leaves the index as it was: search reads the messages instead.
            if let Ok(indexed) = indexing::catch_up(|indexed| tell(indexed, false)).await {
                tell(indexed, true);
            }
            // Mail from before schema 6 is missing from the sender order and the unread
            // and flagged indexes until this is done (after the catch-up, which does most).
            if let Ok(true) = key_fields::fill().await {
                herald.tell(&Notice::Upgraded);
            }
            // Mail from before schema 7 is missing from the conversations order until then.
            if let Ok(true) = threads::fill().await {
                herald.tell(&Notice::Upgraded);
            }
        });
    }
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        if let Some(intent) = Intent::from_value(event.data()) {
            handle(&herald, &running, intent);
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as its page: the handler is never dropped.
    on_message.forget();
    // Intents posted while the wasm was loading found no handler: say when one is here.
    let _ = scope.post_message(&JsValue::from_str(READY));
}
