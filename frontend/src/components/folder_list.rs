//! The folders: Inbox, Archive, Sent, Drafts and Trash, each with its unread count in the
//! mailbox shown (every account's, or one's). A message row dropped on a folder moves there;
//! Trash can be emptied.

use leptos::prelude::*;

use crate::i18n::T;
use crate::model::folder::{ARCHIVE, BUILT_IN, DRAFTS, INBOX, SENT, TRASH};
use crate::state::{AppStore, Deleting};
use crate::sync::filing;

/// The type of the drag data a message row carries: its id.
pub const DRAG_TYPE: &str = "application/x-cartero-message";

/// The words for folder `id`.
pub fn folder_name(id: &str) -> Option<T> {
    Some(match id {
        INBOX => T::FolderInbox,
        ARCHIVE => T::FolderArchive,
        SENT => T::FolderSent,
        DRAFTS => T::FolderDrafts,
        TRASH => T::FolderTrash,
        _ => return None,
    })
}

/// The drawing of folder `id`'s icon (an SVG path, 24 × 24).
fn icon(id: &str) -> &'static str {
    match id {
        INBOX => "M3 13h5l2 3h4l2-3h5M5 5h14l2 8v6H3v-6z",
        ARCHIVE => "M3 5h18v4H3zM5 9v10h14V9M10 13h4",
        SENT => "M3 11l18-8-8 18-2-8z",
        DRAFTS => "M4 20h4L19 9l-4-4L4 16v4z",
        _ => "M5 7h14M10 7V4h4v3M7 7l1 13h8l1-13",
    }
}

/// The folder list.
#[component]
pub fn FolderList() -> impl IntoView {
    let store = expect_context::<AppStore>();
    view! {
        <nav class="folder-list" data-testid="folder-list" aria-label=move || store.t(T::Folders)>
            <h3 class="list-title">{move || store.t(T::Folders)}</h3>
            {BUILT_IN.iter().map(|id| view! { <FolderRow id /> }).collect_view()}
            <EmptyTrash />
        </nav>
    }
}

#[component]
fn FolderRow(id: &'static str) -> impl IntoView {
    let store = expect_context::<AppStore>();
    let selected = move || store.folder.with(|f| f == id);
    let counts = Memo::new(move |_| {
        let account = store.view().account;
        store.count(account.as_deref(), Some(id))
    });
    let over = RwSignal::new(false);
    let drop = move |event: web_sys::DragEvent| {
        event.prevent_default();
        over.set(false);
        let dragged = event
            .data_transfer()
            .and_then(|d| d.get_data(DRAG_TYPE).ok())
            .filter(|d| !d.is_empty());
        if let Some(message) = dragged {
            filing::move_to(store, vec![message], id);
        }
    };
    let allow = move |event: web_sys::DragEvent| {
        let ours = event
            .data_transfer()
            .is_some_and(|d| d.types().includes(&DRAG_TYPE.into(), 0));
        if ours {
            event.prevent_default();
            over.set(true);
        }
    };
    let name = folder_name(id).unwrap_or(T::FolderInbox);
    view! {
        <button
            class="folder-row"
            class:selected=selected
            class:drop=move || over.get()
            data-testid="folder-row"
            data-folder=id
            aria-current=move || selected().then_some("true")
            on:click=move |_| {
                store.selected.set(None);
                store.folder.set(id.to_owned());
                crate::components::message_list::scroll_to_top();
            }
            on:dragover=allow
            on:dragleave=move |_| over.set(false)
            on:drop=drop
        >
            <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
                <path d=icon(id) fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" />
            </svg>
            <span class="name">{move || store.t(name)}</span>
            // Trash, Sent and Drafts show how many they hold; the others how many are unread.
            {move || {
                let (total, unread) = counts.get();
                let (n, testid, class) = match id {
                    TRASH | SENT | DRAFTS => (total, "folder-count", "count"),
                    _ => (unread, "folder-unread", "unread"),
                };
                (n > 0).then(|| view! { <span class=class data-testid=testid>{n}</span> })
            }}
        </button>
    }
}

/// "Empty Trash", shown in Trash while it holds mail (the delete dialog asks first).
#[component]
fn EmptyTrash() -> impl IntoView {
    let store = expect_context::<AppStore>();
    let shown = move || {
        store.folder.with(|f| f == TRASH) && {
            let account = store.view().account;
            store.count(account.as_deref(), Some(TRASH)).0 > 0
        }
    };
    view! {
        <Show when=shown>
            <button
                class="secondary empty-trash"
                data-testid="empty-trash"
                on:click=move |_| store.deleting.set(Some(Deleting::Trash))
            >
                {move || store.t(T::EmptyTrash)}
            </button>
        </Show>
    }
}
