//! What the page's message list reads, answered by the worker: a folder's messages a page
//! at a time, in the order chosen (`model::order`), through the folder indexes, and
//! messages by id. Nothing here reads a whole folder. The records go to the page as IndexedDB gives them (structured
//! clones): the worker does not decode them.

use futures_util::future::try_join_all;
use js_sys::Array;
use rexie::{Direction, KeyRange, TransactionMode};
use wasm_bindgen::JsValue;

use super::reader::post;
use crate::model::folder::FolderView;
use crate::model::order::{Order, SortKey};
use crate::store::counters::prefixed;
use crate::store::db::{
    self, BY_ACCOUNT_FOLDER_DATE, BY_ACCOUNT_FOLDER_SENDER, BY_ACCOUNT_FOLDER_SIZE, BY_FOLDER_DATE,
    BY_FOLDER_SENDER, BY_FOLDER_SIZE, MESSAGES, StoreError,
};

/// The index that lists `view` by `key`, and the view's range in it.
pub fn index_in(view: &FolderView, key: SortKey) -> Result<(&'static str, KeyRange), StoreError> {
    let index = match (key, view.account.is_some()) {
        (SortKey::Date, false) => BY_FOLDER_DATE,
        (SortKey::Date, true) => BY_ACCOUNT_FOLDER_DATE,
        (SortKey::Sender, false) => BY_FOLDER_SENDER,
        (SortKey::Sender, true) => BY_ACCOUNT_FOLDER_SENDER,
        (SortKey::Size, false) => BY_FOLDER_SIZE,
        (SortKey::Size, true) => BY_ACCOUNT_FOLDER_SIZE,
    };
    let range = match &view.account {
        Some(account) => prefixed(&[account, &view.folder])?,
        None => prefixed(&[&view.folder])?,
    };
    Ok((index, range))
}

/// The index that lists `view` by date, and the view's range in it.
pub fn index_of(view: &FolderView) -> Result<(&'static str, KeyRange), StoreError> {
    index_in(view, SortKey::Date)
}

/// The index that lists `view` by date, and the view's range in it of the messages dated
/// from `since` (milliseconds, included) to `before` (excluded).
pub fn index_between(
    view: &FolderView,
    since: Option<f64>,
    before: Option<f64>,
) -> Result<(&'static str, KeyRange), StoreError> {
    if since.is_none() && before.is_none() {
        return index_of(view);
    }
    let (index, prefix): (_, Vec<&str>) = match &view.account {
        Some(account) => (BY_ACCOUNT_FOLDER_DATE, vec![account, &view.folder]),
        None => (BY_FOLDER_DATE, vec![&view.folder]),
    };
    let bound = |date: JsValue| {
        let key: Array = prefix.iter().map(|p| JsValue::from_str(p)).collect();
        key.push(&date);
        key
    };
    let lower = bound(JsValue::from_f64(since.unwrap_or(f64::NEG_INFINITY)));
    // An array sorts after every date.
    let upper = bound(before.map_or_else(|| Array::new().into(), JsValue::from_f64));
    let range = KeyRange::bound(&lower, &upper, Some(false), Some(before.is_some()))
        .map_err(|e| StoreError::Failed(e.to_string()))?;
    Ok((index, range))
}

/// Posts `[ticket, records]` (`null` when they could not be read).
fn answer(ticket: u64, records: Result<Vec<JsValue>, StoreError>) {
    let records = match records {
        Ok(list) => list.into_iter().collect::<Array>().into(),
        Err(_) => JsValue::NULL,
    };
    post(&Array::of2(&JsValue::from_f64(ticket as f64), &records));
}

/// Answers request `ticket` with up to `limit` records of `view` in `order` from place
/// `offset` on.
pub async fn answer_page(view: &FolderView, order: Order, offset: u32, limit: u32, ticket: u64) {
    answer(ticket, page(view, order, offset, limit).await);
}

/// Answers request `ticket` with the stored records among `ids`.
pub async fn answer_ids(ids: &[String], ticket: u64) {
    answer(ticket, by_ids(ids).await);
}

/// Up to `limit` records of `view` in `order` from place `offset` on.
async fn page(
    view: &FolderView,
    order: Order,
    offset: u32,
    limit: u32,
) -> Result<Vec<JsValue>, StoreError> {
    let (index, range) = index_in(view, order.key())?;
    let direction = match order.descending() {
        true => Direction::Prev,
        false => Direction::Next,
    };
    let db = db::open().await?;
    let tx = db.transaction(&[MESSAGES], TransactionMode::ReadOnly)?;
    let found = tx
        .store(MESSAGES)?
        .index(index)?
        // The cursor skips `offset` records in one step inside the browser (advancing by
        // zero is an error, hence `None`).
        .scan(
            Some(range),
            Some(limit),
            (offset > 0).then_some(offset),
            Some(direction),
        )
        .await?;
    tx.done().await?;
    Ok(found.into_iter().map(|(_, value)| value).collect())
}

/// The stored records among `ids`, in their order (those no longer stored are left out).
async fn by_ids(ids: &[String]) -> Result<Vec<JsValue>, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[MESSAGES], TransactionMode::ReadOnly)?;
    let store = tx.store(MESSAGES)?;
    let found = try_join_all(ids.iter().map(|id| store.get(JsValue::from_str(id)))).await?;
    tx.done().await?;
    Ok(found
        .into_iter()
        .flatten()
        .filter(|v| !v.is_undefined())
        .collect())
}
