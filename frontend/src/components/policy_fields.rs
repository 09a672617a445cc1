//! The server-policy fields of the account forms.

use leptos::prelude::*;

use crate::account::PolicyDraft;
use crate::i18n::T;
use crate::state::AppStore;

/// What happens on the server to downloaded mail: mode, days, delete-when-deleted-here,
/// headers-only size. Leaving mail on the server is the default.
#[component]
pub fn PolicyFields(draft: RwSignal<PolicyDraft>) -> impl IntoView {
    let store = expect_context::<AppStore>();
    let mode = move || draft.with(|d| d.mode.clone());
    view! {
        <fieldset class="policy">
            <legend>{move || store.t(T::PolicyTitle)}</legend>
            <label>{move || store.t(T::PolicyMode)}
                <select
                    data-testid="account-policy"
                    prop:value=mode
                    on:change=move |ev| draft.update(|d| d.mode = event_target_value(&ev))
                >
                    <option value="leave">{move || store.t(T::PolicyLeave)}</option>
                    <option value="delete-after-download">{move || store.t(T::PolicyDelete)}</option>
                    <option value="leave-for-days">{move || store.t(T::PolicyLeaveDays)}</option>
                </select>
            </label>
            <Show when=move || mode() == "leave-for-days">
                <NumberField label=T::PolicyDays testid="account-policy-days" min="0" draft field=|d| &mut d.days />
            </Show>
            <label class="check">
                <input
                    type="checkbox"
                    data-testid="account-delete-when-deleted-here"
                    prop:checked=move || draft.with(|d| d.delete_when_deleted_here)
                    on:change=move |ev| draft.update(|d| d.delete_when_deleted_here = event_target_checked(&ev))
                />
                {move || store.t(T::PolicyDeleteWhenDeletedHere)}
            </label>
            <NumberField
                label=T::PolicyHeadersOnly
                testid="account-headers-only-kb"
                min="1"
                draft
                field=|d| &mut d.headers_only_kb
            />
            <NumberField
                label=T::CheckEvery
                testid="account-check-minutes"
                min="0"
                draft
                field=|d| &mut d.check_minutes
            />
            <p class="hint">{move || store.t(T::PolicyHint)}</p>
        </fieldset>
    }
}

/// A labelled number input bound to one text field of the draft.
#[component]
fn NumberField(
    label: T,
    testid: &'static str,
    min: &'static str,
    draft: RwSignal<PolicyDraft>,
    field: fn(&mut PolicyDraft) -> &mut String,
) -> impl IntoView {
    let store = expect_context::<AppStore>();
    view! {
        <label>{move || store.t(label)}
            <input
                type="number"
                min=min
                data-testid=testid
                prop:value=move || draft.with(|d| field(&mut d.clone()).clone())
                on:input=move |ev| draft.update(|d| *field(d) = event_target_value(&ev))
            />
        </label>
    }
}
