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
    mark(START_MARK);
    console_error_panic_hook::set_once();
    register_service_worker();
    leptos::mount::mount_to_body(app::App);
}

/// The performance mark (`performance.mark`) set when the page's wasm starts: outside
/// benchmarks time the app from it (docs/test-hooks.md).
pub const START_MARK: &str = "cartero-start";
/// The performance mark set when the list first draws rows.
pub const FIRST_ROWS_MARK: &str = "cartero-first-rows";

/// Sets the performance mark `name` (for outside benchmarks; nothing reads it here).
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}
