//! Opening a stored message for the page: the worker reads the raw bytes, parses them and
//! answers its page with the readable form and a Blob per attachment. The page then holds
//! no MIME parser, and attachment bytes never pass through its wasm memory.

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::DedicatedWorkerGlobalScope;

use crate::blob;
use crate::mime::render::render;
use crate::store::messages;

/// The answer to post (see `Intent::Open`): the ticket, the readable form of message `id`
/// (`null` when it is not stored or cannot be read), the whole raw message as a Blob (its
/// source, and what "save as .eml" saves), then each attachment as a Blob, made from the
/// parsed message's own decoded bytes.
async fn answer(id: &str, ticket: u64) -> Array {
    let mut blobs = Vec::new();
    let mut source = JsValue::NULL;
    let message = match messages::raw(id).await {
        Ok(Some(raw)) => {
            source =
                blob::from_bytes(&raw, Some("message/rfc822")).map_or(JsValue::NULL, Into::into);
            Some(render(&raw, |attachment, bytes| {
                let contents = blob::from_bytes(bytes, Some(&attachment.mime));
                blobs.push(contents.map_or(JsValue::NULL, Into::into));
            }))
        }
        _ => None,
    };
    let message = serde_wasm_bindgen::to_value(&message).unwrap_or(JsValue::NULL);
    let out = Array::of3(&JsValue::from_f64(ticket as f64), &message, &source);
    for b in blobs {
        out.push(&b);
    }
    out
}

/// Opens message `id` and posts the answer to this worker's page.
pub async fn open(id: &str, ticket: u64) {
    let answer = answer(id, ticket).await;
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    // A page that went away needs no answer.
    let _ = scope.post_message(&answer);
}
