//! The ES/EN switch.

use leptos::prelude::*;

use crate::state::AppStore;

/// A button that switches the interface language.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let store = expect_context::<AppStore>();
    view! {
        <button
            class="lang"
            data-testid="lang-switch"
            on:click=move |_| store.lang.update(|l| *l = l.other())
        >
            {move || store.lang.get().other().tag().to_uppercase()}
        </button>
    }
}
