//! A message made ready to read: what the worker parses out of the raw bytes and the page
//! shows. Pictures' contents travel beside it, as Blobs, for their previews; any other
//! attachment is decoded only when the reader asks for it (see `worker::reader`).

use serde::{Deserialize, Serialize};

/// What the message list needs from a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Sender display name, or address when there is none.
    pub from: String,
    /// Sender address.
    pub from_address: String,
    /// Decoded subject (empty when absent).
    pub subject: String,
    /// Milliseconds since the epoch, 0 when absent or unreadable.
    pub date_ms: f64,
    /// Number of attachments.
    pub attachments: u32,
    /// The root id of its conversation (`model::thread::root`), when it has any ids.
    #[serde(default)]
    pub thread: Option<String>,
}

/// An attachment, as offered for download.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    /// File name (a fallback when the message gives none).
    pub filename: String,
    /// MIME type, e.g. `application/pdf`.
    pub mime: String,
    /// Decoded size in bytes.
    pub size: usize,
    /// Its `Content-ID`, without the angle brackets: an HTML body shows it where it says
    /// `cid:` and this id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_id: Option<String>,
    /// A picture the HTML body shows by `cid:` (a logo, say): no attachment to the reader
    /// while the HTML shows, so it is listed only in the plain-text view.
    #[serde(default)]
    pub inline: bool,
}

/// A message ready to read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rendered {
    /// Header summary.
    pub summary: Summary,
    /// Recipients, as written.
    pub to: String,
    /// The body as plain text (HTML-only mail is converted to text).
    pub text: String,
    /// The body as the sender's HTML, when there is an HTML part: raw and untrusted, for
    /// the page to sanitize (`html::prepare`) before it shows anything of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// Attachments, in the order their contents travel.
    pub attachments: Vec<Attachment>,
    /// The images the HTML body shows by `cid:`, as `data:` URLs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inline: Vec<InlineImage>,
    /// Messages forwarded inside this one (`message/rfc822` parts), shown nested; each is
    /// also among the attachments, as its `.eml`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forwarded: Vec<Forwarded>,
    /// The message ends before its last part does (a closing MIME boundary is missing):
    /// something may be missing at its end.
    #[serde(default)]
    pub cut_short: bool,
    /// A part could not be decoded as it says it is encoded (broken base64, say), or the
    /// message could not be read as mail at all: what could not be decoded is shown as it
    /// came.
    #[serde(default)]
    pub undecodable: bool,
}

/// Pictures the browser shows as an image and nothing else, which get a preview (an SVG
/// is left out: opened on its own it is a document that can run scripts).
const PREVIEWED: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/bmp",
    "image/avif",
];

/// Pictures above this size get no preview: they are decoded only when saved.
pub const PREVIEW_LIMIT: usize = 8 * 1024 * 1024;

/// Whether `attachment` gets a preview, so its contents travel with the open message.
pub fn is_previewed(attachment: &Attachment) -> bool {
    attachment.size <= PREVIEW_LIMIT
        && PREVIEWED.contains(&attachment.mime.to_ascii_lowercase().as_str())
}

/// A message forwarded inside another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forwarded {
    /// Its headers.
    pub summary: Summary,
    /// Its recipients, as written.
    pub to: String,
    /// Its body as text.
    pub text: String,
    /// Its attachments' names (their contents are in the forwarded `.eml`).
    pub attachments: Vec<String>,
}

/// An image the HTML body shows from the message itself (`<img src="cid:…">`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InlineImage {
    /// Its `Content-ID`, without the angle brackets.
    pub content_id: String,
    /// Its contents as a `data:` URL.
    pub data_url: String,
}
