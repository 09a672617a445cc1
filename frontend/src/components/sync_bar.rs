//! The sync button, its status line and progress bar.

use leptos::prelude::*;

use crate::format;
use crate::i18n::T;
use crate::model::{Account, SyncError, SyncPhase};
use crate::state::AppStore;
use crate::sync;

/// Sync controls of account `id`.
#[component]
pub fn SyncBar(id: String) -> impl IntoView {
    let store = expect_context::<AppStore>();
    let live = store.live(&id);
    let account = {
        let id = id.clone();
        Memo::new(move |_| store.account(&id))
    };
    let remembered = move || account.with(|a| a.as_ref().is_some_and(Account::remembers_password));
    // Ask for the password when none is known yet (after a reload, when it is not
    // remembered) and again whenever the server refuses it; the field then stays while
    // the person types.
    let asked_at_start = live.password.with_untracked(Option::is_none);
    let ask_password = move || {
        !remembered()
            && (asked_at_start
                || live
                    .sync
                    .with(|s| matches!(s, SyncPhase::Failed(SyncError::WrongPassword(_)))))
    };
    let needs_password = move || !remembered() && live.password.with(Option::is_none);
    let running = move || live.sync.with(SyncPhase::is_running);
    let progress = move || match live.sync.get() {
        SyncPhase::Downloading { done, total, .. } if total > 0 => (done, total),
        SyncPhase::Done { .. } => (1, 1),
        _ => (0, 1),
    };
    let failed = move || live.sync.with(|s| matches!(s, SyncPhase::Failed(_)));
    let (start_id, key_id, cancel_id) = (id.clone(), id.clone(), id.clone());
    let sync_now = move |_| sync::start(store, &start_id);
    view! {
        <div
            class="sync-bar"
            data-account=move || account.with(|a| a.as_ref().map(|a| a.email.clone()))
            style:--account=move || account.with(|a| a.as_ref().map(|a| a.colour().to_owned()))
        >
            <span class="account-name">
                {move || account.with(|a| a.as_ref().map(|a| a.label().to_owned()))}
            </span>
            <Show when=ask_password>
                <input
                    type="password"
                    data-testid="sync-password"
                    placeholder=move || store.t(T::Password)
                    on:input=move |ev| {
                        let typed = event_target_value(&ev);
                        live.password.set((!typed.is_empty()).then_some(typed));
                    }
                    on:keydown={
                        let id = key_id.clone();
                        move |ev| {
                            if ev.key() == "Enter" {
                                sync::start(store, &id);
                            }
                        }
                    }
                />
            </Show>
            <button
                data-testid="sync-button"
                disabled=move || running() || needs_password()
                on:click=sync_now
            >
                {move || store.t(T::Sync)}
            </button>
            <Show when=running>
                <button data-testid="sync-cancel" class="secondary" on:click={
                    let id = cancel_id.clone();
                    move |_| sync::cancel(&id)
                }>
                    {move || store.t(T::Cancel)}
                </button>
            </Show>
            <progress
                data-testid="sync-progress"
                max=move || progress().1.to_string()
                value=move || progress().0.to_string()
            ></progress>
            <Show when=move || live.next_check.with(Option::is_some) && !running()>
                <p class="status next-check" data-testid="next-check">
                    {move || {
                        live.next_check.get().map(|at| {
                            format!("{} {}", store.t(T::NextCheckAt), format::time(at, store.lang.get()))
                        })
                    }}
                </p>
            </Show>
            <p
                data-testid="sync-status"
                data-state=move || live.sync.with(|s| s.state_word())
                class="status"
                class:error=failed
                role="status"
            >
                {move || {
                    if needs_password() && !running() {
                        store.t(T::PasswordNeeded).to_owned()
                    } else {
                        live.sync.with(|s| s.describe(store.lang.get()))
                    }
                }}
            </p>
        </div>
    }
}
