//! Asking this page's worker for the list's rows and for searches (see `worker::rows` and
//! `worker::search`): the page reads no message records itself.

use wasm_bindgen::JsValue;

use super::reading::ask;
use crate::model::folder::FolderView;
use crate::model::order::Order;
use crate::model::protocol::RowAnchor;
use crate::model::{Intent, MessageMeta};

/// The records of an answer, read as the list shows them; `None` when there are none.
fn metas(records: JsValue) -> Option<Vec<MessageMeta>> {
    serde_wasm_bindgen::from_value(records).ok()
}

/// What the page shows at start, read by the worker; `None` when there is no worker.
pub async fn startup() -> Option<crate::model::protocol::Startup> {
    let answer = ask(|ticket| Intent::Start { ticket }).await?;
    serde_wasm_bindgen::from_value(answer.get(1)).ok()
}

/// Every counter; `None` when they could not be read.
pub async fn counters() -> Option<Vec<crate::model::Counter>> {
    let answer = ask(|ticket| Intent::Counters { ticket }).await?;
    serde_wasm_bindgen::from_value(answer.get(1)).ok()
}

/// Where a page of a view is.
pub struct Place {
    /// Its first row's place.
    pub offset: u32,
    /// How many rows at most.
    pub limit: u32,
    /// A loaded row right next to it, when there is one.
    pub anchor: Option<RowAnchor>,
}

/// Up to `place.limit` messages of `view` in `order` from `place.offset` on.
pub async fn page(view: &FolderView, order: Order, place: Place) -> Option<Vec<MessageMeta>> {
    let view = view.clone();
    let Place {
        offset,
        limit,
        anchor,
    } = place;
    let answer = ask(|ticket| Intent::Rows {
        view,
        order,
        offset,
        limit,
        anchor,
        ticket,
    })
    .await?;
    metas(answer.get(1))
}

/// The stored messages among `ids`, in their order.
pub async fn by_ids(ids: &[String]) -> Option<Vec<MessageMeta>> {
    let ids = ids.to_vec();
    let answer = ask(|ticket| Intent::RowsById { ids, ticket }).await?;
    metas(answer.get(1))
}

/// The ids of `view`'s messages that match `query`, newest first, and whether they are
/// all of them (with `first`, the newest screen of them may come first); `None` when a
/// newer search took over (or there is no worker).
pub async fn search(view: &FolderView, query: &str, first: bool) -> Option<(Vec<String>, bool)> {
    let (view, query) = (view.clone(), query.to_owned());
    let answer = ask(|ticket| Intent::Search {
        view,
        query,
        first,
        ticket,
    })
    .await?;
    let ids = serde_wasm_bindgen::from_value(answer.get(1)).ok()?;
    Some((ids, answer.get(2).as_bool() != Some(false)))
}

/// The ids of every row of `view` in `order`: every message newest first, or in the
/// conversations order every conversation's head.
pub async fn ids_in(view: &FolderView, order: Order) -> Option<Vec<String>> {
    let view = view.clone();
    let answer = ask(|ticket| Intent::ViewIds {
        view,
        order,
        ticket,
    })
    .await?;
    serde_wasm_bindgen::from_value(answer.get(1)).ok()
}

/// How many conversations `view` lists.
pub async fn conversation_count(view: &FolderView) -> Option<usize> {
    let view = view.clone();
    let answer = ask(|ticket| Intent::ConversationCount { view, ticket }).await?;
    answer.get(1).as_f64().map(|n| n as usize)
}

/// The messages that rows `ids` of the conversations order stand for: each row's
/// conversation in its folder.
pub async fn members(ids: Vec<String>) -> Option<Vec<String>> {
    let answer = ask(|ticket| Intent::Members { ids, ticket }).await?;
    serde_wasm_bindgen::from_value(answer.get(1)).ok()
}

/// Every message of the conversation of message `id`, oldest first.
pub async fn thread(id: &str) -> Option<Vec<MessageMeta>> {
    let id = id.to_owned();
    let answer = ask(|ticket| Intent::Thread { id, ticket }).await?;
    metas(answer.get(1))
}
