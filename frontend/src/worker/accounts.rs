//! The worker's account writes: adding an account, saving its edited settings, removing it
//! with or without its mail. Each is one IndexedDB transaction, so a failure changes
//! nothing.

use rexie::{KeyRange, TransactionMode};
use wasm_bindgen::JsValue;

use crate::model::{Account, MessageMeta, Vault};
use crate::store::db::{
    self, ACCOUNTS, COUNTERS, MESSAGES, RAW, SETTINGS, SYNC_META, StoreError, UIDL_STATE,
};
use crate::store::settings::{VAULT_KEY, VaultRecord};

/// Every key of `account` in a store keyed `account/uidl`.
fn keys_of(account: &str) -> Result<KeyRange, StoreError> {
    let prefix = MessageMeta::key_prefix(account);
    let range = KeyRange::bound(
        &JsValue::from_str(&prefix),
        &JsValue::from_str(&format!("{prefix}\u{ffff}")),
        Some(false),
        Some(false),
    )
    .map_err(|e| StoreError::Failed(e.to_string()))?;
    Ok(range)
}

fn committed(result: rexie::TransactionResult, what: &str) -> Result<(), StoreError> {
    if result.is_committed() {
        Ok(())
    } else {
        Err(StoreError::Failed(format!("{what} was aborted")))
    }
}

/// The stored account `id`, when there is one.
pub async fn load(id: &str) -> Result<Option<Account>, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[ACCOUNTS], TransactionMode::ReadOnly)?;
    let value = tx.store(ACCOUNTS)?.get(JsValue::from_str(id)).await?;
    tx.done().await?;
    match value {
        Some(value) if !value.is_undefined() => Ok(Some(serde_wasm_bindgen::from_value(value)?)),
        _ => Ok(None),
    }
}

/// Saves an account, new or edited (an edit never changes which mailbox an account
/// reaches: the page gives a moved account a new id, see `actions::save_account`).
pub async fn save(account: &Account) -> Result<(), StoreError> {
    let value = serde_wasm_bindgen::to_value(account)?;
    let db = db::open().await?;
    let tx = db.transaction(&[ACCOUNTS], TransactionMode::ReadWrite)?;
    tx.store(ACCOUNTS)?.put(&value, None).await?;
    committed(tx.done().await?, "saving the account")
}

/// How many messages of `id` are stored.
async fn message_count(id: &str) -> Result<u32, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[MESSAGES], TransactionMode::ReadOnly)?;
    let count = tx.store(MESSAGES)?.count(Some(keys_of(id)?)).await?;
    tx.done().await?;
    Ok(count)
}

/// Removes account `id` and what it knows of its server. With `keep_mail`, its messages
/// stay, and so does its record, marked removed (without its password), so the lists can
/// still name it; the record is returned. Without (or with no mail to keep), its messages
/// go too.
pub async fn remove(id: &str, keep_mail: bool, now_ms: f64) -> Result<Option<Account>, StoreError> {
    remove_and_save(id, keep_mail, now_ms, None).await
}

/// Saves `new`, which takes over from account `old` (an edit that points it at another
/// mailbox): in the same transaction, `old` is removed with its mail kept. A failure
/// leaves both as they were. Returns `old`'s kept record.
pub async fn replace(new: &Account, old: &str, now_ms: f64) -> Result<Option<Account>, StoreError> {
    remove_and_save(old, true, now_ms, Some(new)).await
}

async fn remove_and_save(
    id: &str,
    keep_mail: bool,
    now_ms: f64,
    new: Option<&Account>,
) -> Result<Option<Account>, StoreError> {
    let keep_mail = keep_mail && message_count(id).await? > 0;
    let kept = match (keep_mail, load(id).await?) {
        (true, Some(account)) => Some(Account {
            password: None,
            sealed_password: None,
            removed_ms: Some(account.removed_ms.unwrap_or(now_ms)),
            ..account
        }),
        _ => None,
    };
    let new = new.map(serde_wasm_bindgen::to_value).transpose()?;
    let db = db::open().await?;
    let stores: &[&str] = match kept {
        Some(_) => &[ACCOUNTS, UIDL_STATE, SYNC_META],
        None => &[ACCOUNTS, UIDL_STATE, SYNC_META, MESSAGES, RAW, COUNTERS],
    };
    let tx = db.transaction(stores, TransactionMode::ReadWrite)?;
    let accounts = tx.store(ACCOUNTS)?;
    match &kept {
        Some(account) => {
            accounts
                .put(&serde_wasm_bindgen::to_value(account)?, None)
                .await?;
        }
        None => {
            accounts.delete(JsValue::from_str(id)).await?;
            tx.store(MESSAGES)?.delete(keys_of(id)?.into()).await?;
            tx.store(RAW)?.delete(keys_of(id)?.into()).await?;
            crate::store::counters::forget(&tx.store(COUNTERS)?, id).await?;
        }
    }
    if let Some(new) = new {
        accounts.put(&new, None).await?;
    }
    tx.store(UIDL_STATE)?.delete(keys_of(id)?.into()).await?;
    tx.store(SYNC_META)?.delete(JsValue::from_str(id)).await?;
    committed(tx.done().await?, "removing the account")?;
    Ok(kept)
}

/// Sets, changes or clears the primary passphrase's vault, with every account's remembered
/// password sealed under it (or opened), in one transaction: a password is never stored
/// sealed under a key whose salt is not.
pub async fn save_vault(vault: Option<&Vault>, accounts: &[Account]) -> Result<(), StoreError> {
    let record = vault.map(|vault| VaultRecord {
        key: VAULT_KEY.into(),
        vault: vault.clone(),
    });
    let record = record
        .map(|r| serde_wasm_bindgen::to_value(&r))
        .transpose()?;
    let values: Vec<JsValue> = accounts
        .iter()
        .map(serde_wasm_bindgen::to_value)
        .collect::<Result<_, _>>()?;
    let db = db::open().await?;
    let tx = db.transaction(&[SETTINGS, ACCOUNTS], TransactionMode::ReadWrite)?;
    let settings = tx.store(SETTINGS)?;
    match record {
        Some(record) => _ = settings.put(&record, None).await?,
        None => settings.delete(JsValue::from_str(VAULT_KEY)).await?,
    }
    let store = tx.store(ACCOUNTS)?;
    for value in values {
        store.put(&value, None).await?;
    }
    committed(tx.done().await?, "saving the passphrase")
}
