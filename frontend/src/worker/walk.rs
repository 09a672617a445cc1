//! Walking the messages store a chunk of records at a time, in the order of their ids, each
//! chunk in a transaction of its own (long work that never holds the store for long).

use js_sys::Reflect;
use rexie::KeyRange;
use wasm_bindgen::JsValue;

use crate::store::db::StoreError;

/// Where a walk is: after the id of the last record it read.
#[derive(Debug, Default)]
pub struct Walk {
    after: Option<JsValue>,
}

impl Walk {
    /// The next `chunk` records of `store` (a store of an open transaction), and whether
    /// they are the last.
    pub async fn next(
        &mut self,
        store: &rexie::Store,
        chunk: u32,
    ) -> Result<(Vec<JsValue>, bool), StoreError> {
        let range = self
            .after
            .as_ref()
            .map(|key| KeyRange::lower_bound(key, Some(true)))
            .transpose()
            .map_err(|e| StoreError::Failed(e.to_string()))?;
        let records = store.get_all(range, Some(chunk)).await?;
        let last = (records.len() as u32) < chunk;
        if let Some(id) = records
            .last()
            .and_then(|r| Reflect::get(r, &"id".into()).ok())
        {
            self.after = Some(id);
        }
        Ok((records, last))
    }
}
