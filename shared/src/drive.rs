//! The async loop that runs the sans-IO [`Client`] over a byte transport and a clock.
//!
//! It does only what every caller needs: write what the client asks to write, wait for
//! bytes or the client's next deadline (whichever comes first), and pair replies with
//! commands. The browser app runs it over its WebSocket with `performance.now()` and
//! browser timers; the native tokio driver (`cartero-native`) over TCP, TLS or the
//! relay's WebSocket. It uses no runtime of its own, only `futures`.

use std::collections::HashMap;
use std::pin::pin;
use std::time::Duration;

use futures_util::future::{Either, select};

use crate::pop3::{
    AuthError, Capabilities, Client, Command, Credentials, Error, Event, Handle, Interrupt, Io,
    ListEntry, LoginMethod, MsgNum, Reply, ServerError, UidlEntry,
};
use crate::sync::{Identity, ServerMessage, header_fingerprint, join_listing};

/// Moves POP3 bytes to and from the server.
pub trait Transport {
    /// What a failed send or receive reports.
    type Error;
    /// Sends bytes.
    fn send(&mut self, bytes: Vec<u8>) -> impl Future<Output = Result<(), Self::Error>>;
    /// Receives the next bytes (never empty; the end of the stream is an error). Must be
    /// cancel-safe: it is raced against the client's deadline and may be dropped.
    fn recv(&mut self) -> impl Future<Output = Result<Vec<u8>, Self::Error>>;
}

/// A monotonic clock and a timer on it.
pub trait Clock {
    /// Time since an arbitrary fixed start.
    fn now(&self) -> Duration;
    /// Completes after `duration`.
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()>;
}

/// Why a driven session stopped.
#[derive(Debug)]
pub enum DriveError<E> {
    /// The transport failed or closed.
    Transport(E),
    /// The session failed: a malformed reply, a timeout (`Error::Timeout`), ….
    Protocol(Error),
    /// The login could not be attempted (no usable method, TLS required, …).
    Login(AuthError),
    /// The server said `-ERR` to a command the caller needed.
    Server(ServerError),
}

impl<E: std::fmt::Display> std::fmt::Display for DriveError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DriveError::Transport(e) => write!(f, "connection: {e}"),
            DriveError::Protocol(e) => write!(f, "{e}"),
            DriveError::Login(e) => write!(f, "{e}"),
            DriveError::Server(e) => write!(f, "the server said: {}", e.text),
        }
    }
}

impl<E: std::fmt::Debug + std::fmt::Display> std::error::Error for DriveError<E> {}

/// The server's listing, joined by message number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// Every message with its identity and size.
    pub messages: Vec<ServerMessage>,
    /// How the messages are told apart: `UIDL`, or header fingerprints on a server
    /// without it (see [`crate::sync::header_fingerprint`]).
    pub identity: Identity,
}

/// A [`Client`] with its transport and clock.
#[derive(Debug)]
pub struct Driver<T, C> {
    /// The session (commands can be queued directly, then driven with
    /// [`Driver::next_event`]).
    pub client: Client,
    /// The byte transport (public so a caller can upgrade it to TLS after `STLS`).
    pub transport: T,
    clock: C,
}

impl<T: Transport, C: Clock> Driver<T, C> {
    /// Drives `client` over `transport`, timing it with `clock`.
    pub fn new(client: Client, transport: T, clock: C) -> Self {
        Driver {
            client,
            transport,
            clock,
        }
    }

    /// Runs the client until it has an event, doing the I/O it asks for and keeping its
    /// clock: a server that stops answering ends in `Error::Timeout` instead of a hang.
    pub async fn next_event(&mut self) -> Result<Event, DriveError<T::Error>> {
        loop {
            match self.client.next() {
                Ok(event) => return Ok(event),
                Err(Interrupt::Io(Io::Output(bytes))) => {
                    self.transport
                        .send(bytes)
                        .await
                        .map_err(DriveError::Transport)?;
                }
                Err(Interrupt::Io(Io::NeedMoreInput)) => {
                    let received = match self.client.poll_timeout() {
                        None => Some(self.transport.recv().await),
                        Some(deadline) => {
                            let wait = deadline.saturating_sub(self.clock.now());
                            let timer = pin!(self.clock.sleep(wait));
                            match select(pin!(self.transport.recv()), timer).await {
                                Either::Left((bytes, _)) => Some(bytes),
                                Either::Right(((), _)) => None,
                            }
                        }
                    };
                    if let Some(bytes) = received {
                        self.client.feed(&bytes.map_err(DriveError::Transport)?);
                    }
                }
                Err(Interrupt::Error(e)) => return Err(DriveError::Protocol(e)),
            }
            self.client.handle_timeout(self.clock.now());
        }
    }

