//! Property tests of the pure sync planner: whatever the listing, stored state, policy,
//! identity and clock, a plan never deletes what is not safely stored, never fetches what
//! is, and accounts for every message exactly once.

mod support;

use std::collections::{HashMap, HashSet};

use cartero_shared::pop3::{MsgNum, Uidl};
use cartero_shared::sync::policy::DAY_MS;
use cartero_shared::sync::{Identity, PlanInput, ServerMessage, Status, UidlState, plan};
use proptest::prelude::*;
use support::policies;

fn status() -> impl Strategy<Value = Status> {
    prop_oneof![
        Just(Status::Kept),
        Just(Status::HeadersOnly),
        Just(Status::DeletedHere),
        Just(Status::ToDeleteOnServer),
    ]
}

/// A listing over UIDLs `u0..u19` (repeats allowed: a server bug) and a stored state over
/// the same names, so that listed, stored, both and neither all occur.
fn case() -> impl Strategy<Value = (Vec<ServerMessage>, HashMap<String, UidlState>)> {
    let listing = prop::collection::vec((0u8..20, 0u64..10_000), 0..30).prop_map(|entries| {
        entries
            .into_iter()
            .enumerate()
            .map(|(i, (u, size))| ServerMessage {
                num: MsgNum::try_from(i as u32 + 1).unwrap(),
                uidl: Uidl::try_from(format!("u{u}").as_str()).unwrap(),
                size,
            })
            .collect()
    });
    let stored = prop::collection::hash_map(0u8..20, (status(), 0u32..40), 0..20).prop_map(|m| {
        m.into_iter()
            .map(|(u, (status, day))| {
                let uidl = format!("u{u}");
                let state = UidlState {
                    uidl: uidl.clone(),
                    status,
                    first_seen_ms: f64::from(day) * DAY_MS,
                    hash: String::new(),
                    message_id: None,
                };
                (uidl, state)
            })
            .collect()
    });
    (listing, stored)
}

proptest! {
    #[test]
    fn a_plan_is_safe_and_complete(
        (listing, stored) in case(),
        policy in policies(30, 0..5000),
        exact in any::<bool>(),
        today in 0u32..60,
        wanted in prop::collection::hash_set(0u8..20, 0..5),
    ) {
        let identity = if exact { Identity::Uidl } else { Identity::Fingerprint };
        let bodies_wanted: HashSet<String> = wanted.iter().map(|u| format!("u{u}")).collect();
        let now_ms = f64::from(today) * DAY_MS;
        let p = plan(PlanInput {
            listing: &listing,
            stored: &stored,
            policy: &policy,
            identity,
            now_ms,
            bodies_wanted: &bodies_wanted,
        });
        let names = |list: &[ServerMessage]| -> Vec<String> {
            list.iter().map(|m| m.uidl.as_str().to_owned()).collect()
        };
        let (fetch, partial, delete) = (names(&p.fetch), names(&p.headers_only), names(&p.delete));
        let listed: HashSet<String> = names(&listing).into_iter().collect();
        // Each listed UIDL is planned at most once, in at most one list.
        let mut seen = HashSet::new();
        for uidl in fetch.iter().chain(&partial).chain(&delete) {
            prop_assert!(seen.insert(uidl.clone()), "{uidl} planned twice");
        }
        for uidl in &delete {
            let state = stored.get(uidl);
            // Only what was stored whole, only on exact ids, only when the policy says so.
            prop_assert!(exact, "{uidl} deleted on a fingerprint account");
            let state = state.expect("a deleted message has a state");
            prop_assert!(state.status != Status::HeadersOnly, "{uidl}: partial deleted");
            let by_policy = match state.status {
                Status::ToDeleteOnServer => true,
                Status::DeletedHere => {
                    policy.delete_when_deleted_here
                        || policy.retention_expired(state.first_seen_ms, now_ms)
                }
                _ => policy.retention_expired(state.first_seen_ms, now_ms),
            };
            prop_assert!(by_policy, "{uidl} deleted against the policy {policy:?}");
        }
        for uidl in &fetch {
            // Never a message already here whole or deleted here.
            let status = stored.get(uidl).map(|s| s.status);
            prop_assert!(
                status.is_none() || (status == Some(Status::HeadersOnly) && bodies_wanted.contains(uidl)),
                "{uidl} fetched again ({status:?})"
            );
        }
        for uidl in &partial {
            prop_assert!(exact && !stored.contains_key(uidl), "{uidl} headers-only");
        }
        // Every new message is planned, one way or the other.
        for uidl in listed.iter().filter(|u| !stored.contains_key(*u)) {
            prop_assert!(fetch.contains(uidl) || partial.contains(uidl), "{uidl} forgotten");
        }
        // Pruned: exactly the stored UIDLs the server no longer lists.
        let gone: HashSet<String> = p.gone.iter().cloned().collect();
        let want: HashSet<String> = stored.keys().filter(|u| !listed.contains(*u)).cloned().collect();
        prop_assert_eq!(gone, want);
        // Newest first.
        prop_assert!(p.fetch.windows(2).all(|w| w[0].num > w[1].num));
    }

    /// Time only adds deletions: what is due today is still due tomorrow.
    #[test]
    fn deletions_only_grow_with_time((listing, stored) in case(), policy in policies(30, 0..5000), today in 0u32..60) {
        let at = |day: u32| {
            let p = plan(PlanInput {
                listing: &listing,
                stored: &stored,
                policy: &policy,
                identity: Identity::Uidl,
                now_ms: f64::from(day) * DAY_MS,
                bodies_wanted: &HashSet::new(),
            });
            p.delete.into_iter().map(|m| m.uidl).collect::<HashSet<_>>()
        };
        prop_assert!(at(today).is_subset(&at(today + 1)));
    }
}
