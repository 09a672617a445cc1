//! HTML mail made safe to show (issue 10). The layers, each enough to stop what the one
//! before it misses:
//! 1. [`parse`]: the browser's own parser makes an inert document (the HTML Sanitizer
//!    API's safe `Document.parseHTML` where the browser has it, `DOMParser` elsewhere);
//!    no Rust HTML parser is in the app.
//! 2. [`walk`]: an allowlist walk over that tree, in both cases: only known layout
//!    elements and attributes stay, links are rewritten ([`urls`]), remote loads are
//!    taken out and counted until the reader allows images, styles are cleaned ([`css`]).
//! 3. [`frame`]: the document shown in a sandboxed frame (no scripts, no same origin, no
//!    forms, no top navigation) through `srcdoc`, its own CSP first in its head, so that
//!    whatever a miss lets through still loads nothing and runs nothing.

pub mod css;
pub mod frame;
pub mod parse;
pub mod urls;
pub mod walk;

/// How one message is to be shown.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// The reader chose to load remote images for this message.
    pub remote_images: bool,
    /// Inline images: each `Content-ID` with its `data:` URL (a `blob:` URL does not load
    /// in the frame's opaque origin).
    pub inline: Vec<(String, String)>,
    /// Words put after a link whose text names another site than it goes to ("goes to").
    pub goes_to: &'static str,
}

/// The sanitized message, ready for the frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The frame's whole document.
    pub srcdoc: String,
    /// Remote loads found (images, backgrounds, style sheets), for "N blocked": taken out,
    /// except images when the policy shows them (style sheets always are).
    pub remote: u32,
}

/// Sanitizes `html` (a message's HTML body, untrusted) under `policy`.
pub fn prepare(html: &str, policy: &Policy) -> Prepared {
    let Some(document) = parse::inert(html) else {
        return Prepared {
            srcdoc: frame::page("", &[], &frame::escape_text(html), policy),
            remote: 0,
        };
    };
    let remote = walk::clean(&document, policy);
    frame::from_clean(&document, remote, policy)
}
