//! Search over the stored messages' senders and subjects, in chunks, newest first: what
//! search does while the index is not whole yet (`worker::indexing`).
//!
//! It reads each record's fields where they are, as JavaScript strings, and compares them
//! with JavaScript's own `toLowerCase` and `includes`: nothing is copied into wasm but the
//! ids that match. A newer search stops an older one between chunks.

use js_sys::{Function, JsString, Reflect};
use rexie::{KeyRange, TransactionMode};
use wasm_bindgen::{JsCast, JsValue};

use crate::model::folder::FolderView;
use crate::store::db::{self, MESSAGES, StoreError};

/// Records read per transaction.
const CHUNK: u32 = 2000;

/// JavaScript's `String.prototype.includes`, called with a JavaScript string as its
/// argument (`JsString::includes` takes a Rust string, copied at every call).
struct Includes(Function);

impl Includes {
    fn new() -> Option<Includes> {
        let string = Reflect::get(&js_sys::global(), &"String".into()).ok()?;
        let prototype = Reflect::get(&string, &"prototype".into()).ok()?;
        let includes = Reflect::get(&prototype, &"includes".into()).ok()?;
        includes.dyn_into().ok().map(Includes)
    }

    /// Whether `record`'s field `name` contains `needle` (lower case), in any case.
    fn field_has(&self, record: &JsValue, name: &str, needle: &JsString) -> bool {
        Reflect::get(record, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.dyn_into::<JsString>().ok())
            .and_then(|text| self.0.call1(&text.to_lower_case(), needle).ok())
            .is_some_and(|found| found.is_truthy())
    }
}

/// The ids of `view`'s messages whose sender or subject contains every word of `needle`
/// (lower case), newest first; `None` when `current` says a newer search took over.
pub async fn matching(
    view: &FolderView,
    needle: &str,
    current: impl Fn() -> bool,
) -> Result<Option<Vec<String>>, StoreError> {
    let includes = Includes::new().ok_or_else(|| StoreError::Failed("no string search".into()))?;
    let words: Vec<JsString> = needle.split_whitespace().map(JsString::from).collect();
    let (folder, account) = (JsValue::from_str(&view.folder), view.account.clone());
    let mut found: Vec<(f64, String)> = Vec::new();
    let mut after: Option<JsValue> = None;
    loop {
        let range = match &after {
            Some(key) => Some(KeyRange::lower_bound(key, Some(true))),
            // One account's ids start with its id and a slash.
            None => account
                .as_ref()
                .map(|a| KeyRange::lower_bound(&JsValue::from_str(&format!("{a}/")), Some(false))),
        }
        .transpose()
        .map_err(|e| StoreError::Failed(e.to_string()))?;
        let db = db::open().await?;
        let tx = db.transaction(&[MESSAGES], TransactionMode::ReadOnly)?;
        let values = tx.store(MESSAGES)?.get_all(range, Some(CHUNK)).await?;
        tx.done().await?;
        if !current() {
            return Ok(None);
        }
        let Some(last) = values.last() else { break };
        after = Reflect::get(last, &"id".into()).ok();
        let mut past_account = false;
        for record in &values {
            let id = Reflect::get(record, &"id".into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            if let Some(a) = &account
                && crate::model::MessageMeta::account_of(&id) != a
            {
                past_account = true;
                break;
            }
            let in_folder = Reflect::get(record, &"folder".into()).is_ok_and(|f| f == folder);
            let has = |word: &JsString| {
                ["subject", "from", "from_address"]
                    .iter()
                    .any(|name| includes.field_has(record, name, word))
            };
            if in_folder && words.iter().all(has) {
                let date = Reflect::get(record, &"date_ms".into())
                    .ok()
                    .and_then(|v| v.as_f64())
                    .unwrap_or(0.0);
                found.push((date, id));
            }
        }
        if past_account || (values.len() as u32) < CHUNK {
            break;
        }
    }
    // The order the folder's index gives: date, then id, both descending.
    found.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| b.1.cmp(&a.1)));
    Ok(Some(found.into_iter().map(|(_, id)| id).collect()))
}
