//! Opening a stored message for the page: the worker reads the raw bytes, parses them and
//! answers its page with the readable form, the stored message as a Blob, and a Blob of
//! each picture that gets a preview. Any other attachment is decoded when the reader asks
//! for it. The page then holds no MIME parser, and attachment bytes never pass through
//! its wasm memory.

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::DedicatedWorkerGlobalScope;

use crate::blob;
use crate::mime::render::{render, with_attachment};
use crate::model::reading::is_previewed;
use crate::store::messages;

/// The answer to post (see `Intent::Open`): the ticket, the readable form of message `id`
/// (`null` when it is not stored or cannot be read), the stored message as a Blob (its
/// source, and what "save as .eml" saves), then per attachment its contents as a Blob when
/// it gets a preview, else `null`.
async fn answer(id: &str, ticket: u64) -> Array {
    let mut previews = Vec::new();
    let mut source = JsValue::NULL;
    let mut message = None;
    if let Ok(Some(stored)) = messages::raw(id).await
        && let Ok(raw) = stored.bytes().await
    {
        source = stored.blob().map_or(JsValue::NULL, Into::into);
        message = Some(render(&raw, |attachment, bytes| {
            let preview = is_previewed(attachment)
                .then(|| blob::from_bytes(bytes, Some(&attachment.mime)))
                .flatten();
            previews.push(preview.map_or(JsValue::NULL, Into::into));
        }));
    }
    let message = serde_wasm_bindgen::to_value(&message).unwrap_or(JsValue::NULL);
    let out = Array::of3(&JsValue::from_f64(ticket as f64), &message, &source);
    for preview in previews {
        out.push(&preview);
    }
    out
}

/// Posts `answer` to this worker's page.
pub(super) fn post(answer: &Array) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    // A page that went away needs no answer.
    let _ = scope.post_message(answer);
}

/// Opens message `id` and posts the answer to this worker's page.
pub async fn open(id: &str, ticket: u64) {
    post(&answer(id, ticket).await);
}

/// Decodes attachment `index` of message `id` and posts `[ticket, Blob or null]`.
pub async fn attachment(id: &str, index: u32, ticket: u64) {
    let mut contents = JsValue::NULL;
    if let Ok(Some(stored)) = messages::raw(id).await
        && let Ok(raw) = stored.bytes().await
    {
        contents = with_attachment(&raw, index as usize, |mime, bytes| {
            blob::from_bytes(bytes, Some(mime))
        })
        .flatten()
        .map_or(JsValue::NULL, Into::into);
    }
    post(&Array::of2(&JsValue::from_f64(ticket as f64), &contents));
}
