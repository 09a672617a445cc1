//! Reading and writing the account.

use rexie::TransactionMode;

use super::db::{self, ACCOUNTS, StoreError};
use crate::model::Account;

/// The account on this device, if one was saved.
pub async fn load() -> Result<Option<Account>, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[ACCOUNTS], TransactionMode::ReadOnly)?;
    let all = tx.store(ACCOUNTS)?.get_all(None, Some(1)).await?;
    tx.done().await?;
    match all.into_iter().next() {
        Some(value) => Ok(Some(serde_wasm_bindgen::from_value(value)?)),
        None => Ok(None),
    }
}

/// Saves (or replaces) the account.
pub async fn save(account: &Account) -> Result<(), StoreError> {
    let value = serde_wasm_bindgen::to_value(account)?;
    let db = db::open().await?;
    let tx = db.transaction(&[ACCOUNTS], TransactionMode::ReadWrite)?;
    tx.store(ACCOUNTS)?.put(&value, None).await?;
    if !tx.done().await?.is_committed() {
        return Err(StoreError::Failed("saving the account was aborted".into()));
    }
    Ok(())
}
