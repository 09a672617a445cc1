//! What the page's message list reads, answered by the worker: a folder's messages a page
//! at a time, in the order chosen (`model::order`), through the folder indexes, and
//! messages by id. Nothing here reads a whole folder. The records go to the page as IndexedDB gives them (structured
//! clones): the worker does not decode them.

use futures_util::future::try_join_all;
use js_sys::Array;
use js_sys::Reflect;
use rexie::{Direction, KeyRange, Store, StoreIndex, Transaction, TransactionMode};
use wasm_bindgen::JsValue;

use super::reader::post;
use crate::model::MessageMeta;
use crate::model::folder::{FolderView, sum};
use crate::model::order::{Order, SortKey};
use crate::model::page_place::{PagePlace, READ_FROM_END_AFTER, page_place};
use crate::model::protocol::RowAnchor;
use crate::store::counters::{prefix_bounds, prefixed};
use crate::store::db::{
    self, ACCOUNT_FOLDER_DATE_KEY, BY_ACCOUNT_FOLDER_DATE, BY_FOLDER_DATE, BY_FOLDER_HEAD,
    BY_FOLDER_SENDER, BY_FOLDER_SIZE, COUNTERS, FOLDER_DATE_KEY, FOLDER_HEAD_KEY,
    FOLDER_SENDER_KEY, FOLDER_SIZE_KEY, MESSAGES, StoreError,
};

/// Where a view's messages are in an order: an index, the view's range in it, and the
/// account whose messages alone are the view's when the index holds every account's.
pub struct Listing {
    /// The index.
    pub index: &'static str,
    /// The fields of a record that make its key in the index.
    pub key_path: &'static [&'static str],
    /// The parts every key of the view starts with.
    pub prefix: Vec<String>,
    /// The view's range in it.
    pub range: KeyRange,
    /// Only this account's messages (ids `account/uidl`) are the view's.
    pub only: Option<String>,
}

