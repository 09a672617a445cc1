//! The sync button, its status line and progress bar.

use leptos::prelude::*;

use crate::format;
use crate::i18n::T;
use crate::model::{SyncError, SyncPhase};
use crate::state::AppStore;
use crate::sync;

/// Sync controls for the current account.
#[component]
pub fn SyncBar() -> impl IntoView {
    let store = expect_context::<AppStore>();
    let remembered = move || {
        store
            .account
            .with(|a| a.as_ref().is_some_and(|a| a.password.is_some()))
    };
    // Ask for the password when none is known yet (after a reload, when it is not
    // remembered) and again whenever the server refuses it; the field then stays while
    // the person types.
    let asked_at_start = store.session_password.with_untracked(Option::is_none);
    let ask_password = move || {
        !remembered()
            && (asked_at_start
                || store
                    .sync
                    .with(|s| matches!(s, SyncPhase::Failed(SyncError::WrongPassword(_)))))
    };
    let needs_password = move || !remembered() && store.session_password.with(Option::is_none);
    let running = move || store.sync.with(SyncPhase::is_running);
    let progress = move || match store.sync.get() {
        SyncPhase::Downloading { done, total, .. } if total > 0 => (done, total),
        SyncPhase::Done { .. } => (1, 1),
        _ => (0, 1),
    };
    let failed = move || store.sync.with(|s| matches!(s, SyncPhase::Failed(_)));
    view! {
        <div class="sync-bar">
            <span class="account-name">
                {move || store.account.with(|a| a.as_ref().map(|a| a.email.clone()))}
            </span>
            <Show when=ask_password>
                <input
                    type="password"
                    data-testid="sync-password"
                    placeholder=move || store.t(T::Password)
                    on:input=move |ev| {
                        let typed = event_target_value(&ev);
                        store.session_password.set((!typed.is_empty()).then_some(typed));
                    }
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" {
                            sync::start(store);
                        }
                    }
                />
            </Show>
            <button
                data-testid="sync-button"
                disabled=move || running() || needs_password()
                on:click=move |_| sync::start(store)
            >
                {move || store.t(T::Sync)}
            </button>
            <Show when=running>
                <button data-testid="sync-cancel" class="secondary" on:click=move |_| sync::cancel(store)>
                    {move || store.t(T::Cancel)}
                </button>
            </Show>
            <progress
                data-testid="sync-progress"
                max=move || progress().1.to_string()
                value=move || progress().0.to_string()
            ></progress>
            <Show when=move || store.next_check.with(Option::is_some) && !running()>
                <p class="status next-check" data-testid="next-check">
                    {move || {
                        store.next_check.get().map(|at| {
                            format!("{} {}", store.t(T::NextCheckAt), format::time(at, store.lang.get()))
                        })
                    }}
                </p>
            </Show>
            <p
                data-testid="sync-status"
                data-state=move || store.sync.with(|s| s.state_word())
                class="status"
                class:error=failed
                role="status"
            >
                {move || {
                    if needs_password() && !running() {
                        store.t(T::PasswordNeeded).to_owned()
                    } else {
                        store.sync.with(|s| s.describe(store.lang.get()))
                    }
                }}
            </p>
        </div>
    }
}
