//! When each account last logged in and the server's `LOGIN-DELAY`, kept in
//! `localStorage`: small, synchronous, and lost without harm (the worst case is one
//! login refused with `[LOGIN-DELAY]`, which the person is told about).

use cartero_shared::sync::LastLogin;

fn key(account_id: &str) -> String {
    format!("cartero.last-login.{account_id}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Remembers a successful login now, with the delay the server announced.
pub fn record(account_id: &str, delay_secs: u64) {
    let last = LastLogin {
        at_ms: js_sys::Date::now(),
        delay_secs,
    };
    if let (Some(storage), Ok(json)) = (storage(), serde_json::to_string(&last)) {
        // Storage full or disabled: the next sync simply does not wait.
        let _ = storage.set_item(&key(account_id), &json);
    }
}

/// The account's last login, if this device remembers one.
pub fn last(account_id: &str) -> Option<LastLogin> {
    let json = storage()?.get_item(&key(account_id)).ok()??;
    serde_json::from_str(&json).ok()
}
