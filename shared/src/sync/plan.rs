//! The pure sync planner: (server listing, stored UIDL state, policy, now) → [`Plan`].

use std::collections::{HashMap, HashSet};

use crate::pop3::{ListEntry, MsgNum, Uidl, UidlEntry};

use super::policy::{Identity, Policy};
use super::state::{Status, UidlState};

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

/// Everything the planner looks at.
#[derive(Debug, Clone, Copy)]
pub struct PlanInput<'a> {
    /// The server's listing.
    pub listing: &'a [ServerMessage],
    /// The account's UIDL state, by UIDL.
    pub stored: &'a HashMap<String, UidlState>,
    /// The account's server policy.
    pub policy: &'a Policy,
    /// How the account tells messages apart.
    pub identity: Identity,
    /// The wall clock, ms since the epoch.
    pub now_ms: f64,
    /// Headers-only messages whose body the person asked for (they opened them).
    pub bodies_wanted: &'a HashSet<String>,
}

/// What one sync will do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Messages to download whole (`RETR`), newest (highest number) first, so that on a
    /// slow link the mail most likely to matter arrives first.
    pub fetch: Vec<ServerMessage>,
    /// Messages to download headers-only (`TOP n 0`), newest first.
    pub headers_only: Vec<ServerMessage>,
    /// Messages to delete on the server (`DELE`), once everything fetched has committed.
    pub delete: Vec<ServerMessage>,
    /// UIDLs the store knows but the server no longer lists: their state can go.
    pub gone: Vec<String>,
    /// Total octets to download whole, for progress.
    pub fetch_octets: u64,
}

impl Plan {
    /// Whether the sync has nothing to do on the server or in the store.
    pub fn is_empty(&self) -> bool {
        self.fetch.is_empty()
            && self.headers_only.is_empty()
            && self.delete.is_empty()
            && self.gone.is_empty()
    }
}

/// Whether a message in `state` is to be deleted on the server now.
fn due_for_deletion(state: &UidlState, policy: &Policy, now_ms: f64) -> bool {
    match state.status {
        Status::HeadersOnly => false,
        Status::ToDeleteOnServer => true,
        Status::Kept => policy.retention_expired(state.first_seen_ms, now_ms),
        Status::DeletedHere => {
            policy.delete_when_deleted_here || policy.retention_expired(state.first_seen_ms, now_ms)
        }
    }
}

