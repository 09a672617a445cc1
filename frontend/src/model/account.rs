//! Accounts and stored message metadata, as both binaries see them.

use cartero_shared::sync::Policy;
use cartero_shared::wire::Security;
use serde::{Deserialize, Serialize};

/// A POP3 account, as stored on this device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// Stable local id (the key of its messages).
    pub id: String,
    /// The address shown to the user.
    pub email: String,
    /// POP3 server host.
    pub host: String,
    /// POP3 server port.
    pub port: u16,
    /// How the relay secures the connection.
    pub security: Security,
    /// POP3 user name.
    pub username: String,
    /// Kept only when the user asked to remember it.
    pub password: Option<String>,
    /// The relay's demo mailbox (no clear-text warning: it is on the relay's loopback).
    pub demo: bool,
    /// What happens on the server to downloaded mail (accounts saved before policies
    /// existed leave it there).
    #[serde(default)]
    pub policy: Policy,
    /// Check for new mail every this many minutes while the app is open (0: only when the
    /// person presses Sync). Thunderbird's default is 10.
    #[serde(default = "default_check_minutes")]
    pub check_minutes: u32,
}

fn default_check_minutes() -> u32 {
    10
}

/// What the list shows of a stored message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageMeta {
    /// `account/uidl`: the store key, unique per (account, UIDL).
    pub id: String,
    /// The account id.
    pub account: String,
    /// The server's unique-id.
    pub uidl: String,
    /// The sender's display name, or the address when there is none.
    pub from: String,
    /// The sender's address.
    pub from_address: String,
    /// The decoded subject.
    pub subject: String,
    /// Milliseconds since the epoch (0 when the message has no readable date).
    pub date_ms: f64,
    /// Size in octets.
    pub size: u64,
    /// Number of attachments.
    pub attachments: u32,
    /// Only the headers are stored (the policy's size limit); the body comes when opened.
    #[serde(default)]
    pub partial: bool,
}

impl MessageMeta {
    /// The store key of a message.
    pub fn key(account: &str, uidl: &str) -> String {
        format!("{account}/{uidl}")
    }

    /// Whether the search text (already lower-cased) matches subject or sender.
    pub fn matches(&self, needle: &str) -> bool {
        needle.is_empty()
            || self.subject.to_lowercase().contains(needle)
            || self.from.to_lowercase().contains(needle)
            || self.from_address.to_lowercase().contains(needle)
    }
}
