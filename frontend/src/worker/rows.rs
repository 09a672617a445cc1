//! What the page's message list reads, answered by the worker: a folder's messages a page
//! at a time, in the order chosen (`model::order`), through the folder indexes, and
//! messages by id. Nothing here reads a whole folder. The records go to the page as IndexedDB gives them (structured
//! clones): the worker does not decode them.

use futures_util::future::try_join_all;
use js_sys::Array;
use rexie::{Direction, KeyRange, TransactionMode};
use wasm_bindgen::JsValue;

use super::reader::post;
use crate::model::MessageMeta;
use crate::model::folder::FolderView;
use crate::model::order::{Order, SortKey};
use crate::store::counters::prefixed;
use crate::store::db::{
    self, BY_ACCOUNT_FOLDER_DATE, BY_FOLDER_DATE, BY_FOLDER_HEAD, BY_FOLDER_SENDER, BY_FOLDER_SIZE,
    MESSAGES, StoreError,
};

/// Where a view's messages are in an order: an index, the view's range in it, and the
/// account whose messages alone are the view's when the index holds every account's.
pub struct Listing {
    /// The index.
    pub index: &'static str,
    /// The view's range in it.
    pub range: KeyRange,
    /// Only this account's messages (ids `account/uidl`) are the view's.
    pub only: Option<String>,
}

/// Where `view` is listed by `key`. Dates have an index per account too; senders, sizes
/// and conversation heads have one for every account (each index costs every write), so one account's view of
/// them picks its own messages out of the folder's by their ids.
pub fn listing(view: &FolderView, key: SortKey) -> Result<Listing, StoreError> {
    let folder_only = || prefixed(&[&view.folder]);
    Ok(match (key, &view.account) {
        (SortKey::Date, Some(account)) => Listing {
            index: BY_ACCOUNT_FOLDER_DATE,
            range: prefixed(&[account, &view.folder])?,
            only: None,
        },
        (SortKey::Date, None) => Listing {
            index: BY_FOLDER_DATE,
            range: folder_only()?,
            only: None,
        },
        (SortKey::Sender | SortKey::Size | SortKey::Thread, account) => Listing {
            index: match key {
                SortKey::Sender => BY_FOLDER_SENDER,
                SortKey::Thread => BY_FOLDER_HEAD,
                _ => BY_FOLDER_SIZE,
            },
            range: folder_only()?,
            only: account.clone(),
        },
    })
}

/// The ids of `view`'s messages in the order of `key`'s index (keys only), ascending.
pub async fn ids_by(view: &FolderView, key: SortKey) -> Result<Vec<String>, StoreError> {
    let listing = listing(view, key)?;
    let db = db::open().await?;
    let tx = db.transaction(&[MESSAGES], TransactionMode::ReadOnly)?;
    let keys = tx
        .store(MESSAGES)?
        .index(listing.index)?
        .get_all_keys(Some(listing.range), None)
        .await?;
    tx.done().await?;
    let prefix = listing.only.as_deref().map(MessageMeta::key_prefix);
    Ok(keys
        .into_iter()
        .filter_map(|k| k.as_string())
        .filter(|id| prefix.as_ref().is_none_or(|p| id.starts_with(p)))
        .collect())
}

/// The index that lists `view` by date, and the view's range in it.
pub fn index_of(view: &FolderView) -> Result<(&'static str, KeyRange), StoreError> {
    let Listing { index, range, .. } = listing(view, SortKey::Date)?;
    Ok((index, range))
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
pub(super) fn answer(ticket: u64, records: Result<Vec<JsValue>, StoreError>) {
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
    let listing = listing(view, order.key())?;
    let direction = match order.descending() {
        true => Direction::Prev,
        false => Direction::Next,
    };
    let db = db::open().await?;
    let tx = db.transaction(&[MESSAGES], TransactionMode::ReadOnly)?;
    let store = tx.store(MESSAGES)?;
    let index = store.index(listing.index)?;
    let found = match &listing.only {
        None => {
            // The cursor skips `offset` records in one step inside the browser (advancing
            // by zero is an error, hence `None`).
            let found = index
                .scan(
                    Some(listing.range),
                    Some(limit),
                    (offset > 0).then_some(offset),
                    Some(direction),
                )
                .await?;
            found.into_iter().map(|(_, value)| value).collect()
        }
        Some(account) => {
            // The folder's ids in the index's order (keys only), the account's picked out.
            let ids = index.get_all_keys(Some(listing.range), None).await?;
            let prefix = MessageMeta::key_prefix(account);
            let mine = |id: &JsValue| id.as_string().is_some_and(|id| id.starts_with(&prefix));
            let place = |ids: &mut dyn Iterator<Item = JsValue>| -> Vec<JsValue> {
                ids.filter(mine)
                    .skip(offset as usize)
                    .take(limit as usize)
                    .collect()
            };
            let wanted = match direction {
                Direction::Prev => place(&mut ids.into_iter().rev()),
                _ => place(&mut ids.into_iter()),
            };
            try_join_all(wanted.into_iter().map(|id| store.get(id)))
                .await?
                .into_iter()
                .flatten()
                .collect()
        }
    };
    tx.done().await?;
    Ok(found)
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
