//! The orders a folder's list can be read in: by date (the default), by sender or by size,
//! each either way, and by conversation (one row per conversation, newest first, as
//! Thunderbird's "threaded" sort: see `model::thread`). Every order is an IndexedDB index walked one way or the other, so a
//! page of rows costs the same in each (see `worker::rows`).

use serde::{Deserialize, Serialize};

use super::words::fold_into;

/// How a folder's messages are listed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Order {
    /// Newest first (the default).
    #[default]
    Newest,
    /// Oldest first.
    Oldest,
    /// By sender, A to Z (one sender's mail oldest first).
    SenderAz,
    /// By sender, Z to A (one sender's mail newest first).
    SenderZa,
    /// Largest first.
    Largest,
    /// Smallest first.
    Smallest,
    /// One row per conversation, the newest conversation first.
    Conversations,
}

/// What an order sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// The message's date.
    Date,
    /// The sender's name as [`sender_key`] folds it, then the date.
    Sender,
    /// The message's size in octets.
    Size,
    /// The date of a conversation's newest message in the folder (heads only).
    Thread,
}

impl Order {
    /// Every order, as the menu lists them.
    pub const ALL: [Order; 7] = [
        Order::Newest,
        Order::Oldest,
        Order::SenderAz,
        Order::SenderZa,
        Order::Largest,
        Order::Smallest,
        Order::Conversations,
    ];

    /// Its name in the page (`data-order`, the menu's values, the kept choice).
    pub fn name(self) -> &'static str {
        match self {
            Order::Newest => "newest",
            Order::Oldest => "oldest",
            Order::SenderAz => "sender-az",
            Order::SenderZa => "sender-za",
            Order::Largest => "largest",
            Order::Smallest => "smallest",
            Order::Conversations => "conversations",
        }
    }

    /// The order named `name`, if one is.
    pub fn named(name: &str) -> Option<Order> {
        Order::ALL.into_iter().find(|o| o.name() == name)
    }

    /// What it sorts by.
    pub fn key(self) -> SortKey {
        match self {
            Order::Newest | Order::Oldest => SortKey::Date,
            Order::SenderAz | Order::SenderZa => SortKey::Sender,
            Order::Largest | Order::Smallest => SortKey::Size,
            Order::Conversations => SortKey::Thread,
        }
    }

    /// Whether the index is walked from its end (greatest keys first).
    pub fn descending(self) -> bool {
        matches!(
            self,
            Order::Newest | Order::SenderZa | Order::Largest | Order::Conversations
        )
    }
}

/// How many chars of a sender's name sort it (the rest rarely tells two apart).
const KEY_CHARS: usize = 64;

/// The key a sender's name sorts by: folded to lower case without accents ("Álvaro" with
/// "alvaro", between "Alba" and "Beatriz"), with the quotes, brackets and spaces some
/// senders put around their name left out.
pub fn sender_key(from: &str) -> String {
    let name = from.trim_matches(|c: char| !c.is_alphanumeric());
    let mut key = String::with_capacity(name.len().min(KEY_CHARS));
    for c in name.chars().take(KEY_CHARS) {
        fold_into(c, &mut key);
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_order_is_found_by_its_name() {
        for order in Order::ALL {
            assert_eq!(Order::named(order.name()), Some(order));
        }
        assert_eq!(Order::named("upside-down"), None);
        assert_eq!(Order::default(), Order::Newest);
    }

    #[test]
    fn each_order_walks_its_key_one_way() {
        assert_eq!(Order::Oldest.key(), SortKey::Date);
        assert!(!Order::Oldest.descending());
        assert_eq!(Order::SenderAz.key(), SortKey::Sender);
        assert!(!Order::SenderAz.descending());
        assert_eq!(Order::Largest.key(), SortKey::Size);
        assert!(Order::Largest.descending());
    }

    #[test]
    fn senders_sort_without_case_accents_or_quotes() {
        let mut names = vec!["Zoe", "\"Álvaro Pérez\"", "beatriz", "alba", "  <ñandú>"];
        names.sort_by_key(|n| sender_key(n));
        assert_eq!(
            names,
            ["alba", "\"Álvaro Pérez\"", "beatriz", "  <ñandú>", "Zoe"]
        );
        assert_eq!(sender_key("\"Álvaro Pérez\""), "alvaro perez");
        assert_eq!(sender_key(""), "");
        assert_eq!(sender_key(&"x".repeat(500)).len(), KEY_CHARS);
    }
}
