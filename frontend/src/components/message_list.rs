//! The searchable message list.

use leptos::prelude::*;

use crate::components::shortcuts::Shortcuts;
use crate::format;
use crate::i18n::T;
use crate::model::MessageMeta;
use crate::state::AppStore;

/// Rows rendered at first, and added by each "show more".
const PAGE_ROWS: usize = 300;

/// Search box and rows, newest first.
#[component]
pub fn MessageList() -> impl IntoView {
    let store = expect_context::<AppStore>();
    // Rows in the DOM, a page at a time: a sync of thousands of messages re-rendered every
    // row of the list on each batch (long tasks on the page, and a slower sync on two
    // cores). Issue 11 replaces this with a virtualized list paged from IndexedDB.
    let limit = RwSignal::new(PAGE_ROWS);
    let view = Memo::new(move |_| store.visible(limit.get()));
    let count = move || view.with(|v| v.0);
    let ids = Signal::derive(move || view.with(|v| v.1.iter().map(|m| m.id.clone()).collect()));
    view! {
        <section class="list-pane">
            <input
                type="search"
                data-testid="search-input"
                placeholder=move || store.t(T::Search)
                bind:value=store.query
            />
            <Shortcuts ids />
            <ul
                data-testid="message-list"
                data-count=move || count().to_string()
                role="listbox"
                aria-label=move || store.t(T::MessagesLabel)
            >
                // Keyed by read state too: a row marked read is drawn again (a reactive
                // lookup per row would scan the whole list for each of them).
                <For each=move || view.get().1 key=|m| (m.id.clone(), m.unread) let:meta>
                    <MessageRow meta />
                </For>
            </ul>
            <Show when=move || view.with(|v| v.0 > v.1.len())>
                <button class="secondary more" on:click=move |_| limit.update(|l| *l += PAGE_ROWS)>
                    {move || store.t(T::ShowMore)}
                </button>
            </Show>
            <Show when=move || count() == 0>
                <p class="empty">{move || store.t(T::NoMessages)}</p>
            </Show>
        </section>
    }
}

/// One row: sender, date, subject.
#[component]
fn MessageRow(meta: MessageMeta) -> impl IntoView {
    let store = expect_context::<AppStore>();
    let id = meta.id.clone();
    let is_selected = {
        let id = id.clone();
        move || store.selected.with(|s| s.as_deref() == Some(id.as_str()))
    };
    let open = {
        let id = id.clone();
        move |_| store.selected.set(Some(id.clone()))
    };
    let open_by_key = {
        let id = id.clone();
        move |event: web_sys::KeyboardEvent| {
            if event.key() == "Enter" || event.key() == " " {
                event.prevent_default();
                store.selected.set(Some(id.clone()));
            }
        }
    };
    let subject = meta.subject.clone();
    let title = subject.clone();
    let has_subject = !subject.is_empty();
    let date_ms = meta.date_ms;
    let account = meta.account.clone();
    let colour = move || store.account(&account).map(|a| a.colour().to_owned());
    view! {
        <li
            data-testid="message-row"
            data-uidl=meta.uidl.clone()
            data-id=id.clone()
            style:--account=colour
            data-unread=meta.unread.to_string()
            class="message-row"
            class:unread=meta.unread
            class:selected=is_selected.clone()
            role="option"
            aria-selected=move || is_selected().to_string()
            tabindex="0"
            on:click=open
            on:keydown=open_by_key
        >
            <span data-testid="message-from" class="from">{meta.from.clone()}</span>
            <span data-testid="message-date" class="date" title=move || format::date(date_ms, store.lang.get())>
                {move || format::list_date(date_ms, store.lang.get())}
            </span>
            <span data-testid="message-subject" class="subject" class:none=!has_subject title=title>
                {move || if has_subject { subject.clone() } else { store.t(T::NoSubject).to_owned() }}
            </span>
            <Show when=move || { meta.attachments > 0 }>
                <span class="clip" role="img" aria-label=move || store.t(T::Attachments)>
                    <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true">
                        <path d="M16.5 6.5v9a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10a1.5 1.5 0 0 1-3 0V6.5"
                            fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" />
                    </svg>
                </span>
            </Show>
        </li>
    }
}
