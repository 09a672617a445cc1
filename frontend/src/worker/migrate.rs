//! What a new schema needs of records written before it, done once, by the first sync
//! worker that starts (the worker does every write).
//!
//! The version of the data is a record in the settings store. Its check and the
//! migration are one read-write transaction, so two workers starting at once (two tabs)
//! migrate once: IndexedDB runs the second transaction after the first, which then finds
//! the new version. A sync that commits meanwhile is counted either way: before the
//! migration's transaction (counted by it) or after (on top of its counts).
//!
//! 4: every message is filed in a folder (records from before are in the Inbox; without a
//! `folder` they would be missing from the folder indexes), and the counters are counted.

use js_sys::Reflect;
use rexie::TransactionMode;
use wasm_bindgen::JsValue;

use super::record::{flag_field, text_field};
use crate::model::folder::{INBOX, Tally};
use crate::store::db::{self, COUNTERS, MESSAGES, SETTINGS, StoreError};

/// The settings key of the data's version.
const SCHEMA_KEY: &str = "schema";
/// The data version this code writes.
pub const DATA_VERSION: u32 = 4;

/// A transaction over what a migration touches, and whether the stored data is at
/// [`DATA_VERSION`] already.
async fn version_of(
    db: &rexie::Rexie,
    mode: TransactionMode,
) -> Result<(rexie::Transaction, bool), StoreError> {
    let tx = db.transaction(&[SETTINGS, MESSAGES, COUNTERS], mode)?;
    let version = tx
        .store(SETTINGS)?
        .get(JsValue::from_str(SCHEMA_KEY))
        .await?
        .filter(|v| !v.is_undefined())
        .and_then(|v| Reflect::get(&v, &"version".into()).ok())
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    Ok((tx, version >= f64::from(DATA_VERSION)))
}

/// Brings the stored data up to [`DATA_VERSION`]; answers whether it changed anything.
pub async fn run() -> Result<bool, StoreError> {
    // Every start asks; nearly every one finds the store current, so the question is a
    // read that locks nothing the page reads meanwhile.
    let db = db::open().await?;
    if version_of(&db, TransactionMode::ReadOnly).await?.1 {
        return Ok(false);
    }
    let (tx, current) = version_of(&db, TransactionMode::ReadWrite).await?;
    if current {
        tx.done().await?;
        return Ok(false);
    }
    let settings = tx.store(SETTINGS)?;
    let messages = tx.store(MESSAGES)?;
    let records = messages.get_all(None, None).await?;
    let mut tally = Tally::default();
    let mut filed = Vec::new();
    for record in records {
        let account = text_field(&record, "account").unwrap_or_default();
        let folder = match text_field(&record, "folder") {
            Some(folder) => folder,
            None => {
                Reflect::set(&record, &"folder".into(), &INBOX.into())
                    .map_err(|_| StoreError::Failed("cannot file a message".into()))?;
                filed.push((record.clone(), None));
                INBOX.to_owned()
            }
        };
        tally.count(&account, &folder, flag_field(&record, "unread"), 1);
    }
    messages.put_all(filed.into_iter()).await?;
    let counters = tx.store(COUNTERS)?;
    counters.clear().await?;
    crate::store::counters::apply(&counters, &tally).await?;
    let marker = js_sys::Object::new();
    Reflect::set(&marker, &"key".into(), &SCHEMA_KEY.into())
        .and_then(|_| Reflect::set(&marker, &"version".into(), &DATA_VERSION.into()))
        .map_err(|_| StoreError::Failed("cannot build a record".into()))?;
    settings.put(&marker.into(), None).await?;
    match tx.done().await? {
        r if r.is_committed() => Ok(true),
        _ => Err(StoreError::Failed("the store could not be upgraded".into())),
    }
}
