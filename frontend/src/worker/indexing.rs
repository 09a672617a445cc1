//! Indexing the mail stored before the search index existed: run by each worker at its
//! start until the index is whole, a chunk of messages per transaction, in the order of
//! their ids. New mail is indexed as it is stored (`idb_store`), so this only ever looks
//! at messages without a number.
//!
//! Each chunk reads its messages inside its own read-write transaction, so two workers
//! (two tabs) never index a message twice: the second finds it numbered.

use js_sys::{Reflect, Uint8Array};
use rexie::TransactionMode;
use wasm_bindgen::{JsCast, JsValue};

use super::index::{self, Batch};
use super::record::{number_field, text_field};
use super::walk::Walk;
use crate::mime::render::{FULL_PARSE_LIMIT, summarize_for_search};
use crate::model::terms::{Searchable, terms_of};
use crate::store::db::{self, DOCS, MESSAGES, RAW, SETTINGS, StoreError, TERMS};

/// Messages read per transaction.
const CHUNK: u32 = 200;

/// The raw bytes of a stored message, when they are in memory already (a `Uint8Array`;
/// a big message's Blob would need an await outside the transaction: its headers do).
fn raw_bytes(record: Option<JsValue>) -> Option<Vec<u8>> {
    let bytes = Reflect::get(&record?, &"bytes".into()).ok()?;
    bytes.dyn_into::<Uint8Array>().ok().map(|b| b.to_vec())
}

/// Indexes what is not indexed yet; `progress` hears how many messages are done after
/// each chunk. Answers how many it indexed.
pub async fn catch_up(mut progress: impl FnMut(u32)) -> Result<u32, StoreError> {
    let db = db::open().await?;
    let stores = [SETTINGS, MESSAGES, RAW, TERMS, DOCS];
    // Nearly every start finds it whole: a read that locks nothing the page reads.
    let tx = db.transaction(&[SETTINGS], TransactionMode::ReadOnly)?;
    let whole = index::state(&tx.store(SETTINGS)?).await?.ready;
    tx.done().await?;
    if whole {
        return Ok(0);
    }
    let mut walk = Walk::default();
    let mut indexed = 0;
    loop {
        let tx = db.transaction(&stores, TransactionMode::ReadWrite)?;
        let messages = tx.store(MESSAGES)?;
        let (records, last_chunk) = walk.next(&messages, CHUNK).await?;
        let waiting: Vec<JsValue> = records
            .into_iter()
            .filter(|r| number_field(r, "doc").is_none())
            .collect();
        let raw_store = tx.store(RAW)?;
        let raws = futures_util::future::try_join_all(waiting.iter().map(|record| {
            let small = number_field(record, "size").unwrap_or(0.0) <= FULL_PARSE_LIMIT as f64;
            let id = text_field(record, "id").unwrap_or_default();
            let raw_store = &raw_store;
            async move {
                match small {
                    true => raw_store.get(JsValue::from_str(&id)).await,
                    false => Ok(None),
                }
            }
        }))
        .await?;
        let mut batch = Batch::default();
        for (record, raw) in waiting.iter().zip(raws) {
            let text = raw_bytes(raw)
                .map(|raw| summarize_for_search(&raw).1)
                .unwrap_or_default();
            let field = |name| text_field(record, name).unwrap_or_default();
            let (from, from_address, subject) =
                (field("from"), field("from_address"), field("subject"));
            let terms = terms_of(&Searchable {
                from: &from,
                from_address: &from_address,
                subject: &subject,
                to: &text.to,
                body: &text.body,
                attachments: number_field(record, "attachments").unwrap_or(0.0) as u32,
            });
            batch.add(field("id"), terms);
        }
        let read = batch.read(&tx).await?;
        let count = batch.len() as u32;
        let first = batch.write(&tx, read, last_chunk).await?;
        let numbered = waiting.into_iter().enumerate().map(|(i, record)| {
            let _ = Reflect::set(&record, &"doc".into(), &(first + i as u32).into());
            // Rewritten anyway: its index fields come with it (`key_fields`).
            let _ = super::key_fields::apply(&record);
            (record, None)
        });
        messages.put_all(numbered).await?;
        if !tx.done().await?.is_committed() {
            return Err(StoreError::Failed(
                "the search index could not be saved".into(),
            ));
        }
        indexed += count;
        progress(indexed);
        if last_chunk {
            return Ok(indexed);
        }
    }
}
