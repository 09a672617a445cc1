//! One slot of the list's pool of row elements (see `row_pool`). Its elements are built
//! once; when the slot is given another message, a few effects set its texts and
//! attributes straight on them (a scroll of ten rows sets ten rows' texts, instead of
//! building ten rows of views and effects). A slot with no message is a spare, left on
//! the page unseen.

use leptos::html::{Input, Li, Span};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use crate::components::folder_list::DRAG_TYPE;
use crate::components::message_list::{ROW_PX, SlotElements};
use crate::format;
use crate::i18n::{Lang, T, counted, tr};
use crate::model::MessageMeta;
use crate::model::order::Order;
use crate::row_pool::Placed;
use crate::state::AppStore;

/// The flag mark's drawing.
const FLAG_SVG: &str = r#"<svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true"><path d="M5 21V4h11l-2 4 2 4H5" fill="currentColor" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"/></svg>"#;
/// The attachment mark's drawing.
const CLIP_SVG: &str = r#"<svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true"><path d="M16.5 6.5v9a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10a1.5 1.5 0 0 1-3 0V6.5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/></svg>"#;

/// Slot `number` of the pool: the row `placed` gives it (sender, date, subject, marks,
/// its place among `count`, the words `marks` of a search marked), or a spare. Its element
/// is kept in `elements`.
#[component]
pub fn MessageRow(
    number: usize,
    placed: Memo<Placed>,
    count: Memo<usize>,
    marks: Memo<Vec<String>>,
    elements: SlotElements,
) -> impl IntoView {
    let store = expect_context::<AppStore>();
    let slot = number;
    let row = NodeRef::<Li>::new();
    let check = NodeRef::<Input>::new();
    let parts = Parts::default();
    let at = Memo::new(move |_| placed.with(|p| p.row(slot).map(|(at, _)| *at)));
    let meta = Memo::new(move |_| placed.with(|p| p.row(slot).map(|(_, m)| m.clone())));
    let id = move || meta.with_untracked(|m| m.as_ref().map(|m| m.id.clone()));
    Effect::new(move |_| {
        if let Some(li) = row.get() {
            elements.update_value(|e| {
                e.insert(slot, li.into());
            });
        }
    });
    // Its place.
    Effect::new(move |_| {
        let (Some(li), Some(at)) = (row.get(), at.get()) else {
            return;
        };
        let li: HtmlElement = li.into();
        let _ = li
            .style()
            .set_property("top", &format!("{}px", at as f64 * ROW_PX));
        let _ = li.set_attribute("aria-posinset", &(at + 1).to_string());
        let _ = li.set_attribute("aria-setsize", &count.get().to_string());
    });
    // Its message.
    Effect::new(move |before: Option<Option<String>>| {
        let li: HtmlElement = row.get()?.into();
        let lang = store.lang.get();
        // In the conversations order a row is its conversation: its size shows, and it
        // is unread while any of its messages is.
        let threaded =
            store.order.get() == Order::Conversations && store.found.with(Option::is_none);
        meta.with(|m| {
            marks.with(|marks| match m {
                Some(m) => parts.fill(&li, m, marks, lang, threaded, store),
                None => set_spare(&li, true),
            })
        });
        let now = id();
        // A row that had the focus and now shows another message (its own left the
        // drawn rows) lets the focus go, as the removed row of a list does.
        if before.flatten().is_some_and(|b| Some(&b) != now.as_ref())
            && document().active_element().as_ref() == Some(li.as_ref())
        {
            let _ = li.blur();
        }
        now
    });
    // Whether it is the one open and whether it is ticked.
    Effect::new(move |_| {
        let (Some(li), Some(check)) = (row.get(), check.get()) else {
            return;
        };
        let (selected, checked) = meta.with(|m| {
            m.as_ref().map_or((false, false), |m| {
                let selected = store.selected.with(|s| s.as_deref() == Some(m.id.as_str()));
                (selected, store.checked.with(|c| c.contains(&m.id)))
            })
        });
        let classes = li.class_list();
        let _ = classes.toggle_with_force("selected", selected);
        let _ = classes.toggle_with_force("checked", checked);
        let _ = li.set_attribute("aria-selected", &selected.to_string());
        check.set_checked(checked);
    });
    let open = move || {
        if let Some(meta) = meta.get_untracked() {
            store.open(meta);
        }
    };
    let open_by_key = move |event: web_sys::KeyboardEvent| {
        if event.key() == "Enter" || event.key() == " " {
            event.prevent_default();
            open();
        }
    };
    let drag = move |event: web_sys::DragEvent| {
        if let (Some(data), Some(id)) = (event.data_transfer(), id()) {
            let _ = data.set_data(DRAG_TYPE, &id);
            data.set_effect_allowed("move");
        }
    };
    let tick = move |event: web_sys::MouseEvent| {
        // Ticking is not opening.
        event.stop_propagation();
        if let Some(id) = id() {
            crate::components::bulk_bar::toggle(store, &id, event.shift_key());
        }
    };
    view! {
        <li
            node_ref=row
            data-slot=slot.to_string()
            data-testid="message-row"
            class="message-row"
            role="option"
            tabindex="0"
            draggable="true"
            on:dragstart=drag
            on:click=move |_| open()
            on:keydown=open_by_key
        >
            <input
                node_ref=check
                type="checkbox"
                class="check"
                data-testid="message-check"
                aria-label=move || store.t(T::TickMessage)
                on:click=tick
                on:keydown=|event: web_sys::KeyboardEvent| event.stop_propagation()
            />
            <span node_ref=parts.from data-testid="message-from" class="from"></span>
            <span node_ref=parts.date data-testid="message-date" class="date"></span>
            <span node_ref=parts.subject data-testid="message-subject" class="subject"></span>
            <span node_ref=parts.marks class="marks"></span>
        </li>
    }
}

