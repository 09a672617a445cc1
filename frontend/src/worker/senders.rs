//! The senders whose remote images the reader always wants shown: added in one
//! transaction that reads the stored list, so two tabs adding at once lose neither.

use rexie::TransactionMode;
use wasm_bindgen::JsValue;

use crate::store::db::{self, SETTINGS, StoreError};
use crate::store::settings::{REMOTE_SENDERS_KEY, SendersRecord};

/// Adds `address` to the stored list; answers the list as stored.
pub async fn add(address: &str) -> Result<Vec<String>, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[SETTINGS], TransactionMode::ReadWrite)?;
    let store = tx.store(SETTINGS)?;
    let mut record = match store.get(JsValue::from_str(REMOTE_SENDERS_KEY)).await? {
        Some(v) if !v.is_undefined() => serde_wasm_bindgen::from_value::<SendersRecord>(v)?,
        _ => SendersRecord {
            key: REMOTE_SENDERS_KEY.into(),
            addresses: Vec::new(),
        },
    };
    if !record.addresses.iter().any(|a| a == address) {
        record.addresses.push(address.to_owned());
    }
    store
        .put(&serde_wasm_bindgen::to_value(&record)?, None)
        .await?;
    super::idb_store::committed(tx.done().await?)?;
    Ok(record.addresses)
}
