//! One attachment of the open message: saved as a file (never shown as a page), with a
//! preview for a picture and its own viewer for a PDF.

use leptos::prelude::*;
use web_sys::Blob;

use crate::blob;
use crate::format;
use crate::i18n::T;
use crate::model::reading::Attachment;
use crate::state::AppStore;

/// Pictures the browser shows as an image and nothing else (an SVG is left out: opened on
/// its own it is a document that can run scripts).
const PREVIEWED: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/bmp",
    "image/avif",
];

/// An object URL for `contents` under another type (a slice: no copy), revoked with the view.
fn url_as(contents: &Option<Blob>, mime: &str) -> Option<String> {
    let typed = contents
        .as_ref()?
        .slice_with_f64_and_f64_and_content_type(0.0, contents.as_ref()?.size(), mime)
        .ok()?;
    let url = blob::object_url(&typed)?;
    let revoke = url.clone();
    on_cleanup(move || blob::revoke(&revoke));
    Some(url)
}

/// The attachment `attachment`, its decoded `contents` from the worker.
#[component]
pub fn AttachmentLink(attachment: Attachment, contents: Option<Blob>) -> impl IntoView {
    let store = expect_context::<AppStore>();
    let mime = attachment.mime.to_ascii_lowercase();
    // Saved as bytes: a browser never renders an `application/octet-stream` download.
    let download = url_as(&contents, "application/octet-stream").unwrap_or_default();
    let preview = match PREVIEWED.contains(&mime.as_str()) {
        true => url_as(&contents, &mime),
        false => None,
    };
    let pdf = match mime == "application/pdf" {
        true => url_as(&contents, "application/pdf"),
        false => None,
    };
    let name = attachment.filename;
    view! {
        <li>
            <a data-testid="attachment" data-filename=name.clone() href=download download=name.clone()>
                {name.clone()}
            </a>
            <span class="size">{format::size(attachment.size)}</span>
            {pdf.map(|url| view! {
                <a class="open" data-testid="attachment-open" href=url target="_blank" rel="noopener noreferrer">
                    {move || store.t(T::OpenAttachment)}
                </a>
            })}
            {preview.map(|url| view! { <img class="preview" data-testid="attachment-preview" src=url alt=name.clone() /> })}
        </li>
    }
}
