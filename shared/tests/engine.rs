//! The sync engine against the data-safety invariant, with no sockets: the real
//! `shared::sync::engine` over a scripted server and an in-memory store, cut at every byte
//! and failing every store call in turn.
//!
//! After every sync: nothing stored is partial or foreign, nothing is stored twice, and
//! every message gone from the server has a copy here (or was deleted here by the person).
//! After a clean sync that follows: nothing is lost.

mod support;

use std::collections::{BTreeMap, HashSet};

use cartero_shared::sync::engine::{self, Report, SyncError, SyncOptions};
use cartero_shared::sync::policy::DAY_MS;
use cartero_shared::sync::{Identity, Policy, Retention, Status};
use proptest::prelude::*;
use support::{Cut, Injected, Mailbox, MemStore, block_on, logged_in, policies};

type Outcome = Result<Report, SyncError<Cut, Injected>>;

fn message(i: usize) -> (String, Vec<u8>) {
    let body = format!(
        "Message-ID: <m{i}@example.org>\r\nSubject: n.{i}\r\n\r\n.dot line {i}\r\n..\r\nend\r\n"
    );
    (format!("u-{i}"), body.into_bytes())
}

fn mailbox(n: usize) -> Mailbox {
    Mailbox::new((1..=n).map(message).collect())
}

fn options(policy: Policy, now_ms: f64) -> SyncOptions {
    SyncOptions {
        batch_messages: 2,
        ..SyncOptions::new(policy, now_ms)
    }
}

/// One sync whose link drops after `budget` server bytes; `None` when the cut came during
/// the login. Also returns the server bytes delivered.
fn sync(
    mailbox: &mut Mailbox,
    store: &mut MemStore,
    options: &SyncOptions,
    budget: usize,
) -> (Option<Outcome>, usize) {
    let Some(mut driver) = logged_in(mailbox, budget) else {
        return (None, 0);
    };
    let outcome = block_on(engine::run(&mut driver, store, options, &mut |_| {}));
    (Some(outcome), driver.transport.delivered)
}

/// Everything that was ever on the server, by UIDL, and what the person deleted here (its
/// state is pruned once the server no longer lists it, so the test remembers).
#[derive(Default)]
struct Original {
    messages: BTreeMap<String, Vec<u8>>,
    deleted_here: HashSet<String>,
}

/// The invariant after any sync, faulty or not.
fn assert_safe(context: &str, original: &Original, mailbox: &Mailbox, store: &MemStore) {
    for (uidl, bytes) in &store.messages {
        let state = store.states.get(uidl);
        let status = state.map(|s| s.status);
        let want = &original.messages[uidl];
        match status {
            Some(Status::HeadersOnly) => assert!(want.starts_with(bytes), "{context}: {uidl}"),
            _ => assert_eq!(bytes, want, "{context}: {uidl} stored partial or wrong"),
        }
    }
    for (uidl, bytes) in &original.messages {
        if mailbox.get(uidl).is_some() {
            continue;
        }
        let here = store.messages.get(uidl) == Some(bytes);
        let deleted_here = original.deleted_here.contains(uidl);
        assert!(
            here || deleted_here,
            "{context}: {uidl} left the server with no committed copy here"
        );
    }
}

/// After a clean sync: everything the server ever had is here whole, deleted here by
/// choice, or here headers-only with its server copy kept.
fn assert_complete(context: &str, original: &Original, mailbox: &Mailbox, store: &MemStore) {
    for (uidl, bytes) in &original.messages {
        let status = store.states.get(uidl).map(|s| s.status);
        let fine = match status {
            _ if original.deleted_here.contains(uidl) => true,
            Some(Status::HeadersOnly) => mailbox.get(uidl) == Some(bytes.as_slice()),
            _ => store.messages.get(uidl) == Some(bytes),
        };
        assert!(fine, "{context}: {uidl} lost ({status:?})");
    }
}

fn original(mailbox: &Mailbox) -> Original {
    Original {
        messages: mailbox.messages.iter().cloned().collect(),
        deleted_here: HashSet::new(),
    }
}

