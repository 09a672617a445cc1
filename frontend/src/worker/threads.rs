//! Conversations in the store (see `model::thread`): each folder's newest message of a
//! conversation is its head, and carries the conversation's counts there.
//!
//! Every transaction that stores, files, marks or deletes messages ends by settling their
//! conversations ([`settle`]): it reads each conversation whole through the index by
//! conversation and puts right the head fields that changed. Nothing is counted up or down,
//! so nothing can drift: the heads are always what the messages say.
//!
//! Mail stored before conversations existed gets its conversation from the worker at start
//! ([`fill`]), a chunk at a time, in the order of ids: it reads the headers of the raw
//! message. Until it is done, such mail is missing from the conversations order only.

use std::collections::BTreeSet;

use futures_util::future::try_join_all;
use js_sys::Reflect;
use rexie::{KeyRange, TransactionMode};
use wasm_bindgen::{JsCast, JsValue};

use super::record::{flag_field, number_field, text_field};
use super::walk::Walk;
use crate::mime::facts::thread_root;
use crate::model::MessageMeta;
use crate::model::folder;
use crate::model::thread::{self, Head, Member, heads};
use crate::store::db::{self, BY_THREAD, MESSAGES, RAW, SETTINGS, StoreError};
use crate::store::settings::{mark_in, marked_in};

/// Messages read per transaction by [`fill`].
const CHUNK: u32 = 200;
/// The settings key that says every message has its conversation.
const DONE_KEY: &str = "threads";
/// The fields a head carries.
const HEAD_FIELDS: [&str; 3] = ["head_at", "thread_count", "thread_unread"];

/// The conversation of a stored record, when it has one.
pub fn of(record: &JsValue) -> Option<String> {
    text_field(record, "thread")
}

/// Whether `record` carries `head` already (or, with `None`, no head fields).
fn carries(record: &JsValue, head: Option<Head>) -> bool {
    let now = [
        number_field(record, HEAD_FIELDS[0]),
        number_field(record, HEAD_FIELDS[1]),
        number_field(record, HEAD_FIELDS[2]),
    ];
    let wanted = head.map(|h| [h.at, f64::from(h.count), f64::from(h.unread)]);
    match wanted {
        Some(wanted) => now == wanted.map(Some),
        None => now.iter().all(Option::is_none),
    }
}

/// Gives `record` the fields of `head`, or takes them away.
fn set_head(record: &JsValue, head: Option<Head>) -> Result<(), StoreError> {
    let failed = |_| StoreError::Failed("cannot build a record".into());
    match head {
        Some(head) => {
            let values = [head.at, f64::from(head.count), f64::from(head.unread)];
            for (name, value) in HEAD_FIELDS.iter().zip(values) {
                Reflect::set(record, &JsValue::from_str(name), &value.into()).map_err(failed)?;
            }
        }
        None => {
            let object = record.unchecked_ref::<js_sys::Object>();
            for name in HEAD_FIELDS {
                Reflect::delete_property(object, &JsValue::from_str(name)).map_err(failed)?;
            }
        }
    }
    Ok(())
}

/// The messages of each of `threads`, read through the index in `messages` (a store of
/// an open transaction), all requests in one turn.
pub async fn read(
    messages: &rexie::Store,
    threads: &BTreeSet<String>,
) -> Result<Vec<Vec<JsValue>>, StoreError> {
    let index = messages.index(BY_THREAD)?;
    let ranges = threads
        .iter()
        .map(|t| KeyRange::only(&JsValue::from_str(t)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| StoreError::Failed(e.to_string()))?;
    Ok(try_join_all(ranges.into_iter().map(|r| index.get_all(Some(r), None))).await?)
}

/// What a conversation's heads are decided by, read from a stored record: its id, folder,
/// date and whether it is unread.
type Fields = (String, String, f64, bool);

/// The [`Fields`] of stored `record`.
fn fields(record: &JsValue) -> Fields {
    (
        text_field(record, "id").unwrap_or_default(),
        text_field(record, "folder").unwrap_or_else(folder::inbox),
        number_field(record, "date_ms").unwrap_or(0.0),
        flag_field(record, "unread"),
    )
}

/// A member of a conversation as [`heads`] reads it, from a record's [`Fields`].
fn member((id, folder, date_ms, unread): &Fields) -> Member<'_> {
    Member {
        id,
        folder,
        date_ms: *date_ms,
        unread: *unread,
    }
}

/// Puts right the heads of `threads` in `messages` (a store of the caller's read-write
/// transaction, after its own writes): their newest message of each folder carries the
/// folder's counts, and no other message carries any.
pub async fn settle(messages: &rexie::Store, threads: BTreeSet<String>) -> Result<(), StoreError> {
    if threads.is_empty() {
        return Ok(());
    }
    let mut out = Vec::new();
    for records in read(messages, &threads).await? {
        let fields: Vec<Fields> = records.iter().map(fields).collect();
        let members: Vec<Member> = fields.iter().map(member).collect();
        for (record, head) in records.iter().zip(heads(&members)) {
            if !carries(record, head) {
                set_head(record, head)?;
                out.push((record.clone(), None));
            }
        }
    }
    messages.put_all(out.into_iter()).await?;
    Ok(())
}

