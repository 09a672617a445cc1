//! Opening a stored message for the page: the worker reads the raw bytes, parses them and
//! answers its page with the readable form and a Blob per attachment. The page then holds
//! no MIME parser, and attachment bytes never pass through its wasm memory.

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::DedicatedWorkerGlobalScope;

use crate::blob;
use crate::mime::render::{Parsed, render};
use crate::store::messages;

/// Reads and parses message `id`; `None` when it is not stored or cannot be read.
async fn parse(id: &str) -> Option<Parsed> {
    let raw = messages::raw(id).await.ok()??;
    Some(render(&raw))
}

/// The answer to post (see `Intent::Open`): the ticket, the readable form as JSON, then
/// each attachment as a Blob.
fn answer(ticket: u64, parsed: Option<Parsed>) -> Array {
    let (message, contents) = match parsed {
        Some(p) => (Some(p.rendered), p.contents),
        None => (None, Vec::new()),
    };
    let blobs: Vec<JsValue> = match &message {
        Some(m) => m
            .attachments
            .iter()
            .zip(&contents)
            .map(|(a, bytes)| {
                blob::from_bytes(bytes, Some(&a.mime)).map_or(JsValue::NULL, Into::into)
            })
            .collect(),
        None => Vec::new(),
    };
    let json = serde_json::to_string(&message).expect("a rendered message is plain data");
    let out = Array::of2(&JsValue::from_f64(ticket as f64), &JsValue::from_str(&json));
    for b in blobs {
        out.push(&b);
    }
    out
}

/// Opens message `id` and posts the answer to this worker's page.
pub async fn open(id: &str, ticket: u64) {
    let parsed = parse(id).await;
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    // A page that went away needs no answer.
    let _ = scope.post_message(&answer(ticket, parsed));
}
