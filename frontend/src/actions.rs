//! What the UI asks for that touches storage or the network: plain async functions and
//! the tasks that run them. Views call these; they never touch IndexedDB themselves.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;

use crate::account::{AccountDraft, parse_security};
use crate::i18n::T;
use crate::model::account::PALETTE;
use crate::model::{Account, SenderList};
use crate::state::AppStore;
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

/// Loads the stored accounts, settings and counts (read by the worker), then marks the app
/// ready.
pub fn load(store: AppStore) {
    spawn_local(async move {
        let start = crate::sync::rows::startup().await.unwrap_or_default();
        store.vault.set(start.vault);
        store
            .senders(SenderList::RemoteImages)
            .set(start.remote_images);
        store.senders(SenderList::PlainText).set(start.plain_text);
        store.rules.set(start.rules);
        store.folders.set(start.folders);
        // What could be read shows, even when something else failed (said once, above).
        let whole = start.accounts.is_some() && start.counters.is_some() && !start.vault_failed;
        if let Some(counters) = start.counters {
            store.counters.set(counters);
        }
        for account in start.accounts.unwrap_or_default() {
            store.put_account(account);
        }
        if !whole {
            store.storage_failed.set(true);
        }
        store.ready.set(true);
        crate::passphrase::after_load(store);
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
    // Parsed by the browser and read like a stored record: the page carries no JSON parser.
    let text = response.text().await.ok()?;
    let value = js_sys::JSON::parse(&text).ok()?;
    serde_wasm_bindgen::from_value(value).ok()
}

fn new_account_id() -> String {
    format!("acct-{}", js_sys::Date::now() as u64)
}

/// The colour of the next account: the first of the palette no account uses yet.
fn free_colour(store: AppStore) -> String {
    let used: Vec<String> = store
        .accounts
        .with_untracked(|list| list.iter().map(|a| a.colour().to_owned()).collect());
    PALETTE
        .iter()
        .find(|c| !used.iter().any(|u| u == *c))
        .unwrap_or(&PALETTE[0])
        .to_string()
}

/// Validates the form and asks the worker to store the account; a new account then syncs
/// at once. A problem lands in the store's `form_error`.
pub fn save_account(store: AppStore, draft: AccountDraft, editing: Option<Account>) {
    let result = match &editing {
        Some(old) => draft.into_edited(old),
        None => draft
            .into_account(new_account_id())
            .map(|(account, password)| (account, Some(password))),
    };
    let (mut account, password) = match result {
        Ok(done) => done,
        Err(t) => return store.form_error.set(Some(t)),
    };
    if account.colour.is_empty() {
        account.colour = free_colour(store);
    }
    match editing {
        None => sync::save_account(store, account, Some(password), None),
        Some(old) if !old.same_mailbox(&account) => {
            // Another mailbox: a new account taking over, the old mail kept apart.
            account.id = new_account_id();
            let password = password.or_else(|| store.live(&old.id).password.get_untracked());
            sync::save_account(store, account, Some(password), Some(old.id));
        }
        Some(_) => {
            // A new password typed but not remembered serves this page's syncs.
            if let Some(password) = password {
                store.live(&account.id).password.set(Some(password));
            }
            sync::save_account(store, account, None, None);
        }
    }
}

/// Sets up the relay's demo account and syncs it.
pub fn add_demo_account(store: AppStore, demo: DemoAccount) {
    let Some(security) = parse_security(&demo.security) else {
        return store.form_error.set(Some(T::ErrBadRequest));
    };
    let account = Account {
        id: new_account_id(),
        email: demo.email,
        host: demo.host,
        port: demo.port,
        security,
        username: demo.username,
        password: Some(demo.password.clone()),
        sealed_password: None,
        demo: true,
        policy: Default::default(),
        check_minutes: 10,
        name: String::new(),
        colour: free_colour(store),
        removed_ms: None,
    };
    sync::save_account(store, account, Some(Some(demo.password)), None);
}
