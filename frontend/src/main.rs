//! Cartero's browser app: set the panic hook, register the service worker, mount.

mod account;
mod actions;
mod app;
mod blob;
mod components;
mod format;
mod i18n;
mod mime;
mod state;
mod store;
mod sync;

fn register_service_worker() {
    if let Some(window) = web_sys::window() {
        // Without a service worker (old browser, private mode) the app still works online.
        let _ = window.navigator().service_worker().register("/sw.js");
    }
}

fn main() {
    console_error_panic_hook::set_once();
    register_service_worker();
    leptos::mount::mount_to_body(app::App);
}
