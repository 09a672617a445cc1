//! The person's rules: stored in the settings, applied by each sync as it stores new mail
//! (see `idb_store`), and run on mail already stored when asked.

use futures_util::future::try_join_all;
use js_sys::{Reflect, Uint8Array};
use rexie::TransactionMode;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

use super::idb_store::committed;
use super::record::{flag_field, set_mark, text_field};
use crate::mime::facts::facts;
use crate::model::folder::{self, FolderView, Tally};
use crate::model::rules::{self, Outcome, Rule};
use crate::store::counters;
use crate::store::db::{self, COUNTERS, MESSAGES, RAW, SETTINGS, StoreError};
use crate::store::settings::{RULES_KEY, RulesRecord};

/// Messages read and filed per transaction when rules run on stored mail.
const CHUNK: usize = 100;
/// What is read of a big message (a Blob) for its headers.
const HEAD_BYTES: i32 = 256 * 1024;

/// Stores `rules` as the person's rules, in order.
pub async fn save(rules: &[Rule]) -> Result<(), StoreError> {
    put_setting(&RulesRecord {
        key: RULES_KEY.into(),
        rules: rules.to_vec(),
    })
    .await
}

/// Stores a settings record (its `key` says which).
pub async fn put_setting(record: &impl serde::Serialize) -> Result<(), StoreError> {
    let value = serde_wasm_bindgen::to_value(record)?;
    let db = db::open().await?;
    let tx = db.transaction(&[SETTINGS], TransactionMode::ReadWrite)?;
    tx.store(SETTINGS)?.put(&value, None).await?;
    committed(tx.done().await?)
}

/// The start of a stored raw record's bytes: all of a small message, the first
/// [`HEAD_BYTES`] of a big one (its headers are there).
pub(super) async fn head_of(record: JsValue) -> Option<Vec<u8>> {
    let bytes = Reflect::get(&record, &"bytes".into()).ok()?;
    let bytes = match bytes.dyn_ref::<Blob>() {
        Some(blob) => {
            let head = blob.slice_with_i32_and_i32(0, HEAD_BYTES).ok()?;
            JsFuture::from(head.array_buffer()).await.ok()?
        }
        None => bytes,
    };
    Some(Uint8Array::new(&bytes).to_vec())
}

/// Runs the enabled `rules` on the messages of `view` (the Inbox, as a rule's "now");
/// answers how many were filed or marked.
pub async fn run_on(view: &FolderView, rules: &[Rule]) -> Result<u32, StoreError> {
    let rules: Vec<Rule> = rules.iter().filter(|r| r.enabled).cloned().collect();
    if rules.is_empty() {
        return Ok(0);
    }
    let ids = super::folders::ids_in(view).await?;
    let mut changed = 0;
    for chunk in ids.chunks(CHUNK) {
        // Read, then decide outside any transaction (a Blob is read asynchronously).
        let db = db::open().await?;
        let tx = db.transaction(&[RAW], TransactionMode::ReadOnly)?;
        let raws = tx.store(RAW)?;
        let found = try_join_all(chunk.iter().map(|id| raws.get(JsValue::from_str(id)))).await?;
        tx.done().await?;
        let mut decided = Vec::new();
        for (id, raw) in chunk.iter().zip(found) {
            let Some(head) = raw.filter(|r| !r.is_undefined()) else {
                continue;
            };
            let Some(head) = head_of(head).await else {
                continue;
            };
            let account = crate::model::MessageMeta::account_of(id);
            let outcome = rules::decide(&rules, &facts(&head, account));
            if outcome != Outcome::default() {
                decided.push((id.clone(), outcome));
            }
        }
        changed += file(&view.folder, decided).await?;
    }
    Ok(changed)
}

/// Files each message as decided, with its counters, in one transaction; a message that
/// left folder `from` meanwhile is left alone. Answers how many changed.
async fn file(from: &str, decided: Vec<(String, Outcome)>) -> Result<u32, StoreError> {
    if decided.is_empty() {
        return Ok(0);
    }
    let db = db::open().await?;
    let tx = db.transaction(&[MESSAGES, COUNTERS], TransactionMode::ReadWrite)?;
    let store = tx.store(MESSAGES)?;
    let found = try_join_all(
        decided
            .iter()
            .map(|(id, _)| store.get(JsValue::from_str(id))),
    )
    .await?;
    let mut tally = Tally::default();
    let mut out = Vec::new();
    for ((_, outcome), record) in decided.iter().zip(found) {
        let Some(record) = record.filter(|r| !r.is_undefined()) else {
            continue;
        };
        let folder = text_field(&record, "folder").unwrap_or_else(folder::inbox);
        if folder != from {
            continue;
        }
        let account = text_field(&record, "account").unwrap_or_default();
        let unread = flag_field(&record, "unread");
        let to = outcome.folder.clone().unwrap_or_else(|| folder.clone());
        let now_unread = unread && !outcome.read;
        let flagged = flag_field(&record, "flagged") || outcome.flagged;
        tally.count(&account, &folder, unread, -1);
        tally.count(&account, &to, now_unread, 1);
        let set = |name: &str, value: JsValue| Reflect::set(&record, &name.into(), &value);
        set("folder", JsValue::from_str(&to))
            .and_then(|_| set_mark(&record, "unread", now_unread))
            .and_then(|_| set_mark(&record, "flagged", flagged))
            .map_err(|_| StoreError::Failed("cannot file a message".into()))?;
        out.push((record, None));
    }
    let changed = out.len() as u32;
    let threads = super::threads::of_all(out.iter().map(|(r, _)| r));
    store.put_all(out.into_iter()).await?;
    super::threads::settle(&store, threads).await?;
    counters::apply(&tx.store(COUNTERS)?, &tally).await?;
    committed(tx.done().await?)?;
    Ok(changed)
}
