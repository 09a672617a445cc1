//! The message list: the search box and the rows of the view, virtualized. Only the rows on
//! screen, and a margin, are loaded and drawn; the list is as tall as the whole view.

use gloo_timers::callback::Timeout;
use leptos::ev;
use leptos::html::Ul;
use leptos::prelude::*;

use crate::components::folder_list::DRAG_TYPE;
use crate::components::shortcuts::Shortcuts;
use crate::format;
use crate::i18n::{T, counted};
use crate::list_window::{Pace, Window};
use crate::listing;
use crate::model::MessageMeta;
use crate::model::order::Order;
use crate::state::AppStore;

/// The height of a row, in CSS pixels (the style sheet's `.message-row` has it too).
pub const ROW_PX: f64 = 58.0;
/// Rows drawn beyond the screen, either side, at least.
const MARGIN_ROWS: usize = 20;
/// The drawn rows start and end at multiples of this (up to this many more margin).
const STEP_ROWS: usize = 10;
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
        let now = window().performance().map_or(0.0, |p| p.now());
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
                // Keyed by message: a row keeps its element (and the focus) when new mail
                // moves it down or it is marked; its place and marks follow `shown`.
                <For each=move || shown.get() key=|(_, m)| m.id.clone() let:row>
                    <MessageRow meta=row.1 shown count marks />
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

/// `text` with the words a search matched in `<mark>` (`data-testid="search-mark"`).
fn marked(text: &str, marks: &[String]) -> impl IntoView + use<> {
    use leptos::either::Either;
    if marks.is_empty() {
        return Either::Left(text.to_owned());
    }
    let mut parts = Vec::new();
    let mut at = 0;
    for range in crate::model::words::marks(text, marks) {
        if range.start > at {
            parts.push(Either::Left(text[at..range.start].to_owned()));
        }
        let word = text[range.clone()].to_owned();
        parts.push(Either::Right(
            view! { <mark data-testid="search-mark">{word}</mark> },
        ));
        at = range.end;
    }
    if at < text.len() || parts.is_empty() {
        parts.push(Either::Left(text[at..].to_owned()));
    }
    Either::Right(parts)
}

/// The place of a row, its marks (unread, flagged), and its conversation's size and
/// unread messages when it heads one (see `model::thread`).
type RowState = (usize, bool, bool, u32, u32);

/// The state of row `meta` at place `at`.
fn row_state(at: usize, meta: &MessageMeta) -> RowState {
    let conversation = (
        meta.thread_count.unwrap_or(1),
        meta.thread_unread.unwrap_or(0),
    );
    (
        at,
        meta.unread,
        meta.flagged,
        conversation.0,
        conversation.1,
    )
}

/// Scrolls the list back to its top, in its pane (wide screens) and with the page (phones):
/// for another folder or mailbox.
pub fn scroll_to_top() {
    if let Ok(Some(pane)) = document().query_selector(".list-pane") {
        pane.set_scroll_top(0);
    }
    window().scroll_to_with_x_and_y(0.0, 0.0);
}

