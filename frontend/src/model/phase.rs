//! Where an account's sync is, and its status line.

use serde::{Deserialize, Serialize};

use super::error::SyncError;
use crate::i18n::{Lang, T, counted, tr};

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
        /// The account's policy deletes on the server or downloads headers only, which a
        /// server without `UIDL` cannot allow: it was not applied.
        #[serde(default)]
        policy_refused: bool,
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
                policy_refused,
            } => {
                let mut done = match new {
                    0 => tr(lang, T::UpToDate).to_owned(),
                    n => counted(lang, *n as u64, T::NewMessagesOne, T::NewMessages),
                };
                if *deleted > 0 {
                    let deleted = counted(
                        lang,
                        *deleted as u64,
                        T::DeletedOnServerOne,
                        T::DeletedOnServer,
                    );
                    done = format!("{done} {deleted}");
                }
                if !exact_ids {
                    done = format!("{done} {}", tr(lang, T::NoUidlWarning));
                }
                if *policy_refused {
                    done = format!("{done} {}", tr(lang, T::PolicyRefusedNoUidl));
                }
                done
            }
            SyncPhase::Failed(error) => error.describe(lang),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_message_is_said_in_the_singular() {
        let done = |new, deleted| SyncPhase::Done {
            new,
            deleted,
            exact_ids: true,
            policy_refused: false,
        };
        assert_eq!(
            done(1, 1).describe(Lang::Es),
            "1 mensaje nuevo guardado. 1 borrado del servidor."
        );
        assert_eq!(
            done(2, 3).describe(Lang::Es),
            "2 mensajes nuevos guardados. 3 borrados del servidor."
        );
        assert_eq!(done(1, 0).describe(Lang::En), "1 new message saved.");
    }

    #[test]
    fn a_refused_policy_is_said_after_the_no_uidl_warning() {
        let done = SyncPhase::Done {
            new: 2,
            deleted: 0,
            exact_ids: false,
            policy_refused: true,
        };
        let en = done.describe(Lang::En);
        assert!(en.starts_with("2 new messages saved. This server"), "{en}");
        assert!(
            en.ends_with("it could not be sure which message is which."),
            "{en}"
        );
        let es = done.describe(Lang::Es);
        assert!(es.contains("no borra nada del servidor"), "{es}");
        let ok = SyncPhase::Done {
            new: 0,
            deleted: 3,
            exact_ids: true,
            policy_refused: false,
        };
        assert_eq!(
            ok.describe(Lang::En),
            "Up to date. 3 deleted from the server."
        );
        assert_eq!(ok.state_word(), "done");
    }
}
