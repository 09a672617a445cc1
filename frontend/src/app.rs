//! The root: creates the store, loads saved state, and picks the screen.

use leptos::prelude::*;

use crate::actions;
use crate::components::account_form::AccountForm;
use crate::components::lang_switch::LangSwitch;
use crate::components::message_list::MessageList;
use crate::components::message_view::MessageView;
use crate::components::sync_bar::SyncBar;
use crate::i18n::T;
use crate::state::AppStore;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let store = AppStore::new();
    provide_context(store);
    // Listen for notices before reading the store: a batch committed in between then
    // arrives twice (merged), never not at all.
    crate::sync::connect(store);
    actions::load(store);
    crate::sync::schedule::run(store);
    let has_account = Memo::new(move |_| store.account.with(Option::is_some));
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
                <Show
                    when=move || has_account.get()
                    fallback=|| view! { <AccountForm /> }
                >
                    <SyncBar />
                    <main class="panes">
                        <MessageList />
                        <MessageView />
                    </main>
                </Show>
            </div>
        </Show>
    }
}
