//! Fields of stored records, read where they are (no decoding of the whole record).

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};

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

/// Sets mark `name` (`unread` or `flagged`) of a stored record, and its index key
/// (`unread_at`, `flagged_at`: the record's date while the mark is on, else no field, so
/// the record leaves the sparse index; see `MessageMeta::set_key_fields`).
pub fn set_mark(record: &JsValue, name: &str, on: bool) -> Result<(), JsValue> {
    let key = JsValue::from_str(&format!("{name}_at"));
    Reflect::set(record, &JsValue::from_str(name), &JsValue::from_bool(on))?;
    match on {
        true => {
            let date = number_field(record, "date_ms").unwrap_or(0.0);
            Reflect::set(record, &key, &JsValue::from_f64(date))?;
        }
        false => {
            Reflect::delete_property(record.unchecked_ref::<js_sys::Object>(), &key)?;
        }
    }
    Ok(())
}
