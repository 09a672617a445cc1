//! Folders and the counts kept per account and folder.
//!
//! Every message is filed in one folder. Five exist on every device; the person adds their
//! own beside them. The store keeps, per account and folder, how many messages there are
//! and how many are unread ([`Counter`]): the worker changes them in the same transaction
//! as the messages, so the lists show counts without counting.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Where new mail goes.
pub const INBOX: &str = "inbox";
/// Mail kept out of the way (`e`).
pub const ARCHIVE: &str = "archive";
/// Mail sent from this device (once sending exists).
pub const SENT: &str = "sent";
/// Mail being written.
pub const DRAFTS: &str = "drafts";
/// Deleted mail, until Trash is emptied.
pub const TRASH: &str = "trash";
/// The folders every device has, in the order the list shows them.
pub const BUILT_IN: [&str; 5] = [INBOX, ARCHIVE, SENT, DRAFTS, TRASH];

/// Whether `folder` is one of the five every device has.
pub fn is_built_in(folder: &str) -> bool {
    BUILT_IN.contains(&folder)
}

/// The folder of a message stored before folders existed (serde's default).
pub fn inbox() -> String {
    INBOX.to_owned()
}

/// The messages a folder view lists: a folder, of every account or of one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FolderView {
    /// The folder id.
    pub folder: String,
    /// One account's messages only.
    pub account: Option<String>,
}

/// How many messages an account has in a folder, and how many of them are unread.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counter {
    /// The account id.
    pub account: String,
    /// The folder id.
    pub folder: String,
    /// Messages in all.
    pub total: u32,
    /// Unread messages.
    pub unread: u32,
    /// How many times a message of the account arrived in the folder, left it or got a
    /// mark: what the worker's memory of a folder's keys is checked against
    /// ([`Version`]). Counters written before it have none.
    #[serde(default)]
    pub changes: u32,
}

/// A folder's version, as its counters tell in one transaction: each account's count of
/// changes there. Anything that changes the folder's messages or their marks changes it,
/// in the same transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Version(Vec<(String, u32)>);

impl Version {
    /// The version of `folder` that `counters` (every stored counter) tell.
    pub fn of(counters: &[Counter], folder: &str) -> Version {
        let mut changes: Vec<(String, u32)> = counters
            .iter()
            .filter(|c| c.folder == folder)
            .map(|c| (c.account.clone(), c.changes))
            .collect();
        changes.sort();
        Version(changes)
    }
}

/// Changes to counters, gathered while a transaction changes messages, then applied to the
/// stored counters in the same transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally(BTreeMap<(String, String), Change>);

/// What a transaction changes in one counter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Change {
    /// The change in messages in all.
    pub total: i64,
    /// The change in unread messages.
    pub unread: i64,
    /// How many times a message arrived, left or got a mark (never netted out).
    pub times: u32,
}

impl Tally {
    /// A message of `account` in `folder` arrives (`sign` 1) or leaves (`sign` -1).
    pub fn count(&mut self, account: &str, folder: &str, unread: bool, sign: i64) {
        let entry = self.entry(account, folder);
        entry.total += sign;
        entry.unread += sign * i64::from(unread);
    }

    /// A message of `account` in `folder` changes in a way the counts do not show (its
    /// flag): the folder's [`Version`] changes all the same.
    pub fn touch(&mut self, account: &str, folder: &str) {
        self.entry(account, folder);
    }

    /// The change to `account`'s counter in `folder`, counted once more.
    fn entry(&mut self, account: &str, folder: &str) -> &mut Change {
        let entry = self
            .0
            .entry((account.to_owned(), folder.to_owned()))
            .or_default();
        entry.times = entry.times.saturating_add(1);
        entry
    }

    /// Whether no counter changes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The (account, folder) pairs that change, with their change. A message that arrived
    /// and left nets out of the counts, not out of the times.
    pub fn changes(&self) -> impl Iterator<Item = (&str, &str, Change)> {
        self.0
            .iter()
            .map(|((a, f), &change)| (a.as_str(), f.as_str(), change))
    }
}

