//! Messages: metadata and raw bytes, written together in one transaction.

use std::collections::HashSet;

use js_sys::{Object, Reflect, Uint8Array};
use rexie::{KeyRange, TransactionMode};
use wasm_bindgen::JsValue;

use super::db::{self, BY_ACCOUNT, MESSAGES, RAW, StoreError};
use crate::state::MessageMeta;

/// A downloaded message ready to be stored.
pub struct NewMessage {
    /// What the list shows.
    pub meta: MessageMeta,
    /// The message exactly as the server sent it (dot-unstuffed).
    pub raw: Vec<u8>,
}

fn raw_record(id: &str, raw: &[u8]) -> Result<JsValue, StoreError> {
    let record = Object::new();
    let set = |key: &str, value: &JsValue| {
        Reflect::set(&record, &JsValue::from_str(key), value)
            .map_err(|_| StoreError("cannot build a record".into()))
    };
    set("id", &JsValue::from_str(id))?;
    set("bytes", &Uint8Array::from(raw).into())?;
    Ok(record.into())
}

/// Stores a batch of messages in one transaction and returns once it has committed.
///
/// A message already stored under the same (account, UIDL) is overwritten with the same
/// bytes, never duplicated: the key is `account/uidl`.
pub async fn commit(batch: &[NewMessage]) -> Result<(), StoreError> {
    // Build every value before the transaction opens: awaiting anything else inside an
    // IndexedDB transaction lets it auto-commit early.
    let mut records = Vec::with_capacity(batch.len());
    for message in batch {
        records.push((
            serde_wasm_bindgen::to_value(&message.meta)?,
            raw_record(&message.meta.id, &message.raw)?,
        ));
    }
    let db = db::open().await?;
    let tx = db.transaction(&[MESSAGES, RAW], TransactionMode::ReadWrite)?;
    let metas = tx.store(MESSAGES)?;
    let raws = tx.store(RAW)?;
    for (meta, raw) in &records {
        raws.put(raw, None).await?;
        metas.put(meta, None).await?;
    }
    if !tx.done().await?.is_committed() {
        return Err(StoreError("the save was aborted".into()));
    }
    Ok(())
}

/// Every stored message of an account.
pub async fn list(account: &str) -> Result<Vec<MessageMeta>, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[MESSAGES], TransactionMode::ReadOnly)?;
    let range =
        KeyRange::only(&JsValue::from_str(account)).map_err(|e| StoreError(e.to_string()))?;
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

/// The UIDLs of an account's stored messages.
pub async fn stored_uidls(account: &str) -> Result<HashSet<String>, StoreError> {
    Ok(list(account).await?.into_iter().map(|m| m.uidl).collect())
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
        .map_err(|_| StoreError("a stored message has no bytes".into()))?;
    Ok(Some(Uint8Array::new(&bytes).to_vec()))
}
