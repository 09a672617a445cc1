//! A message made ready to read: what the worker parses out of the raw bytes and the page
//! shows. The attachments' contents travel beside it, as Blobs (see `worker::reader`).

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
