//! The frame's document: a CSP first in its head (nothing but inline styles and, until the
//! reader allows remote images, `data:` images), no referrer, links to new tabs, a light
//! page of its own (a message written for a white page stays readable in dark mode),
//! then the message's cleaned sheets and body.

use web_sys::Document;

use super::{Policy, Prepared};

/// The frame's policy while remote images are blocked, and once they are allowed: only
/// images are added, never scripts, sheets, fonts, frames or connections.
const CSP_BLOCKED: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";
const CSP_IMAGES: &str = "default-src 'none'; img-src data: https: http:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/// The frame's own styles, before the message's.
const BASE_STYLE: &str = "html{color-scheme:light;background:#fff;color:#1b1b1b}\
body{margin:12px;font:15px/1.45 system-ui,sans-serif;overflow-wrap:anywhere}\
img{max-width:100%}pre{white-space:pre-wrap}\
.cartero-mismatch{outline:2px solid #c62828;outline-offset:1px}\
.cartero-goes-to{color:#b71c1c;font:600 13px system-ui,sans-serif}";

/// `text` escaped for HTML text.
pub fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The whole frame document around `sheets` (each a serialized `<style>`) and `body` (a
/// serialized `<body>`; when empty, `text`, already escaped, is shown as it is).
pub fn page(body: &str, sheets: &[String], text: &str, policy: &Policy) -> String {
    let csp = match policy.remote_images {
        true => CSP_IMAGES,
        false => CSP_BLOCKED,
    };
    let body = match body.is_empty() {
        true => format!("<body><pre>{text}</pre></body>"),
        false => body.to_owned(),
    };
    format!(
        "<!doctype html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\
<meta name=\"referrer\" content=\"no-referrer\"><base target=\"_blank\"><style>{BASE_STYLE}</style>{}</head>{body}</html>",
        sheets.concat()
    )
}

/// The frame document of a cleaned `document`.
pub fn from_clean(document: &Document, remote: u32, policy: &Policy) -> Prepared {
    let sheets: Vec<String> = document
        .head()
        .map(|head| {
            let styles = head.children();
            (0..styles.length())
                .filter_map(|i| styles.item(i))
                .filter(|e| e.local_name() == "style")
                .map(|e| e.outer_html())
                .collect()
        })
        .unwrap_or_default();
    let body = document
        .body()
        .map(|b| b.outer_html())
        .unwrap_or_else(|| "<body></body>".into());
    Prepared {
        srcdoc: page(&body, &sheets, "", policy),
        remote,
    }
}