fn delete_after_download() -> Policy {
    Policy {
        retention: Retention::DeleteAfterDownload,
        ..Policy::default()
    }
}

#[test]
fn a_sync_cut_at_any_byte_then_resumed_loses_and_duplicates_nothing() {
    for policy in [Policy::default(), delete_after_download()] {
        let clean_bytes = {
            let mut mailbox = mailbox(5);
            let (outcome, delivered) = sync(
                &mut mailbox,
                &mut MemStore::default(),
                &options(policy, 0.0),
                usize::MAX,
            );
            outcome.unwrap().unwrap();
            delivered
        };
        for cut in 0..=clean_bytes {
            let mut mailbox = mailbox(5);
            let all = original(&mailbox);
            let mut store = MemStore::default();
            let context = format!("{policy:?}, cut at {cut}");
            sync(&mut mailbox, &mut store, &options(policy, 0.0), cut);
            assert_safe(&context, &all, &mailbox, &store);
            let fetched_before: HashSet<String> = store.messages.keys().cloned().collect();
            let (again, _) = sync(&mut mailbox, &mut store, &options(policy, 0.0), usize::MAX);
            let report = again.unwrap().unwrap();
            assert_safe(&context, &all, &mailbox, &store);
            assert_complete(&context, &all, &mailbox, &store);
            assert_eq!(
                report.fetched,
                all.messages.len() - fetched_before.len(),
                "{context}: the resumed sync fetched stored mail again"
            );
            if policy.retention == Retention::DeleteAfterDownload {
                assert!(mailbox.messages.is_empty(), "{context}: server not freed");
            }
        }
    }
}

#[test]
fn every_store_call_failing_in_turn_deletes_nothing_unsaved() {
    let policy = delete_after_download();
    let calls = {
        let mut store = MemStore::default();
        sync(
            &mut mailbox(5),
            &mut store,
            &options(policy, 0.0),
            usize::MAX,
        )
        .0
        .unwrap()
        .unwrap();
        store.calls
    };
    assert!(calls >= 4, "load, identity, commits and prune: {calls}");
    for fail in 0..calls {
        let mut mailbox = mailbox(5);
        let all = original(&mailbox);
        let mut store = MemStore {
            fail_call: Some(fail),
            ..MemStore::default()
        };
        let context = format!("store call {fail} fails");
        let (outcome, _) = sync(&mut mailbox, &mut store, &options(policy, 0.0), usize::MAX);
        if let Some(Err(SyncError::Store(Injected))) = outcome {
            assert_eq!(
                mailbox.messages.len(),
                5,
                "{context}: DELE after a failed commit"
            );
        }
        assert_safe(&context, &all, &mailbox, &store);
        store.fail_call = None;
        sync(&mut mailbox, &mut store, &options(policy, 0.0), usize::MAX)
            .0
            .unwrap()
            .unwrap();
        assert_complete(&context, &all, &mailbox, &store);
        assert!(mailbox.messages.is_empty(), "{context}");
    }
}

#[test]
fn a_transient_uidl_refusal_fails_the_sync_instead_of_rekeying() {
    let mut mailbox = mailbox(3);
    let mut store = MemStore::default();
    let opts = options(Policy::default(), 0.0);
    sync(&mut mailbox, &mut store, &opts, usize::MAX)
        .0
        .unwrap()
        .unwrap();
    assert_eq!(store.identity, Some(Identity::Uidl));
    mailbox.uidl_failures = 1;
    let (outcome, _) = sync(&mut mailbox, &mut store, &opts, usize::MAX);
    assert!(matches!(outcome, Some(Err(SyncError::ListingRefused(_)))));
    assert_eq!(store.messages.len(), 3, "nothing stored under fingerprints");
    assert_eq!(
        store.identity,
        Some(Identity::Uidl),
        "the mode stays decided"
    );
}

