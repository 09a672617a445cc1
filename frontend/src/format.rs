//! Formatting dates and sizes for people.

use wasm_bindgen::JsValue;

use crate::i18n::Lang;

/// A short local date and time in `lang`, or an empty string for "no date".
pub fn date(ms: f64, lang: Lang) -> String {
    if ms <= 0.0 {
        return String::new();
    }
    let date = js_sys::Date::new(&JsValue::from_f64(ms));
    let options = js_sys::Object::new();
    for (key, value) in [
        ("day", "numeric"),
        ("month", "short"),
        ("year", "numeric"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
    ] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    date.to_locale_string(lang.tag(), &options).into()
}

/// A message's date in the list, as a mail client shows it: today's as a time, this
/// year's as a day and month, older ones with the year (local time, in `lang`); empty for
/// "no date".
pub fn list_date(ms: f64, lang: Lang) -> String {
    if ms <= 0.0 {
        return String::new();
    }
    let date = js_sys::Date::new(&JsValue::from_f64(ms));
    let now = js_sys::Date::new_0();
    let same_year = date.get_full_year() == now.get_full_year();
    let today =
        same_year && date.get_month() == now.get_month() && date.get_date() == now.get_date();
    if today {
        return time(ms, lang);
    }
    let options = js_sys::Object::new();
    let mut fields = vec![("day", "numeric"), ("month", "short")];
    if !same_year {
        fields.push(("year", "numeric"));
    }
    for (key, value) in fields {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    date.to_locale_date_string(lang.tag(), &options).into()
}

/// A local time of day (hours and minutes) in `lang`.
pub fn time(ms: f64, lang: Lang) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms));
    let options = js_sys::Object::new();
    for key in ["hour", "minute"] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &"2-digit".into());
    }
    date.to_locale_time_string_with_options(lang.tag(), &options)
        .into()
}

/// A size like `12 KB`.
pub fn size(bytes: usize) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{} KB", b.div_ceil(1024)),
        b => {
            // Tenths of a MB, rounded, in integers: float formatting would cost the page
            // about 20 KB of wasm.
            let tenths = (b as u64 * 10 + 512 * 1024) / (1024 * 1024);
            format!("{}.{} MB", tenths / 10, tenths % 10)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::size;

    #[test]
    fn sizes_read_as_a_person_says_them() {
        assert_eq!(size(512), "512 B");
        assert_eq!(size(1025), "2 KB");
        assert_eq!(size(1024 * 1024), "1.0 MB");
        assert_eq!(size(1024 * 1024 + 100 * 1024), "1.1 MB");
        assert_eq!(size(50 * 1024 * 1024 - 1), "50.0 MB");
        assert_eq!(size(3_000_000_000), "2861.0 MB");
    }
}
