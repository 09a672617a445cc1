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
    /// Attachments, in the order their contents travel.
    pub attachments: Vec<Attachment>,
}
