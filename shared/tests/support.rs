//! Test support without sockets: a scripted POP3 mailbox that remembers deletions across
//! sessions, a link that drops after N server bytes, an in-memory store that can fail any
//! call, and a tiny executor for futures that never wait.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use cartero_shared::drive::{Clock, Driver, Transport};
use cartero_shared::pop3::{Client, Credentials, LoginMethod, Options, Secret, SecretKind};
use cartero_shared::sync::engine::{Record, Store, Stored};
use cartero_shared::sync::{Identity, Status, UidlState};

/// Dot-stuffs and terminates a multi-line body (RFC 1939 §3).
pub fn stuffed(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 8);
    for line in body.split_inclusive(|&b| b == b'\n') {
        if line.first() == Some(&b'.') {
            out.push(b'.');
        }
        out.extend_from_slice(line);
    }
    out.extend_from_slice(b".\r\n");
    out
}

/// A mailbox on the scripted server: (uidl, message with CRLF lines), in order.
#[derive(Debug, Clone, Default)]
pub struct Mailbox {
    /// The messages still on the server.
    pub messages: Vec<(String, Vec<u8>)>,
    /// Whether the server has `UIDL` (and announces it in `CAPA`).
    pub has_uidl: bool,
    /// Answer this many `UIDL` commands with `-ERR` (a transient failure).
    pub uidl_failures: usize,
}

impl Mailbox {
    /// A mailbox with `UIDL`.
    pub fn new(messages: Vec<(String, Vec<u8>)>) -> Mailbox {
        Mailbox {
            messages,
            has_uidl: true,
            uidl_failures: 0,
        }
    }

    /// The message stored under `uidl`, if the server still has it.
    pub fn get(&self, uidl: &str) -> Option<&[u8]> {
        self.messages
            .iter()
            .find(|(u, _)| u == uidl)
            .map(|(_, m)| m.as_slice())
    }
}

/// One POP3 session on a [`Mailbox`]: `DELE` marks, `QUIT` commits (RFC 1939 §6).
pub struct ServerSession<'a> {
    mailbox: &'a mut Mailbox,
    marked: Vec<bool>,
    pending: Vec<u8>,
}

impl<'a> ServerSession<'a> {
    /// Opens a session; the greeting is the first reply.
    pub fn open(mailbox: &'a mut Mailbox) -> (ServerSession<'a>, Vec<u8>) {
        let marked = vec![false; mailbox.messages.len()];
        let session = ServerSession {
            mailbox,
            marked,
            pending: Vec::new(),
        };
        (session, b"+OK ready\r\n".to_vec())
    }

    /// Feeds client bytes; returns the replies to every complete line.
    pub fn serve(&mut self, sent: &[u8]) -> Vec<u8> {
        self.pending.extend_from_slice(sent);
        let mut out = Vec::new();
        while let Some(end) = self.pending.windows(2).position(|w| w == b"\r\n") {
            let line: Vec<u8> = self.pending.drain(..end + 2).collect();
            out.extend(self.answer(std::str::from_utf8(&line[..end]).expect("ASCII commands")));
        }
        out
    }

    fn listing(&self, line: impl Fn(usize, &(String, Vec<u8>)) -> String) -> Vec<u8> {
        let mut out = b"+OK\r\n".to_vec();
        for (i, m) in self.mailbox.messages.iter().enumerate() {
            if !self.marked[i] {
                out.extend(format!("{} {}\r\n", i + 1, line(i, m)).bytes());
            }
        }
        out.extend(b".\r\n");
        out
    }

    fn answer(&mut self, line: &str) -> Vec<u8> {
        let mut words = line.split(' ');
        let verb = words.next().unwrap_or("");
        let arg: Option<usize> = words.next().and_then(|w| w.parse().ok());
        let index = arg
            .and_then(|n| n.checked_sub(1))
            .filter(|&i| i < self.mailbox.messages.len() && !self.marked[i]);
        let message = index.map(|i| self.mailbox.messages[i].1.clone());
        match (verb, index) {
            ("CAPA", _) => {
                let uidl = if self.mailbox.has_uidl {
                    "UIDL\r\n"
                } else {
                    ""
                };
                format!("+OK\r\n{uidl}TOP\r\nPIPELINING\r\nUSER\r\n.\r\n").into_bytes()
            }
            ("USER" | "PASS" | "NOOP", _) => b"+OK\r\n".to_vec(),
            ("QUIT", _) => {
                let mut i = 0;
                self.mailbox.messages.retain(|_| {
                    i += 1;
                    !self.marked[i - 1]
                });
                self.marked = vec![false; self.mailbox.messages.len()];
                b"+OK bye\r\n".to_vec()
            }
            ("UIDL", None) if arg.is_none() && self.mailbox.uidl_failures > 0 => {
                self.mailbox.uidl_failures -= 1;
                b"-ERR try again later\r\n".to_vec()
            }
            ("UIDL", None) if arg.is_none() && self.mailbox.has_uidl => {
                self.listing(|_, (uidl, _)| uidl.clone())
            }
            ("LIST", None) if arg.is_none() => self.listing(|_, (_, body)| body.len().to_string()),
            ("RETR", Some(_)) => [b"+OK\r\n".to_vec(), stuffed(&message.unwrap())].concat(),
            ("TOP", Some(_)) => {
                let body = message.unwrap();
                let end = body
                    .windows(4)
                    .position(|w| w == b"\r\n\r\n")
                    .map_or(body.len(), |p| p + 4);
                [b"+OK\r\n".to_vec(), stuffed(&body[..end])].concat()
            }
            ("DELE", Some(i)) => {
                self.marked[i] = true;
                b"+OK marked\r\n".to_vec()
            }
            _ => b"-ERR no such message\r\n".to_vec(),
        }
    }
}

