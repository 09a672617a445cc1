//! Fields of stored records, read where they are (no decoding of the whole record).

use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// A field of a stored record as a string.
pub fn text_field(record: &JsValue, name: &str) -> Option<String> {
    Reflect::get(record, &JsValue::from_str(name))
        .ok()?
        .as_string()
}

/// A field of a stored record as a boolean (`false` when missing).
pub fn flag_field(record: &JsValue, name: &str) -> bool {
    Reflect::get(record, &JsValue::from_str(name))
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// A field of a stored record as a number.
pub fn number_field(record: &JsValue, name: &str) -> Option<f64> {
    Reflect::get(record, &JsValue::from_str(name))
        .ok()?
        .as_f64()
}