    /// Waits for the reply to `handle`; events of other commands are dropped.
    pub async fn reply_to(&mut self, handle: Handle) -> Result<Reply, DriveError<T::Error>> {
        loop {
            if let Event::Reply { handle: h, result } = self.next_event().await?
                && h == handle
            {
                return result.map_err(DriveError::Server);
            }
        }
    }

    /// Sends one command and waits for its reply; `-ERR` is [`DriveError::Server`].
    pub async fn call(&mut self, command: Command) -> Result<Reply, DriveError<T::Error>> {
        let handle = self.client.enqueue(command);
        self.reply_to(handle).await
    }

    /// `CAPA`, or `None` from a server that does not know it (RFC 1939-only servers).
    pub async fn capabilities(&mut self) -> Result<Option<Capabilities>, DriveError<T::Error>> {
        match self.call(Command::Capa).await {
            Ok(Reply::Capa(caps)) => Ok(Some(caps)),
            Ok(_) | Err(DriveError::Server(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Logs in with `method` (see [`crate::pop3::choose_method`]); `UTF8` goes first when
    /// the server announced it. `nonce` must be fresh random bytes (SCRAM uses them).
    pub async fn log_in(
        &mut self,
        method: LoginMethod,
        credentials: Credentials,
        nonce: &[u8],
    ) -> Result<(), DriveError<T::Error>> {
        let handle = self
            .client
            .log_in(method, credentials, nonce)
            .map_err(DriveError::Login)?;
        self.reply_to(handle).await.map(|_| ())
    }

    /// `LIST` and `UIDL`, joined, under the account's identity mode.
    ///
    /// - `Some(Identity::Uidl)`: `UIDL` must answer; a `-ERR` fails the sync
    ///   ([`DriveError::Server`]) instead of silently changing every message's key.
    /// - `Some(Identity::Fingerprint)`: header fingerprints from `TOP n 0`.
    /// - `None` (the account's first sync): a server whose `CAPA` announces `UIDL` gets the
    ///   strict form, one whose `CAPA` does not (RFC 2449 §6.2) gets fingerprints, and one
    ///   without `CAPA` is asked: a `-ERR` means fingerprints.
    pub async fn listing(
        &mut self,
        identity: Option<Identity>,
    ) -> Result<Listing, DriveError<T::Error>> {
        let Reply::List(sizes) = self.call(Command::List(None)).await? else {
            unreachable!("the client answers LIST with a listing");
        };
        let announced = self.client.capabilities().map(|c| c.has("UIDL"));
        let uidl_listing = |uidls: &[UidlEntry]| Listing {
            messages: join_listing(uidls, &sizes),
            identity: Identity::Uidl,
        };
        match identity {
            Some(Identity::Uidl) => return self.uidls().await.map(|u| uidl_listing(&u)),
            None if announced == Some(true) => {
                return self.uidls().await.map(|u| uidl_listing(&u));
            }
            None if announced.is_none() => match self.uidls().await {
                Ok(uidls) => return Ok(uidl_listing(&uidls)),
                Err(DriveError::Server(_)) => {}
                Err(e) => return Err(e),
            },
            Some(Identity::Fingerprint) | None => {}
        }
        let uidls = self.fingerprints(&sizes).await?;
        Ok(Listing {
            messages: join_listing(&uidls, &sizes),
            identity: Identity::Fingerprint,
        })
    }

    /// `UIDL` for every message.
    async fn uidls(&mut self) -> Result<Vec<UidlEntry>, DriveError<T::Error>> {
        match self.call(Command::Uidl(None)).await? {
            Reply::Uidl(uidls) => Ok(uidls),
            _ => unreachable!("the client answers UIDL with a listing"),
        }
    }

    /// Header fingerprints from `TOP n 0`, pipelined when the server allows.
    async fn fingerprints(
        &mut self,
        sizes: &[ListEntry],
    ) -> Result<Vec<UidlEntry>, DriveError<T::Error>> {
        let mut headers: HashMap<Handle, (MsgNum, Vec<u8>)> = sizes
            .iter()
            .map(|e| {
                let top = self.client.enqueue(Command::Top(e.num, 0));
                (top, (e.num, Vec::new()))
            })
            .collect();
        let mut uidls = Vec::with_capacity(headers.len());
        while !headers.is_empty() {
            match self.next_event().await? {
                Event::Body { handle, chunk } => {
                    if let Some((_, block)) = headers.get_mut(&handle) {
                        block.extend_from_slice(&chunk);
                    }
                }
                Event::Reply { handle, result } => {
                    let Some((num, block)) = headers.remove(&handle) else {
                        continue;
                    };
                    result.map_err(DriveError::Server)?;
                    uidls.push(UidlEntry {
                        num,
                        uidl: header_fingerprint(&block),
                    });
                }
                Event::Greeting(_) => {}
            }
        }
        Ok(uidls)
    }

    /// `QUIT`: commits deletions and ends the session.
    pub async fn quit(&mut self) -> Result<(), DriveError<T::Error>> {
        self.call(Command::Quit).await.map(|_| ())
    }
}
