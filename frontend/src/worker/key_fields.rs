//! The fields that exist only to be index keys (`MessageMeta::set_key_fields`: the
//! sender's sort key, and the dates of unread and flagged mail for their sparse indexes),
//! for mail stored before schema 6: run by each worker at its start until every message
//! has them, a chunk of messages per read-write transaction, in the order of their ids. A
//! message without them is missing from those indexes only; the sync writes them on new
//! mail, and every mark sets them (`record::set_mark`).
//!
//! A chunk reads and writes its records in one transaction, so nothing a sync or a move
//! changes meanwhile is lost, and two workers (two tabs) at it at once only repeat work.
//! The search index's catch-up (`worker::indexing`), which rewrites every record it
//! numbers, gives them their fields on the way: after it, this pass only reads. Until it is
//! done, a search for marks reads the records' marks instead (`worker::search`).

use js_sys::Reflect;
use rexie::TransactionMode;
use wasm_bindgen::JsValue;

use super::record::{flag_field, set_mark, text_field};
use super::walk::Walk;
use crate::model::order::sender_key;
use crate::store::db::{self, MESSAGES, SETTINGS, StoreError};
use crate::store::settings::{mark_in, marked_in};

/// Messages read per transaction.
const CHUNK: u32 = 500;
/// The settings key that says every message has its key fields.
const DONE_KEY: &str = "key_fields";

/// Whether every message has its key fields, asked in an open transaction's `settings`.
pub async fn done_in(settings: &rexie::Store) -> Result<bool, StoreError> {
    marked_in(settings, DONE_KEY).await
}

/// Gives `record` its key fields if it has none; answers whether it had none.
pub fn apply(record: &JsValue) -> Result<bool, StoreError> {
    let field = JsValue::from_str("sender_key");
    if !Reflect::get(record, &field).is_ok_and(|v| v.is_undefined()) {
        return Ok(false);
    }
    let failed = |_| StoreError::Failed("cannot build a record".into());
    let key = sender_key(&text_field(record, "from").unwrap_or_default());
    Reflect::set(record, &field, &key.into()).map_err(failed)?;
    for mark in ["unread", "flagged"] {
        set_mark(record, mark, flag_field(record, mark)).map_err(failed)?;
    }
    Ok(true)
}

/// Gives every message without key fields its fields; answers whether any had none.
pub async fn fill() -> Result<bool, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[SETTINGS], TransactionMode::ReadOnly)?;
    let done = done_in(&tx.store(SETTINGS)?).await?;
    tx.done().await?;
    if done {
        return Ok(false);
    }
    let mut walk = Walk::default();
    let mut filled = false;
    loop {
        let tx = db.transaction(&[MESSAGES, SETTINGS], TransactionMode::ReadWrite)?;
        let messages = tx.store(MESSAGES)?;
        let (records, last_chunk) = walk.next(&messages, CHUNK).await?;
        let mut keyless = Vec::new();
        for record in records {
            if apply(&record)? {
                keyless.push((record, None));
            }
        }
        filled |= !keyless.is_empty();
        messages.put_all(keyless.into_iter()).await?;
        if last_chunk {
            mark_in(&tx.store(SETTINGS)?, DONE_KEY).await?;
        }
        if !tx.done().await?.is_committed() {
            return Err(StoreError::Failed(
                "the index fields could not be saved".into(),
            ));
        }
        if last_chunk {
            return Ok(filled);
        }
    }
}
