//! The page's side of the list: it reads the rows near the screen from the store, reads
//! the counters and the loaded rows again when stored messages change, and runs searches.

use std::cell::Cell;
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::list_window::{CHUNK, Window, chunks_of};
use crate::model::folder::FolderView;
use crate::model::order::Order;
use crate::state::AppStore;
use crate::sync::rows;

/// How long after a keystroke a search starts (a newer keystroke starts it again).
const SEARCH_AFTER: Duration = Duration::from_millis(150);
/// Changes to the store are taken in at most this often (a sync saves batch after batch).
const REFRESH_EVERY: Duration = Duration::from_millis(200);
/// Rows kept loaded beyond those asked for, either side.
const KEEP_ROWS: usize = 4 * CHUNK;

/// What the list lists: a folder view, or what a search found there.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A folder view, in an order.
    Folder(FolderView, Order),
    /// Messages by id, in this order.
    Found(Arc<Vec<String>>),
}

impl Source {
    /// Whether this source lists what `before` listed, then more: a search's whole results
    /// after its newest ones. The rows loaded for `before` stay where they are.
    pub fn continues(&self, before: &Source) -> bool {
        match (before, self) {
            (Source::Found(newest), Source::Found(all)) => {
                newest.len() < all.len() && all.starts_with(newest)
            }
            _ => false,
        }
    }
}

thread_local! {
    /// The newest search: an older one that sees another number stops.
    static SEARCH: Cell<u64> = const { Cell::new(0) };
    /// The view the last search looked in.
    static SEARCHED: std::cell::RefCell<Option<FolderView>> = const { std::cell::RefCell::new(None) };
    /// A refresh is waiting to run.
    static REFRESH_PENDING: Cell<bool> = const { Cell::new(false) };
}

/// What the list lists now (reactive).
pub fn source(store: AppStore) -> Source {
    match store.found.get() {
        Some(ids) => Source::Found(ids),
        None => Source::Folder(store.view(), store.order.get()),
    }
}

/// Loads the chunks of rows `rows` of `source` that are not loaded; chunks far from them
/// are let go.
pub fn load(store: AppStore, source: &Source, rows: Range<usize>) {
    let Some(ask) = store.window.try_update_untracked(|w| {
        let chunks = w.to_load(chunks_of(rows.clone()));
        let anchors: Vec<_> = chunks.iter().map(|c| w.anchor_for(*c)).collect();
        (w.epoch(), chunks.into_iter().zip(anchors))
    }) else {
        return;
    };
    let (epoch, chunks) = ask;
    let keep = chunks_of(rows.start.saturating_sub(KEEP_ROWS)..rows.end + KEEP_ROWS);
    for (chunk, anchor) in chunks {
        let (source, keep) = (source.clone(), keep.clone());
        spawn_local(async move {
            let from = chunk * CHUNK;
            let rows = match &source {
                Source::Folder(view, order) => {
                    let place = rows::Place {
                        offset: from as u32,
                        limit: CHUNK as u32,
                        anchor,
                    };
                    rows::page(view, *order, place).await
                }
                Source::Found(ids) => {
                    let to = (from + CHUNK).min(ids.len());
                    rows::by_ids(ids.get(from..to).unwrap_or_default()).await
                }
            };
            match rows {
                Some(rows) => {
                    let focused = focused_row();
                    store
                        .window
                        .maybe_update(|w| w.loaded(epoch, chunk, rows, keep));
                    if let Some(id) = focused {
                        keep_focus(id);
                    }
                }
                // Asked for again when the list next needs it.
                None => store.window.update_untracked(|w| w.give_up(chunk)),
            }
        });
    }
}

/// Counts the view's conversations again, when the list shows them.
fn count_conversations(store: AppStore) {
    if store.order.get_untracked() != Order::Conversations {
        return;
    }
    let view = store.view_untracked();
    spawn_local(async move {
        if let Some(n) = rows::conversation_count(&view).await
            && store.view_untracked() == view
        {
            store.conversations.set(n);
        }
    });
}

/// The id of the list's row that has the focus, if one has.
fn focused_row() -> Option<String> {
    let active = document().active_element()?;
    (active.get_attribute("data-testid")? == "message-row")
        .then(|| active.get_attribute("data-id"))?
}

