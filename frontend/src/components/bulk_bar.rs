//! Actions on several messages at once: rows are ticked (a click on their box, Shift+click
//! for a range of the rows loaded, `x` for the open one, Ctrl+A or the bar's "select all"
//! for the whole view), and the bar over the list marks, flags, moves or deletes them all.

use leptos::prelude::*;

use crate::components::folder_list::folder_choices;
use crate::i18n::{T, counted};
use crate::state::AppStore;
use crate::sync;

/// Ticks message `id` or takes its tick off; with `range`, ticks every loaded row from the
/// last one ticked to it.
pub fn toggle(store: AppStore, id: &str, range: bool) {
    let between = range
        .then(|| {
            let last = store.checked.with_untracked(|c| c.last().cloned())?;
            store.window.with_untracked(|w| {
                let (a, b) = (w.position_of(&last)?, w.position_of(id)?);
                let (from, to) = (a.min(b), a.max(b));
                Some(
                    (from..=to)
                        .filter_map(|p| w.at(p).map(|m| m.id.clone()))
                        .collect::<Vec<_>>(),
                )
            })
        })
        .flatten();
    store.checked.update(|checked| match between {
        Some(ids) => {
            for id in ids {
                if !checked.contains(&id) {
                    checked.push(id);
                }
            }
        }
        None => match checked.iter().position(|c| c == id) {
            Some(at) => {
                checked.remove(at);
            }
            None => checked.push(id.to_owned()),
        },
    });
}

/// Ticks every message of the list: a search's results, or the whole folder view (asked
/// of the worker, not only the loaded rows).
pub fn tick_all(store: AppStore) {
    if store.found.with_untracked(Option::is_some) {
        return tick_found(store);
    }
    let (view, order) = (store.view_untracked(), store.order.get_untracked());
    leptos::task::spawn_local(async move {
        let Some(ids) = sync::rows::ids_in(&view, order).await else {
            return;
        };
        // Another folder shown meanwhile: its ticks are not these.
        if store.view_untracked() == view && store.found.with_untracked(Option::is_none) {
            store.checked.set(ids);
        }
    });
}

/// Ticks every result of the search shown. While its first screen shows and the rest are
/// still being read, it waits for all of them (at most half a minute): ticking only the
/// newest would leave out results the count already says are there.
fn tick_found(store: AppStore) {
    let query = store.query.get_untracked();
    leptos::task::spawn_local(async move {
        for _ in 0..600 {
            if !store.searching.get_untracked() {
                break;
            }
            gloo_timers::future::sleep(std::time::Duration::from_millis(50)).await;
        }
        // Another search typed meanwhile: its ticks are not these.
        if store.searching.get_untracked() || store.query.get_untracked() != query {
            return;
        }
        if let Some(found) = store.found.get_untracked() {
            store.checked.set(found.to_vec());
        }
    });
}

/// The bar, while messages are ticked.
#[component]
pub fn BulkBar() -> impl IntoView {
    let store = expect_context::<AppStore>();
    let count = Memo::new(move |_| store.checked.with(Vec::len));
    let ticked = move || store.checked.get_untracked();
    let done = move || store.checked.set(Vec::new());
    let on_ticked =
        move |act: fn(AppStore, Vec<String>)| sync::filing::on_rows(store, ticked(), act);
    let choose = move |event: leptos::ev::Event| {
        let folder = event_target_value(&event);
        if !folder.is_empty() {
            sync::filing::on_rows(store, ticked(), move |store, ids| {
                sync::filing::move_to(store, ids, &folder)
            });
            done();
        }
    };
    view! {
        <Show when=move || { count.get() > 0 }>
            <div class="bulk-bar" data-testid="bulk-bar" role="toolbar" aria-label=move || store.t(T::TickMessage)>
                <span data-testid="bulk-count" role="status">
                    {move || counted(store.lang.get(), count.get() as u64, T::SelectedOne, T::SelectedMany)}
                </span>
                <Show when=move || { count.get() < store.view_count() }>
                    <button type="button" class="link" data-testid="bulk-all" on:click=move |_| tick_all(store)>
                        {move || {
                            let all = store.view_count() as u64;
                            format!("{} ({all})", store.t(T::SelectAll))
                        }}
                    </button>
                </Show>
                <button type="button" class="secondary" data-testid="bulk-read" on:click=move |_| on_ticked(|store, ids| sync::mark(store, ids, false))>
                    {move || store.t(T::BulkRead)}
                </button>
                <button type="button" class="secondary" data-testid="bulk-unread" on:click=move |_| on_ticked(|store, ids| sync::mark(store, ids, true))>
                    {move || store.t(T::BulkUnread)}
                </button>
                <button type="button" class="secondary" data-testid="bulk-flag" on:click=move |_| on_ticked(|store, ids| sync::filing::flag(store, ids, true))>
                    {move || store.t(T::BulkFlag)}
                </button>
                <select data-testid="bulk-move" aria-label=move || store.t(T::MoveTo) on:change=choose prop:value="">
                    <option value="">{move || store.t(T::MoveTo)}</option>
                    {move || {
                        let here = store.folder.get();
                        folder_choices(store).into_iter().map(|(id, label)| {
                            let disabled = id == here;
                            view! { <option value=id disabled=disabled>{label}</option> }
                        }).collect_view()
                    }}
                </select>
                <button type="button" class="danger" data-testid="bulk-delete" on:click=move |_| {
                    let in_trash = store.folder.with_untracked(|f| f == crate::model::folder::TRASH);
                    on_ticked(|store, ids| sync::filing::delete_all(store, ids, false));
                    // In Trash the question comes first; it clears the ticks once asked.
                    if !in_trash {
                        done();
                    }
                }>
                    {move || store.t(T::DeleteMessage)}
                </button>
                <button type="button" class="secondary" data-testid="bulk-clear" on:click=move |_| done()>
                    {move || store.t(T::BulkClear)}
                </button>
            </div>
        </Show>
    }
}
