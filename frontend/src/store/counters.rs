//! The stored counters (see [`crate::model::folder`]): the page reads them; the worker
//! changes them in the same transaction as the messages they count.

use futures_util::future::try_join_all;
use js_sys::Array;
use rexie::{KeyRange, Store, TransactionMode};
use wasm_bindgen::JsValue;

use super::db::{self, COUNTERS, StoreError};
use crate::model::Counter;
use crate::model::folder::Tally;

/// The key of the counter of `account` in `folder`.
fn key(account: &str, folder: &str) -> JsValue {
    Array::of2(&account.into(), &folder.into()).into()
}

/// Keys that start with `prefix` (strings), in a store or index keyed by arrays: from
/// `[..prefix]` up to `[..prefix, []]`, an array being above every string and number.
pub fn prefixed(prefix: &[&str]) -> Result<KeyRange, StoreError> {
    let (lower, upper) = prefix_bounds(prefix);
    KeyRange::bound(&lower, &upper, Some(false), Some(false))
        .map_err(|e| StoreError::Failed(e.to_string()))
}

/// The bounds of [`prefixed`]: `[..prefix]` and `[..prefix, []]`.
pub fn prefix_bounds(prefix: &[&str]) -> (Array, Array) {
    let lower: Array = prefix.iter().map(|part| JsValue::from_str(part)).collect();
    let upper = lower.slice(0, prefix.len() as u32);
    upper.push(&Array::new());
    (lower, upper)
}

/// Every stored counter.
pub async fn load_all() -> Result<Vec<Counter>, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[COUNTERS], TransactionMode::ReadOnly)?;
    let counters = all_in(&tx.store(COUNTERS)?).await?;
    tx.done().await?;
    Ok(counters)
}

/// Every counter in `store`, within the caller's transaction.
pub async fn all_in(store: &Store) -> Result<Vec<Counter>, StoreError> {
    store
        .get_all(None, None)
        .await?
        .into_iter()
        .map(|v| serde_wasm_bindgen::from_value(v).map_err(StoreError::from))
        .collect()
}

/// Applies `tally` to the counters in `store`, within the caller's transaction: every
/// counter it changes is read, then written, in two turns of the event loop.
pub async fn apply(store: &Store, tally: &Tally) -> Result<(), StoreError> {
    let changes: Vec<_> = tally.changes().collect();
    if changes.is_empty() {
        return Ok(());
    }
    let found = try_join_all(changes.iter().map(|(a, f, ..)| store.get(key(a, f)))).await?;
    let mut out = Vec::with_capacity(changes.len());
    for ((account, folder, change), old) in changes.into_iter().zip(found) {
        let old = match old.filter(|v| !v.is_undefined()) {
            Some(value) => serde_wasm_bindgen::from_value(value)?,
            None => Counter {
                account: account.to_owned(),
                folder: folder.to_owned(),
                ..Counter::default()
            },
        };
        out.push((serde_wasm_bindgen::to_value(&old.changed_by(change))?, None));
    }
    store.put_all(out.into_iter()).await?;
    Ok(())
}

/// Removes every counter of `account`, within the caller's transaction.
pub async fn forget(store: &Store, account: &str) -> Result<(), StoreError> {
    store.delete(prefixed(&[account])?.into()).await?;
    Ok(())
}
