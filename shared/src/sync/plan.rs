//! The pure sync planner: (server listing, what the store holds) → [`Plan`].

use std::collections::{HashMap, HashSet};

use crate::pop3::{ListEntry, MsgNum, Uidl, UidlEntry};

/// One message on the server, as `UIDL` and `LIST` describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerMessage {
    /// Its number in this session.
    pub num: MsgNum,
    /// Its unique-id: the key it is stored under.
    pub uidl: Uidl,
    /// Its size in octets, as the server counts them (0 when `LIST` did not say).
    pub size: u64,
}

/// Joins `UIDL` and `LIST` replies by message number.
pub fn join_listing(uidls: &[UidlEntry], sizes: &[ListEntry]) -> Vec<ServerMessage> {
    let size_of: HashMap<MsgNum, u64> = sizes.iter().map(|e| (e.num, e.size)).collect();
    uidls
        .iter()
        .map(|e| ServerMessage {
            num: e.num,
            uidl: e.uidl.clone(),
            size: size_of.get(&e.num).copied().unwrap_or(0),
        })
        .collect()
}

/// What one sync will do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Messages to download whole, newest (highest number) first, so that on a slow link
    /// the mail most likely to matter arrives first.
    pub fetch: Vec<ServerMessage>,
    /// Total octets to download, for progress.
    pub fetch_octets: u64,
}

/// Plans a sync. A message is fetched when the store does not hold its unique-id yet; a
/// unique-id listed twice (a server bug) is fetched once. Nothing is ever deleted here:
/// the default account policy leaves mail on the server.
pub fn plan(listing: &[ServerMessage], is_stored: impl Fn(&Uidl) -> bool) -> Plan {
    let mut seen = HashSet::new();
    let mut fetch: Vec<ServerMessage> = listing
        .iter()
        .filter(|m| seen.insert(&m.uidl) && !is_stored(&m.uidl))
        .cloned()
        .collect();
    fetch.sort_by_key(|m| std::cmp::Reverse(m.num));
    let fetch_octets = fetch.iter().map(|m| m.size).sum();
    Plan {
        fetch,
        fetch_octets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(num: u32, uidl: &str) -> ServerMessage {
        ServerMessage {
            num: MsgNum::try_from(num).unwrap(),
            uidl: Uidl::try_from(uidl).unwrap(),
            size: 100,
        }
    }

    #[test]
    fn fetches_only_what_is_not_stored_newest_first() {
        let listing = [msg(1, "a"), msg(2, "b"), msg(3, "c")];
        let p = plan(&listing, |u| u.as_str() == "b");
        let got: Vec<&str> = p.fetch.iter().map(|m| m.uidl.as_str()).collect();
        assert_eq!(got, ["c", "a"]);
        assert_eq!(p.fetch_octets, 200);
    }

    #[test]
    fn a_duplicated_uidl_is_fetched_once() {
        let listing = [msg(1, "a"), msg(2, "a")];
        assert_eq!(plan(&listing, |_| false).fetch.len(), 1);
    }

    #[test]
    fn a_second_plan_after_storing_everything_is_empty() {
        let listing = [msg(1, "a"), msg(2, "b")];
        let first = plan(&listing, |_| false);
        let stored: HashSet<_> = first.fetch.iter().map(|m| m.uidl.clone()).collect();
        assert_eq!(plan(&listing, |u| stored.contains(u)), Plan::default());
    }

    #[test]
    fn listing_joins_sizes_by_number() {
        let uidls = [UidlEntry {
            num: MsgNum::try_from(2).unwrap(),
            uidl: Uidl::try_from("x").unwrap(),
        }];
        let sizes = [
            ListEntry {
                num: MsgNum::try_from(1).unwrap(),
                size: 5,
            },
            ListEntry {
                num: MsgNum::try_from(2).unwrap(),
                size: 9,
            },
        ];
        assert_eq!(join_listing(&uidls, &sizes)[0].size, 9);
    }
}
