//! The primary passphrase's screens: the unlock prompt (once per browser session) and the
//! settings (set, change or remove it, with what it protects against in plain words; and
//! new-mail notifications).

use leptos::prelude::*;

use crate::components::rules::RulesSettings;
use web_sys::SubmitEvent;

use crate::i18n::T;
use crate::passphrase;
use crate::state::AppStore;

/// Asks for the primary passphrase when a remembered password needs it.
#[component]
pub fn UnlockPrompt() -> impl IntoView {
    let store = expect_context::<AppStore>();
    let shown = move || {
        store.unlock_asked.get()
            && store.vault.with(Option::is_some)
            && store.vault_key.with_value(Option::is_none)
    };
    view! {
        <Show when=shown>
            <UnlockDialog />
        </Show>
    }
}

#[component]
fn UnlockDialog() -> impl IntoView {
    let store = expect_context::<AppStore>();
    let typed = RwSignal::new(String::new());
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        passphrase::unlock(store, typed.get_untracked());
    };
    view! {
        <div class="backdrop">
            <form class="dialog" role="dialog" aria-modal="true" data-testid="vault-unlock" on:submit=on_submit>
                <h2>{move || store.t(T::UnlockTitle)}</h2>
                <p>{move || store.t(T::UnlockExplain)}</p>
                <input
                    type="password"
                    data-testid="passphrase-input"
                    autocomplete="current-password"
                    autofocus
                    aria-label=move || store.t(T::PassphraseTitle)
                    bind:value=typed
                />
                <VaultError />
                <div class="actions">
                    <button
                        type="button"
                        class="secondary"
                        data-testid="passphrase-later"
                        on:click=move |_| store.unlock_asked.set(false)
                    >
                        {move || store.t(T::NotNow)}
                    </button>
                    <button type="submit" data-testid="passphrase-unlock">{move || store.t(T::Unlock)}</button>
                </div>
                <button
                    type="button"
                    class="link"
                    data-testid="passphrase-forget"
                    on:click=move |_| passphrase::forget(store)
                >
                    {move || store.t(T::PassphraseForget)}
                </button>
            </form>
        </div>
    }
}

#[component]
fn VaultError() -> impl IntoView {
    let store = expect_context::<AppStore>();
    view! {
        <Show when=move || store.vault_error.with(Option::is_some)>
            <p class="error" role="alert" data-testid="passphrase-error">
                {move || store.vault_error.get().map(|t| store.t(t))}
            </p>
        </Show>
    }
}

/// The settings screen: the primary passphrase.
#[component]
pub fn Settings() -> impl IntoView {
    let store = expect_context::<AppStore>();
    let new = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let is_set = move || store.vault.with(Option::is_some);
    store.vault_error.set(None);
    // Once saved (set, changed or removed), the typed passphrase leaves the fields.
    Effect::new(move |previous: Option<Option<Vec<u8>>>| {
        let now = store.vault.with(|v| v.as_ref().map(|v| v.salt.clone()));
        if previous.is_some_and(|p| p != now) {
            new.set(String::new());
            again.set(String::new());
        }
        now
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let typed = new.get_untracked();
        match passphrase::check_new(&typed, &again.get_untracked()) {
            Ok(()) => passphrase::save(store, Some(typed)),
            Err(t) => store.vault_error.set(Some(t)),
        }
    };
    view! {
        <section class="account-form settings">
            <h2>{move || store.t(T::Settings)}</h2>
            <form on:submit=on_submit>
                <fieldset class="policy">
                    <legend>{move || store.t(T::PassphraseTitle)}</legend>
                    <p class="status" data-testid="passphrase-state" data-set=move || is_set().to_string()>
                        {move || if is_set() { store.t(T::PassphraseOn) } else { store.t(T::PassphraseOff) }}
                    </p>
                    <p class="hint">{move || store.t(T::PassphraseExplain)}</p>
                    <label>{move || store.t(T::PassphraseNew)}
                        <input type="password" data-testid="passphrase-new" autocomplete="new-password" bind:value=new />
                    </label>
                    <label>{move || store.t(T::PassphraseAgain)}
                        <input type="password" data-testid="passphrase-confirm" autocomplete="new-password" bind:value=again />
                    </label>
                    <VaultError />
                    <div class="actions">
                        <Show when=is_set>
                            <button
                                type="button"
                                class="secondary"
                                data-testid="passphrase-remove"
                                on:click=move |_| passphrase::save(store, None)
                            >
                                {move || store.t(T::PassphraseRemove)}
                            </button>
                        </Show>
                        <button type="submit" data-testid="passphrase-save">{move || store.t(T::PassphraseSet)}</button>
                    </div>
                </fieldset>
                <NotifyField />
            </form>
            <RulesSettings />
            <crate::components::settings_file::SettingsFileFields />
            <div class="actions">
                <button type="button" class="secondary" data-testid="settings-close" on:click=move |_| store.form.set(None)>
                    {move || store.t(T::Close)}
                </button>
            </div>
        </section>
    }
}

/// The new-mail notifications switch.
#[component]
fn NotifyField() -> impl IntoView {
    let store = expect_context::<AppStore>();
    let on = RwSignal::new(crate::attention::notifications_on());
    let refused = RwSignal::new(false);
    let toggle = move |ev| {
        let wanted = event_target_checked(&ev);
        on.set(wanted);
        refused.set(false);
        crate::attention::set_notifications(wanted, move || {
            on.set(false);
            refused.set(true);
        });
    };
    view! {
        <fieldset class="policy">
            <legend>{move || store.t(T::NotifyTitle)}</legend>
            <label class="check">
                <input type="checkbox" data-testid="notify-new-mail" prop:checked=on on:change=toggle />
                {move || store.t(T::NotifyNewMail)}
            </label>
            <Show when=move || refused.get()>
                <p class="warning" role="alert">{move || store.t(T::NotifyRefused)}</p>
            </Show>
        </fieldset>
    }
}