#[test]
fn a_server_without_uidl_is_fingerprinted_and_never_deleted_on() {
    let mut mailbox = Mailbox {
        has_uidl: false,
        ..mailbox(3)
    };
    let mut store = MemStore::default();
    let opts = options(delete_after_download(), 0.0);
    let report = sync(&mut mailbox, &mut store, &opts, usize::MAX)
        .0
        .unwrap()
        .unwrap();
    assert_eq!(report.identity, Some(Identity::Fingerprint));
    assert_eq!((report.fetched, report.deleted), (3, 0));
    assert_eq!(mailbox.messages.len(), 3);
    let again = sync(&mut mailbox, &mut store, &opts, usize::MAX)
        .0
        .unwrap()
        .unwrap();
    assert_eq!(again.fetched, 0);
}

#[test]
fn a_uidl_reset_on_the_server_does_not_flood_the_inbox() {
    let mut mailbox = mailbox(4);
    let mut store = MemStore::default();
    let opts = options(Policy::default(), 0.0);
    sync(&mut mailbox, &mut store, &opts, usize::MAX)
        .0
        .unwrap()
        .unwrap();
    store.delete_here("u-2", Status::DeletedHere);
    for (uidl, _) in &mut mailbox.messages {
        *uidl = format!("migrated-{uidl}");
    }
    let report = sync(&mut mailbox, &mut store, &opts, usize::MAX)
        .0
        .unwrap()
        .unwrap();
    assert_eq!((report.fetched, report.duplicates), (0, 4));
    assert_eq!(report.pruned, 4, "the old ids are forgotten");
    assert_eq!(
        store.messages.len(),
        3,
        "one copy each; the deleted one stays deleted"
    );
    assert_eq!(store.states["migrated-u-2"].status, Status::DeletedHere);
}

#[test]
fn leave_for_days_deletes_on_the_server_only_after_the_days() {
    let policy = Policy {
        retention: Retention::LeaveForDays { days: 7 },
        ..Policy::default()
    };
    let mut mailbox = mailbox(2);
    let mut store = MemStore::default();
    sync(&mut mailbox, &mut store, &options(policy, 0.0), usize::MAX)
        .0
        .unwrap()
        .unwrap();
    mailbox.messages.push(message(3));
    let day6 = sync(
        &mut mailbox,
        &mut store,
        &options(policy, 6.0 * DAY_MS),
        usize::MAX,
    );
    assert_eq!(day6.0.unwrap().unwrap().deleted, 0);
    let day7 = sync(
        &mut mailbox,
        &mut store,
        &options(policy, 7.0 * DAY_MS),
        usize::MAX,
    );
    assert_eq!(day7.0.unwrap().unwrap().deleted, 2);
    let left: Vec<&str> = mailbox.messages.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(left, ["u-3"], "the one first seen on day 6 stays");
}

#[test]
fn deleted_here_never_comes_back_and_goes_from_the_server_when_asked() {
    let mut mailbox = mailbox(2);
    let mut store = MemStore::default();
    let leave = options(Policy::default(), 0.0);
    sync(&mut mailbox, &mut store, &leave, usize::MAX)
        .0
        .unwrap()
        .unwrap();
    store.delete_here("u-1", Status::DeletedHere);
    let report = sync(&mut mailbox, &mut store, &leave, usize::MAX)
        .0
        .unwrap()
        .unwrap();
    assert_eq!((report.fetched, mailbox.messages.len()), (0, 2));
    let asked = options(
        Policy {
            delete_when_deleted_here: true,
            ..Policy::default()
        },
        0.0,
    );
    let report = sync(&mut mailbox, &mut store, &asked, usize::MAX)
        .0
        .unwrap()
        .unwrap();
    assert_eq!(report.deleted, 1);
    assert!(mailbox.get("u-1").is_none() && mailbox.get("u-2").is_some());
}

