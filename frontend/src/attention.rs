//! Telling the person about unread and new mail outside the list: the unread count in the
//! tab's title and the installed app's badge, and (when they turned it on) a notification
//! for new mail while Cartero is not in view.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

use crate::i18n::{T, counted};
use crate::state::AppStore;

/// Where this browser remembers that the person wants notifications.
const NOTIFY_KEY: &str = "cartero-notify";

/// The tab's title for `unread` messages.
pub fn title(unread: usize) -> String {
    match unread {
        0 => "Cartero".to_owned(),
        n => format!("({n}) Cartero"),
    }
}

/// Keeps the title and the app badge on the unread count; call once at the root.
pub fn follow_unread(store: AppStore) {
    Effect::new(move |_| {
        let unread = store.count(None, None).1 as usize;
        document().set_title(&title(unread));
        set_badge(unread);
    });
}

/// `navigator.setAppBadge(n)` / `clearAppBadge()`, where the browser has them (an
/// installed app on most desktops); elsewhere nothing.
fn set_badge(unread: usize) {
    let navigator = window().navigator();
    let name = if unread == 0 {
        "clearAppBadge"
    } else {
        "setAppBadge"
    };
    let Ok(method) = js_sys::Reflect::get(&navigator, &name.into()) else {
        return;
    };
    if let Some(method) = method.dyn_ref::<js_sys::Function>() {
        // The returned promise fails where badges are not allowed: nothing to tell.
        let _ = method.call1(&navigator, &(unread as f64).into());
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// Whether the person turned new-mail notifications on (and the browser allows them).
pub fn notifications_on() -> bool {
    let asked = local_storage()
        .and_then(|s| s.get_item(NOTIFY_KEY).ok().flatten())
        .is_some_and(|v| v == "on");
    asked && Notification::permission() == NotificationPermission::Granted
}

/// Turns notifications on (asking the browser's permission) or off; `on_refused` runs
/// when the browser or the person refuses.
pub fn set_notifications(on: bool, on_refused: impl FnOnce() + 'static) {
    let remember = |value: &str| {
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(NOTIFY_KEY, value);
        }
    };
    if !on {
        return remember("off");
    }
    remember("on");
    spawn_local(async move {
        let granted = match Notification::request_permission() {
            Ok(promise) => JsFuture::from(promise)
                .await
                .ok()
                .and_then(|answer| answer.as_string())
                .is_some_and(|answer| answer == "granted"),
            Err(_) => false,
        };
        if !granted {
            on_refused();
        }
    });
}

/// `new` unread messages arrived for `account`: a notification, when the person wants
/// them and this tab is not in view. Every open tab hears of the mail; the notification's
/// tag, one per account, makes theirs one.
pub fn new_mail(store: AppStore, account: &str, new: usize) {
    let hidden = document().visibility_state() != web_sys::VisibilityState::Visible;
    if !hidden || !notifications_on() {
        return;
    }
    let lang = store.lang.get_untracked();
    let label = store
        .account(account)
        .map(|a| a.label().to_owned())
        .unwrap_or_default();
    let options = NotificationOptions::new();
    let new = counted(lang, new as u64, T::NewMailOne, T::NewMail);
    options.set_body(&format!("{new} · {label}"));
    options.set_tag(&format!("cartero-new/{account}"));
    let _ = Notification::new_with_options("Cartero", &options);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_carries_the_unread_count() {
        assert_eq!(title(0), "Cartero");
        assert_eq!(title(12), "(12) Cartero");
    }
}
