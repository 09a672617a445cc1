//! Reading the accounts (the sync worker writes them: `worker::accounts`).

use rexie::TransactionMode;

use super::db::{self, ACCOUNTS, StoreError};
use crate::model::Account;

/// Every account on this device, in the order they were added (ids grow with time);
/// removed accounts whose mail was kept among them.
pub async fn load_all() -> Result<Vec<Account>, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[ACCOUNTS], TransactionMode::ReadOnly)?;
    let all = tx.store(ACCOUNTS)?.get_all(None, None).await?;
    tx.done().await?;
    all.into_iter()
        .map(|value| serde_wasm_bindgen::from_value(value).map_err(StoreError::from))
        .collect()
}
