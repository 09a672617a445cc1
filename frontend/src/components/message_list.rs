//! The message list: the search box and the rows of the view, virtualized. Only the rows on
//! screen, and a margin, are loaded and drawn; the list is as tall as the whole view.

use gloo_timers::callback::Timeout;
use leptos::ev;
use leptos::html::Ul;
use leptos::prelude::*;

use crate::components::message_row::MessageRow;
use crate::components::shortcuts::Shortcuts;
use crate::i18n::T;
use crate::list_window::{Pace, Window};
use crate::listing;
use crate::model::protocol::Intent;
use crate::row_pool::RowPool;
use crate::state::AppStore;
use std::collections::HashMap;

/// The height of a row, in CSS pixels (the style sheet's `.message-row` has it too).
pub const ROW_PX: f64 = 58.0;
/// Rows drawn beyond the screen, either side, at least.
const MARGIN_ROWS: usize = 20;
/// The drawn rows start and end at multiples of this (up to this many more margin).
const STEP_ROWS: usize = 10;
/// While the list has scrolled within this many milliseconds, rows keep their place among
/// the page's elements (one that was not on the page goes before the row after it); they
/// are put in list order this long after the last step. Moving an element costs the page
/// a whole layout (about 10 ms for the list's 40-odd rows, docs/benchmarks.md): done on
/// every step, it made the frames late.
const ORDER_MS: u32 = 150;
/// How long after a move too fast to read rows for (see [`Pace`]) they are read, unless
/// the list moves again.
const SETTLE_MS: u32 = 60;

