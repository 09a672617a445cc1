//! Filing stored messages: moving them between folders, and listing a folder's messages
//! for a change to all of them (emptying Trash).

use rexie::TransactionMode;
use wasm_bindgen::JsValue;

use super::idb_store::committed;
use super::record::{flag_field, text_field};
use crate::model::folder::FolderView;
use crate::model::folder::{self, Tally};
use crate::store::counters;
use crate::store::db::{self, COUNTERS, MESSAGES, StoreError};

/// Moves the messages `ids` to folder `to`, with their counters, in one transaction; ids
/// not stored (deleted meanwhile) are skipped. Returns the ids that moved.
pub async fn move_to(ids: &[String], to: &str) -> Result<Vec<String>, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[MESSAGES, COUNTERS], TransactionMode::ReadWrite)?;
    let store = tx.store(MESSAGES)?;
    let found =
        futures_util::future::try_join_all(ids.iter().map(|id| store.get(JsValue::from_str(id))))
            .await?;
    let mut tally = Tally::default();
    let mut moved = Vec::new();
    let mut out = Vec::new();
    for (id, record) in ids.iter().zip(found) {
        let Some(record) = record.filter(|r| !r.is_undefined()) else {
            continue;
        };
        let from = text_field(&record, "folder").unwrap_or_else(folder::inbox);
        if from == to {
            continue;
        }
        let account = text_field(&record, "account").unwrap_or_default();
        let unread = flag_field(&record, "unread");
        tally.count(&account, &from, unread, -1);
        tally.count(&account, to, unread, 1);
        js_sys::Reflect::set(&record, &"folder".into(), &JsValue::from_str(to))
            .map_err(|_| StoreError::Failed("cannot move a message".into()))?;
        out.push((record, None));
        moved.push(id.clone());
    }
    store.put_all(out.into_iter()).await?;
    counters::apply(&tx.store(COUNTERS)?, &tally).await?;
    committed(tx.done().await?)?;
    Ok(moved)
}

/// Answers request `ticket` with `[ticket, ids]`: every message of `view`, newest first
/// (`null` when they could not be read).
pub async fn answer_ids(view: &FolderView, ticket: u64) {
    let ids = match ids_in(view).await {
        Ok(ids) => ids
            .into_iter()
            .rev()
            .map(JsValue::from)
            .collect::<js_sys::Array>()
            .into(),
        Err(_) => JsValue::NULL,
    };
    super::reader::post(&js_sys::Array::of2(&JsValue::from_f64(ticket as f64), &ids));
}

/// The ids of every message of `view`, oldest first.
pub async fn ids_in(view: &FolderView) -> Result<Vec<String>, StoreError> {
    let (index, range) = super::rows::index_of(view)?;
    let db = db::open().await?;
    let tx = db.transaction(&[MESSAGES], TransactionMode::ReadOnly)?;
    let keys = tx
        .store(MESSAGES)?
        .index(index)?
        .get_all_keys(Some(range), None)
        .await?;
    tx.done().await?;
    Ok(keys.into_iter().filter_map(|k| k.as_string()).collect())
}