/// Gives the messages of `batch`, about to be written, the head fields that their
/// conversations (`found`, as [`read`] answered before the batch's writes) call for, and
/// answers the stored messages whose head fields change (the batch's own stored versions
/// left out: the batch replaces them). Each record is then written once.
pub fn settle_batch(
    threads: &BTreeSet<String>,
    found: Vec<Vec<JsValue>>,
    batch: &mut [MessageMeta],
) -> Result<Vec<JsValue>, StoreError> {
    let mut out = Vec::new();
    for (thread, records) in threads.iter().zip(found) {
        let stored: Vec<JsValue> = records
            .into_iter()
            .filter(|r| {
                let id = text_field(r, "id").unwrap_or_default();
                !batch.iter().any(|m| m.id == id)
            })
            .collect();
        let stored_fields: Vec<Fields> = stored.iter().map(fields).collect();
        let mine: Vec<usize> = (0..batch.len())
            .filter(|&i| batch[i].thread.as_ref() == Some(thread))
            .collect();
        let mut members: Vec<Member> = stored_fields.iter().map(member).collect();
        members.extend(mine.iter().map(|&i| Member {
            id: &batch[i].id,
            folder: &batch[i].folder,
            date_ms: batch[i].date_ms,
            unread: batch[i].unread,
        }));
        let wanted = heads(&members);
        let (for_stored, for_batch) = wanted.split_at(stored.len());
        for (record, head) in stored.iter().zip(for_stored) {
            if !carries(record, *head) {
                set_head(record, *head)?;
                out.push(record.clone());
            }
        }
        for (&i, head) in mine.iter().zip(for_batch) {
            batch[i].set_head(*head);
        }
    }
    Ok(out)
}

/// The conversations of `records` (those that have one).
pub fn of_all<'a>(records: impl IntoIterator<Item = &'a JsValue>) -> BTreeSet<String> {
    records.into_iter().filter_map(of).collect()
}

/// The conversation keys of the chunk's messages that have none yet, read from their raw
/// headers outside any transaction (a big message's bytes are a Blob, read asynchronously).
async fn keys_of(waiting: &[JsValue], raws: Vec<Option<JsValue>>) -> Vec<(String, String)> {
    let mut keys = Vec::with_capacity(waiting.len());
    for (record, raw) in waiting.iter().zip(raws) {
        let id = text_field(record, "id").unwrap_or_default();
        let head = match raw.filter(|r| !r.is_undefined()) {
            Some(raw) => super::rules::head_of(raw).await,
            None => None,
        };
        let root = head.as_deref().and_then(thread_root);
        let uidl = text_field(record, "uidl").unwrap_or_default();
        let account = MessageMeta::account_of(&id);
        keys.push((id.clone(), thread::key(account, &uidl, root.as_deref())));
    }
    keys
}

/// Gives every message without a conversation its conversation, and settles those;
/// answers whether any had none.
pub async fn fill() -> Result<bool, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[SETTINGS], TransactionMode::ReadOnly)?;
    let done = marked_in(&tx.store(SETTINGS)?, DONE_KEY).await?;
    tx.done().await?;
    if done {
        return Ok(false);
    }
    let mut walk = Walk::default();
    let mut filled = false;
    loop {
        let tx = db.transaction(&[MESSAGES, RAW], TransactionMode::ReadOnly)?;
        let (records, last_chunk) = walk.next(&tx.store(MESSAGES)?, CHUNK).await?;
        let waiting: Vec<JsValue> = records.into_iter().filter(|r| of(r).is_none()).collect();
        let raw_store = tx.store(RAW)?;
        let raws = try_join_all(waiting.iter().map(|record| {
            let id = text_field(record, "id").unwrap_or_default();
            raw_store.get(JsValue::from_str(&id))
        }))
        .await?;
        tx.done().await?;
        let keys = keys_of(&waiting, raws).await;
        filled |= !keys.is_empty();
        // Read again where it is written: a sync or a move meanwhile is kept.
        let tx = db.transaction(&[MESSAGES, SETTINGS], TransactionMode::ReadWrite)?;
        let messages = tx.store(MESSAGES)?;
        let found = try_join_all(
            keys.iter()
                .map(|(id, _)| messages.get(JsValue::from_str(id))),
        )
        .await?;
        let mut out = Vec::new();
        let mut threads = BTreeSet::new();
        for ((_, key), record) in keys.iter().zip(found) {
            let Some(record) = record.filter(|r| !r.is_undefined() && of(r).is_none()) else {
                continue;
            };
            Reflect::set(&record, &"thread".into(), &JsValue::from_str(key))
                .map_err(|_| StoreError::Failed("cannot build a record".into()))?;
            threads.insert(key.clone());
            out.push((record, None));
        }
        messages.put_all(out.into_iter()).await?;
        settle(&messages, threads).await?;
        if last_chunk {
            mark_in(&tx.store(SETTINGS)?, DONE_KEY).await?;
        }
        super::idb_store::committed(tx.done().await?)?;
        if last_chunk {
            return Ok(filled);
        }
    }
}
