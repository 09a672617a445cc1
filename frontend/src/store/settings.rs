//! App-wide settings: the primary passphrase's vault (the worker writes it, with the
//! accounts it re-seals: `worker::accounts::save_vault`).

use rexie::TransactionMode;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

use super::db::{self, SETTINGS, StoreError};
use crate::model::rules::Rule;
use crate::model::{SenderList, Vault};

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

/// The record of one of the reader's sender lists.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SendersRecord {
    /// The list's key ([`SenderList::key`]).
    pub key: String,
    /// Its addresses, lower-cased.
    pub addresses: Vec<String>,
}

/// The key of the rules' record.
pub const RULES_KEY: &str = "rules";

/// The rules' record: every rule, in the order they apply.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RulesRecord {
    /// Always [`RULES_KEY`].
    pub key: String,
    /// The rules.
    pub rules: Vec<Rule>,
}

/// The key of the person's folders' record.
pub const FOLDERS_KEY: &str = "folders";

/// The person's folders' record.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FoldersRecord {
    /// Always [`FOLDERS_KEY`].
    pub key: String,
    /// Every folder the person made.
    pub folders: Vec<crate::model::user_folders::UserFolder>,
}

/// The folders the person made.
pub async fn load_folders() -> Result<Vec<crate::model::user_folders::UserFolder>, StoreError> {
    Ok(setting::<FoldersRecord>(FOLDERS_KEY)
        .await?
        .map(|r| r.folders)
        .unwrap_or_default())
}

/// The ids of the folders the person made, read in an open transaction's `settings`.
pub async fn folder_ids_in(settings: &rexie::Store) -> Result<Vec<String>, StoreError> {
    Ok(setting_in::<FoldersRecord>(settings, FOLDERS_KEY)
        .await?
        .map(|r| r.folders.into_iter().map(|f| f.id).collect())
        .unwrap_or_default())
}

/// The stored rules, in order.
pub async fn load_rules() -> Result<Vec<Rule>, StoreError> {
    Ok(setting::<RulesRecord>(RULES_KEY)
        .await?
        .map(|r| r.rules)
        .unwrap_or_default())
}

/// The addresses on sender list `list`.
pub async fn load_senders(list: SenderList) -> Result<Vec<String>, StoreError> {
    Ok(setting::<SendersRecord>(list.key())
        .await?
        .map(|r| r.addresses)
        .unwrap_or_default())
}

/// The settings record stored under `key`, if there is one.
async fn setting<R: serde::de::DeserializeOwned>(key: &str) -> Result<Option<R>, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[SETTINGS], TransactionMode::ReadOnly)?;
    let value = setting_in(&tx.store(SETTINGS)?, key).await;
    tx.done().await?;
    value
}

/// The settings record stored under `key` in `settings`, a store of an open transaction.
pub async fn setting_in<R: serde::de::DeserializeOwned>(
    settings: &rexie::Store,
    key: &str,
) -> Result<Option<R>, StoreError> {
    match settings.get(JsValue::from_str(key)).await? {
        Some(v) if !v.is_undefined() => Ok(Some(serde_wasm_bindgen::from_value(v)?)),
        _ => Ok(None),
    }
}

/// The primary passphrase's vault, when one is set.
pub async fn load_vault() -> Result<Option<Vault>, StoreError> {
    Ok(setting::<VaultRecord>(VAULT_KEY).await?.map(|r| r.vault))
}

/// Whether marker `key` is set (a setting that only says a one-off piece of work is done),
/// asked in an open transaction's `settings`.
pub async fn marked_in(settings: &rexie::Store, key: &str) -> Result<bool, StoreError> {
    Ok(settings
        .get(wasm_bindgen::JsValue::from_str(key))
        .await?
        .is_some_and(|v| !v.is_undefined()))
}

/// Sets marker `key` in an open read-write transaction's `settings`.
pub async fn mark_in(settings: &rexie::Store, key: &str) -> Result<(), StoreError> {
    let marker = js_sys::Object::new();
    js_sys::Reflect::set(&marker, &"key".into(), &key.into())
        .map_err(|_| StoreError::Failed("cannot build a record".into()))?;
    settings.put(&marker.into(), None).await?;
    Ok(())
}
