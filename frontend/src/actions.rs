//! What the UI asks for that touches storage or the network: plain async functions and
//! the tasks that run them. Views call these; they never touch IndexedDB themselves.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;

use crate::account::{AccountDraft, parse_security};
use crate::i18n::T;
use crate::mime::render::{Rendered, render};
use crate::model::Account;
use crate::state::AppStore;
use crate::store::{accounts, messages};
use crate::sync;

/// The relay's demo account (`/demo.json`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DemoAccount {
    email: String,
    host: String,
    port: u16,
    security: String,
    username: String,
    password: String,
}

/// Loads the stored account and its messages, then marks the app ready.
pub fn load(store: AppStore) {
    spawn_local(async move {
        match accounts::load().await {
            Ok(account) => {
                if let Some(account) = &account {
                    match messages::list(&account.id).await {
                        Ok(list) => store.add_messages(list),
                        Err(_) => store.storage_failed.set(true),
                    }
                }
                store.account.set(account);
            }
            Err(_) => store.storage_failed.set(true),
        }
        store.ready.set(true);
    });
}

/// Asks the relay whether it offers a demo mailbox.
pub async fn fetch_demo() -> Option<DemoAccount> {
    let response = gloo_net::http::Request::get("/demo.json")
        .send()
        .await
        .ok()?;
    if !response.ok() {
        return None;
    }
    response.json().await.ok()
}

fn new_account_id() -> String {
    format!("acct-{}", js_sys::Date::now() as u64)
}

/// Saves the account and starts its first sync.
fn save_and_sync(store: AppStore, account: Account, password: String, error: RwSignal<Option<T>>) {
    spawn_local(async move {
        match accounts::save(&account).await {
            Ok(()) => {
                store.session_password.set(Some(password));
                store.account.set(Some(account));
                sync::start(store);
            }
            Err(_) => error.set(Some(T::ErrStorage)),
        }
    });
}

/// Validates the form, saves the account and syncs; a problem lands in `error`.
pub fn add_account(store: AppStore, draft: AccountDraft, error: RwSignal<Option<T>>) {
    match draft.into_account(new_account_id()) {
        Ok((account, password)) => {
            error.set(None);
            save_and_sync(store, account, password, error);
        }
        Err(t) => error.set(Some(t)),
    }
}

/// Sets up the relay's demo account and syncs it.
pub fn add_demo_account(store: AppStore, demo: DemoAccount, error: RwSignal<Option<T>>) {
    let Some(security) = parse_security(&demo.security) else {
        error.set(Some(T::ErrBadRequest));
        return;
    };
    let account = Account {
        id: new_account_id(),
        email: demo.email,
        host: demo.host,
        port: demo.port,
        security,
        username: demo.username,
        password: Some(demo.password.clone()),
        demo: true,
        policy: Default::default(),
        check_minutes: 10,
    };
    save_and_sync(store, account, demo.password, error);
}

/// A stored message, rendered; `None` when it is not in the store.
pub async fn open_message(id: String) -> Option<Rendered> {
    let raw = messages::raw(&id).await.ok()??;
    Some(render(&raw))
}
