//! An account's server policy: what happens on the server to mail Cartero has downloaded.
//!
//! These are the two modes every POP3 guide describes (leave it there, or take it off the
//! server) plus Thunderbird's refinements: leave it for N days, delete it on the server when
//! it is deleted here, and download only the headers of big messages.

use serde::{Deserialize, Serialize};

/// Milliseconds in a day.
pub const DAY_MS: f64 = 86_400_000.0;

/// How long downloaded mail stays on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "mode", rename_all = "kebab-case")]
pub enum Retention {
    /// Leave it on the server (the default: the server copy is the safety net while a
    /// browser's storage can be evicted).
    #[default]
    Leave,
    /// Delete it from the server once it is safely stored here.
    DeleteAfterDownload,
    /// Leave it on the server for this many days after it was first downloaded, then
    /// delete it there.
    LeaveForDays {
        /// Days to keep it on the server.
        days: u32,
    },
}

/// An account's server policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub struct Policy {
    /// How long downloaded mail stays on the server.
    pub retention: Retention,
    /// Delete a message on the server when the person deletes it here for good.
    #[serde(default)]
    pub delete_when_deleted_here: bool,
    /// Download only the headers (`TOP n 0`) of messages larger than this many octets;
    /// the body comes when the message is opened.
    #[serde(default)]
    pub headers_only_over: Option<u64>,
}

/// How an account tells its messages apart across sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Identity {
    /// The server's `UIDL`: exact.
    Uidl,
    /// A fingerprint of the header block (a server without `UIDL`): not exact, so nothing
    /// is ever deleted on the server and nothing is downloaded headers-only.
    Fingerprint,
}

/// Why a policy cannot be used on an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PolicyRefused {
    /// The server has no `UIDL`: Cartero cannot be sure which message it would delete, or
    /// which partial message a later body belongs to (Thunderbird refuses the same).
    #[error("the server does not give messages lasting ids (no UIDL)")]
    NoUidl,
}

impl Policy {
    /// Whether the policy ever deletes mail on the server.
    pub fn deletes_on_server(&self) -> bool {
        self.retention != Retention::Leave || self.delete_when_deleted_here
    }

    /// Checks the policy against the account's identity mode.
    pub fn check(&self, identity: Identity) -> Result<(), PolicyRefused> {
        let needs_uidl = self.deletes_on_server() || self.headers_only_over.is_some();
        match (identity, needs_uidl) {
            (Identity::Fingerprint, true) => Err(PolicyRefused::NoUidl),
            _ => Ok(()),
        }
    }

    /// Whether a message kept here since `first_seen_ms` is due for deletion on the server
    /// at `now_ms`.
    pub fn retention_expired(&self, first_seen_ms: f64, now_ms: f64) -> bool {
        match self.retention {
            Retention::Leave => false,
            Retention::DeleteAfterDownload => true,
            Retention::LeaveForDays { days } => now_ms - first_seen_ms >= f64::from(days) * DAY_MS,
        }
    }

    /// The policy as it applies to an account with `identity`: on a fingerprint account
    /// every delete and headers-only choice is dropped, so mail stays safe whatever was
    /// saved.
    pub fn effective(&self, identity: Identity) -> Policy {
        match identity {
            Identity::Uidl => *self,
            Identity::Fingerprint => Policy::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_leaves_everything_on_the_server() {
        let p = Policy::default();
        assert!(!p.deletes_on_server());
        assert!(!p.retention_expired(0.0, 1e15));
        assert_eq!(p.headers_only_over, None);
    }

    #[test]
    fn days_count_from_the_first_download() {
        let p = Policy {
            retention: Retention::LeaveForDays { days: 7 },
            ..Policy::default()
        };
        assert!(!p.retention_expired(0.0, 7.0 * DAY_MS - 1.0));
        assert!(p.retention_expired(0.0, 7.0 * DAY_MS));
    }

    #[test]
    fn a_fingerprint_account_refuses_deletion_and_headers_only() {
        let deleting = Policy {
            retention: Retention::DeleteAfterDownload,
            ..Policy::default()
        };
        let when_here = Policy {
            delete_when_deleted_here: true,
            ..Policy::default()
        };
        let partial = Policy {
            headers_only_over: Some(50_000),
            ..Policy::default()
        };
        for p in [deleting, when_here, partial] {
            assert_eq!(p.check(Identity::Fingerprint), Err(PolicyRefused::NoUidl));
            assert_eq!(p.check(Identity::Uidl), Ok(()));
            assert_eq!(p.effective(Identity::Fingerprint), Policy::default());
        }
        assert_eq!(Policy::default().check(Identity::Fingerprint), Ok(()));
    }

    #[test]
    fn the_stored_form_is_stable() {
        let p = Policy {
            retention: Retention::LeaveForDays { days: 14 },
            delete_when_deleted_here: true,
            headers_only_over: Some(51_200),
        };
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(
            json,
            r#"{"retention":{"mode":"leave-for-days","days":14},"delete-when-deleted-here":true,"headers-only-over":51200}"#
        );
        assert_eq!(serde_json::from_str::<Policy>(&json).unwrap(), p);
    }
}
