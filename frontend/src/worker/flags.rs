//! Marks on stored messages that the person sets: read and unread, and the flag.

use std::collections::BTreeSet;

use rexie::TransactionMode;
use wasm_bindgen::JsValue;

use super::record::{flag_field, set_mark, text_field};
use crate::model::folder::{self, Tally};
use crate::store::counters;
use crate::store::db::{self, COUNTERS, MESSAGES, StoreError};

/// A mark the person sets on messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Unread (`true`) or read.
    Unread(bool),
    /// Flagged or not.
    Flagged(bool),
}

/// Sets `mark` on the messages `ids`, in one transaction (with the counters); ids
/// not stored (removed meanwhile) are skipped.
pub async fn mark(ids: &[String], mark: Mark) -> Result<(), StoreError> {
    let (field, on) = match mark {
        Mark::Unread(on) => ("unread", on),
        Mark::Flagged(on) => ("flagged", on),
    };
    let db = db::open().await?;
    let tx = db.transaction(&[MESSAGES, COUNTERS], TransactionMode::ReadWrite)?;
    let store = tx.store(MESSAGES)?;
    let mut tally = Tally::default();
    let mut threads = BTreeSet::new();
    for id in ids {
        let Some(record) = store.get(JsValue::from_str(id)).await? else {
            continue;
        };
        if record.is_undefined() || flag_field(&record, field) == on {
            continue;
        }
        let account = text_field(&record, "account").unwrap_or_default();
        let folder = text_field(&record, "folder").unwrap_or_else(folder::inbox);
        match mark {
            Mark::Unread(unread) => {
                tally.count(&account, &folder, !unread, -1);
                tally.count(&account, &folder, unread, 1);
            }
            Mark::Flagged(_) => tally.touch(&account, &folder),
        }
        set_mark(&record, field, on)
            .map_err(|_| StoreError::Failed("cannot mark a message".into()))?;
        store.put(&record, None).await?;
        threads.extend(super::threads::of(&record));
    }
    // A head carries its conversation's unread count.
    if let Mark::Unread(_) = mark {
        super::threads::settle(&store, threads).await?;
    }
    counters::apply(&tx.store(COUNTERS)?, &tally).await?;
    if tx.done().await?.is_committed() {
        Ok(())
    } else {
        Err(StoreError::Failed("marking messages was aborted".into()))
    }
}
