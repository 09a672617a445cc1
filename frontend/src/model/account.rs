//! Accounts and stored message metadata, as both binaries see them.

use cartero_shared::sync::Policy;
use cartero_shared::wire::Security;
use serde::{Deserialize, Serialize};

use super::Sealed;

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
    /// Kept only when the user asked to remember it, and only while no primary
    /// passphrase is set.
    pub password: Option<String>,
    /// The remembered password, sealed with the primary passphrase's key when one is set.
    #[serde(default)]
    pub sealed_password: Option<Sealed>,
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
    /// The name shown for the account (empty: its address).
    #[serde(default)]
    pub name: String,
    /// Its colour in the lists, `#rrggbb` (empty: one picked from its id).
    #[serde(default)]
    pub colour: String,
    /// The account was removed but its downloaded mail kept on this device (ms since the
    /// epoch): it no longer syncs, and its mail stays readable and searchable.
    #[serde(default)]
    pub removed_ms: Option<f64>,
}

fn default_check_minutes() -> u32 {
    10
}

/// Account colours: distinct from each other and readable on the light and the dark theme.
pub const PALETTE: [&str; 8] = [
    "#2f7dd1", "#c2410c", "#15803d", "#9333ea", "#b45309", "#0e7490", "#be185d", "#4d7c0f",
];

impl Account {
    /// Whether a password is remembered for it, in the clear or sealed.
    pub fn remembers_password(&self) -> bool {
        self.password.is_some() || self.sealed_password.is_some()
    }

    /// The name the lists show: the one given, or the address.
    pub fn label(&self) -> &str {
        match self.name.trim() {
            "" => &self.email,
            name => name,
        }
    }

    /// The account's colour: the one chosen, or one of [`PALETTE`] picked from its id.
    pub fn colour(&self) -> &str {
        if self.colour.starts_with('#') {
            return &self.colour;
        }
        let pick = self
            .id
            .bytes()
            .fold(0usize, |h, b| h.wrapping_mul(31) + b as usize);
        PALETTE[pick % PALETTE.len()]
    }

    /// Whether `other` reaches the same mailbox: same server, port and user. When it does
    /// not, what this device knows of the old mailbox's UIDLs says nothing about the new
    /// one's (the same UIDL may name another message there).
    pub fn same_mailbox(&self, other: &Account) -> bool {
        self.host == other.host && self.port == other.port && self.username == other.username
    }
}

/// What the list shows of a stored message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
    /// Not read yet: downloaded by a sync and not opened since (mail stored before this
    /// existed counts as read).
    #[serde(default)]
    pub unread: bool,
    /// The folder it is filed in (mail stored before folders existed is in the Inbox).
    #[serde(default = "super::folder::inbox")]
    pub folder: String,
    /// Flagged by the person.
    #[serde(default)]
    pub flagged: bool,
    /// The sender as the list sorts it (`model::order::sender_key`); mail stored before
    /// it existed gets it from the worker at start (`worker::key_fields`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_key: Option<String>,
    /// Its date while it is unread, else none: the key of the sparse index of unread
    /// mail (a boolean is not an IndexedDB key). See [`MessageMeta::set_key_fields`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unread_at: Option<f64>,
    /// Its date while it is flagged, else none: as `unread_at`, for flagged mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flagged_at: Option<f64>,
    /// Its conversation (`model::thread::key`); mail stored before conversations existed
    /// gets it from the worker at start (`worker::threads`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<String>,
    /// Its date while it is the newest of its conversation in its folder, else none: the
    /// key of the sparse index of heads, one row per conversation (`model::thread`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_at: Option<f64>,
    /// While it is a head: its conversation's messages in the folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_count: Option<u32>,
    /// While it is a head: those not read yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_unread: Option<u32>,
    /// Its number in the search index, once indexed (`worker::index`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<u32>,
}

impl MessageMeta {
    /// Sets the fields that only exist to be index keys from the others (`sender_key`,
    /// `unread_at`, `flagged_at`): called before each write of a whole record.
    pub fn set_key_fields(&mut self) {
        self.sender_key = Some(super::order::sender_key(&self.from));
        self.unread_at = self.unread.then_some(self.date_ms);
        self.flagged_at = self.flagged.then_some(self.date_ms);
    }

    /// Makes it the head of its conversation in its folder, carrying `head`'s counts, or
    /// (with `None`) no head (`model::thread`).
    pub fn set_head(&mut self, head: Option<super::thread::Head>) {
        self.head_at = head.map(|h| h.at);
        self.thread_count = head.map(|h| h.count);
        self.thread_unread = head.map(|h| h.unread);
    }

    /// The key prefix shared by every message of `account` (ids are `account/uidl`, and
    /// account ids hold no `/`).
    pub fn key_prefix(account: &str) -> String {
        format!("{account}/")
    }

    /// The account id in a message id (`account/uidl`).
    pub fn account_of(id: &str) -> &str {
        id.split_once('/').map_or(id, |(account, _)| account)
    }

    /// The store key of a message.
    pub fn key(account: &str, uidl: &str) -> String {
        format!("{account}/{uidl}")
    }
}

/// `text` in lower case, every script's. In the browser this is JavaScript's own
/// `toLowerCase`: Rust's `to_lowercase` would bring Unicode's case table into the page's
/// wasm (about 3 KB gzip).
#[cfg(target_arch = "wasm32")]
pub fn lower_case(text: &str) -> String {
    js_sys::JsString::from(text).to_lower_case().into()
}

/// `text` in lower case (natively, for tests).
#[cfg(not(target_arch = "wasm32"))]
pub fn lower_case(text: &str) -> String {
    text.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(id: &str) -> Account {
        Account {
            id: id.into(),
            email: "ana@example.org".into(),
            host: "pop.example.org".into(),
            port: 995,
            security: Security::Tls,
            username: "ana".into(),
            password: None,
            sealed_password: None,
            demo: false,
            policy: Policy::default(),
            check_minutes: 10,
            name: String::new(),
            colour: String::new(),
            removed_ms: None,
        }
    }

    #[test]
    fn an_account_without_a_name_or_colour_gets_its_address_and_a_steady_colour() {
        let a = account("acct-1");
        assert_eq!(a.label(), "ana@example.org");
        assert!(PALETTE.contains(&a.colour()));
        assert_eq!(
            a.colour(),
            account("acct-1").colour(),
            "the same on every load"
        );
        let named = Account {
            name: " Trabajo ".into(),
            colour: "#123456".into(),
            ..a
        };
        assert_eq!(named.label(), "Trabajo");
        assert_eq!(named.colour(), "#123456");
    }

    #[test]
    fn another_server_or_user_is_another_mailbox() {
        let a = account("a");
        let renamed = Account {
            name: "Work".into(),
            check_minutes: 5,
            ..a.clone()
        };
        assert!(a.same_mailbox(&renamed));
        for other in [
            Account {
                host: "mail.example.org".into(),
                ..a.clone()
            },
            Account {
                username: "bob".into(),
                ..a.clone()
            },
            Account {
                port: 110,
                ..a.clone()
            },
        ] {
            assert!(!a.same_mailbox(&other));
        }
    }
}
