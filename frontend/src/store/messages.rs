//! Messages: metadata and raw bytes (the sync worker writes them with their UIDL state,
//! in one transaction; see `worker::idb_store`).

use js_sys::{Object, Reflect, Uint8Array};
use rexie::TransactionMode;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

use super::db::{self, RAW, StoreError};

/// Messages above this size are stored as a Blob: the bytes go from wasm memory to the
/// browser's blob store once, without a JavaScript copy that IndexedDB would clone again
/// (a 50 MB message peaked at 3.3 times its size as a `Uint8Array`). Small ones stay a
/// `Uint8Array`: a Blob each would cost a file each.
const BLOB_OVER: usize = 1024 * 1024;

/// The raw-bytes record of a message.
pub fn raw_record(id: &str, raw: &[u8]) -> Result<JsValue, StoreError> {
    let record = Object::new();
    let set = |key: &str, value: &JsValue| {
        Reflect::set(&record, &JsValue::from_str(key), value)
            .map_err(|_| StoreError::Failed("cannot build a record".into()))
    };
    set("id", &JsValue::from_str(id))?;
    let bytes: JsValue = match raw.len() > BLOB_OVER {
        true => crate::blob::from_bytes(raw, Some("message/rfc822"))
            .ok_or_else(|| StoreError::Failed("cannot hold a big message".into()))?
            .into(),
        false => Uint8Array::from(raw).into(),
    };
    set("bytes", &bytes)?;
    Ok(record.into())
}

/// A stored message's raw bytes as IndexedDB holds them: a Blob (a big message) or a
/// `Uint8Array`.
pub struct StoredRaw(JsValue);

impl StoredRaw {
    /// The bytes, copied into wasm memory.
    pub async fn bytes(&self) -> Result<Vec<u8>, StoreError> {
        let bytes = match self.0.dyn_ref::<Blob>() {
            Some(blob) => JsFuture::from(blob.array_buffer())
                .await
                .map_err(|_| StoreError::Failed("a stored message cannot be read".into()))?,
            None => self.0.clone(),
        };
        Ok(Uint8Array::new(&bytes).to_vec())
    }

    /// The bytes as a `message/rfc822` Blob: the stored Blob itself, or one made from the
    /// stored array by the browser. Neither passes through wasm memory.
    pub fn blob(&self) -> Option<Blob> {
        if let Some(blob) = self.0.dyn_ref::<Blob>() {
            return Some(blob.clone());
        }
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("message/rfc822");
        Blob::new_with_u8_array_sequence_and_options(&js_sys::Array::of1(&self.0), &options).ok()
    }
}

/// The raw bytes of a stored message.
pub async fn raw(id: &str) -> Result<Option<StoredRaw>, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[RAW], TransactionMode::ReadOnly)?;
    let record = tx.store(RAW)?.get(JsValue::from_str(id)).await?;
    tx.done().await?;
    let Some(record) = record else {
        return Ok(None);
    };
    let bytes = Reflect::get(&record, &JsValue::from_str("bytes"))
        .map_err(|_| StoreError::Failed("a stored message has no bytes".into()))?;
    Ok(Some(StoredRaw(bytes)))
}
