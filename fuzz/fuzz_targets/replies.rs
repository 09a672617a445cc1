//! Feeds arbitrary server bytes, cut at arbitrary places, to a client with every kind of
//! command in flight. The client must never panic or loop: it yields events, asks for
//! input, or reports an error.
#![no_main]

use cartero_shared::pop3::{Client, Command, Event, Interrupt, Io, MsgNum, Options, Reply};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&cut, wire)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(cut % 64) + 1;
    let mut options = Options::default();
    options.max_chunk = 128;
    options.max_listing_lines = 64;
    let mut client = Client::new(options);
    let n = MsgNum::try_from(1).expect("1 is a message number");
    for command in [
        Command::Capa,
        Command::user("u").expect("valid"),
        Command::Stat,
        Command::List(None),
        Command::Uidl(None),
        Command::Uidl(Some(n)),
        Command::Retr(n),
        Command::Top(n, 3),
        Command::Stls,
        Command::Quit,
    ] {
        client.enqueue(command);
    }
    let mut rest = wire;
    // Each step either consumes input or produces output/an event; bound them anyway.
    for _ in 0..(wire.len() * 8 + 64) {
        match client.next() {
            Ok(Event::Reply { result: Ok(Reply::StartTls), .. }) => client.tls_established(),
            Ok(Event::Body { chunk, .. }) => assert!(chunk.len() <= 128),
            Ok(_) | Err(Interrupt::Io(Io::Output(_))) => {}
            Err(Interrupt::Io(Io::NeedMoreInput)) => {
                if rest.is_empty() {
                    return;
                }
                let take = chunk.min(rest.len());
                client.feed(&rest[..take]);
                rest = &rest[take..];
            }
            Err(Interrupt::Error(_)) => return,
        }
    }
    panic!("the client neither finished nor asked for input");
});
