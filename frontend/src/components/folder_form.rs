//! Making, renaming and deleting the person's folders, under the folder list: "New folder",
//! and for a folder of theirs that is open, "Rename" (its name, and the folder it is in:
//! moving it keeps its mail) and "Delete" (which asks first: its messages go to Trash).

use leptos::prelude::*;

use crate::i18n::T;
use crate::model::Intent;
use crate::model::user_folders::{Problem, UserFolder, check};
use crate::state::AppStore;
use crate::sync::send;

/// What the form is doing.
#[derive(Debug, Clone, PartialEq)]
enum Editing {
    /// Making a folder.
    New,
    /// Renaming folder `id`.
    Rename(String),
}

/// The words for a problem with a folder's name.
fn problem_words(problem: Problem) -> T {
    match problem {
        Problem::Empty => T::ErrFolderEmpty,
        Problem::TooLong => T::ErrFolderLong,
        Problem::Taken => T::ErrFolderTaken,
        Problem::TooDeep => T::ErrFolderDeep,
        Problem::HasInside => T::ErrFolderHasInside,
    }
}

/// A new folder's id: the time and a random part, so two tabs never make the same one.
fn new_id() -> String {
    let random = (js_sys::Math::random() * 1e9) as u64;
    format!("u-{:x}-{random:x}", js_sys::Date::now() as u64)
}

/// The open folder, when it is one of the person's.
fn open_own(store: AppStore) -> Option<UserFolder> {
    let open = store.folder.get();
    store
        .folders
        .with(|list| list.iter().find(|f| f.id == open).cloned())
}

/// The buttons and the form.
#[component]
pub fn FolderTools() -> impl IntoView {
    let store = expect_context::<AppStore>();
    let editing = RwSignal::new(None::<Editing>);
    let name = RwSignal::new(String::new());
    let parent = RwSignal::new(String::new());
    let error = RwSignal::new(None::<T>);
    let asking = RwSignal::new(false);
    let start = move |what: Editing| {
        let (current, inside) = match &what {
            Editing::New => (String::new(), String::new()),
            Editing::Rename(_) => open_own(store)
                .map(|f| (f.name, f.parent.unwrap_or_default()))
                .unwrap_or_default(),
        };
        name.set(current);
        parent.set(inside);
        error.set(None);
        asking.set(false);
        editing.set(Some(what));
    };
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(what) = editing.get_untracked() else {
            return;
        };
        let typed = name.get_untracked().trim().to_owned();
        let mut folders = store.folders.get_untracked();
        let renaming = match &what {
            Editing::New => None,
            Editing::Rename(id) => Some(id.as_str()),
        };
        let place = Some(parent.get_untracked()).filter(|p| !p.is_empty());
        if let Err(problem) = check(&folders, &typed, place.as_deref(), renaming) {
            error.set(Some(problem_words(problem)));
            return;
        }
        match &what {
            Editing::New => folders.push(UserFolder {
                id: new_id(),
                name: typed,
                parent: place,
            }),
            Editing::Rename(id) => {
                if let Some(folder) = folders.iter_mut().find(|f| &f.id == id) {
                    folder.name = typed;
                    folder.parent = place;
                }
            }
        }
        store.folders.set(folders.clone());
        send(&Intent::SaveFolders { folders });
        editing.set(None);
    };
    // The folders another can go inside: the top-level ones, but the one being edited.
    let top_level = move || {
        let editing_id = match editing.get() {
            Some(Editing::Rename(id)) => Some(id),
            _ => None,
        };
        store.folders.with(|list| {
            let mut top: Vec<UserFolder> = list
                .iter()
                .filter(|f| f.parent.is_none() && Some(&f.id) != editing_id.as_ref())
                .cloned()
                .collect();
            top.sort_by_key(|f| crate::model::account::lower_case(&f.name));
            top
        })
    };
    view! {
        <div class="folder-tools">
            <button type="button" class="secondary" data-testid="folder-new" on:click=move |_| start(Editing::New)>
                "+ " {move || store.t(T::FolderNew)}
            </button>
            <Show when=move || open_own(store).is_some() && editing.with(Option::is_none)>
                <button type="button" class="secondary" data-testid="folder-rename"
                    on:click=move |_| start(Editing::Rename(store.folder.get_untracked()))>
                    {move || store.t(T::FolderRename)}
                </button>
                <button type="button" class="secondary" data-testid="folder-delete" on:click=move |_| asking.set(true)>
                    {move || store.t(T::FolderDelete)}
                </button>
            </Show>
            <Show when=move || asking.get() && open_own(store).is_some()>
                <div class="folder-ask" role="alertdialog" data-testid="folder-delete-ask">
                    <p><strong>{move || open_own(store).map(|f| f.name)}</strong> " " {move || store.t(T::FolderDeleteAsk)}</p>
                    <button type="button" data-testid="folder-delete-confirm" on:click=move |_| {
                        asking.set(false);
                        send(&Intent::DeleteFolder { id: store.folder.get_untracked() });
                    }>
                        {move || store.t(T::FolderDelete)}
                    </button>
                    <button type="button" class="secondary" data-testid="folder-delete-cancel" on:click=move |_| asking.set(false)>
                        {move || store.t(T::Dismiss)}
                    </button>
                </div>
            </Show>
            <Show when=move || editing.with(Option::is_some)>
                <form class="folder-form" data-testid="folder-form" on:submit=save>
                    <label>{move || store.t(T::FolderNameLabel)}
                        <input type="text" data-testid="folder-name" maxlength="80" bind:value=name />
                    </label>
                    <Show when=move || !top_level().is_empty()>
                        <label>{move || store.t(T::FolderInside)}
                            <select data-testid="folder-parent" on:change=move |e| parent.set(event_target_value(&e)) prop:value=move || parent.get()>
                                <option value="">{move || store.t(T::FolderTop)}</option>
                                {move || top_level().into_iter().map(|f| {
                                    let chosen = parent.get_untracked() == f.id;
                                    view! { <option value=f.id.clone() selected=chosen>{f.name.clone()}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                    </Show>
                    <Show when=move || error.with(Option::is_some)>
                        <p class="error" role="alert" data-testid="folder-error">{move || error.get().map(|t| store.t(t))}</p>
                    </Show>
                    <div class="actions">
                        <button type="submit" data-testid="folder-save">{move || store.t(T::FolderSave)}</button>
                        <button type="button" class="secondary" data-testid="folder-cancel" on:click=move |_| editing.set(None)>
                            {move || store.t(T::Dismiss)}
                        </button>
                    </div>
                </form>
            </Show>
            <Show when=move || store.folder_error.with(Option::is_some)>
                <p class="error" role="alert" data-testid="folder-error">{move || store.folder_error.get().map(|t| store.t(t))}</p>
            </Show>
        </div>
    }
}
