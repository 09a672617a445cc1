//! The app's state: one [`AppStore`] of signals created at the root, and plain data types
//! with pure methods.

use cartero_shared::wire::Security;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, T, tr};
use crate::sync::SyncError;

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
}

impl MessageMeta {
    /// The store key of a message.
    pub fn key(account: &str, uidl: &str) -> String {
        format!("{account}/{uidl}")
    }

    fn matches(&self, needle: &str) -> bool {
        needle.is_empty()
            || self.subject.to_lowercase().contains(needle)
            || self.from.to_lowercase().contains(needle)
            || self.from_address.to_lowercase().contains(needle)
    }
}

/// Where the current or last sync is.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncPhase {
    /// No sync since the app opened.
    Idle,
    /// Waiting out the server's `LOGIN-DELAY` before connecting.
    Waiting {
        /// When the sync starts (wall clock, ms since the epoch).
        until_ms: f64,
        /// The server's delay, in whole minutes (rounded up).
        delay_minutes: u64,
    },
    /// Opening the WebSocket and the POP3 connection.
    Connecting,
    /// Upgrading with STLS.
    Securing,
    /// Sending the credentials.
    LoggingIn,
    /// Reading the server's listing.
    Listing,
    /// Downloading: messages saved so far, and to save in all.
    Downloading {
        /// Saved.
        done: usize,
        /// Planned.
        total: usize,
    },
    /// Finished; this many new messages were saved.
    Done {
        /// New messages.
        new: usize,
        /// False when the server has no `UIDL` and messages are told apart by headers.
        exact_ids: bool,
    },
    /// Stopped with an error; what was saved stays saved.
    Failed(SyncError),
}

impl SyncPhase {
    /// Whether a sync is running.
    pub fn is_running(&self) -> bool {
        !matches!(
            self,
            SyncPhase::Idle | SyncPhase::Done { .. } | SyncPhase::Failed(_)
        )
    }

    /// The status line in `lang`.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            SyncPhase::Idle => tr(lang, T::NeverSynced).to_owned(),
            SyncPhase::Waiting {
                until_ms,
                delay_minutes,
            } => format!(
                "{} ({delay_minutes} min): {} {}.",
                tr(lang, T::LoginDelayAsks),
                tr(lang, T::SyncingAt),
                crate::format::time(*until_ms, lang)
            ),
            SyncPhase::Connecting => tr(lang, T::Connecting).to_owned(),
            SyncPhase::Securing => tr(lang, T::Securing).to_owned(),
            SyncPhase::LoggingIn => tr(lang, T::LoggingIn).to_owned(),
            SyncPhase::Listing => tr(lang, T::Listing).to_owned(),
            SyncPhase::Downloading { done, total } => format!(
                "{} {done} {} {total}…",
                tr(lang, T::Downloading),
                tr(lang, T::Of)
            ),
            SyncPhase::Done { new, exact_ids } => {
                let done = match new {
                    0 => tr(lang, T::UpToDate).to_owned(),
                    n => format!("{n} {}", tr(lang, T::NewMessages)),
                };
                match exact_ids {
                    true => done,
                    false => format!("{done} {}", tr(lang, T::NoUidlWarning)),
                }
            }
            SyncPhase::Failed(error) => error.describe(lang),
        }
    }
}

/// Merges newly saved messages into a list kept newest first, without duplicates.
pub fn merge_newest_first(list: &mut Vec<MessageMeta>, new: Vec<MessageMeta>) {
    for message in new {
        if !list.iter().any(|m| m.id == message.id) {
            list.push(message);
        }
    }
    list.sort_by(|a, b| b.date_ms.total_cmp(&a.date_ms).then(b.id.cmp(&a.id)));
}

/// The app's signals, created once at the root and shared by context.
#[derive(Debug, Clone, Copy)]
pub struct AppStore {
    /// Interface language.
    pub lang: RwSignal<Lang>,
    /// Set once stored state is loaded.
    pub ready: RwSignal<bool>,
    /// Set when the browser's storage could not be opened.
    pub storage_failed: RwSignal<bool>,
    /// The account, when one is set up.
    pub account: RwSignal<Option<Account>>,
    /// The password for this page's life, when it is not remembered.
    pub session_password: RwSignal<Option<String>>,
    /// Stored messages, newest first.
    pub messages: RwSignal<Vec<MessageMeta>>,
    /// The open message's id.
    pub selected: RwSignal<Option<String>>,
    /// The search text.
    pub query: RwSignal<String>,
    /// The sync state.
    pub sync: RwSignal<SyncPhase>,
}

impl AppStore {
    /// A store with nothing loaded yet.
    pub fn new() -> AppStore {
        AppStore {
            lang: RwSignal::new(Lang::from_browser()),
            ready: RwSignal::new(false),
            storage_failed: RwSignal::new(false),
            account: RwSignal::new(None),
            session_password: RwSignal::new(None),
            messages: RwSignal::new(Vec::new()),
            selected: RwSignal::new(None),
            query: RwSignal::new(String::new()),
            sync: RwSignal::new(SyncPhase::Idle),
        }
    }

    /// A text in the current language (reactive).
    pub fn t(&self, t: T) -> &'static str {
        tr(self.lang.get(), t)
    }

    /// The messages the list shows (search applied).
    pub fn visible(&self) -> Vec<MessageMeta> {
        let needle = self.query.get().trim().to_lowercase();
        self.messages
            .with(|all| all.iter().filter(|m| m.matches(&needle)).cloned().collect())
    }

    /// Adds messages the sync saved.
    pub fn add_messages(&self, new: Vec<MessageMeta>) {
        self.messages.update(|list| merge_newest_first(list, new));
    }

    /// The password a sync can use now, if any.
    pub fn password(&self) -> Option<String> {
        self.session_password.get_untracked().or_else(|| {
            self.account
                .get_untracked()
                .and_then(|account| account.password)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(uidl: &str, date_ms: f64) -> MessageMeta {
        MessageMeta {
            id: MessageMeta::key("a", uidl),
            account: "a".into(),
            uidl: uidl.into(),
            from: "F".into(),
            from_address: "f@example.org".into(),
            subject: format!("s-{uidl}"),
            date_ms,
            size: 1,
            attachments: 0,
        }
    }

    #[test]
    fn merging_keeps_newest_first_and_never_duplicates() {
        let mut list = vec![meta("old", 1.0)];
        merge_newest_first(&mut list, vec![meta("new", 3.0), meta("old", 1.0)]);
        merge_newest_first(&mut list, vec![meta("mid", 2.0), meta("new", 3.0)]);
        let order: Vec<&str> = list.iter().map(|m| m.uidl.as_str()).collect();
        assert_eq!(order, ["new", "mid", "old"]);
    }

    #[test]
    fn search_matches_subject_and_sender_case_insensitively() {
        let m = meta("x", 1.0);
        assert!(m.matches("s-x"));
        assert!(m.matches("example.org"));
        assert!(!m.matches("nothing"));
    }
}