/// Gives row `id` the focus back once the list is drawn again, when the drawing took it
/// (a row moved in the DOM loses the focus).
fn keep_focus(id: String) {
    request_animation_frame(move || {
        let lost = document()
            .active_element()
            .is_none_or(|el| el.tag_name() == "BODY");
        if lost {
            crate::components::shortcuts::focus_row(&id);
        }
    });
}

/// Starts over for another source (another folder, account or search).
pub fn reset(store: AppStore) {
    store.window.update_untracked(Window::reset);
    // Ticks are of the view that was shown.
    if store.checked.with_untracked(|c| !c.is_empty()) {
        store.checked.set(Vec::new());
    }
}

/// Follows the search text and changes to the store; call once at the root.
pub fn follow(store: AppStore) {
    Effect::new(move |_| {
        let query = store.query.get();
        let _ = store.view();
        search_later(store, query);
    });
    Effect::new(move |_| {
        let _ = (store.view(), store.order.get());
        count_conversations(store);
    });
    Effect::new(move |first: Option<()>| {
        store.changes.track();
        if first.is_some() {
            refresh_later(store);
        }
    });
}

/// Searches the list's view for `query` after a pause; an empty query shows the view.
fn search_later(store: AppStore, query: String) {
    let ticket = SEARCH.with(|s| {
        s.set(s.get() + 1);
        s.get()
    });
    let current = move || SEARCH.with(Cell::get) == ticket;
    if crate::model::query::parse(&query).is_empty() {
        if store.found.with_untracked(Option::is_some) {
            store.found.set(None);
        }
        store.searching.set(false);
        return;
    }
    store.searching.set(true);
    // Another folder's results are not this one's: none show until its own come.
    let view = store.view_untracked();
    if SEARCHED.with(|v| v.replace(Some(view.clone()))).as_ref() != Some(&view) {
        store.found.set(Some(Arc::new(Vec::new())));
    }
    spawn_local(async move {
        gloo_timers::future::sleep(SEARCH_AFTER).await;
        if !current() {
            return;
        }
        // The newest results first, when there are many: then all of them.
        let mut first = true;
        loop {
            let found = rows::search(&view, &query, first).await;
            if !current() {
                return;
            }
            let (ids, whole) = found.unwrap_or_default();
            let newest = ids.first().cloned();
            store.found.set(Some(Arc::new(ids)));
            if whole || !first {
                store.searching.set(false);
                return;
            }
            first = false;
            if let Some(newest) = newest {
                shown(store, &newest).await;
            }
        }
    });
}

/// Waits until the list's first row is message `id`, for at most half a second: all of a
/// search's results are asked for once its first screen is read, since the reads of all
/// of them would queue in IndexedDB before the screen's.
async fn shown(store: AppStore, id: &str) {
    for _ in 0..30 {
        gloo_timers::future::sleep(Duration::from_millis(16)).await;
        if store
            .window
            .with_untracked(|w| w.at(0).is_some_and(|m| m.id == id))
        {
            return;
        }
    }
}

/// Reads the counters and the shown rows again soon (once for many changes).
fn refresh_later(store: AppStore) {
    if REFRESH_PENDING.with(|p| p.replace(true)) {
        return;
    }
    spawn_local(async move {
        gloo_timers::future::sleep(REFRESH_EVERY).await;
        REFRESH_PENDING.with(|p| p.set(false));
        if let Some(all) = rows::counters().await {
            store.counters.set(all);
        }
        count_conversations(store);
        store.window.update(Window::refresh);
        let query = store.query.get_untracked();
        if !query.trim().is_empty() {
            search_later(store, query);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(ids: &[&str]) -> Source {
        Source::Found(Arc::new(ids.iter().map(|id| id.to_string()).collect()))
    }

    #[test]
    fn a_search_continues_only_with_more_of_the_same_results() {
        let newest = found(&["a/3", "a/2"]);
        assert!(found(&["a/3", "a/2", "a/1"]).continues(&newest));
        // The same results, others, or fewer: another list, which starts over.
        assert!(!found(&["a/3", "a/2"]).continues(&newest));
        assert!(!found(&["a/3", "a/1", "a/0"]).continues(&newest));
        assert!(!found(&["a/3"]).continues(&newest));
        let inbox = Source::Folder(
            FolderView {
                folder: "inbox".into(),
                account: None,
            },
            Order::Newest,
        );
        assert!(!found(&["a/3", "a/2", "a/1"]).continues(&inbox));
        assert!(!inbox.continues(&newest));
    }
}
