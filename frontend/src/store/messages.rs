//! Messages: metadata and raw bytes (the sync worker writes them with their UIDL state,
//! in one transaction; see `worker::idb_store`).

use js_sys::{Object, Reflect, Uint8Array};
use rexie::{KeyRange, TransactionMode};
use wasm_bindgen::JsValue;

use super::db::{self, BY_ACCOUNT, MESSAGES, RAW, StoreError};
use crate::model::MessageMeta;

/// The raw-bytes record of a message.
pub fn raw_record(id: &str, raw: &[u8]) -> Result<JsValue, StoreError> {
    let record = Object::new();
    let set = |key: &str, value: &JsValue| {
        Reflect::set(&record, &JsValue::from_str(key), value)
            .map_err(|_| StoreError::Failed("cannot build a record".into()))
    };
    set("id", &JsValue::from_str(id))?;
    set("bytes", &Uint8Array::from(raw).into())?;
    Ok(record.into())
}

/// Every stored message of an account.
pub async fn list(account: &str) -> Result<Vec<MessageMeta>, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[MESSAGES], TransactionMode::ReadOnly)?;
    let range = KeyRange::only(&JsValue::from_str(account))
        .map_err(|e| StoreError::Failed(e.to_string()))?;
    let values = tx
        .store(MESSAGES)?
        .index(BY_ACCOUNT)?
        .get_all(Some(range), None)
        .await?;
    tx.done().await?;
    values
        .into_iter()
        .map(|v| serde_wasm_bindgen::from_value(v).map_err(StoreError::from))
        .collect()
}

/// Every stored message, of every account.
pub async fn list_all() -> Result<Vec<MessageMeta>, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[MESSAGES], TransactionMode::ReadOnly)?;
    let values = tx.store(MESSAGES)?.get_all(None, None).await?;
    tx.done().await?;
    values
        .into_iter()
        .map(|v| serde_wasm_bindgen::from_value(v).map_err(StoreError::from))
        .collect()
}

/// The raw bytes of a stored message.
pub async fn raw(id: &str) -> Result<Option<Vec<u8>>, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[RAW], TransactionMode::ReadOnly)?;
    let record = tx.store(RAW)?.get(JsValue::from_str(id)).await?;
    tx.done().await?;
    let Some(record) = record else {
        return Ok(None);
    };
    let bytes = Reflect::get(&record, &JsValue::from_str("bytes"))
        .map_err(|_| StoreError::Failed("a stored message has no bytes".into()))?;
    Ok(Some(Uint8Array::new(&bytes).to_vec()))
}
