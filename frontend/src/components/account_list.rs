//! The accounts: the unified inbox, one row per account (colour, name, count, state, edit
//! and remove), removed accounts whose mail was kept, and "add an account".

use leptos::prelude::*;

use crate::i18n::T;
use crate::model::folder::INBOX;
use crate::model::{Account, SyncPhase};
use crate::state::{AppStore, Form, Mailbox};

/// The account list (a sidebar on wide screens, a strip on phones).
#[component]
pub fn AccountList() -> impl IntoView {
    let store = expect_context::<AppStore>();
    let all = Memo::new(move |_| store.count(None, Some(INBOX)));
    let in_all = move || store.mailbox.with(|m| *m == Mailbox::All);
    view! {
        <nav class="account-list" data-testid="account-list" aria-label=move || store.t(T::Accounts)>
            <button
                class="mailbox all"
                class:selected=in_all
                data-testid="account-all"
                on:click=move |_| show(store, Mailbox::All)
            >
                <span class="name">{move || store.t(T::AllInboxes)}</span>
                <Counts counts=all />
            </button>
            <For each=move || store.accounts.get() key=|a| a.id.clone() let:account>
                <AccountRow id=account.id />
            </For>
            <Show when=move || store.kept.with(|k| !k.is_empty())>
                <h3 class="kept-title">{move || store.t(T::KeptMail)}</h3>
                <For each=move || store.kept.get() key=|a| a.id.clone() let:account>
                    <KeptRow account />
                </For>
            </Show>
            <button
                class="secondary add"
                data-testid="account-add"
                on:click=move |_| store.form.set(Some(Form::New))
            >
                "+ " {move || store.t(T::AddAccount)}
            </button>
            <button
                class="secondary add"
                data-testid="settings-button"
                on:click=move |_| store.form.set(Some(Form::Settings))
            >
                {move || store.t(T::Settings)}
            </button>
        </nav>
    }
}

/// Shows `mailbox`'s mail, from the top of the list.
fn show(store: AppStore, mailbox: Mailbox) {
    store.mailbox.set(mailbox);
    crate::components::message_list::scroll_to_top();
}

/// How many unread messages, when there are any; else how many in all (`counts`: in all,
/// unread).
#[component]
fn Counts(counts: Memo<(u32, u32)>) -> impl IntoView {
    let total = move || counts.get().0;
    let unread = move || counts.get().1;
    let store = expect_context::<AppStore>();
    view! {
        <Show
            when=move || unread() != 0
            fallback=move || view! { <span class="count">{total}</span> }
        >
            <span class="unread" data-testid="unread-count" title=move || store.t(T::Unread)>
                {unread}
            </span>
        </Show>
    }
}

/// The waste-bin button that asks about removing account `id` (or its kept mail).
#[component]
fn RemoveButton(id: String, testid: &'static str, label: T) -> impl IntoView {
    let store = expect_context::<AppStore>();
    view! {
        <button
            class="icon"
            data-testid=testid
            title=move || store.t(label)
            aria-label=move || store.t(label)
            on:click=move |_| store.removing.set(Some(id.clone()))
        >
            <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
                <path d="M5 7h14M10 7V4h4v3M7 7l1 13h8l1-13" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" />
            </svg>
        </button>
    }
}

#[component]
fn AccountRow(id: String) -> impl IntoView {
    let store = expect_context::<AppStore>();
    let live = store.live(&id);
    let account = {
        let id = id.clone();
        Memo::new(move |_| store.account(&id))
    };
    let field = move |f: fn(&Account) -> String| account.with(|a| a.as_ref().map(f));
    let selected = {
        let id = id.clone();
        move || store.mailbox.with(|m| *m == Mailbox::Account(id.clone()))
    };
    let counts = {
        let id = id.clone();
        Memo::new(move |_| store.count(Some(&id), Some(INBOX)))
    };
    let (show_id, edit_id, remove_id) = (id.clone(), id.clone(), id);
    view! {
        <div
            class="account-row"
            class:selected=selected
            data-testid="account-row"
            data-account=move || field(|a| a.email.clone())
            style:--account=move || field(|a| a.colour().to_owned())
        >
            <button
                class="mailbox"
                data-testid="account-view"
                on:click=move |_| show(store, Mailbox::Account(show_id.clone()))
            >
                <span
                    class="dot"
                    data-state=move || live.sync.with(SyncPhase::state_word)
                    aria-hidden="true"
                ></span>
                <span class="name" title=move || field(|a| a.email.clone())>{move || field(|a| a.label().to_owned())}</span>
                <Counts counts />
            </button>
            <button
                class="icon"
                data-testid="account-edit"
                title=move || store.t(T::EditAccount)
                aria-label=move || store.t(T::EditAccount)
                on:click=move |_| store.form.set(Some(Form::Edit(edit_id.clone())))
            >
                <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
                    <path d="M4 20h4L19 9l-4-4L4 16v4zM14 6l4 4" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" />
                </svg>
            </button>
            <RemoveButton id=remove_id testid="account-remove" label=T::RemoveAccount />
        </div>
    }
}

/// A removed account whose mail stays on this device.
#[component]
fn KeptRow(account: Account) -> impl IntoView {
    let store = expect_context::<AppStore>();
    let (show_id, remove_id) = (account.id.clone(), account.id.clone());
    let selected = move || {
        store
            .mailbox
            .with(|m| *m == Mailbox::Account(show_id.clone()))
    };
    let show_id = account.id.clone();
    let count_id = account.id.clone();
    view! {
        <div
            class="account-row kept"
            class:selected=selected
            data-testid="kept-row"
            data-account=account.email.clone()
            style:--account=account.colour().to_owned()
        >
            <button class="mailbox" on:click=move |_| show(store, Mailbox::Account(show_id.clone()))>
                <span class="dot" aria-hidden="true"></span>
                <span class="name" title=account.email.clone()>{account.label().to_owned()}</span>
                <span class="count">{move || store.count(Some(&count_id), None).0}</span>
            </button>
            <RemoveButton id=remove_id testid="kept-delete" label=T::DeleteKeptMail />
        </div>
    }
}
