//! Filing stored messages: moving them between folders, and listing a folder's messages
//! for a change to all of them (emptying Trash).

use rexie::TransactionMode;
use wasm_bindgen::JsValue;

use super::idb_store::committed;
use super::record::{flag_field, text_field};
use crate::model::folder::FolderView;
use crate::model::folder::{self, Tally};
use crate::model::order::SortKey;
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
    let threads = super::threads::of_all(out.iter().map(|(r, _)| r));
    store.put_all(out.into_iter()).await?;
    super::threads::settle(&store, threads).await?;
    counters::apply(&tx.store(COUNTERS)?, &tally).await?;
    committed(tx.done().await?)?;
    Ok(moved)
}

/// Answers request `ticket` with `[ticket, ids]`: every row of `view` in the order of
/// `key`, the greatest key first: every message newest first, or every conversation's head
/// (`null` when they could not be read).
pub async fn answer_ids(view: &FolderView, key: SortKey, ticket: u64) {
    let ids = match super::rows::ids_by(view, key).await {
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
    super::rows::ids_by(view, SortKey::Date).await
}