/// The parts of a row whose texts change with its message.
#[derive(Clone, Copy, Default)]
struct Parts {
    from: NodeRef<Span>,
    date: NodeRef<Span>,
    subject: NodeRef<Span>,
    marks: NodeRef<Span>,
}

impl Parts {
    /// Shows message `m` in row `li` (a row again if it was a spare), with
    /// the words `marks` of a search marked, in `lang`; `threaded` in the conversations
    /// order.
    fn fill(
        &self,
        li: &HtmlElement,
        m: &MessageMeta,
        marks: &[String],
        lang: Lang,
        threaded: bool,
        store: AppStore,
    ) {
        let (Some(from), Some(date), Some(subject), Some(mark_box)) = (
            self.from.get_untracked(),
            self.date.get_untracked(),
            self.subject.get_untracked(),
            self.marks.get_untracked(),
        ) else {
            return;
        };
        set_spare(li, false);
        let unread = m.unread || (threaded && m.thread_unread > Some(0));
        let _ = li.set_attribute("data-id", &m.id);
        let _ = li.set_attribute("data-uidl", &m.uidl);
        let _ = li.set_attribute("data-unread", &unread.to_string());
        let _ = li.class_list().toggle_with_force("unread", unread);
        let style = li.style();
        let _ = match store.account(&m.account) {
            Some(account) => style.set_property("--account", account.colour()),
            None => style.remove_property("--account").map(|_| ()),
        };
        put_marked(&from, &m.from, marks);
        date.set_text_content(Some(&format::list_date(m.date_ms, lang)));
        let _ = date.set_attribute("title", &format::date(m.date_ms, lang));
        let _ = subject
            .class_list()
            .toggle_with_force("none", m.subject.is_empty());
        let _ = subject.set_attribute("title", &m.subject);
        match m.subject.is_empty() {
            true => subject.set_text_content(Some(tr(lang, T::NoSubject))),
            false => put_marked(&subject, &m.subject, marks),
        }
        let in_thread = if threaded {
            m.thread_count.unwrap_or(1)
        } else {
            1
        };
        let html = marks_html(in_thread, m.flagged, m.attachments > 0, lang);
        if mark_box.inner_html() != html {
            mark_box.set_inner_html(&html);
        }
    }
}

