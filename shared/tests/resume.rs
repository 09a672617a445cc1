//! The data-safety invariant at the core: a sync cut at any byte, then run again, ends
//! with every message stored exactly once and byte for byte.
//!
//! The "store" commits a message when its RETR body has ended (as the app commits a batch
//! only after whole messages); the planner decides what the second sync fetches.

mod support;

use std::collections::BTreeMap;

use cartero_shared::pop3::{Client, Command, Event, Handle, Interrupt, Io, Options, Reply, Secret};
use cartero_shared::sync::{join_listing, plan};
use support::{Mailbox, serve};

type Store = BTreeMap<String, Vec<u8>>;

fn mailbox() -> Mailbox {
    vec![
        (
            "u-1".into(),
            b"Subject: one\r\n\r\n.dot\r\nbody\r\n".to_vec(),
        ),
        (
            "u-2".into(),
            b"Subject: two\r\n\r\n..\r\n.\r\nend\r\n".to_vec(),
        ),
        ("u-3".into(), b"Subject: three\r\n\r\nplain\r\n".to_vec()),
    ]
}

/// One sync. The server's bytes stop after `cut` of them (the connection drops).
/// Returns how many RETRs were sent for messages the store already held.
fn sync(mailbox: &Mailbox, store: &mut Store, cut: usize) -> usize {
    let mut client = Client::new(Options::default());
    let mut to_client = b"+OK ready\r\n".to_vec();
    let mut pending = Vec::new();
    let mut budget = cut;
    for command in [
        Command::Capa,
        Command::user("u").unwrap(),
        Command::pass(Secret::new("p")).unwrap(),
    ] {
        client.enqueue(command);
    }
    let uidl = client.enqueue(Command::Uidl(None));
    let list = client.enqueue(Command::List(None));
    let mut uidls = None;
    let mut retrs: BTreeMap<Handle, (String, Vec<u8>)> = BTreeMap::new();
    let mut refetched = 0;
    for _ in 0..100_000 {
        match client.next() {
            Ok(Event::Reply { handle, result }) => match result {
                Ok(Reply::Uidl(entries)) if handle == uidl => uidls = Some(entries),
                Ok(Reply::List(sizes)) if handle == list => {
                    let listing = join_listing(uidls.as_deref().unwrap_or(&[]), &sizes);
                    for message in plan(&listing, |u| store.contains_key(u.as_str())).fetch {
                        if store.contains_key(message.uidl.as_str()) {
                            refetched += 1;
                        }
                        let h = client.enqueue(Command::Retr(message.num));
                        retrs.insert(h, (message.uidl.to_string(), Vec::new()));
                    }
                    client.enqueue(Command::Quit);
                }
                Ok(Reply::BodyEnd) => {
                    let (uidl, body) = retrs.remove(&handle).expect("a planned RETR");
                    assert!(store.insert(uidl, body).is_none(), "stored twice");
                }
                _ => {}
            },
            Ok(Event::Body { handle, chunk }) => retrs
                .get_mut(&handle)
                .expect("a planned RETR")
                .1
                .extend(chunk),
            Ok(Event::Greeting(_)) => {}
            Err(Interrupt::Io(Io::Output(bytes))) => {
                to_client.extend(serve(mailbox, &mut pending, &bytes))
            }
            Err(Interrupt::Io(Io::NeedMoreInput)) => {
                if to_client.is_empty() || budget == 0 {
                    return refetched; // done, or the connection dropped
                }
                let n = to_client.len().min(budget).min(7);
                budget -= n;
                let part: Vec<u8> = to_client.drain(..n).collect();
                client.feed(&part);
            }
            Err(Interrupt::Error(e)) => panic!("cut {cut}: {e}"),
        }
    }
    panic!("the sync did not settle");
}

#[test]
fn a_sync_cut_at_any_byte_then_resumed_stores_each_message_once() {
    let mailbox = mailbox();
    let mut whole = Store::new();
    sync(&mailbox, &mut whole, usize::MAX);
    let want: Store = mailbox.iter().cloned().collect();
    assert_eq!(whole, want);
    let total = 600; // more than a whole session's server bytes
    for cut in 0..total {
        let mut store = Store::new();
        sync(&mailbox, &mut store, cut);
        for (uidl, body) in &store {
            assert_eq!(
                Some(body),
                want.get(uidl),
                "cut {cut}: a partial message was stored"
            );
        }
        let refetched = sync(&mailbox, &mut store, usize::MAX);
        assert_eq!(
            refetched, 0,
            "cut {cut}: the resumed sync refetched stored mail"
        );
        assert_eq!(store, want, "cut {cut}");
    }
}
