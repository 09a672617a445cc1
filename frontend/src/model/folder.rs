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
}

/// Changes to counters, gathered while a transaction changes messages, then applied to the
/// stored counters in the same transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally(BTreeMap<(String, String), (i64, i64)>);

impl Tally {
    /// A message of `account` in `folder` arrives (`sign` 1) or leaves (`sign` -1).
    pub fn count(&mut self, account: &str, folder: &str, unread: bool, sign: i64) {
        let entry = self
            .0
            .entry((account.to_owned(), folder.to_owned()))
            .or_default();
        entry.0 += sign;
        entry.1 += sign * i64::from(unread);
    }

    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.0
            .values()
            .all(|&(total, unread)| total == 0 && unread == 0)
    }

    /// The (account, folder) pairs that change, with their change in total and in unread.
    pub fn changes(&self) -> impl Iterator<Item = (&str, &str, i64, i64)> {
        self.0
            .iter()
            .filter(|(_, (total, unread))| *total != 0 || *unread != 0)
            .map(|((a, f), &(total, unread))| (a.as_str(), f.as_str(), total, unread))
    }
}

impl Counter {
    /// This counter changed by `total` and `unread` (never below zero).
    pub fn changed_by(mut self, total: i64, unread: i64) -> Counter {
        let add = |n: u32, by: i64| (i64::from(n) + by).clamp(0, i64::from(u32::MAX)) as u32;
        self.total = add(self.total, total);
        self.unread = add(self.unread, unread).min(self.total);
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
    fn a_tally_nets_out_moves_and_marks() {
        let mut tally = Tally::default();
        tally.count("a", INBOX, true, 1);
        tally.count("a", INBOX, true, -1);
        assert_eq!(tally.changes().count(), 0, "arrived and left");
        tally.count("a", INBOX, true, -1);
        tally.count("a", ARCHIVE, false, 1);
        let changes: Vec<_> = tally.changes().collect();
        assert_eq!(changes, [("a", ARCHIVE, 1, 0), ("a", INBOX, -1, -1)]);
    }

    #[test]
    fn counters_never_go_below_zero_nor_unread_above_total() {
        let c = Counter {
            account: "a".into(),
            folder: INBOX.into(),
            total: 1,
            unread: 1,
        };
        let c = c.changed_by(-2, -5);
        assert_eq!((c.total, c.unread), (0, 0));
        let c = c.changed_by(1, 3);
        assert_eq!((c.total, c.unread), (1, 1));
    }

    #[test]
    fn sums_leave_trash_out_unless_asked() {
        let c = |account: &str, folder: &str, total, unread| Counter {
            account: account.into(),
            folder: folder.into(),
            total,
            unread,
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
