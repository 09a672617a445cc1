//! One sync per account across tabs and windows: the Web Locks API.
//!
//! `navigator.locks.request(name, {ifAvailable: true}, job)` runs `job` only when no other
//! tab, window or worker of this origin holds the lock, and holds it until `job` ends (or
//! the worker dies, which frees it). web-sys gates `LockManager` behind its unstable APIs,
//! so the call goes through `Reflect`.

use std::cell::RefCell;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};

/// `navigator.locks` and its `request` method, when the browser has them.
fn lock_manager() -> Option<(JsValue, Function)> {
    let global = js_sys::global();
    let locks = Reflect::get(&global, &"navigator".into())
        .and_then(|n| Reflect::get(&n, &"locks".into()))
        .ok()
        .filter(|l| !l.is_undefined() && !l.is_null());
    let request = locks.as_ref().and_then(|l| {
        Reflect::get(l, &"request".into())
            .ok()?
            .dyn_into::<Function>()
            .ok()
    });
    Some((locks?, request?))
}

/// Runs `job` holding the exclusive lock `name`; returns `false` without running it when
/// someone else holds the lock. A browser without Web Locks runs it unguarded.
pub async fn run_exclusive<F>(name: &str, job: F) -> bool
where
    F: Future<Output = ()> + 'static,
{
    run_holding(name, true, job).await
}

/// Runs `job` holding the exclusive lock `name`, waiting for it as long as someone else
/// holds it; `false` when the browser refused the request.
pub async fn run_when_free<F>(name: &str, job: F) -> bool
where
    F: Future<Output = ()> + 'static,
{
    run_holding(name, false, job).await
}

async fn run_holding<F>(name: &str, if_available: bool, job: F) -> bool
where
    F: Future<Output = ()> + 'static,
{
    let Some((locks, request)) = lock_manager() else {
        job.await;
        return true;
    };
    let job = RefCell::new(Some(job));
    let callback = Closure::once_into_js(move |lock: JsValue| -> Promise {
        match job.borrow_mut().take() {
            Some(job) if !lock.is_null() => future_to_promise(async move {
                job.await;
                Ok(JsValue::TRUE)
            }),
            _ => Promise::resolve(&JsValue::FALSE),
        }
    });
    let options = Object::new();
    if if_available {
        let _ = Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
    }
    let Ok(promise) = request.call3(&locks, &JsValue::from_str(name), &options, &callback) else {
        return false;
    };
    match JsFuture::from(Promise::from(promise)).await {
        Ok(ran) => ran.as_bool() == Some(true),
        Err(_) => false,
    }
}

/// Waits until nobody holds the lock `name` (the holder finished, or its tab closed),
/// holding it for no time at all.
pub async fn wait_until_free(name: &str) {
    let Some((locks, request)) = lock_manager() else {
        return;
    };
    let callback = Closure::once_into_js(|_lock: JsValue| Promise::resolve(&JsValue::TRUE));
    if let Ok(promise) = request.call2(&locks, &JsValue::from_str(name), &callback) {
        let _ = JsFuture::from(Promise::from(promise)).await;
    }
}
