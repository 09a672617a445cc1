//! The list's order menu (`list-sort`): by date, sender or size, either way. The choice is
//! kept on this device; search results are always newest first.

use leptos::prelude::*;

use crate::i18n::T;
use crate::model::order::Order;
use crate::state::AppStore;

/// Where the chosen order is kept (`localStorage`).
const ORDER_KEY: &str = "cartero-order";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The order chosen on this device before, else newest first.
pub fn kept_order() -> Order {
    storage()
        .and_then(|s| s.get_item(ORDER_KEY).ok().flatten())
        .and_then(|name| Order::named(&name))
        .unwrap_or_default()
}

/// The words for `order` in the menu.
fn label(order: Order) -> T {
    match order {
        Order::Newest => T::SortNewest,
        Order::Oldest => T::SortOldest,
        Order::SenderAz => T::SortSenderAz,
        Order::SenderZa => T::SortSenderZa,
        Order::Largest => T::SortLargest,
        Order::Smallest => T::SortSmallest,
        Order::Conversations => T::SortConversations,
    }
}

/// The menu.
#[component]
pub fn SortMenu() -> impl IntoView {
    let store = expect_context::<AppStore>();
    let choose = move |event: leptos::ev::Event| {
        if let Some(order) = Order::named(&event_target_value(&event)) {
            if let Some(s) = storage() {
                let _ = s.set_item(ORDER_KEY, order.name());
            }
            store.order.set(order);
        }
    };
    let searching = move || store.found.with(Option::is_some);
    view! {
        <select
            class="sort-menu"
            data-testid="list-sort"
            data-order=move || store.order.get().name()
            aria-label=move || store.t(T::SortLabel)
            title=move || store.t(if searching() { T::SortSearch } else { T::SortLabel })
            disabled=searching
            on:change=choose
        >
            {Order::ALL
                .into_iter()
                .map(|order| {
                    view! {
                        <option value=order.name() selected=move || store.order.get() == order>
                            {move || store.t(label(order))}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}