/// Search box and rows, newest first.
#[component]
pub fn MessageList() -> impl IntoView {
    let store = expect_context::<AppStore>();
    let list = NodeRef::<Ul>::new();
    // Where the screen is over the list: its top, in rows, and its height, in pixels. The
    // list may scroll inside its pane (wide screens) or with the page (phones).
    // Not a signal: a scroll event touches the reactive graph only when it moves the drawn
    // rows (`moved`), not on every frame.
    let scrolled = StoredValue::new((0usize, 900.0f64));
    // When the list last scrolled (see `ORDER_MS`).
    let scrolled_at = StoredValue::new(f64::NEG_INFINITY);
    let moved = Trigger::new();
    let count = Memo::new(move |_| store.view_count());
    let rows = Memo::new(move |_| {
        moved.track();
        let (first, height) = scrolled.get_value();
        drawn(first, height, count.get())
    });
    let measure = move || {
        let Some(ul) = list.get_untracked() else {
            return;
        };
        scrolled_at.set_value(now_ms());
        let top = (-ul.get_bounding_client_rect().top()).max(0.0);
        let height = window()
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(900.0);
        let now = ((top / ROW_PX) as usize, height);
        if scrolled.get_value() != now {
            scrolled.set_value(now);
            if drawn(now.0, now.1, count.get_untracked()) != rows.get_untracked() {
                moved.notify();
            }
        }
    };
    let on_page_scroll = window_event_listener(ev::scroll, move |_| measure());
    let on_resize = window_event_listener(ev::resize, move |_| measure());
    on_cleanup(move || {
        on_page_scroll.remove();
        on_resize.remove();
    });
    let source = Memo::new(move |_| listing::source(store));
    let shown_source = StoredValue::new(None::<listing::Source>);
    let pace = StoredValue::new(Pace::default());
    let settling = StoredValue::new_local(None::<Timeout>);
    Effect::new(move |_| {
        let source = source.get();
        if shown_source.with_value(|s| s.as_ref() != Some(&source)) {
            // A search's whole results after its newest: the rows shown stay (read again,
            // the last chunk of the newest may grow), and so do the ticks.
            match shown_source.with_value(|s| s.as_ref().is_some_and(|s| source.continues(s))) {
                true => store.window.update_untracked(Window::refresh),
                false => listing::reset(store),
            }
            shown_source.set_value(Some(source.clone()));
        }
        store.window.track();
        let rows = rows.get();
        let now = now_ms();
        let first = scrolled.get_value().0;
        if pace.try_update_value(|p| p.too_fast(now, first)) == Some(true) {
            // Read where the list slows down: this runs again once it has not moved for
            // a while (a newer move replaces the timer, which cancels it; a spent one is
            // left in place, not dropped from inside its own call).
            let again = Timeout::new(SETTLE_MS, move || store.window.notify());
            settling.set_value(Some(again));
            return;
        }
        listing::load(store, &source, rows);
    });
    // A new view starts at its top (a search's whole results keep the place).
    Effect::new(move |before: Option<listing::Source>| {
        let now = source.get();
        if !before.is_some_and(|b| now.continues(&b))
            && let Some(ul) = list.get_untracked()
            && let Some(pane) = ul.parent_element()
        {
            pane.set_scroll_top(0);
        }
        now
    });
    let shown = Memo::new(move |_| store.window.with(|w| w.rows(rows.get())));
    let pool = StoredValue::new(RowPool::default());
    let placed = Memo::new(move |_| {
        shown.with(|rows| pool.try_update_value(|p| p.place(rows)).unwrap_or_default())
    });
    // Every slot's element (a spare's too: it stays on the page, unseen).
    let elements = StoredValue::new_local(HashMap::<usize, web_sys::HtmlElement>::new());
    let slots = Memo::new(move |_| placed.with(|p| p.by_slot.len()));
    // The slots in list order, once the list is still (see `ORDER_MS`). A slot made by
    // this change may not be on the page yet: then again before the next frame.
    let ordering = StoredValue::new_local(None::<Timeout>);
    // Whether rows were drawn yet (see `FIRST_ROWS_MARK`).
    let drew = StoredValue::new(false);
    Effect::new(move |_| {
        let order = placed.with(|p| p.order.clone());
        let still = now_ms() - scrolled_at.get_value() >= f64::from(ORDER_MS);
        let later = (!still).then(|| {
            Timeout::new(ORDER_MS, move || {
                // (Nothing to do if the list is gone by then.)
                placed.try_with_untracked(|p| put_in_order(list, elements, &p.order, true));
            })
        });
        // A newer step replaces (and so cancels) the timer; a spent one stays until then.
        ordering.set_value(later);
        if !order.is_empty() && !drew.get_value() {
            drew.set_value(true);
            crate::mark(crate::FIRST_ROWS_MARK);
        }
        if !put_in_order(list, elements, &order, still) {
            request_animation_frame(move || {
                put_in_order(list, elements, &order, still);
            });
        }
    });
    // The words a search's rows mark.
    let marks = Memo::new(move |_| match store.found.with(Option::is_some) {
        true => crate::model::query::parse(&store.query.get()).marks,
        false => Vec::new(),
    });
    let index_state = move || match store.search_index.get() {
        Some((_, true)) => "ready",
        Some((_, false)) => "building",
        None => "unknown",
    };
    let indexing = move || match store.search_index.get() {
        Some((indexed, false)) => Some(format!(
            "{} {}",
            store.t(T::Indexing),
            crate::i18n::counted(
                store.lang.get(),
                u64::from(indexed),
                T::IndexedOne,
                T::IndexedMany
            )
        )),
        _ => None,
    };
    view! {
        <section class="list-pane" on:scroll=move |_| measure()>
            <div class="list-tools">
                <input
                    type="search"
                    data-testid="search-input"
                    data-index=index_state
                    placeholder=move || store.t(T::Search)
                    aria-label=move || store.t(T::Search)
                    aria-describedby="search-help"
                    title=move || store.t(T::SearchFilters)
                    bind:value=store.query
                    on:focus=move |_| {
                        let view = store.view_untracked();
                        crate::sync::send(&Intent::ReadyToSearch { view });
                    }
                />
                <crate::components::sort_menu::SortMenu />
            </div>
            <p id="search-help" class="search-help" data-testid="search-index" hidden=move || indexing().is_none()>
                {indexing}
            </p>
            <Shortcuts />
            <crate::components::bulk_bar::BulkBar />
            <Show when=move || store.list_error.with(Option::is_some)>
                <p class="error" role="alert" data-testid="list-error">
                    {move || store.list_error.get().map(|t| store.t(t))}
                </p>
            </Show>
            <ul
                node_ref=list
                data-testid="message-list"
                data-count=move || count.get().to_string()
                role="listbox"
                aria-busy=move || store.searching.get().to_string()
                aria-label=move || store.t(T::MessagesLabel)
                style:height=move || format!("{}px", count.get() as f64 * ROW_PX)
            >
                // A pool of row elements (see `row_pool`): a message keeps its element (and
                // the focus) while it is drawn; a scroll gives the elements of the rows that
                // left to the rows that came. Slots are only ever added.
                <For each=move || 0..slots.get() key=|slot| *slot let:number>
                    <MessageRow number placed count marks elements />
                </For>
            </ul>
            <Show when=move || count.get() == 0>
                <p class="empty">{move || store.t(T::NoMessages)}</p>
            </Show>
        </section>
    }
}

