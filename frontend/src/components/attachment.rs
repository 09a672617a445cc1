//! One attachment of the open message: saved as a file (never shown as a page), with a
//! preview for a picture and its own viewer for a PDF. Its contents are decoded by the
//! worker when the reader first asks for them (a picture's come with the message, for its
//! preview).

use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::{Blob, HtmlAnchorElement, MouseEvent};

use crate::blob;
use crate::format;
use crate::i18n::T;
use crate::model::reading::Attachment;
use crate::state::AppStore;
use crate::sync::reading;

/// Where a link points until its contents are here.
const NOWHERE: &str = "#";

/// An object URL for `contents` under type `mime` (a slice: no copy).
fn url_as(contents: &Blob, mime: &str) -> Option<String> {
    let typed = contents
        .slice_with_f64_and_f64_and_content_type(0.0, contents.size(), mime)
        .ok()?;
    blob::object_url(&typed)
}

/// Attachment `index` of message `message`: its `preview` contents when it gets one.
#[component]
pub fn AttachmentLink(
    attachment: Attachment,
    message: String,
    index: usize,
    preview: Option<Blob>,
) -> impl IntoView {
    let store = expect_context::<AppStore>();
    let mime = attachment.mime.to_ascii_lowercase();
    let name = attachment.filename;
    // The object URLs made for this attachment, revoked with the view.
    let urls = Arc::new(Mutex::new(Vec::<String>::new()));
    let made = urls.clone();
    on_cleanup(move || {
        if let Ok(urls) = made.lock() {
            urls.iter().for_each(|url| blob::revoke(url));
        }
    });
    let keep = move |url: Option<String>| {
        if let (Some(url), Ok(mut urls)) = (&url, urls.lock()) {
            urls.push(url.clone());
        }
        url
    };
    let preview_url = preview.as_ref().and_then(|p| keep(url_as(p, &mime)));
    let contents = StoredValue::new_local(preview);
    let failed = RwSignal::new(false);
    // A link first points nowhere (`#`, so it is focusable and keyboard-activated like any
    // link): the first click asks for the contents, points the link at them as `as_type`
    // and follows it (a download, or the PDF viewer in a new tab).
    let follow = move |event: MouseEvent, as_type: &'static str, download: Option<String>| {
        let Some(link) = event
            .current_target()
            .and_then(|t| t.dyn_into::<HtmlAnchorElement>().ok())
        else {
            return;
        };
        if link.get_attribute("href").as_deref() != Some(NOWHERE) {
            return;
        }
        event.prevent_default();
        let (message, keep) = (message.clone(), keep.clone());
        spawn_local(async move {
            let held = contents.get_value();
            let blob = match held {
                Some(blob) => Some(blob),
                None => reading::attachment(&message, index).await,
            };
            contents.set_value(blob.clone());
            match blob.and_then(|b| keep(url_as(&b, as_type))) {
                Some(url) => {
                    link.set_href(&url);
                    if let Some(name) = download {
                        link.set_download(&name);
                    }
                    link.click();
                }
                None => failed.set(true),
            }
        });
    };
    let save = follow.clone();
    let is_pdf = mime == "application/pdf";
    view! {
        <li>
            // Saved as bytes: a browser never renders an `application/octet-stream` download.
            <a
                data-testid="attachment"
                data-filename=name.clone()
                href=NOWHERE
                on:click={
                    let name = name.clone();
                    move |event| save(event, "application/octet-stream", Some(name.clone()))
                }
            >
                {name.clone()}
            </a>
            <span class="size">{format::size(attachment.size)}</span>
            {is_pdf.then(|| view! {
                <a
                    class="open"
                    data-testid="attachment-open"
                    target="_blank"
                    rel="noopener noreferrer"
                    href=NOWHERE
                    on:click=move |event| follow(event, "application/pdf", None)
                >
                    {move || store.t(T::OpenAttachment)}
                </a>
            })}
            {move || failed.get().then(|| view! {
                <span class="warning" data-testid="attachment-error" role="alert">
                    {move || store.t(T::AttachmentUnreadable)}
                </span>
            })}
            {preview_url.map(|url| view! { <img class="preview" data-testid="attachment-preview" src=url alt=name.clone() /> })}
        </li>
    }
}
