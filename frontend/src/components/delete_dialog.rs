//! The question before a message is deleted here for good, or Trash is emptied: what
//! happens on the server follows the account's policy, and the dialog says which.

use leptos::prelude::*;

use crate::i18n::T;
use crate::model::MessageMeta;
use crate::state::{AppStore, Deleting};
use crate::sync;

/// Asks about deleting the message in `store.deleting`, when there is one.
#[component]
pub fn DeleteDialog() -> impl IntoView {
    let store = expect_context::<AppStore>();
    view! {
        <Show when=move || store.deleting.with(Option::is_some)>
            <DeleteQuestion />
        </Show>
    }
}

#[component]
fn DeleteQuestion() -> impl IntoView {
    let store = expect_context::<AppStore>();
    let trash = move || store.deleting.with(|d| *d == Some(Deleting::Trash));
    let many = move || {
        store
            .deleting
            .with(|d| matches!(d, Some(Deleting::Messages(ids)) if ids.len() > 1))
    };
    // The accounts of the messages asked about (`None`: emptying Trash, every account).
    let accounts = move || match store.deleting.get()? {
        Deleting::Messages(ids) => {
            let mut accounts: Vec<String> = ids
                .iter()
                .map(|id| MessageMeta::account_of(id).to_owned())
                .collect();
            accounts.dedup();
            Some(accounts)
        }
        Deleting::Trash => None,
    };
    // Kept mail of a removed account never syncs again: its server is not touched.
    let deletes_on_server = move || {
        accounts().unwrap_or_default().iter().any(|id| {
            store
                .account(id)
                .is_some_and(|a| a.removed_ms.is_none() && a.policy.delete_when_deleted_here)
        })
    };
    let running = move |id: &str| store.live(id).sync.with(|phase| phase.is_running());
    let waits_for_sync = move || match accounts() {
        Some(ids) => ids.iter().any(|id| running(id)),
        None => store
            .accounts
            .with(|all| all.iter().any(|a| running(&a.id))),
    };
    // Asked once: the worker answers for every tab, and this one closes on its word.
    let sent = RwSignal::new(false);
    let confirm = move |_| {
        match store.deleting.get_untracked() {
            Some(Deleting::Messages(ids)) => {
                store.checked.set(Vec::new());
                sync::delete(store, ids)
            }
            Some(Deleting::Trash) => sync::filing::empty_trash(store),
            None => return,
        }
        sent.set(true);
    };
    let close = move |_| {
        store.delete_error.set(None);
        store.deleting.set(None);
    };
    // A failure lets the person try again.
    Effect::new(move |_| {
        if store.delete_error.with(Option::is_some) {
            sent.set(false);
        }
    });
    store.delete_error.set(None);
    view! {
        <div class="backdrop">
            <div class="dialog" role="dialog" aria-modal="true" data-testid="delete-dialog">
                <h2>{move || store.t(match (trash(), many()) {
                    (true, _) => T::EmptyTrashQuestion,
                    (false, true) => T::DeleteManyQuestion,
                    (false, false) => T::DeleteQuestion,
                })}</h2>
                <p>
                    {move || match (trash(), deletes_on_server()) {
                        (true, _) => store.t(T::EmptyTrashExplain),
                        (false, true) => store.t(T::DeleteExplainServer),
                        (false, false) => store.t(T::DeleteExplainKeep),
                    }}
                </p>
                <Show when=waits_for_sync>
                    <p class="warning" role="status">{move || store.t(T::DeleteAfterSync)}</p>
                </Show>
                <Show when=move || store.delete_error.with(Option::is_some)>
                    <p class="error" role="alert">{move || store.delete_error.get().map(|t| store.t(t))}</p>
                </Show>
                <div class="actions">
                    // Once asked, closing leaves the deletion to happen (after the sync).
                    <button class="secondary" data-testid="delete-cancel" on:click=close>
                        {move || if sent.get() { store.t(T::Close) } else { store.t(T::Dismiss) }}
                    </button>
                    <button class="danger" data-testid="delete-confirm" disabled=move || sent.get() on:click=confirm>
                        {move || if sent.get() { store.t(T::Deleting) } else { store.t(T::DeleteMessage) }}
                    </button>
                </div>
            </div>
        </div>
    }
}
