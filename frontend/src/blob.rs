//! Blobs of bytes from wasm memory: attachment downloads, and big messages in IndexedDB.

use js_sys::{Array, Uint8Array};
use web_sys::{Blob, BlobPropertyBag, Url};

/// A Blob holding a copy of `bytes` (of type `mime`, when given), made straight from wasm
/// memory: no intermediate JavaScript copy, and the Blob's bytes live in the browser's
/// blob store, not in this thread's heap.
pub fn from_bytes(bytes: &[u8], mime: Option<&str>) -> Option<Blob> {
    // SAFETY: the view is read only by the Blob constructor, which copies it before this
    // function returns; nothing between its creation and that copy allocates in wasm
    // memory (which could move or detach the buffer the view points into).
    let view = unsafe { Uint8Array::view(bytes) };
    let parts = Array::of1(&view);
    let options = BlobPropertyBag::new();
    if let Some(mime) = mime {
        options.set_type(mime);
    }
    Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()
}

/// An object URL for `blob`; revoke it with [`revoke`].
pub fn object_url(blob: &Blob) -> Option<String> {
    Url::create_object_url_with_blob(blob).ok()
}

/// Frees an object URL.
pub fn revoke(url: &str) {
    let _ = Url::revoke_object_url(url);
}