/// The link dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut;

impl std::fmt::Display for Cut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the link dropped")
    }
}

/// A link to a [`ServerSession`] that carries `budget` server bytes, then drops, in pieces
/// of at most 7 bytes (so every boundary is crossed somewhere).
pub struct Link<'a> {
    session: ServerSession<'a>,
    to_client: Vec<u8>,
    /// Server bytes still to deliver before the cut.
    pub budget: usize,
    /// Server bytes delivered.
    pub delivered: usize,
}

impl Transport for Link<'_> {
    type Error = Cut;

    async fn send(&mut self, bytes: Vec<u8>) -> Result<(), Cut> {
        if self.budget == 0 {
            return Err(Cut);
        }
        let replies = self.session.serve(&bytes);
        self.to_client.extend(replies);
        Ok(())
    }

    async fn recv(&mut self) -> Result<Vec<u8>, Cut> {
        let n = self.to_client.len().min(self.budget).min(7);
        if n == 0 {
            return Err(Cut);
        }
        self.budget -= n;
        self.delivered += n;
        Ok(self.to_client.drain(..n).collect())
    }
}

/// A clock that never moves: deadlines never pass, so only the link decides.
pub struct StillClock;

impl Clock for StillClock {
    fn now(&self) -> Duration {
        Duration::ZERO
    }
    async fn sleep(&self, _: Duration) {
        std::future::pending::<()>().await
    }
}

/// Runs a future that never waits on anything outside memory.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("the future waited on something that never comes"),
    }
}

/// A session on `mailbox` whose link drops after `budget` server bytes, logged in.
pub fn logged_in(mailbox: &mut Mailbox, budget: usize) -> Option<Driver<Link<'_>, StillClock>> {
    let (session, greeting) = ServerSession::open(mailbox);
    let link = Link {
        session,
        to_client: greeting,
        budget,
        delivered: 0,
    };
    let mut options = Options::default();
    options.require_tls = false; // the scripted server is in memory
    let mut driver = Driver::new(Client::new(options), link, StillClock);
    block_on(async {
        driver.capabilities().await.ok()?;
        let credentials = Credentials {
            user: "u".into(),
            secret: Secret::new("p"),
            kind: SecretKind::Password,
        };
        driver
            .log_in(LoginMethod::UserPass, credentials, &[0; 18])
            .await
            .ok()
    })?;
    Some(driver)
}

/// The store failed (the test's injected failure).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Injected;

/// An in-memory store with IndexedDB's all-or-nothing commits; call number `fail_call`
/// (counting from 0 over the store's life) fails.
#[derive(Debug, Clone, Default)]
pub struct MemStore {
    /// The identity mode, once decided.
    pub identity: Option<Identity>,
    /// UIDL state by UIDL.
    pub states: HashMap<String, UidlState>,
    /// Stored bytes by UIDL (whole, or the header block when headers-only).
    pub messages: BTreeMap<String, Vec<u8>>,
    /// Calls made so far.
    pub calls: usize,
    /// The call that fails, if any.
    pub fail_call: Option<usize>,
}

impl MemStore {
    fn call(&mut self) -> Result<(), Injected> {
        let n = self.calls;
        self.calls += 1;
        if self.fail_call == Some(n) {
            return Err(Injected);
        }
        Ok(())
    }

    /// The person deletes a message for good here (as emptying Trash does).
    pub fn delete_here(&mut self, uidl: &str, status: Status) {
        self.messages.remove(uidl);
        if let Some(state) = self.states.get_mut(uidl) {
            state.status = status;
        }
    }
}

impl Store for MemStore {
    type Error = Injected;

    async fn load(&mut self) -> Result<Stored, Injected> {
        self.call()?;
        Ok(Stored {
            identity: self.identity,
            states: self.states.clone(),
        })
    }

    async fn set_identity(&mut self, identity: Identity) -> Result<(), Injected> {
        self.call()?;
        self.identity = Some(identity);
        Ok(())
    }

    async fn commit(&mut self, batch: Vec<Record>) -> Result<(), Injected> {
        self.call()?;
        for record in batch {
            if let Some(raw) = record.raw {
                self.messages.insert(record.state.uidl.clone(), raw);
            }
            self.states.insert(record.state.uidl.clone(), record.state);
        }
        Ok(())
    }

    async fn prune(&mut self, gone: Vec<String>) -> Result<(), Injected> {
        self.call()?;
        for uidl in gone {
            self.states.remove(&uidl);
        }
        Ok(())
    }
}

/// Random account policies: any retention (up to `max_days` days), either choice for
/// "delete when deleted here", and a headers-only limit in `headers_only` or none.
pub fn policies(
    max_days: u32,
    headers_only: std::ops::Range<u64>,
) -> impl proptest::strategy::Strategy<Value = cartero_shared::sync::Policy> {
    use cartero_shared::sync::{Policy, Retention};
    use proptest::prelude::*;
    let retention = prop_oneof![
        Just(Retention::Leave),
        Just(Retention::DeleteAfterDownload),
        (0..max_days).prop_map(|days| Retention::LeaveForDays { days }),
    ];
    (retention, any::<bool>(), prop::option::of(headers_only)).prop_map(
        |(retention, delete_when_deleted_here, headers_only_over)| Policy {
            retention,
            delete_when_deleted_here,
            headers_only_over,
        },
    )
}
