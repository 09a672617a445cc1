//! Property tests of the POP3 client: framing, parsing and the pipelining matcher.

mod support;

use cartero_shared::pop3::{Client, Command, Event, Handle, Interrupt, Io, MsgNum, Options, Reply};
use proptest::prelude::*;
use support::stuffed;

/// Feeds `wire` to `client` in pieces of the given sizes and collects events until idle.
fn run(client: &mut Client, wire: &[u8], cuts: &[usize]) -> (Vec<Event>, Option<String>) {
    let mut events = Vec::new();
    let mut rest = wire;
    let mut cuts = cuts.iter().cycle();
    for _ in 0..1_000_000 {
        match client.next() {
            Ok(event) => events.push(event),
            Err(Interrupt::Io(Io::Output(_))) => {}
            Err(Interrupt::Io(Io::NeedMoreInput)) => {
                if rest.is_empty() {
                    return (events, None);
                }
                let n = (*cuts.next().unwrap_or(&1)).clamp(1, rest.len());
                client.feed(&rest[..n]);
                rest = &rest[n..];
            }
            Err(Interrupt::Error(e)) => return (events, Some(e.to_string())),
        }
    }
    panic!("the client did not settle");
}

fn greeted() -> Client {
    let mut client = Client::new(Options::default());
    client.feed(b"+OK ready\r\n");
    assert!(matches!(client.next(), Ok(Event::Greeting(_))));
    client
}

fn body_line() -> impl Strategy<Value = Vec<u8>> {
    // Lines of printable bytes, dots over-represented at the start.
    (prop::bool::ANY, prop::collection::vec(0x20u8..0x7f, 0..40)).prop_map(|(dot, mut line)| {
        if dot {
            line.insert(0, b'.');
        }
        line
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Whatever the body and however the bytes are cut, RETR yields the body exactly.
    #[test]
    fn retr_bodies_round_trip_through_dot_stuffing(
        lines in prop::collection::vec(body_line(), 0..30),
        cuts in prop::collection::vec(1usize..64, 1..8),
    ) {
        let body: Vec<u8> = lines.iter().flat_map(|l| [l.as_slice(), b"\r\n"].concat()).collect();
        let mut client = greeted();
        let handle = client.enqueue(Command::Retr(MsgNum::try_from(1).unwrap()));
        let wire = [b"+OK\r\n".as_slice(), &stuffed(&body)].concat();
        let (events, error) = run(&mut client, &wire, &cuts);
        prop_assert_eq!(error, None);
        let mut got = Vec::new();
        for event in &events {
            if let Event::Body { handle: h, chunk } = event {
                prop_assert_eq!(*h, handle);
                got.extend_from_slice(chunk);
            }
        }
        prop_assert_eq!(got, body);
        let done = matches!(events.last(), Some(Event::Reply { result: Ok(Reply::BodyEnd), .. }));
        prop_assert!(done);
    }

    /// Arbitrary server bytes never panic the client and never hang it.
    #[test]
    fn arbitrary_replies_never_panic(
        wire in prop::collection::vec(any::<u8>(), 0..600),
        cuts in prop::collection::vec(1usize..50, 1..5),
    ) {
        let mut client = Client::new(Options::default());
        for command in [Command::Capa, Command::Uidl(None), Command::Stat,
                        Command::Retr(MsgNum::try_from(2).unwrap()), Command::Noop] {
            client.enqueue(command);
        }
        let _ = run(&mut client, &wire, &cuts);
    }

    /// Pipelined replies reach the command that asked, in order, whatever the mix.
    #[test]
    fn pipelined_replies_reach_their_commands(
        script in prop::collection::vec((0u8..4, prop::bool::ANY), 1..40),
        cuts in prop::collection::vec(1usize..100, 1..6),
    ) {
        let mut client = greeted();
        let caps = client.enqueue(Command::Capa);
        let mut wire = b"+OK\r\nPIPELINING\r\n.\r\n".to_vec();
        let mut expected: Vec<(Handle, String)> = vec![(caps, "Capa".into())];
        for (kind, ok) in &script {
            let n = MsgNum::try_from(1).unwrap();
            let (command, reply, name) = match (kind, ok) {
                (_, false) => (Command::Dele(n), "-ERR nope\r\n".to_owned(), "Err"),
                (0, true) => (Command::Noop, "+OK\r\n".to_owned(), "Done"),
                (1, true) => (Command::Stat, "+OK 3 30\r\n".to_owned(), "Stat"),
                (2, true) => (Command::Uidl(Some(n)), "+OK 1 abc\r\n".to_owned(), "UidlOne"),
                _ => (Command::Retr(n), "+OK\r\nx\r\n.\r\n".to_owned(), "BodyEnd"),
            };
            expected.push((client.enqueue(command), name.to_owned()));
            wire.extend(reply.bytes());
        }
        let (events, error) = run(&mut client, &wire, &cuts);
        prop_assert_eq!(error, None);
        let replies: Vec<(Handle, String)> = events
            .iter()
            .filter_map(|e| match e {
                Event::Reply { handle, result } => Some((*handle, match result {
                    Err(_) => "Err".to_owned(),
                    Ok(r) => format!("{r:?}").split([' ', '(', '{']).next().unwrap().to_owned(),
                })),
                _ => None,
            })
            .collect();
        prop_assert_eq!(replies, expected);
    }
}