/// Makes row `li` a spare (`true`) or a row again. A spare stays on the page where it was,
/// unseen (`visibility`, which a layout does not depend on) and out of the list for
/// screen readers and suites: its test ids, and those of its parts, are put aside as
/// `data-spare-testid`, and it loses its message's `data-id` and `data-uidl`. Taking it off the page and putting it back would lay out the whole
/// page for every step of a scroll.
fn set_spare(li: &HtmlElement, spare: bool) {
    let classes = li.class_list();
    if classes.contains("spare") == spare {
        return;
    }
    let _ = classes.toggle_with_force("spare", spare);
    let (role, testid, (from, to)) = match spare {
        true => ("none", "spare-row", ("data-testid", "data-spare-testid")),
        false => (
            "option",
            "message-row",
            ("data-spare-testid", "data-testid"),
        ),
    };
    let _ = li.set_attribute("data-testid", testid);
    let _ = li.set_attribute("role", role);
    if let Ok(parts) = li.query_selector_all(&format!("[{from}]")) {
        for part in (0..parts.length()).filter_map(|i| parts.item(i)) {
            let Ok(part) = part.dyn_into::<Element>() else {
                continue;
            };
            if let Some(id) = part.get_attribute(from) {
                let _ = part.remove_attribute(from);
                let _ = part.set_attribute(to, &id);
            }
        }
    }
    let _ = match spare {
        true => li.set_attribute("aria-hidden", "true"),
        false => li.remove_attribute("aria-hidden"),
    };
    // A spare names no message (a row gets its own again from `Parts::fill`).
    if spare {
        for name in ["data-id", "data-uidl", "data-unread"] {
            let _ = li.remove_attribute(name);
        }
    }
    li.set_tab_index(if spare { -1 } else { 0 });
}

/// `text` in `element`, with the words a search matched in `<mark>`
/// (`data-testid="search-mark"`).
fn put_marked(element: &Element, text: &str, marks: &[String]) {
    let ranges = crate::model::words::marks(text, marks);
    if ranges.is_empty() {
        element.set_text_content(Some(text));
        return;
    }
    element.set_text_content(None);
    let mut at = 0;
    for range in ranges {
        if range.start > at {
            let _ = element.append_with_str_1(&text[at..range.start]);
        }
        if let Ok(mark) = document().create_element("mark") {
            let _ = mark.set_attribute("data-testid", "search-mark");
            mark.set_text_content(Some(&text[range.clone()]));
            let _ = element.append_with_node_1(&mark);
        }
        at = range.end;
    }
    if at < text.len() {
        let _ = element.append_with_str_1(&text[at..]);
    }
}

/// The marks at a row's end: its conversation's size when over one (`thread-count`),
/// the flag (`message-flagged`) and the attachment clip, labelled in `lang`.
fn marks_html(in_thread: u32, flagged: bool, attachments: bool, lang: Lang) -> String {
    let mut html = String::new();
    if in_thread > 1 {
        let label = counted(lang, u64::from(in_thread), T::ThreadOne, T::ThreadMany);
        html.push_str(&format!(
            r#"<span class="thread-count" data-testid="thread-count" aria-label="{}">{in_thread}</span>"#,
            attribute(&label)
        ));
    }
    if flagged {
        html.push_str(&format!(
            r#"<span class="flag" data-testid="message-flagged" role="img" aria-label="{}">{FLAG_SVG}</span>"#,
            attribute(tr(lang, T::Flagged))
        ));
    }
    if attachments {
        html.push_str(&format!(
            r#"<span class="clip" role="img" aria-label="{}">{CLIP_SVG}</span>"#,
            attribute(tr(lang, T::Attachments))
        ));
    }
    html
}

/// `text` quoted for an attribute's value.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use super::marks_html;
    use crate::i18n::Lang;

    #[test]
    fn marks_show_what_the_message_has() {
        assert_eq!(marks_html(1, false, false, Lang::En), "");
        let all = marks_html(3, true, true, Lang::Es);
        assert!(
            all.contains(r#"data-testid="thread-count" aria-label="3 "#),
            "{all}"
        );
        assert!(
            all.contains(">3</span>") && all.contains("message-flagged"),
            "{all}"
        );
        assert!(all.contains(r#"class="clip""#), "{all}");
    }
}
