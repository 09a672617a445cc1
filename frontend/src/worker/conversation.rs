//! What the page reads of conversations (`model::thread`): how many a view lists, the
//! messages a row of the conversations order stands for, and one conversation's messages.

use futures_util::future::try_join_all;
use js_sys::Array;
use rexie::{KeyRange, TransactionMode};
use wasm_bindgen::JsValue;

use super::reader::post;
use super::record::{number_field, text_field};
use super::threads;
use crate::model::folder::FolderView;
use crate::model::order::SortKey;
use crate::store::db::{self, BY_THREAD, MESSAGES, StoreError};

/// Answers request `ticket` with `[ticket, n]`: how many conversations `view` lists
/// (`null` when they could not be counted).
pub async fn answer_count(view: &FolderView, ticket: u64) {
    let count = match super::rows::ids_by(view, SortKey::Thread).await {
        Ok(ids) => JsValue::from_f64(ids.len() as f64),
        Err(_) => JsValue::NULL,
    };
    post(&Array::of2(&JsValue::from_f64(ticket as f64), &count));
}

/// Answers request `ticket` with `[ticket, ids]`: the messages that the rows `ids` of the
/// conversations order stand for, each row's whole conversation in its folder, in the order
/// of the rows (`null` when they could not be read).
pub async fn answer_members(ids: &[String], ticket: u64) {
    let ids = match members(ids).await {
        Ok(ids) => ids.into_iter().map(JsValue::from).collect::<Array>().into(),
        Err(_) => JsValue::NULL,
    };
    post(&Array::of2(&JsValue::from_f64(ticket as f64), &ids));
}

/// Answers request `ticket` with `[ticket, records]`: every message of the conversation of
/// message `id`, in every folder, oldest first (`null` when they could not be read).
pub async fn answer_thread(id: &str, ticket: u64) {
    super::rows::answer(ticket, thread_of(id).await);
}

/// The messages of the conversations of `records` (in an open transaction's `messages`),
/// each conversation's records in one list; a record with no conversation is one alone.
async fn whole(
    messages: &rexie::Store,
    records: &[JsValue],
) -> Result<Vec<Vec<JsValue>>, StoreError> {
    let index = messages.index(BY_THREAD)?;
    try_join_all(records.iter().map(|record| {
        let index = &index;
        async move {
            let Some(thread) = threads::of(record) else {
                return Ok(vec![record.clone()]);
            };
            let range = KeyRange::only(&JsValue::from_str(&thread))
                .map_err(|e| StoreError::Failed(e.to_string()))?;
            Ok::<_, StoreError>(index.get_all(Some(range), None).await?)
        }
    }))
    .await
}

/// The stored records of `ids`, read in one turn (those gone are left out).
async fn records(messages: &rexie::Store, ids: &[String]) -> Result<Vec<JsValue>, StoreError> {
    let found = try_join_all(ids.iter().map(|id| messages.get(JsValue::from_str(id)))).await?;
    Ok(found
        .into_iter()
        .flatten()
        .filter(|r| !r.is_undefined())
        .collect())
}

/// The ids the rows `ids` stand for: each one's conversation in its own folder.
async fn members(ids: &[String]) -> Result<Vec<String>, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[MESSAGES], TransactionMode::ReadOnly)?;
    let messages = tx.store(MESSAGES)?;
    let rows = records(&messages, ids).await?;
    let conversations = whole(&messages, &rows).await?;
    tx.done().await?;
    let mut out: Vec<String> = Vec::new();
    for (row, conversation) in rows.iter().zip(conversations) {
        let folder = text_field(row, "folder");
        for member in conversation {
            if text_field(&member, "folder") != folder {
                continue;
            }
            if let Some(id) = text_field(&member, "id")
                && !out.contains(&id)
            {
                out.push(id);
            }
        }
    }
    Ok(out)
}

/// Every message of the conversation of message `id`, oldest first.
async fn thread_of(id: &str) -> Result<Vec<JsValue>, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[MESSAGES], TransactionMode::ReadOnly)?;
    let messages = tx.store(MESSAGES)?;
    let rows = records(&messages, &[id.to_owned()]).await?;
    let mut conversation = whole(&messages, &rows)
        .await?
        .into_iter()
        .next()
        .unwrap_or_default();
    tx.done().await?;
    let date = |r: &JsValue| number_field(r, "date_ms").unwrap_or(0.0);
    conversation.sort_by(|a, b| date(a).total_cmp(&date(b)));
    Ok(conversation)
}
