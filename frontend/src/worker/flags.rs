//! Marks on stored messages that the person sets: read and unread.

use js_sys::Reflect;
use rexie::TransactionMode;
use wasm_bindgen::JsValue;

use crate::store::db::{self, MESSAGES, StoreError};

/// Marks the messages `ids` read or unread, in one transaction; ids not stored (removed
/// meanwhile) are skipped.
pub async fn mark(ids: &[String], unread: bool) -> Result<(), StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[MESSAGES], TransactionMode::ReadWrite)?;
    let store = tx.store(MESSAGES)?;
    for id in ids {
        let Some(record) = store.get(JsValue::from_str(id)).await? else {
            continue;
        };
        if record.is_undefined() {
            continue;
        }
        Reflect::set(&record, &"unread".into(), &JsValue::from_bool(unread))
            .map_err(|_| StoreError::Failed("cannot mark a message".into()))?;
        store.put(&record, None).await?;
    }
    if tx.done().await?.is_committed() {
        Ok(())
    } else {
        Err(StoreError::Failed("marking messages was aborted".into()))
    }
}
