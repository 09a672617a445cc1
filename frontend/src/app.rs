//! The root: creates the store, loads saved state, and picks the screen.

use leptos::prelude::*;

use crate::actions;
use crate::components::account_form::AccountForm;
use crate::components::account_list::AccountList;
use crate::components::delete_dialog::DeleteDialog;
use crate::components::folder_list::FolderList;
use crate::components::lang_switch::LangSwitch;
use crate::components::message_list::MessageList;
use crate::components::message_view::MessageView;
use crate::components::passphrase::{Settings, UnlockPrompt};
use crate::components::remove_dialog::RemoveDialog;
use crate::components::sync_bar::SyncBar;
use crate::i18n::T;
use crate::state::{AppStore, Form, Mailbox};

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let store = AppStore::new();
    provide_context(store);
    // Listen for notices before reading the store: a batch committed in between then
    // arrives twice (merged), never not at all.
    crate::sync::connect(store);
    crate::passphrase::connect(store);
    crate::attention::follow_unread(store);
    crate::listing::follow(store);
    actions::load(store);
    Effect::new(move |_| {
        let lang = store.lang.get();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang.tag());
        }
    });
    view! {
        <header class="topbar">
            <h1>"Cartero"</h1>
            <span class="tagline">{move || store.t(T::Tagline)}</span>
            <LangSwitch />
        </header>
        <Show when=move || store.storage_failed.get()>
            <p class="error banner" role="alert">{move || store.t(T::StorageLoadFailed)}</p>
        </Show>
        <Show when=move || store.ready.get() fallback=|| view! { <p class="loading">"…"</p> }>
            <div data-testid="app-ready" class="app">
                <For each=move || store.accounts.get() key=|a| a.id.clone() let:account>
                    <AccountChecks id=account.id />
                </For>
                <Show when=move || store.has_accounts() fallback=|| view! { <AccountForm /> }>
                    <div class="shell">
                        <div class="sidebar">
                            <FolderList />
                            <AccountList />
                        </div>
                        <div class="main">
                            <Show when=move || store.form.with(Option::is_none) fallback=OpenForm>
                                <crate::components::settings_file::FirstImportNotice />
                                <SyncBars />
                                <main class="panes">
                                    <MessageList />
                                    <MessageView />
                                </main>
                            </Show>
                        </div>
                    </div>
                </Show>
                <RemoveDialog />
                <DeleteDialog />
                <UnlockPrompt />
            </div>
        </Show>
    }
}

/// The form that is open: a new account, an edit, or the settings.
#[component]
fn OpenForm() -> impl IntoView {
    let store = expect_context::<AppStore>();
    move || match store.form.get() {
        Some(Form::Edit(id)) => view! { <AccountForm editing=store.account(&id)? /> }
            .into_any()
            .into(),
        Some(Form::Settings) => Some(view! { <Settings /> }.into_any()),
        _ => Some(view! { <AccountForm /> }.into_any()),
    }
}

/// The sync bars of the mailbox shown: every account's in the unified inbox, one in an
/// account's view, and a word on a removed account's kept mail.
#[component]
fn SyncBars() -> impl IntoView {
    let store = expect_context::<AppStore>();
    let shown = move || match store.mailbox.get() {
        Mailbox::All => store.accounts.get(),
        Mailbox::Account(id) => store
            .accounts
            .with(|list| list.iter().filter(|a| a.id == id).cloned().collect()),
    };
    let kept_shown = move || {
        store.mailbox.with(|m| match m {
            Mailbox::All => false,
            Mailbox::Account(id) => store.kept.with(|k| k.iter().any(|a| a.id == *id)),
        })
    };
    view! {
        <div class="sync-bars">
            <For each=shown key=|a| a.id.clone() let:account>
                <SyncBar id=account.id />
            </For>
            <Show when=kept_shown>
                <p class="kept-note" role="status">{move || store.t(T::KeptExplain)}</p>
            </Show>
        </div>
    }
}

/// Checks account `id` by itself (at start, every N minutes, retries) while it exists.
#[component]
fn AccountChecks(id: String) -> impl IntoView {
    let store = expect_context::<AppStore>();
    crate::sync::schedule::watch(store, id);
}
