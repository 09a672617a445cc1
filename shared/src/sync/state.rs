//! The per-account UIDL state: what Cartero knows about each message the server lists.
//!
//! Like Thunderbird's `popstate.dat`, but written in the same transaction as the message it
//! describes, so the two can never disagree: a message counts as stored exactly when its
//! state says so.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What happened to a message the server lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Stored here whole.
    Kept,
    /// Only its headers are stored (the policy's size limit); the body comes when opened.
    HeadersOnly,
    /// Deleted here for good; it must never be downloaded again.
    DeletedHere,
    /// Deleted here, and the policy deletes it on the server too: the next session does.
    ToDeleteOnServer,
}

/// The state of one UIDL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct UidlState {
    /// The server's unique-id (or a header fingerprint, on a server without `UIDL`).
    pub uidl: String,
    /// What happened to it.
    pub status: Status,
    /// When it was first downloaded (ms since the epoch): "leave for N days" counts from here.
    pub first_seen_ms: f64,
    /// The SHA-256 of its stored bytes (hex; of the header block when headers-only).
    pub hash: String,
    /// Its `Message-ID`, when it has one.
    #[serde(default)]
    pub message_id: Option<String>,
}

impl Status {
    /// Whether a message in this state has been safely stored here at some point, so that
    /// deleting its server copy cannot lose it (a headers-only message has not).
    pub fn was_stored_whole(self) -> bool {
        !matches!(self, Status::HeadersOnly)
    }
}

/// The hex SHA-256 of a message's bytes: the content half of the identity that catches a
/// server-side UIDL reset (the other half is the `Message-ID`).
pub fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `Message-ID` header of a message (unfolded, angle brackets kept), if it has one.
/// Only the header block is read.
pub fn message_id(raw: &[u8]) -> Option<String> {
    let mut lines = raw.split(|&b| b == b'\n').map(<[u8]>::trim_ascii_end);
    while let Some(line) = lines.next() {
        if line.is_empty() {
            return None;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        if !line[..colon]
            .trim_ascii()
            .eq_ignore_ascii_case(b"message-id")
        {
            continue;
        }
        let mut value = line[colon + 1..].trim_ascii().to_vec();
        // Folded onto the next line (RFC 5322 §2.2.3).
        if value.is_empty()
            && let Some(next) = lines.next()
            && next.first().is_some_and(|b| b.is_ascii_whitespace())
        {
            value = next.trim_ascii().to_vec();
        }
        return String::from_utf8(value).ok().filter(|v| !v.is_empty());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_id_is_read_from_the_headers_only() {
        let raw = b"From: a@b\r\nMessage-ID: <x@y>\r\n\r\nMessage-ID: <body@z>\r\n";
        assert_eq!(message_id(raw).as_deref(), Some("<x@y>"));
        let folded = b"message-id:\r\n  <folded@y>\r\nSubject: s\r\n\r\n";
        assert_eq!(message_id(folded).as_deref(), Some("<folded@y>"));
        assert_eq!(
            message_id(b"Subject: s\r\n\r\nMessage-ID: <no@y>\r\n"),
            None
        );
    }

    #[test]
    fn the_content_hash_is_sha256_hex() {
        assert_eq!(
            content_hash(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn only_headers_only_was_never_stored_whole() {
        assert!(!Status::HeadersOnly.was_stored_whole());
        for s in [Status::Kept, Status::DeletedHere, Status::ToDeleteOnServer] {
            assert!(s.was_stored_whole());
        }
    }
}
