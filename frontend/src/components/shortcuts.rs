//! Keyboard shortcuts for the list, as mail clients have them: j/k next and previous,
//! u mark unread, s flag, e archive, m move, Delete to Trash (Shift+Delete for good),
//! / search, Escape back to the list, ? this help.
//! x ticks the open message and Ctrl+A (⌘A) the whole view. Keys typed into a field, or
//! with Ctrl, Alt or ⌘ (but Ctrl+A in the list), are left alone.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};

use crate::i18n::T;
use crate::model::folder::ARCHIVE;
use crate::state::AppStore;
use crate::sync;
use crate::sync::filing::on_rows;

/// The shortcuts and what they do, as the help lists them.
const KEYS: &[(&str, T)] = &[
    ("j", T::KeyNext),
    ("k", T::KeyPrevious),
    ("u", T::KeyUnread),
    ("s", T::KeyFlag),
    ("e", T::KeyArchive),
    ("m", T::KeyMove),
    ("Delete", T::KeyDelete),
    ("⇧ Delete", T::KeyDeleteForGood),
    ("x", T::KeySelect),
    ("Ctrl A", T::KeySelectAll),
    ("/", T::KeySearch),
    ("Esc", T::KeyBack),
    ("?", T::KeyHelp),
];

/// Whether `event` was typed into a field (the search box, a form).
fn typing(event: &KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el.is_content_editable()
        })
}

/// Whether `event` happened in the list or nowhere in particular (Ctrl+A elsewhere, in a
/// message's text, selects the text as usual).
fn in_list(event: &KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_none_or(|el| {
            el.tag_name() == "BODY"
                || el
                    .closest("[data-testid=\"message-list\"]")
                    .is_ok_and(|found| found.is_some())
        })
}

/// Focuses the first element `css` selects (and so scrolls it into view).
fn focus(css: &str) {
    let element = document()
        .query_selector(css)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

/// Focuses the list's row of message `id` (and so scrolls it into view).
pub fn focus_row(id: &str) {
    focus(&format!("[data-testid=\"message-row\"][data-id=\"{id}\"]"));
}

/// Listens for the shortcuts while mounted, over the list's loaded rows. Shows the help
/// when asked.
#[component]
pub fn Shortcuts() -> impl IntoView {
    let store = expect_context::<AppStore>();
    let help = RwSignal::new(false);
    let step = move |by: isize| {
        let selected = store.selected.get_untracked();
        let next = store.window.with_untracked(|w| {
            let at = selected.as_deref().and_then(|id| w.position_of(id));
            let next = match at {
                Some(at) => at.saturating_add_signed(by),
                None => 0,
            };
            w.at(next).or_else(|| at.and_then(|at| w.at(at))).cloned()
        });
        if let Some(meta) = next {
            let id = meta.id.clone();
            store.open(meta);
            focus_row(&id);
        }
    };
    let handle = window_event_listener(ev::keydown, move |event: KeyboardEvent| {
        if typing(&event) {
            return;
        }
        // Ctrl+A (⌘A) ticks the whole view, as in desktop mail clients.
        let command = event.ctrl_key() || event.meta_key();
        if command && !event.alt_key() && event.key().eq_ignore_ascii_case("a") && in_list(&event) {
            event.prevent_default();
            crate::components::bulk_bar::tick_all(store);
            return;
        }
        if command || event.alt_key() {
            return;
        }
        let selected = store.selected.get_untracked();
        match event.key().as_str() {
            "j" => step(1),
            "k" => step(-1),
            "u" => {
                if let Some(id) = selected {
                    let unread = !store.is_unread(&id);
                    on_rows(store, vec![id], move |store, ids| {
                        sync::mark(store, ids, unread)
                    });
                }
            }
            "s" => {
                if let Some(id) = selected {
                    let flagged = !store.is_flagged(&id);
                    on_rows(store, vec![id], move |store, ids| {
                        sync::filing::flag(store, ids, flagged)
                    });
                }
            }
            "e" => {
                if let Some(id) = selected {
                    on_rows(store, vec![id], |store, ids| {
                        sync::filing::move_to(store, ids, ARCHIVE)
                    });
                }
            }
            "x" => {
                if let Some(id) = selected {
                    crate::components::bulk_bar::toggle(store, &id, false);
                }
            }
            "m" if selected.is_some() => {
                event.prevent_default();
                focus("[data-testid=\"message-move\"]");
            }
            "Delete" => {
                if let Some(id) = selected {
                    let for_good = event.shift_key();
                    on_rows(store, vec![id], move |store, ids| {
                        sync::filing::delete_all(store, ids, for_good)
                    });
                }
            }
            "/" => {
                event.prevent_default();
                focus("[data-testid=\"search-input\"]");
            }
            "Escape" => {
                help.set(false);
                store.selected.set(None);
            }
            "?" => help.update(|h| *h = !*h),
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
    view! {
        <Show when=move || help.get()>
            <div class="backdrop" on:click=move |_| help.set(false)>
                <div class="dialog" role="dialog" aria-modal="true" data-testid="shortcuts-help">
                    <h2>{move || store.t(T::KeysTitle)}</h2>
                    <dl class="keys">
                        {KEYS.iter().map(|(key, what)| view! {
                            <dt><kbd>{*key}</kbd></dt>
                            <dd>{move || store.t(*what)}</dd>
                        }).collect_view()}
                    </dl>
                    <p class="hint" data-testid="search-filters">{move || store.t(T::SearchFilters)}</p>
                    <button class="secondary" on:click=move |_| help.set(false)>
                        {move || store.t(T::Close)}
                    </button>
                </div>
            </div>
        </Show>
    }
}