impl Counter {
    /// This counter changed by `change` (never below zero).
    pub fn changed_by(mut self, change: Change) -> Counter {
        let add = |n: u32, by: i64| (i64::from(n) + by).clamp(0, i64::from(u32::MAX)) as u32;
        self.total = add(self.total, change.total);
        self.unread = add(self.unread, change.unread).min(self.total);
        self.changes = self.changes.wrapping_add(change.times);
        self
    }
}

/// Sums of counters: of one account or of all, in one folder or in every folder but Trash.
pub fn sum(counters: &[Counter], account: Option<&str>, folder: Option<&str>) -> (u32, u32) {
    counters
        .iter()
        .filter(|c| account.is_none_or(|a| c.account == a))
        .filter(|c| match folder {
            Some(f) => c.folder == f,
            None => c.folder != TRASH,
        })
        .fold((0, 0), |(total, unread), c| {
            (total + c.total, unread + c.unread)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_nets_out_moves_and_marks_but_not_their_times() {
        let change = |total, unread, times| Change {
            total,
            unread,
            times,
        };
        let mut tally = Tally::default();
        tally.count("a", INBOX, true, 1);
        tally.count("a", INBOX, true, -1);
        let changes: Vec<_> = tally.changes().collect();
        assert_eq!(changes, [("a", INBOX, change(0, 0, 2))], "arrived and left");
        tally.count("a", INBOX, true, -1);
        tally.count("a", ARCHIVE, false, 1);
        tally.touch("b", ARCHIVE);
        let changes: Vec<_> = tally.changes().collect();
        assert_eq!(
            changes,
            [
                ("a", ARCHIVE, change(1, 0, 1)),
                ("a", INBOX, change(-1, -1, 3)),
                ("b", ARCHIVE, change(0, 0, 1)),
            ]
        );
    }

    #[test]
    fn a_folder_version_changes_with_any_of_its_counters_and_no_other() {
        let counter = |account: &str, folder: &str, changes| Counter {
            account: account.into(),
            folder: folder.into(),
            changes,
            ..Counter::default()
        };
        let before = [counter("b", INBOX, 4), counter("a", INBOX, 7)];
        let version = Version::of(&before, INBOX);
        let elsewhere = [before[1].clone(), before[0].clone(), counter("a", TRASH, 1)];
        assert_eq!(
            Version::of(&elsewhere, INBOX),
            version,
            "order, other folders"
        );
        let changed = [counter("b", INBOX, 5), counter("a", INBOX, 7)];
        assert_ne!(Version::of(&changed, INBOX), version);
        // An account gone and another's count grown by as much: still a change.
        let swapped = [counter("b", INBOX, 11)];
        assert_ne!(Version::of(&swapped, INBOX), version);
    }

    #[test]
    fn counters_never_go_below_zero_nor_unread_above_total() {
        let c = Counter {
            account: "a".into(),
            folder: INBOX.into(),
            total: 1,
            unread: 1,
            changes: u32::MAX,
        };
        let by = |total, unread| Change {
            total,
            unread,
            times: 1,
        };
        let c = c.changed_by(by(-2, -5));
        assert_eq!((c.total, c.unread, c.changes), (0, 0, 0));
        let c = c.changed_by(by(1, 3));
        assert_eq!((c.total, c.unread, c.changes), (1, 1, 1));
    }

    #[test]
    fn sums_leave_trash_out_unless_asked() {
        let c = |account: &str, folder: &str, total, unread| Counter {
            account: account.into(),
            folder: folder.into(),
            total,
            unread,
            changes: 0,
        };
        let all = [
            c("a", INBOX, 10, 2),
            c("a", TRASH, 5, 5),
            c("b", INBOX, 3, 1),
            c("b", ARCHIVE, 4, 0),
        ];
        assert_eq!(sum(&all, None, Some(INBOX)), (13, 3));
        assert_eq!(sum(&all, Some("a"), None), (10, 2));
        assert_eq!(sum(&all, Some("a"), Some(TRASH)), (5, 5));
        assert_eq!(sum(&all, None, None), (17, 3));
    }
}
