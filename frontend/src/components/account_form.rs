//! The add-account form, with the demo shortcut.

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::SubmitEvent;

use crate::account::{AccountDraft, PolicyDraft, default_port};
use crate::actions::{self, DemoAccount};
use crate::components::policy_fields::PolicyFields;
use crate::i18n::T;
use crate::model::Account;
use crate::state::AppStore;

/// The account form: adding one (shown at once when there is no account yet), or editing
/// `editing`'s settings.
#[component]
pub fn AccountForm(#[prop(optional)] editing: Option<Account>) -> impl IntoView {
    let store = expect_context::<AppStore>();
    let old = editing.clone();
    let is_edit = editing.is_some();
    let init = |f: fn(&Account) -> String| editing.as_ref().map(f).unwrap_or_default();
    let email = RwSignal::new(init(|a| a.email.clone()));
    let host = RwSignal::new(init(|a| a.host.clone()));
    let security = RwSignal::new(
        editing
            .as_ref()
            .map_or("tls", |a| a.security.as_str())
            .to_owned(),
    );
    let port = RwSignal::new(
        editing
            .as_ref()
            .map_or_else(|| default_port("tls").to_owned(), |a| a.port.to_string()),
    );
    let username = RwSignal::new(init(|a| a.username.clone()));
    let password = RwSignal::new(String::new());
    let remember = RwSignal::new(editing.as_ref().is_some_and(|a| a.password.is_some()));
    let name = RwSignal::new(init(|a| a.name.clone()));
    let colour = RwSignal::new(init(|a| a.colour().to_owned()));
    let policy = RwSignal::new(editing.as_ref().map(PolicyDraft::of).unwrap_or_default());
    let demo = RwSignal::new(None::<DemoAccount>);
    store.form_error.set(None);
    if !is_edit {
        spawn_local(async move { demo.set(actions::fetch_demo().await) });
    }
    let has_demo = move || {
        demo.with(Option::is_some) && !store.accounts.with(|list| list.iter().any(|a| a.demo))
    };

    let on_security = move |ev| {
        let value = event_target_value(&ev);
        // Follow the usual port unless the user typed another one.
        let typed = port.get_untracked();
        if typed.is_empty() || typed == "995" || typed == "110" {
            port.set(default_port(&value).to_owned());
        }
        security.set(value);
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let typed = policy.get_untracked();
        let (policy, check_minutes) = match (typed.check_minutes(), typed.into_policy()) {
            (Ok(minutes), Ok(policy)) => (policy, minutes),
            (Err(t), _) | (_, Err(t)) => return store.form_error.set(Some(t)),
        };
        let draft = AccountDraft {
            email: email.get_untracked(),
            host: host.get_untracked(),
            port: port.get_untracked(),
            security: security.get_untracked(),
            username: username.get_untracked(),
            password: password.get_untracked(),
            remember: remember.get_untracked(),
            policy,
            check_minutes,
            name: name.get_untracked(),
            colour: colour.get_untracked(),
        };
        actions::save_account(store, draft, old.clone());
    };
    let try_demo = move |_| {
        if let Some(account) = demo.get_untracked() {
            actions::add_demo_account(store, account);
        }
    };
    let title = if is_edit {
        T::EditAccount
    } else {
        T::AddAccount
    };
    let before = editing.clone();
    let moves_mailbox = move || {
        before.as_ref().is_some_and(|a| {
            host.with(|h| h.trim().trim_end_matches('.').to_ascii_lowercase() != a.host)
                || port.with(|p| p.trim() != a.port.to_string())
                || username.with(|u| !u.trim().is_empty() && u.trim() != a.username)
        })
    };

    view! {
        <section class="account-form">
            <h2>{move || store.t(title)}</h2>
            <Show when=has_demo>
                <button class="demo" data-testid="try-demo" on:click=try_demo>
                    {move || store.t(T::TryDemo)}
                </button>
            </Show>
            // A new device: the accounts, folders and rules of another, from its file.
            <Show when=move || !is_edit && !store.has_accounts()>
                <div class="first-import">
                    <p class="hint">{move || store.t(T::ImportFirstRun)}</p>
                    <crate::components::settings_file::SettingsImport />
                </div>
            </Show>
            <form on:submit=on_submit>
                <Field label=T::Email testid="account-email" kind="email" autocomplete="email" value=email />
                <div class="row">
                    <Field label=T::AccountName testid="account-name" value=name />
                    <label class="colour">{move || store.t(T::AccountColour)}
                        <input type="color" data-testid="account-colour" bind:value=colour />
                    </label>
                </div>
                <Field label=T::Server testid="account-host" placeholder="pop.example.org" value=host />
                <div class="row">
                    <label>{move || store.t(T::Security)}
                        <select data-testid="account-security" prop:value=move || security.get() on:change=on_security>
                            <option value="tls">{move || store.t(T::SecurityTls)}</option>
                            <option value="starttls">{move || store.t(T::SecurityStarttls)}</option>
                            <option value="none">{move || store.t(T::SecurityNone)}</option>
                        </select>
                    </label>
                    <label class="port">{move || store.t(T::Port)}
                        <input type="number" min="1" max="65535" data-testid="account-port" bind:value=port />
                    </label>
                </div>
                <Show when=move || security.get() == "none">
                    <p class="warning" role="alert" data-testid="cleartext-warning">
                        {move || store.t(T::CleartextWarning)}
                    </p>
                </Show>
                <Field label=T::Username testid="account-username" autocomplete="username" value=username />
                <Show when=moves_mailbox>
                    <p class="warning" role="status" data-testid="mailbox-change">
                        {move || store.t(T::MailboxChangeHint)}
                    </p>
                </Show>
                <Field
                    label=T::Password
                    testid="account-password"
                    kind="password"
                    autocomplete="current-password"
                    value=password
                />
                <Show when=move || is_edit>
                    <p class="hint">{move || store.t(T::PasswordKeepHint)}</p>
                </Show>
                <label class="check">
                    <input type="checkbox" data-testid="account-remember" bind:checked=remember />
                    {move || store.t(T::RememberPassword)}
                </label>
                <PolicyFields draft=policy />
                <Show when=move || store.form_error.with(Option::is_some)>
                    <p class="error" role="alert" data-testid="account-error">
                        {move || store.form_error.get().map(|t| store.t(t))}
                    </p>
                </Show>
                <div class="actions">
                    <Show when=move || store.has_accounts()>
                        <button
                            type="button"
                            class="secondary"
                            data-testid="account-form-cancel"
                            on:click=move |_| store.form.set(None)
                        >
                            {move || store.t(T::Dismiss)}
                        </button>
                    </Show>
                    <button type="submit" data-testid="account-save">{move || store.t(T::SaveAccount)}</button>
                </div>
            </form>
        </section>
    }
}

/// A labelled text input bound to a signal.
#[component]
fn Field(
    label: T,
    testid: &'static str,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] placeholder: &'static str,
) -> impl IntoView {
    let store = expect_context::<AppStore>();
    view! {
        <label>{move || store.t(label)}
            <input
                type=kind
                data-testid=testid
                autocomplete=autocomplete
                placeholder=placeholder
                bind:value=value
            />
        </label>
    }
}
