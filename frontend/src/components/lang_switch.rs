//! The ES/EN switch.

use leptos::prelude::*;

use crate::state::AppStore;

/// A button that switches the interface language (remembered on this device).
#[component]
pub fn LangSwitch() -> impl IntoView {
    let store = expect_context::<AppStore>();
    view! {
        <button
            class="lang"
            data-testid="lang-switch"
            on:click=move |_| {
                let next = store.lang.get_untracked().other();
                next.remember();
                store.lang.set(next);
            }
        >
            {move || store.lang.get().other().tag().to_ascii_uppercase()}
        </button>
    }
}
