//! The add-account form, with the demo shortcut.

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::SubmitEvent;

use crate::account::{AccountDraft, PolicyDraft, default_port};
use crate::actions::{self, DemoAccount};
use crate::components::policy_fields::PolicyFields;
use crate::i18n::T;
use crate::state::AppStore;

/// Shown at once when there is no account yet.
#[component]
pub fn AccountForm() -> impl IntoView {
    let store = expect_context::<AppStore>();
    let email = RwSignal::new(String::new());
    let host = RwSignal::new(String::new());
    let port = RwSignal::new(default_port("tls").to_owned());
    let security = RwSignal::new("tls".to_owned());
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let remember = RwSignal::new(false);
    let policy = RwSignal::new(PolicyDraft::default());
    let error = RwSignal::new(None::<T>);
    let demo = RwSignal::new(None::<DemoAccount>);
    spawn_local(async move { demo.set(actions::fetch_demo().await) });

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
            (Err(t), _) | (_, Err(t)) => return error.set(Some(t)),
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
        };
        actions::add_account(store, draft, error);
    };
    let try_demo = move |_| {
        if let Some(account) = demo.get_untracked() {
            actions::add_demo_account(store, account, error);
        }
    };

    view! {
        <section class="account-form">
            <h2>{move || store.t(T::AddAccount)}</h2>
            <Show when=move || demo.with(Option::is_some)>
                <button class="demo" data-testid="try-demo" on:click=try_demo>
                    {move || store.t(T::TryDemo)}
                </button>
            </Show>
            <form on:submit=on_submit>
                <Field label=T::Email testid="account-email" kind="email" autocomplete="email" value=email />
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
                <Field
                    label=T::Password
                    testid="account-password"
                    kind="password"
                    autocomplete="current-password"
                    value=password
                />
                <label class="check">
                    <input type="checkbox" data-testid="account-remember" bind:checked=remember />
                    {move || store.t(T::RememberPassword)}
                </label>
                <PolicyFields draft=policy />
                <Show when=move || error.with(Option::is_some)>
                    <p class="error" role="alert">{move || error.get().map(|t| store.t(t))}</p>
                </Show>
                <button type="submit" data-testid="account-save">{move || store.t(T::SaveAccount)}</button>
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