/// The rows drawn when the screen's top is at row `first` and it is `height` pixels tall,
/// in a view of `count`: those on screen and a margin, in steps of [`STEP_ROWS`] so that a
/// slow scroll redraws the list every few rows, not every frame.
fn drawn(first: usize, height: f64, count: usize) -> std::ops::Range<usize> {
    let on_screen = (height / ROW_PX).ceil() as usize + 1;
    // Scrolled past the end of a view that shrank: its last screen.
    let first = first.min(count.saturating_sub(on_screen));
    let start = first.saturating_sub(MARGIN_ROWS) / STEP_ROWS * STEP_ROWS;
    let end = (first + on_screen + MARGIN_ROWS).div_ceil(STEP_ROWS) * STEP_ROWS;
    start..end.min(count)
}

/// The element of every slot, by slot.
pub type SlotElements = StoredValue<HashMap<usize, web_sys::HtmlElement>, LocalStorage>;

/// Puts the elements of the slots `order` on the page in that order (a screen reader reads
/// the rows in it, and so do outside suites), moving as few as it can; unless `all`, only
/// those not on the page yet are put there, and the others left where they are. A moved
/// row that had the focus keeps it. False when a slot of `order` has no element yet.
fn put_in_order(list: NodeRef<Ul>, elements: SlotElements, order: &[usize], all: bool) -> bool {
    let Some(ul) = list.get_untracked() else {
        return true;
    };
    let children = ul.children();
    let now: Vec<usize> = (0..children.length())
        .filter_map(|i| children.item(i)?.get_attribute("data-slot")?.parse().ok())
        .collect();
    let moves = crate::row_pool::to_move(&now, order);
    elements.with_value(|elements| {
        let focused = document().active_element();
        let mut next: Option<&web_sys::HtmlElement> = None;
        for (slot, moves) in order.iter().zip(moves).rev() {
            let Some(element) = elements.get(slot) else {
                continue;
            };
            if moves && (all || !element.is_connected()) {
                let _ = ul.insert_before(element, next.map(AsRef::as_ref));
            }
            next = Some(element);
        }
        if let Some(focused) = focused.and_then(|f| {
            elements
                .values()
                .find(|e| AsRef::<web_sys::Element>::as_ref(*e) == &f)
                .cloned()
        }) && document().active_element().as_ref() != Some(focused.as_ref())
        {
            let options = web_sys::FocusOptions::new();
            options.set_prevent_scroll(true);
            let _ = focused.focus_with_options(&options);
        }
        order.iter().all(|s| elements.contains_key(s))
    })
}

/// The page's clock, in milliseconds.
fn now_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// Scrolls the list back to its top, in its pane (wide screens) and with the page (phones):
/// for another folder or mailbox.
pub fn scroll_to_top() {
    if let Ok(Some(pane)) = document().query_selector(".list-pane") {
        pane.set_scroll_top(0);
    }
    window().scroll_to_with_x_and_y(0.0, 0.0);
}

#[cfg(test)]
mod tests {
    use super::drawn;

    #[test]
    fn drawn_rows_move_in_steps_of_ten() {
        // 600 px is 12 rows on screen (10.3, one cut at the top and one at the bottom).
        assert_eq!(drawn(0, 600.0, 1_000), 0..40);
        assert_eq!(drawn(9, 600.0, 1_000), 0..50);
        assert_eq!(drawn(25, 600.0, 1_000), 0..60);
        assert_eq!(drawn(30, 600.0, 1_000), 10..70);
        // A step of a few rows inside a step draws the same rows.
        assert_eq!(drawn(31, 600.0, 1_000), drawn(37, 600.0, 1_000));
    }

    #[test]
    fn past_the_end_of_a_shrunk_view_draws_its_last_screen() {
        assert_eq!(drawn(900, 600.0, 50), 10..50);
        assert_eq!(drawn(5, 600.0, 0), 0..0);
    }
}