/// Plans a sync.
///
/// - A UIDL without state is fetched whole, or headers-only when the policy's size limit
///   says so; a UIDL listed twice (a server bug) is planned once.
/// - A headers-only message is fetched whole when its body is wanted.
/// - A message is deleted on the server only when its state shows it was stored whole,
///   the policy says so, and the account's identity is an exact `UIDL`.
/// - A message deleted here is never fetched again while the server lists it.
pub fn plan(input: PlanInput<'_>) -> Plan {
    let policy = input.policy.effective(input.identity);
    let mut listed = HashSet::new();
    let mut plan = Plan::default();
    for message in input.listing {
        if !listed.insert(message.uidl.as_str()) {
            continue;
        }
        match input.stored.get(message.uidl.as_str()) {
            None => match policy.headers_only_over {
                Some(limit) if message.size > limit => plan.headers_only.push(message.clone()),
                _ => plan.fetch.push(message.clone()),
            },
            Some(state) if state.status == Status::HeadersOnly => {
                if input.bodies_wanted.contains(message.uidl.as_str()) {
                    plan.fetch.push(message.clone());
                }
            }
            Some(state) => {
                let exact = input.identity == Identity::Uidl;
                if exact && due_for_deletion(state, &policy, input.now_ms) {
                    plan.delete.push(message.clone());
                }
            }
        }
    }
    plan.gone = input
        .stored
        .keys()
        .filter(|uidl| !listed.contains(uidl.as_str()))
        .cloned()
        .collect();
    plan.gone.sort();
    plan.fetch.sort_by_key(|m| std::cmp::Reverse(m.num));
    plan.headers_only.sort_by_key(|m| std::cmp::Reverse(m.num));
    plan.fetch_octets = plan.fetch.iter().map(|m| m.size).sum();
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::policy::{DAY_MS, Retention};

    fn msg(num: u32, uidl: &str, size: u64) -> ServerMessage {
        ServerMessage {
            num: MsgNum::try_from(num).unwrap(),
            uidl: Uidl::try_from(uidl).unwrap(),
            size,
        }
    }

    fn state(uidl: &str, status: Status, first_seen_ms: f64) -> (String, UidlState) {
        let s = UidlState {
            uidl: uidl.into(),
            status,
            first_seen_ms,
            hash: String::new(),
            message_id: None,
        };
        (uidl.into(), s)
    }

    fn run(
        listing: &[ServerMessage],
        stored: &[(String, UidlState)],
        policy: Policy,
        now_ms: f64,
    ) -> Plan {
        let stored: HashMap<_, _> = stored.iter().cloned().collect();
        plan(PlanInput {
            listing,
            stored: &stored,
            policy: &policy,
            identity: Identity::Uidl,
            now_ms,
            bodies_wanted: &HashSet::new(),
        })
    }

    fn uidls(list: &[ServerMessage]) -> Vec<&str> {
        list.iter().map(|m| m.uidl.as_str()).collect()
    }

    #[test]
    fn fetches_only_what_has_no_state_newest_first() {
        let listing = [msg(1, "a", 100), msg(2, "b", 100), msg(3, "c", 100)];
        let p = run(
            &listing,
            &[state("b", Status::Kept, 0.0)],
            Policy::default(),
            0.0,
        );
        assert_eq!(uidls(&p.fetch), ["c", "a"]);
        assert_eq!(p.fetch_octets, 200);
        assert!(p.delete.is_empty() && p.gone.is_empty());
    }

    #[test]
    fn a_duplicated_uidl_is_fetched_once() {
        let listing = [msg(1, "a", 1), msg(2, "a", 1)];
        assert_eq!(run(&listing, &[], Policy::default(), 0.0).fetch.len(), 1);
    }

    #[test]
    fn big_messages_come_headers_only_until_their_body_is_wanted() {
        let policy = Policy {
            headers_only_over: Some(1000),
            ..Policy::default()
        };
        let listing = [msg(1, "small", 1000), msg(2, "big", 1001)];
        let p = run(&listing, &[], policy, 0.0);
        assert_eq!(uidls(&p.fetch), ["small"]);
        assert_eq!(uidls(&p.headers_only), ["big"]);
        let stored: HashMap<_, _> = [state("big", Status::HeadersOnly, 0.0)].into();
        let wanted: HashSet<String> = ["big".to_owned()].into();
        let opened = plan(PlanInput {
            listing: &listing[1..],
            stored: &stored,
            policy: &policy,
            identity: Identity::Uidl,
            now_ms: 0.0,
            bodies_wanted: &wanted,
        });
        assert_eq!(uidls(&opened.fetch), ["big"]);
    }

    #[test]
    fn leave_for_days_deletes_once_the_days_have_passed() {
        let policy = Policy {
            retention: Retention::LeaveForDays { days: 3 },
            ..Policy::default()
        };
        let listing = [msg(1, "old", 1), msg(2, "new", 1)];
        let stored = [
            state("old", Status::Kept, 0.0),
            state("new", Status::Kept, 2.0 * DAY_MS),
        ];
        let p = run(&listing, &stored, policy, 3.0 * DAY_MS);
        assert_eq!(uidls(&p.delete), ["old"]);
    }

    #[test]
    fn deleted_here_is_never_fetched_and_deleted_on_the_server_only_if_asked() {
        let listing = [msg(1, "gone-here", 1)];
        let stored = [state("gone-here", Status::DeletedHere, 0.0)];
        let left = run(&listing, &stored, Policy::default(), 0.0);
        assert!(left.fetch.is_empty() && left.delete.is_empty());
        let asked = Policy {
            delete_when_deleted_here: true,
            ..Policy::default()
        };
        assert_eq!(
            uidls(&run(&listing, &stored, asked, 0.0).delete),
            ["gone-here"]
        );
    }

    #[test]
    fn a_headers_only_message_is_never_deleted_on_the_server() {
        let listing = [msg(1, "partial", 1)];
        let stored = [state("partial", Status::HeadersOnly, 0.0)];
        let policy = Policy {
            retention: Retention::DeleteAfterDownload,
            delete_when_deleted_here: true,
            headers_only_over: Some(0),
        };
        assert!(run(&listing, &stored, policy, 1e15).delete.is_empty());
    }

    #[test]
    fn a_fingerprint_account_never_deletes() {
        let listing = [msg(1, "h-x", 1)];
        let stored: HashMap<_, _> = [state("h-x", Status::ToDeleteOnServer, 0.0)].into();
        let policy = Policy {
            retention: Retention::DeleteAfterDownload,
            ..Policy::default()
        };
        let p = plan(PlanInput {
            listing: &listing,
            stored: &stored,
            policy: &policy,
            identity: Identity::Fingerprint,
            now_ms: 0.0,
            bodies_wanted: &HashSet::new(),
        });
        assert!(p.is_empty());
    }

    #[test]
    fn states_of_uidls_the_server_dropped_are_pruned() {
        let stored = [state("a", Status::Kept, 0.0), state("b", Status::Kept, 0.0)];
        let p = run(&[msg(1, "a", 1)], &stored, Policy::default(), 0.0);
        assert_eq!(p.gone, ["b"]);
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
