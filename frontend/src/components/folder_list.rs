//! The folders: Inbox, Archive, Sent, Drafts and Trash, then the person's own (nested one
//! level), each with its count in the mailbox shown (every account's, or one's). A message
//! row dropped on a folder moves there; Trash can be emptied; the person's folders are
//! made, renamed and deleted here (`folder_form`).

use leptos::prelude::*;

use crate::components::folder_form::FolderTools;
use crate::i18n::T;
use crate::model::folder::{ARCHIVE, BUILT_IN, DRAFTS, INBOX, SENT, TRASH};
use crate::model::user_folders::ordered;
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

/// What folder `id` is called: a built-in one's words, or the name the person gave it.
pub fn folder_label(store: AppStore, id: &str) -> String {
    match folder_name(id) {
        Some(t) => store.t(t).to_owned(),
        None => store.folders.with(|list| {
            list.iter()
                .find(|f| f.id == id)
                .map_or_else(|| id.to_owned(), |f| f.name.clone())
        }),
    }
}

/// Every folder a message can be filed in, as `(id, label)`, in the list's order (a folder
/// inside another is labelled with a dash).
pub fn folder_choices(store: AppStore) -> Vec<(String, String)> {
    let mut choices: Vec<(String, String)> = BUILT_IN
        .iter()
        .map(|id| ((*id).to_owned(), folder_label(store, id)))
        .collect();
    let own = store.folders.with(|f| ordered(f));
    choices.extend(own.into_iter().map(|(folder, depth)| {
        let label = match depth {
            0 => folder.name,
            _ => format!("— {}", folder.name),
        };
        (folder.id, label)
    }));
    choices
}

/// The drawing of folder `id`'s icon (an SVG path, 24 × 24).
fn icon(id: &str) -> &'static str {
    match id {
        INBOX => "M3 13h5l2 3h4l2-3h5M5 5h14l2 8v6H3v-6z",
        ARCHIVE => "M3 5h18v4H3zM5 9v10h14V9M10 13h4",
        SENT => "M3 11l18-8-8 18-2-8z",
        DRAFTS => "M4 20h4L19 9l-4-4L4 16v4z",
        TRASH => "M5 7h14M10 7V4h4v3M7 7l1 13h8l1-13",
        // A folder of the person's.
        _ => "M3 6h6l2 2h10v11H3z",
    }
}

/// The folder list.
#[component]
pub fn FolderList() -> impl IntoView {
    let store = expect_context::<AppStore>();
    view! {
        <nav class="folder-list" data-testid="folder-list" aria-label=move || store.t(T::Folders)>
            <h3 class="list-title">{move || store.t(T::Folders)}</h3>
            {BUILT_IN.iter().map(|id| view! { <FolderRow id=(*id).to_owned() depth=0 /> }).collect_view()}
            <For
                each=move || store.folders.with(|f| ordered(f))
                key=|(folder, depth)| (folder.id.clone(), *depth)
                let:row
            >
                <FolderRow id=row.0.id depth=row.1 />
            </For>
            <EmptyTrash />
            <FolderTools />
        </nav>
    }
}

/// A folder's row: `id`, at `depth` (1: inside another folder).
#[component]
fn FolderRow(id: String, depth: usize) -> impl IntoView {
    let store = expect_context::<AppStore>();
    let id = StoredValue::new(id);
    let selected = move || store.folder.with(|f| id.with_value(|id| f == id));
    let counts = Memo::new(move |_| {
        let account = store.view().account;
        id.with_value(|id| store.count(account.as_deref(), Some(id)))
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
            let to = id.get_value();
            filing::on_rows(store, vec![message], move |store, ids| {
                filing::move_to(store, ids, &to)
            });
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
    let inside = depth > 0;
    let built_in = id.with_value(|id| folder_name(id).is_some());
    // Trash, Sent and Drafts show how many they hold; the others how many are unread.
    let shows_total = id.with_value(|id| matches!(id.as_str(), TRASH | SENT | DRAFTS));
    let label = move || id.with_value(|id| folder_label(store, id));
    // A built-in folder is known by its id, the person's by its name (DESIGN.md's hooks).
    let hook = move || match built_in {
        true => id.get_value(),
        false => label(),
    };
    view! {
        <button
            class="folder-row"
            class:selected=selected
            class:drop=move || over.get()
            class:inside=inside
            data-testid="folder-row"
            data-folder=hook
            data-folder-id=id.get_value()
            aria-current=move || selected().then_some("true")
            on:click=move |_| {
                store.selected.set(None);
                store.folder.set(id.get_value());
                crate::components::message_list::scroll_to_top();
            }
            on:dragover=allow
            on:dragleave=move |_| over.set(false)
            on:drop=drop
        >
            <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
                <path d=id.with_value(|id| icon(id)) fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" />
            </svg>
            <span class="name">{label}</span>
            {move || {
                let (total, unread) = counts.get();
                let (n, testid, class) = match shows_total {
                    true => (total, "folder-count", "count"),
                    false => (unread, "folder-unread", "unread"),
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
