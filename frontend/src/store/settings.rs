//! App-wide settings: the primary passphrase's vault (the worker writes it, with the
//! accounts it re-seals: `worker::accounts::save_vault`).

use rexie::TransactionMode;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

use super::db::{self, SETTINGS, StoreError};
use crate::model::Vault;

/// The key of the vault's record.
pub const VAULT_KEY: &str = "vault";

/// The vault's record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VaultRecord {
    /// Always [`VAULT_KEY`].
    pub key: String,
    /// The vault.
    pub vault: Vault,
}

/// The primary passphrase's vault, when one is set.
pub async fn load_vault() -> Result<Option<Vault>, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[SETTINGS], TransactionMode::ReadOnly)?;
    let value = tx
        .store(SETTINGS)?
        .get(JsValue::from_str(VAULT_KEY))
        .await?;
    tx.done().await?;
    match value {
        Some(v) if !v.is_undefined() => Ok(Some(
            serde_wasm_bindgen::from_value::<VaultRecord>(v)?.vault,
        )),
        _ => Ok(None),
    }
}
