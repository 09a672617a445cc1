//! Where an account's sync is, and its status line.

use serde::{Deserialize, Serialize};

use super::error::SyncError;
use crate::i18n::{Lang, T, tr};

/// Where the current or last sync is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Downloading: messages and octets saved so far, and to save in all.
    Downloading {
        /// Messages saved.
        done: usize,
        /// Messages planned.
        total: usize,
        /// Octets saved.
        octets: u64,
        /// Octets planned.
        octets_total: u64,
    },
    /// Deleting downloaded mail on the server, as the account's policy says.
    Deleting {
        /// Messages to delete.
        count: usize,
    },
    /// Finished; this many new messages were saved.
    Done {
        /// New messages.
        new: usize,
        /// Messages deleted on the server.
        #[serde(default)]
        deleted: usize,
        /// False when the server has no `UIDL` and messages are told apart by headers.
        exact_ids: bool,
    },
    /// Another tab or window is syncing this account; its progress shows here too.
    Busy,
    /// Stopped by the person; what was saved stays saved, nothing was deleted.
    Cancelled,
    /// Stopped with an error; what was saved stays saved.
    Failed(SyncError),
}

impl SyncPhase {
    /// Whether a sync is running.
    pub fn is_running(&self) -> bool {
        !matches!(
            self,
            SyncPhase::Idle
                | SyncPhase::Done { .. }
                | SyncPhase::Failed(_)
                | SyncPhase::Busy
                | SyncPhase::Cancelled
        )
    }

    /// The stable word of `sync-status`'s `data-state` (DESIGN.md's hooks).
    pub fn state_word(&self) -> &'static str {
        match self {
            SyncPhase::Idle | SyncPhase::Cancelled => "idle",
            SyncPhase::Waiting { .. } => "waiting",
            SyncPhase::Done { .. } => "done",
            SyncPhase::Failed(_) => "failed",
            SyncPhase::Busy => "busy",
            _ => "running",
        }
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
            SyncPhase::Downloading {
                done,
                total,
                octets,
                octets_total,
            } => format!(
                "{} {done} {} {total} ({} / {})…",
                tr(lang, T::Downloading),
                tr(lang, T::Of),
                crate::format::size(*octets as usize),
                crate::format::size(*octets_total as usize)
            ),
            SyncPhase::Deleting { count } => {
                format!("{} ({count})…", tr(lang, T::DeletingOnServer))
            }
            SyncPhase::Busy => tr(lang, T::SyncBusy).to_owned(),
            SyncPhase::Cancelled => tr(lang, T::SyncCancelled).to_owned(),
            SyncPhase::Done {
                new,
                deleted,
                exact_ids,
            } => {
                let mut done = match new {
                    0 => tr(lang, T::UpToDate).to_owned(),
                    n => format!("{n} {}", tr(lang, T::NewMessages)),
                };
                if *deleted > 0 {
                    done = format!("{done} {deleted} {}", tr(lang, T::DeletedOnServer));
                }
                match exact_ids {
                    true => done,
                    false => format!("{done} {}", tr(lang, T::NoUidlWarning)),
                }
            }
            SyncPhase::Failed(error) => error.describe(lang),
        }
    }
}