#[test]
fn big_messages_come_headers_only_and_whole_when_opened() {
    let mut mailbox = mailbox(2);
    let big = [
        b"Subject: big\r\n\r\n".to_vec(),
        vec![b'x'; 3000],
        b"\r\n".to_vec(),
    ]
    .concat();
    mailbox.messages.push(("u-big".into(), big.clone()));
    let policy = Policy {
        headers_only_over: Some(1000),
        retention: Retention::DeleteAfterDownload,
        ..Policy::default()
    };
    let mut store = MemStore::default();
    let report = sync(&mut mailbox, &mut store, &options(policy, 0.0), usize::MAX)
        .0
        .unwrap()
        .unwrap();
    assert_eq!((report.fetched, report.headers_only), (2, 1));
    assert_eq!(store.messages["u-big"], b"Subject: big\r\n\r\n");
    assert!(
        mailbox.get("u-big").is_some(),
        "a partial message stays on the server"
    );
    let mut opened = options(policy, 0.0);
    opened.bodies_wanted.insert("u-big".into());
    let report = sync(&mut mailbox, &mut store, &opened, usize::MAX)
        .0
        .unwrap()
        .unwrap();
    assert_eq!((report.fetched, report.deleted), (1, 1));
    assert_eq!(store.messages["u-big"], big);
    assert_eq!(store.states["u-big"].status, Status::Kept);
}

#[test]
fn a_partial_copy_of_a_stored_message_is_stored_whole_when_opened() {
    let big = [
        b"Subject: big\r\nMessage-ID: <big@example.org>\r\n\r\n".to_vec(),
        vec![b'x'; 3000],
        b"\r\n".to_vec(),
    ]
    .concat();
    let mut mailbox = mailbox(1);
    mailbox.messages.push(("u-big".into(), big.clone()));
    let policy = Policy {
        headers_only_over: Some(1000),
        ..Policy::default()
    };
    let mut opened = options(policy, 0.0);
    opened.bodies_wanted.insert("u-big".into());
    opened.bodies_wanted.insert("u-again".into());
    let mut store = MemStore::default();
    for _ in 0..2 {
        sync(&mut mailbox, &mut store, &opened, usize::MAX)
            .0
            .unwrap()
            .unwrap();
    }
    assert_eq!(store.messages["u-big"], big);
    // The same message delivered again: listed under its own UIDL, headers first.
    mailbox.messages.push(("u-again".into(), big.clone()));
    let plain = options(policy, 0.0);
    sync(&mut mailbox, &mut store, &plain, usize::MAX)
        .0
        .unwrap()
        .unwrap();
    assert_eq!(store.states["u-again"].status, Status::HeadersOnly);
    sync(&mut mailbox, &mut store, &opened, usize::MAX)
        .0
        .unwrap()
        .unwrap();
    assert_eq!(store.messages["u-again"], big, "opened, it is stored whole");
    assert_eq!(store.states["u-again"].status, Status::Kept);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Several syncs with random policies, cuts, days, new mail and local deletions in
    /// between: the invariant holds after each, and a clean sync completes the store.
    #[test]
    fn random_syncs_keep_the_invariant(
        steps in prop::collection::vec(
            (policies(3, 60..120), 0usize..2500, 0u32..3, any::<bool>(), any::<bool>()),
            1..6,
        )
    ) {
        let mut mailbox = mailbox(4);
        let mut all = original(&mailbox);
        let mut store = MemStore::default();
        let mut next = 5;
        let mut day = 0.0;
        for (i, (policy, cut, days, new_mail, delete_one)) in steps.into_iter().enumerate() {
            day += f64::from(days);
            if new_mail {
                let m = message(next);
                next += 1;
                all.messages.insert(m.0.clone(), m.1.clone());
                mailbox.messages.push(m);
            }
            if delete_one && let Some(uidl) = store.messages.keys().next().cloned() {
                let status = match policy.delete_when_deleted_here {
                    true => Status::ToDeleteOnServer,
                    false => Status::DeletedHere,
                };
                if store.states.get(&uidl).is_some_and(|s| s.status == Status::Kept) {
                    store.delete_here(&uidl, status);
                    all.deleted_here.insert(uidl);
                }
            }
            let context = format!("step {i}: {policy:?}, cut {cut}, day {day}");
            sync(&mut mailbox, &mut store, &options(policy, day * DAY_MS), cut);
            assert_safe(&context, &all, &mailbox, &store);
            sync(&mut mailbox, &mut store, &options(policy, day * DAY_MS), usize::MAX)
                .0
                .unwrap()
                .unwrap();
            assert_safe(&context, &all, &mailbox, &store);
            assert_complete(&context, &all, &mailbox, &store);
        }
    }
}
