//! The question before an account goes: keep its downloaded mail on this device, or not.

use leptos::prelude::*;

use crate::i18n::T;
use crate::model::Account;
use crate::state::AppStore;
use crate::sync;

/// Asks about removing the account in `store.removing`, when there is one.
#[component]
pub fn RemoveDialog() -> impl IntoView {
    let store = expect_context::<AppStore>();
    let account = Memo::new(move |_| store.removing.get().and_then(|id| store.account(&id)));
    view! {
        <Show when=move || account.with(Option::is_some)>
            <RemoveQuestion account />
        </Show>
    }
}

#[component]
fn RemoveQuestion(account: Memo<Option<Account>>) -> impl IntoView {
    let store = expect_context::<AppStore>();
    // Keeping is the safe answer: the mail may exist nowhere else once the server let it go.
    let keep_mail = RwSignal::new(true);
    let field =
        move |f: fn(&Account) -> String| account.with(|a| a.as_ref().map(f).unwrap_or_default());
    let is_kept = move || account.with(|a| a.as_ref().is_some_and(|a| a.removed_ms.is_some()));
    let confirm = move |_| {
        if let Some(id) = store.removing.get_untracked() {
            sync::remove_account(store, &id, keep_mail.get_untracked() && !is_kept());
        }
    };
    let close = move |_| {
        store.form_error.set(None);
        store.removing.set(None);
    };
    store.form_error.set(None);
    view! {
        <div class="backdrop">
            <div class="dialog" role="dialog" aria-modal="true" data-testid="remove-dialog">
                <h2>
                    {move || if is_kept() { store.t(T::DeleteKeptMail) } else { store.t(T::RemoveAccount) }}
                    ": " {move || field(|a| a.label().to_owned())}
                </h2>
                <Show
                    when=is_kept
                    fallback=move || view! {
                        <p>{move || store.t(T::RemoveExplain)}</p>
                        <label class="check">
                            <input type="checkbox" data-testid="account-remove-keep-mail" bind:checked=keep_mail />
                            {move || store.t(T::RemoveKeepMail)}
                        </label>
                        <Show when=move || !keep_mail.get()>
                            <p class="warning" role="alert">{move || store.t(T::RemoveMailWarning)}</p>
                        </Show>
                    }
                >
                    <p class="warning" role="alert">{move || store.t(T::RemoveMailWarning)}</p>
                </Show>
                <Show when=move || store.form_error.with(Option::is_some)>
                    <p class="error" role="alert">{move || store.form_error.get().map(|t| store.t(t))}</p>
                </Show>
                <div class="actions">
                    <button class="secondary" data-testid="account-remove-cancel" on:click=close>{move || store.t(T::Dismiss)}</button>
                    <button class="danger" data-testid="account-remove-confirm" on:click=confirm>
                        {move || if is_kept() { store.t(T::DeleteKeptMail) } else { store.t(T::RemoveAccount) }}
                    </button>
                </div>
            </div>
        </div>
    }
}
