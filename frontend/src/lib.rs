//! Cartero's browser app: the page (Leptos UI) and the sync worker are two binaries of this
//! crate. [`model`] holds what both share; [`worker`] is the worker's; the rest is the page's.

pub mod account;
pub mod actions;
pub mod app;
pub mod attention;
pub mod blob;
pub mod components;
pub mod format;
pub mod html;
pub mod i18n;
pub mod list_window;
pub mod listing;
pub mod mime;
pub mod model;
pub mod passphrase;
pub mod row_pool;
pub mod state;
pub mod store;
pub mod sync;
pub mod vault;
pub mod worker;

fn register_service_worker() {
    if let Some(window) = web_sys::window() {
        // Without a service worker (old browser, private mode) the app still works online.
        let _ = window.navigator().service_worker().register("/sw.js");
    }
}

/// The page's entry point: panic hook, service worker, mount.
pub fn start_page() {
    console_error_panic_hook::set_once();
    register_service_worker();
    leptos::mount::mount_to_body(app::App);
}