/// Where `view` is listed by `key`. Dates have an index per account too; senders, sizes
/// and conversation heads have one for every account (each index costs every write), so one account's view of
/// them picks its own messages out of the folder's by their ids.
pub fn listing(view: &FolderView, key: SortKey) -> Result<Listing, StoreError> {
    let (index, key_path, prefix, only): (_, &'static [&'static str], _, _) =
        match (key, &view.account) {
            (SortKey::Date, Some(account)) => (
                BY_ACCOUNT_FOLDER_DATE,
                &ACCOUNT_FOLDER_DATE_KEY,
                vec![account.clone(), view.folder.clone()],
                None,
            ),
            (SortKey::Date, None) => (
                BY_FOLDER_DATE,
                &FOLDER_DATE_KEY,
                vec![view.folder.clone()],
                None,
            ),
            (SortKey::Sender, account) => (
                BY_FOLDER_SENDER,
                &FOLDER_SENDER_KEY,
                vec![view.folder.clone()],
                account.clone(),
            ),
            (SortKey::Thread, account) => (
                BY_FOLDER_HEAD,
                &FOLDER_HEAD_KEY,
                vec![view.folder.clone()],
                account.clone(),
            ),
            (SortKey::Size, account) => (
                BY_FOLDER_SIZE,
                &FOLDER_SIZE_KEY,
                vec![view.folder.clone()],
                account.clone(),
            ),
        };
    let parts: Vec<&str> = prefix.iter().map(String::as_str).collect();
    Ok(Listing {
        index,
        key_path,
        range: prefixed(&parts)?,
        prefix,
        only,
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
/// `offset` on, read from `anchor` when it is given and still there.
pub async fn answer_page(
    view: &FolderView,
    order: Order,
    (offset, limit): (u32, u32),
    anchor: Option<RowAnchor>,
    ticket: u64,
) {
    answer(ticket, page(view, order, (offset, limit), anchor).await);
}

/// Answers request `ticket` with the stored records among `ids`.
pub async fn answer_ids(ids: &[String], ticket: u64) {
    answer(ticket, by_ids(ids).await);
}

/// Up to `limit` records of `view` in `order` from place `offset` on.
async fn page(
    view: &FolderView,
    order: Order,
    (offset, limit): (u32, u32),
    anchor: Option<RowAnchor>,
) -> Result<Vec<JsValue>, StoreError> {
    let listing = listing(view, order.key())?;
    let direction = match order.descending() {
        true => Direction::Prev,
        false => Direction::Next,
    };
    let db = db::open().await?;
    // Far from its start, a page is read from the listing's nearer end, which the
    // counters tell (they do not count conversations).
    let from_end =
        listing.only.is_none() && offset >= READ_FROM_END_AFTER && order.key() != SortKey::Thread;
    let stores: &[&str] = match from_end {
        true => &[MESSAGES, COUNTERS],
        false => &[MESSAGES],
    };
    let tx = db.transaction(stores, TransactionMode::ReadOnly)?;
    let store = tx.store(MESSAGES)?;
    let index = store.index(listing.index)?;
    let beside = match (&listing.only, anchor) {
        (None, Some(anchor)) => beside(&store, &listing, direction, &anchor, limit).await?,
        _ => None,
    };
    let found = match (beside, listing.only) {
        (Some(rows), _) => rows,
        (None, None) => {
            let total = match from_end {
                true => total(&tx, view).await?,
                false => 0,
            };
            let place = page_place(offset, limit, total);
            by_place(&index, listing.range, direction, place).await?
        }
        (None, Some(account)) => {
            let ids = index.get_all_keys(Some(listing.range), None).await?;
            let wanted = of_account(ids, &account, direction, (offset, limit));
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

/// The records at `place` of `range` in `index`, walked in `direction`.
async fn by_place(
    index: &StoreIndex,
    range: KeyRange,
    direction: Direction,
    place: PagePlace,
) -> Result<Vec<JsValue>, StoreError> {
    let walk = match (direction, place.backwards) {
        (Direction::Prev, true) => Direction::Next,
        (_, true) => Direction::Prev,
        (direction, false) => direction,
    };
    // The cursor skips entries in one step inside the browser, though it walks each of
    // them (advancing by zero is an error, hence `None`).
    let skip = (place.skip > 0).then_some(place.skip);
    let found = index
        .scan(Some(range), Some(place.take), skip, Some(walk))
        .await?;
    let mut found: Vec<JsValue> = found.into_iter().map(|(_, value)| value).collect();
    if place.backwards {
        found.reverse();
    }
    Ok(found)
}

/// Of a folder's ids in its index's order (ascending), those of `account` at places
/// `offset..offset + limit` in `direction`.
fn of_account(
    ids: Vec<JsValue>,
    account: &str,
    direction: Direction,
    (offset, limit): (u32, u32),
) -> Vec<JsValue> {
    let prefix = MessageMeta::key_prefix(account);
    let mine = |id: &JsValue| id.as_string().is_some_and(|id| id.starts_with(&prefix));
    let place = |ids: &mut dyn Iterator<Item = JsValue>| -> Vec<JsValue> {
        ids.filter(mine)
            .skip(offset as usize)
            .take(limit as usize)
            .collect()
    };
    match direction {
        Direction::Prev => place(&mut ids.into_iter().rev()),
        _ => place(&mut ids.into_iter()),
    }
}

/// Entries of the same key as an anchor that may come before it in the walk (messages of
/// the same date to the millisecond, of the same size).
const SAME_KEY_SLACK: u32 = 16;

/// Up to `limit` records right after `anchor` in `direction` (or right before it), read
/// from the anchor's key in a few steps, in the caller's transaction. None when the anchor
/// is gone or moved, or too many rows share its key: the page is then read by its place.
async fn beside(
    store: &Store,
    listing: &Listing,
    direction: Direction,
    anchor: &RowAnchor,
    limit: u32,
) -> Result<Option<Vec<JsValue>>, StoreError> {
    let id = JsValue::from_str(&anchor.id);
    let Some(record) = store.get(id.clone()).await?.filter(|r| !r.is_undefined()) else {
        return Ok(None);
    };
    let key: Array = listing
        .key_path
        .iter()
        .map(|field| Reflect::get(&record, &JsValue::from_str(field)).unwrap_or(JsValue::UNDEFINED))
        .collect();
    if key.iter().any(|part| part.is_undefined() || part.is_null()) {
        return Ok(None);
    }
    let prefix: Vec<&str> = listing.prefix.iter().map(String::as_str).collect();
    let (lower, upper) = prefix_bounds(&prefix);
    // Walk from the anchor's key away from it: down for the rows after it when the order
    // descends, and so on; the anchor's key is in the range.
    let down = (direction == Direction::Prev) == anchor.after;
    let (walk, range) = match down {
        true => (
            Direction::Prev,
            KeyRange::bound(&lower, &key, Some(false), Some(false)),
        ),
        false => (
            Direction::Next,
            KeyRange::bound(&key, &upper, Some(false), Some(false)),
        ),
    };
    let range = range.map_err(|e| StoreError::Failed(e.to_string()))?;
    let wanted = limit + SAME_KEY_SLACK;
    let walked = store
        .index(listing.index)?
        .scan(Some(range), Some(wanted), None, Some(walk))
        .await?;
    let is_anchor = |value: &JsValue| Reflect::get(value, &"id".into()).is_ok_and(|v| v == id);
    let Some(at) = walked.iter().position(|(_, value)| is_anchor(value)) else {
        return Ok(None);
    };
    let exhausted = (walked.len() as u32) < wanted;
    let mut rows: Vec<JsValue> = walked
        .into_iter()
        .skip(at + 1)
        .take(limit as usize)
        .map(|(_, value)| value)
        .collect();
    // Short of `limit`: the listing's end after the anchor; before it, rows moved.
    let whole = rows.len() as u32 == limit || (exhausted && anchor.after);
    if !whole {
        return Ok(None);
    }
    if !anchor.after {
        rows.reverse();
    }
    Ok(Some(rows))
}

/// How many messages `view` holds, by its counters, in the caller's transaction.
async fn total(tx: &Transaction, view: &FolderView) -> Result<u32, StoreError> {
    let counters = crate::store::counters::all_in(&tx.store(COUNTERS)?).await?;
    Ok(sum(&counters, view.account.as_deref(), Some(&view.folder)).0)
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
