//! Deleting messages here for good. The message and its bytes go, and its UIDL keeps a
//! state "deleted here", in the same transaction, so no sync brings it back. An account
//! whose policy deletes on the server what is deleted here deletes it there at its next
//! sync: the planner decides (`shared::sync::plan`).

use std::collections::BTreeSet;

use cartero_shared::sync::{Status, UidlState};
use futures_util::future::try_join_all;
use rexie::TransactionMode;
use wasm_bindgen::JsValue;

use super::idb_store::{StateRecord, WithState, committed, stored_without_state};
use super::record::{flag_field, text_field};
use crate::model::folder::{self, Tally};
use crate::store::counters;
use crate::store::db::{self, COUNTERS, MESSAGES, RAW, StoreError, UIDL_STATE};

/// The state a deleted message leaves: its own, marked deleted here. A message stored
/// before states existed has none, and gets one.
fn deleted_state(message: WithState, apart: Option<JsValue>) -> Result<StateRecord, StoreError> {
    let state = match (message.state, apart.filter(|v| !v.is_undefined())) {
        (Some(inline), _) => inline.into_state(message.uidl),
        (None, Some(value)) => serde_wasm_bindgen::from_value::<StateRecord>(value)?.into_state(),
        (None, None) => stored_without_state(message.uidl),
    };
    let state = UidlState {
        status: Status::DeletedHere,
        ..state
    };
    Ok(StateRecord::new(&message.account, state))
}

/// Deletes the messages `ids` (`account/uidl`) here, in one transaction; ids not stored
/// (deleted meanwhile, by another tab) are skipped.
pub async fn delete_here(ids: &[String]) -> Result<(), StoreError> {
    let keys: Vec<JsValue> = ids.iter().map(|id| JsValue::from_str(id)).collect();
    let db = db::open().await?;
    let tx = db.transaction(
        &[MESSAGES, RAW, UIDL_STATE, COUNTERS],
        TransactionMode::ReadWrite,
    )?;
    let messages = tx.store(MESSAGES)?;
    let raws = tx.store(RAW)?;
    let states = tx.store(UIDL_STATE)?;
    // Each step's requests are issued together, in one turn of the event loop.
    let found = try_join_all(keys.iter().map(|key| messages.get(key.clone()))).await?;
    let apart = try_join_all(keys.iter().map(|key| states.get(key.clone()))).await?;
    let mut deleted = Vec::new();
    let mut left = Vec::new();
    let mut tally = Tally::default();
    let mut threads = BTreeSet::new();
    for ((key, record), apart) in keys.iter().zip(found).zip(apart) {
        let Some(record) = record.filter(|r| !r.is_undefined()) else {
            continue;
        };
        let folder = text_field(&record, "folder").unwrap_or_else(folder::inbox);
        let unread = flag_field(&record, "unread");
        threads.extend(super::threads::of(&record));
        let message: WithState = serde_wasm_bindgen::from_value(record)?;
        tally.count(&message.account, &folder, unread, -1);
        left.push((
            serde_wasm_bindgen::to_value(&deleted_state(message, apart)?)?,
            None,
        ));
        deleted.push(key.clone());
    }
    try_join_all(deleted.iter().map(|key| messages.delete(key.clone()))).await?;
    try_join_all(deleted.iter().map(|key| raws.delete(key.clone()))).await?;
    // The conversations left behind get their heads again.
    super::threads::settle(&messages, threads).await?;
    states.put_all(left.into_iter()).await?;
    counters::apply(&tx.store(COUNTERS)?, &tally).await?;
    committed(tx.done().await?)
}