/// One row: sender, date, subject; its place among `count` and its marks as `shown` has
/// them.
#[component]
fn MessageRow(
    meta: MessageMeta,
    shown: Memo<Vec<(usize, MessageMeta)>>,
    count: Memo<usize>,
    marks: Memo<Vec<String>>,
) -> impl IntoView {
    let store = expect_context::<AppStore>();
    let id = meta.id.clone();
    let state = {
        let id = id.clone();
        let first = row_state(0, &meta);
        Memo::new(move |last: Option<&RowState>| {
            let now = shown.with(|rows| {
                rows.iter()
                    .find(|(_, m)| m.id == id)
                    .map(|(at, m)| row_state(*at, m))
            });
            now.or(last.copied()).unwrap_or(first)
        })
    };
    let at = move || state.get().0;
    let unread = move || state.get().1;
    // In the conversations order a row is its conversation: its size shows, and it is
    // unread while any of its messages is.
    let threaded =
        move || store.order.get() == Order::Conversations && store.found.with(Option::is_none);
    let in_thread = move || if threaded() { state.get().3 } else { 1 };
    let shows_unread = move || unread() || (threaded() && state.get().4 > 0);
    let flagged = move || state.get().2;
    let is_selected = {
        let id = id.clone();
        move || store.selected.with(|s| s.as_deref() == Some(id.as_str()))
    };
    // Opened as it is now (read or not).
    let current = {
        let meta = meta.clone();
        move || MessageMeta {
            unread: unread(),
            flagged: flagged(),
            ..meta.clone()
        }
    };
    let open = {
        let current = current.clone();
        move |_| store.open(current())
    };
    let open_by_key = move |event: web_sys::KeyboardEvent| {
        if event.key() == "Enter" || event.key() == " " {
            event.prevent_default();
            store.open(current());
        }
    };
    let drag = {
        let id = id.clone();
        move |event: web_sys::DragEvent| {
            if let Some(data) = event.data_transfer() {
                let _ = data.set_data(DRAG_TYPE, &id);
                data.set_effect_allowed("move");
            }
        }
    };
    let is_checked = {
        let id = id.clone();
        move || store.checked.with(|c| c.contains(&id))
    };
    let row_checked = is_checked.clone();
    let tick = {
        let id = id.clone();
        move |event: web_sys::MouseEvent| {
            // Ticking is not opening.
            event.stop_propagation();
            crate::components::bulk_bar::toggle(store, &id, event.shift_key());
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
            style:top=move || format!("{}px", at() as f64 * ROW_PX)
            data-unread=move || shows_unread().to_string()
            class="message-row"
            class:unread=shows_unread
            class:selected=is_selected.clone()
            class:checked=row_checked
            role="option"
            aria-selected=move || is_selected().to_string()
            aria-posinset=move || (at() + 1).to_string()
            aria-setsize=move || count.get().to_string()
            tabindex="0"
            draggable="true"
            on:dragstart=drag
            on:click=open
            on:keydown=open_by_key
        >
            <input
                type="checkbox"
                class="check"
                data-testid="message-check"
                aria-label=move || store.t(T::TickMessage)
                prop:checked=is_checked
                on:click=tick
                on:keydown=|event: web_sys::KeyboardEvent| event.stop_propagation()
            />
            <span data-testid="message-from" class="from">
                {let from = meta.from.clone(); move || marks.with(|m| marked(&from, m))}
            </span>
            <span data-testid="message-date" class="date" title=move || format::date(date_ms, store.lang.get())>
                {move || format::list_date(date_ms, store.lang.get())}
            </span>
            <span data-testid="message-subject" class="subject" class:none=!has_subject title=title>
                {move || match has_subject {
                    true => marks.with(|m| marked(&subject, m)).into_any(),
                    false => store.t(T::NoSubject).into_any(),
                }}
            </span>
            <span class="marks">
            <Show when=move || { in_thread() > 1 }>
                <span
                    class="thread-count"
                    data-testid="thread-count"
                    aria-label=move || counted(store.lang.get(), u64::from(in_thread()), T::ThreadOne, T::ThreadMany)
                >
                    {in_thread}
                </span>
            </Show>
            <Show when=flagged>
                <span class="flag" data-testid="message-flagged" role="img" aria-label=move || store.t(T::Flagged)>
                    <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true">
                        <path d="M5 21V4h11l-2 4 2 4H5" fill="currentColor" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round" />
                    </svg>
                </span>
            </Show>
            <Show when=move || { meta.attachments > 0 }>
                <span class="clip" role="img" aria-label=move || store.t(T::Attachments)>
                    <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true">
                        <path d="M16.5 6.5v9a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10a1.5 1.5 0 0 1-3 0V6.5"
                            fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" />
                    </svg>
                </span>
            </Show>
            </span>
        </li>
    }
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
