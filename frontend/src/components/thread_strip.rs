//! The open message's conversation (`thread-list`): every message of it, in every folder,
//! oldest first, the open one marked; a click opens another. Shown when the conversation
//! has more than the open message.

use leptos::prelude::*;

use crate::components::folder_list::folder_label;
use crate::format;
use crate::i18n::{T, counted};
use crate::model::MessageMeta;
use crate::state::AppStore;
use crate::sync;

/// The conversation of message `id`.
#[component]
pub fn ThreadStrip(id: String) -> impl IntoView {
    let store = expect_context::<AppStore>();
    let open_id = id.clone();
    let members = LocalResource::new(move || {
        // Read again when marks or folders change.
        store.changes.track();
        let id = id.clone();
        async move { sync::rows::thread(&id).await.unwrap_or_default() }
    });
    move || {
        let members = members.get().unwrap_or_default();
        (members.len() > 1).then(|| {
            let total = members.len() as u64;
            let here = store.folder.get_untracked();
            let items = members
                .into_iter()
                .map(|meta| view! { <ThreadItem meta current=open_id.clone() here=here.clone() /> })
                .collect_view();
            view! {
                <nav class="thread" data-testid="thread-list" data-count=total aria-label=move || store.t(T::InThread)>
                    <h3>
                        {move || store.t(T::InThread)}
                        <span class="muted">
                            {move || format!(" · {}", counted(store.lang.get(), total, T::ThreadOne, T::ThreadMany))}
                        </span>
                    </h3>
                    <ol>{items}</ol>
                </nav>
            }
        })
    }
}

/// One message of the conversation; `current` is the open one, `here` the list's folder
/// (a message elsewhere says where it is).
#[component]
fn ThreadItem(meta: MessageMeta, current: String, here: String) -> impl IntoView {
    let store = expect_context::<AppStore>();
    let is_current = meta.id == current;
    let elsewhere = (meta.folder != here).then(|| folder_label(store, &meta.folder));
    let (from, date_ms, unread) = (meta.from.clone(), meta.date_ms, meta.unread);
    let id = meta.id.clone();
    let open = move |_| store.open(meta.clone());
    view! {
        <li>
            <button
                type="button"
                class="thread-item"
                class:unread=unread
                data-testid="thread-item"
                data-id=id
                aria-current=is_current.then_some("true")
                disabled=is_current
                on:click=open
            >
                <span class="from">{from}</span>
                {elsewhere.map(|folder| view! { <span class="folder" data-testid="thread-folder">{folder}</span> })}
                <span class="date">{move || format::list_date(date_ms, store.lang.get())}</span>
            </button>
        </li>
    }
}
