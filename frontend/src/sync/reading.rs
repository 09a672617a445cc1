//! Asking this page's worker for a message to read (see `worker::reader`): each request
//! has a ticket, and the worker's answer resolves the promise waiting under it.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use js_sys::{Array, Function, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

use crate::model::{Intent, Rendered};

thread_local! {
    static TICKETS: Cell<u64> = const { Cell::new(0) };
    /// The promises' `resolve` functions, by ticket.
    static WAITING: RefCell<HashMap<u64, Function>> = RefCell::new(HashMap::new());
}

/// A message ready to read, with its source and the pictures that get a preview.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenMessage {
    /// What the view shows.
    pub rendered: Rendered,
    /// The whole raw message (`message/rfc822`).
    pub source: Option<Blob>,
    /// Per attachment, in order: its contents when it gets a preview (see
    /// [`attachment`] for the others).
    pub previews: Vec<Option<Blob>>,
}

/// Posts the intent `make` builds with a new ticket and waits for the worker's answer to
/// it; `None` when there is no worker, or it did not answer in time.
pub(super) async fn ask(make: impl FnOnce(u64) -> Intent) -> Option<Array> {
    let ticket = TICKETS.with(|t| {
        t.set(t.get() + 1);
        t.get()
    });
    let promise = Promise::new(&mut |resolve, _reject| {
        WAITING.with(|w| w.borrow_mut().insert(ticket, resolve));
    });
    if !super::send(&make(ticket)) {
        WAITING.with(|w| w.borrow_mut().remove(&ticket));
        return None;
    }
    // A worker that died mid-parse (or never started) would leave the view waiting: after
    // a while the request gives up, and the view says the message cannot be opened.
    wasm_bindgen_futures::spawn_local(async move {
        gloo_timers::future::sleep(GIVE_UP_AFTER).await;
        give_up(ticket);
    });
    JsFuture::from(promise).await.ok()?.dyn_into().ok()
}

/// Message `id`, parsed by the worker; `None` when it is not stored, cannot be read, or
/// there is no worker.
pub async fn open(id: &str) -> Option<OpenMessage> {
    let id = id.to_owned();
    let answer = ask(|ticket| Intent::Open { id, ticket }).await?;
    let rendered: Option<Rendered> = serde_wasm_bindgen::from_value(answer.get(1)).ok()?;
    let rendered = rendered?;
    let source = answer.get(2).dyn_into::<Blob>().ok();
    let previews = (3..answer.length())
        .map(|i| answer.get(i).dyn_into::<Blob>().ok())
        .collect();
    Some(OpenMessage {
        rendered,
        source,
        previews,
    })
}

/// The contents of attachment `index` of message `id`, decoded by the worker when the
/// reader asks for them; `None` when it cannot be read.
pub async fn attachment(id: &str, index: usize) -> Option<Blob> {
    let id = id.to_owned();
    let answer = ask(|ticket| Intent::Attachment {
        id,
        index: index as u32,
        ticket,
    })
    .await?;
    answer.get(1).dyn_into::<Blob>().ok()
}

/// How long an open waits for the worker: a 50 MB message parses in a few seconds.
const GIVE_UP_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

/// Answers request `ticket`, if it still waits, with "not readable".
fn give_up(ticket: u64) {
    if let Some(resolve) = WAITING.with(|w| w.borrow_mut().remove(&ticket)) {
        let nothing = Array::of2(&JsValue::from_f64(ticket as f64), &JsValue::NULL);
        let _ = resolve.call1(&JsValue::UNDEFINED, &nothing);
    }
}

/// Answers every waiting request with "not readable": the worker failed.
pub(super) fn give_up_all() {
    let tickets: Vec<u64> = WAITING.with(|w| w.borrow().keys().copied().collect());
    for ticket in tickets {
        give_up(ticket);
    }
}

/// Hands a worker's answer to the request waiting for it.
pub(super) fn answer(data: &Array) {
    let ticket = data.get(0).as_f64().map(|t| t as u64);
    let resolve = ticket.and_then(|t| WAITING.with(|w| w.borrow_mut().remove(&t)));
    if let Some(resolve) = resolve {
        let _ = resolve.call1(&JsValue::UNDEFINED, data);
    }
}
