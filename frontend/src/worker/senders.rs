//! The reader's sender lists (remote images always shown, plain text always): changed in
//! one transaction that reads the stored list, so two tabs changing it at once lose
//! neither change.

use rexie::TransactionMode;
use wasm_bindgen::JsValue;

use crate::model::SenderList;
use crate::store::db::{self, SETTINGS, StoreError};
use crate::store::settings::SendersRecord;

/// Adds `address` to `list` (`chosen`) or takes it off; answers the list as stored.
pub async fn choose(
    list: SenderList,
    address: &str,
    chosen: bool,
) -> Result<Vec<String>, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[SETTINGS], TransactionMode::ReadWrite)?;
    let store = tx.store(SETTINGS)?;
    let mut record = match store.get(JsValue::from_str(list.key())).await? {
        Some(v) if !v.is_undefined() => serde_wasm_bindgen::from_value::<SendersRecord>(v)?,
        _ => SendersRecord {
            key: list.key().into(),
            addresses: Vec::new(),
        },
    };
    record.addresses.retain(|a| a != address);
    if chosen {
        record.addresses.push(address.to_owned());
    }
    store
        .put(&serde_wasm_bindgen::to_value(&record)?, None)
        .await?;
    super::idb_store::committed(tx.done().await?)?;
    Ok(record.addresses)
}
