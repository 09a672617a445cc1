//! Asking this page's worker for the list's rows and for searches (see `worker::rows` and
//! `worker::search`): the page reads no message records itself.

use wasm_bindgen::JsValue;

use super::reading::ask;
use crate::model::folder::FolderView;
use crate::model::order::Order;
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

/// Up to `limit` messages of `view` in `order` from place `offset` on.
pub async fn page(
    view: &FolderView,
    order: Order,
    offset: u32,
    limit: u32,
) -> Option<Vec<MessageMeta>> {
    let view = view.clone();
    let answer = ask(|ticket| Intent::Rows {
        view,
        order,
        offset,
        limit,
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

/// The ids of `view`'s messages that match `query`, newest first; `None` when a newer
/// search took over (or there is no worker).
pub async fn search(view: &FolderView, query: &str) -> Option<Vec<String>> {
    let (view, query) = (view.clone(), query.to_owned());
    let answer = ask(|ticket| Intent::Search {
        view,
        query,
        ticket,
    })
    .await?;
    serde_wasm_bindgen::from_value(answer.get(1)).ok()
}

/// The ids of every message of `view`, newest first.
pub async fn ids_in(view: &FolderView) -> Option<Vec<String>> {
    let view = view.clone();
    let answer = ask(|ticket| Intent::ViewIds { view, ticket }).await?;
    serde_wasm_bindgen::from_value(answer.get(1)).ok()
}
