//! Object URLs for attachment downloads.

use js_sys::{Array, Uint8Array};
use web_sys::{Blob, BlobPropertyBag, Url};

/// An object URL holding `bytes` with type `mime`; revoke it with [`revoke`].
pub fn object_url(bytes: &[u8], mime: &str) -> Option<String> {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    Url::create_object_url_with_blob(&blob).ok()
}

/// Frees an object URL.
pub fn revoke(url: &str) {
    let _ = Url::revoke_object_url(url);
}
