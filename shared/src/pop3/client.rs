//! The session: RFC 1939 states, the command queue, pipelining and events.

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use thiserror::Error;

use super::auth::{self, AuthError, Credentials, LoginMethod, SaslClient};
use super::codec::{self, ParseError, Status};
use super::framing::{BodyStep, FrameError, Framer, ListingLine};
use super::handle::{Handle, HandleGenerator};
use super::types::{Arg, Capabilities, Command, ListEntry, ServerError, UidlEntry};

/// Client settings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// Commands kept in flight at once when the server announces `PIPELINING`.
    pub max_in_flight: usize,
    /// Largest body chunk handed out in one [`Event::Body`].
    pub max_chunk: usize,
    /// Most lines accepted in one `LIST`, `UIDL` or `CAPA` listing.
    pub max_listing_lines: usize,
    /// Refuse login methods that send the secret readable unless the transport is TLS.
    pub require_tls: bool,
    /// The transport is TLS from the start (implicit TLS, port 995).
    pub secure_transport: bool,
    /// How long a command may wait for its reply with no byte arriving before the session
    /// fails with [`Error::Timeout`].
    pub reply_timeout: Duration,
    /// Send `NOOP` after this long without traffic while logged in, so servers (typically
    /// after 10 minutes, RFC 1939 §3) and middleboxes keep the session.
    pub keepalive_idle: Option<Duration>,
    /// Send `UTF8` (RFC 6856) before logging in when the server announces it, so that
    /// messages with raw UTF-8 headers arrive as they are instead of downgraded or
    /// replaced (Courier sends a "cannot display Unicode content" notice otherwise).
    pub negotiate_utf8: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_in_flight: 256,
            max_chunk: 64 * 1024,
            max_listing_lines: 1_000_000,
            require_tls: true,
            secure_transport: false,
            reply_timeout: Duration::from_secs(60),
            keepalive_idle: Some(Duration::from_secs(120)),
            negotiate_utf8: true,
        }
    }
}

/// The RFC 1939 session state, as far as the client has seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    /// Waiting for the server's greeting.
    Greeting,
    /// Greeted; not logged in.
    Authorization,
    /// Logged in: the mailbox is locked and can be read.
    Transaction,
    /// `QUIT` was answered: deletions are committed and the session is over.
    Closed,
}

/// The server's greeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Greeting {
    /// The text after `+OK`.
    pub text: String,
    /// The APOP timestamp, when the server offers APOP.
    pub apop_timestamp: Option<String>,
}

/// A successful reply to a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// `+OK` to a command with nothing more to say (USER, PASS, DELE, NOOP, RSET, QUIT).
    Done(String),
    /// `STAT`: number of messages and their total size.
    Stat {
        /// Messages in the mailbox.
        count: u32,
        /// Their size in octets.
        size: u64,
    },
    /// `LIST`: every message and its size.
    List(Vec<ListEntry>),
    /// `LIST n`.
    ListOne(ListEntry),
    /// `UIDL`: every message and its unique-id.
    Uidl(Vec<UidlEntry>),
    /// `UIDL n`.
    UidlOne(UidlEntry),
    /// `CAPA`.
    Capa(Capabilities),
    /// `RETR`/`TOP` finished; the body came before as [`Event::Body`] chunks.
    BodyEnd,
    /// `STLS` accepted: upgrade the transport to TLS now, then call
    /// [`Client::tls_established`]. Nothing is sent until then.
    StartTls,
}

/// What the session produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The server greeted us with `+OK`.
    Greeting(Greeting),
    /// A piece of a `RETR` or `TOP` body, dot-unstuffed.
    Body {
        /// The command this belongs to.
        handle: Handle,
        /// The bytes (at most [`Options::max_chunk`]).
        chunk: Vec<u8>,
    },
    /// A command is finished: its reply, or the server's `-ERR`.
    Reply {
        /// The command this answers.
        handle: Handle,
        /// `+OK` with its content, or what the server said with `-ERR`.
        result: Result<Reply, ServerError>,
    },
}

/// Why [`Client::next`] returned without an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interrupt {
    /// I/O is needed.
    Io(Io),
    /// The session cannot go on.
    Error(Error),
}

/// The I/O the caller must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Io {
    /// Write these bytes to the server.
    Output(Vec<u8>),
    /// Feed more received bytes (or, when nothing is in flight, enqueue a command).
    NeedMoreInput,
}

/// A fatal session error. After one, [`Client::next`] keeps returning it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    /// The server refused the connection in its greeting.
    #[error("the server refused the connection: {0}")]
    GreetingRefused(ServerError),
    /// A line was too long.
    #[error(transparent)]
    Frame(#[from] FrameError),
    /// A reply could not be parsed.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A listing had more lines than [`Options::max_listing_lines`].
    #[error("the server sent a listing longer than the limit")]
    ListingTooLong,
    /// The server sent bytes while no reply was expected.
    #[error("the server sent data no command asked for")]
    UnexpectedData,
    /// Bytes followed the `+OK` to `STLS` before TLS started: a plaintext injection.
    #[error("the server sent data after accepting STLS, before TLS started")]
    DataAfterStls,
    /// The authentication exchange failed on the client side.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// No reply byte arrived within [`Options::reply_timeout`].
    #[error("the server stopped answering")]
    Timeout,
}

#[derive(Debug)]
struct InFlight {
    handle: Handle,
    command: Command,
    /// The SASL exchange an `AUTH` command runs.
    sasl: Option<Box<SaslClient>>,
}

#[derive(Debug)]
enum Reading {
    Greeting,
    Status,
    Listing(Vec<Vec<u8>>),
    Body,
}

/// A POP3 client session without I/O.
#[derive(Debug)]
pub struct Client {
    options: Options,
    state: SessionState,
    handles: HandleGenerator,
    queued: VecDeque<InFlight>,
    in_flight: VecDeque<InFlight>,
    framer: Framer,
    reading: Reading,
    output: Vec<u8>,
    capabilities: Option<Capabilities>,
    apop_timestamp: Option<String>,
    secure: bool,
    awaiting_tls: bool,
    failed: Option<Error>,
    /// The caller's latest time, and when traffic last moved.
    now: Duration,
    last_traffic: Duration,
    /// Traffic since the last [`Client::handle_timeout`].
    traffic_seen: bool,
    /// Commands the caller did not ask for (keep-alive NOOP, UTF8): their replies are
    /// not surfaced.
    internal: HashSet<Handle>,
    /// `UTF8` was sent in this session; `utf8` says whether the server accepted it.
    utf8_requested: bool,
    utf8: bool,
}

impl Client {
    /// A session that waits for the server's greeting.
    pub fn new(options: Options) -> Self {
        Client {
            secure: options.secure_transport,
            options,
            state: SessionState::Greeting,
            handles: HandleGenerator::default(),
            queued: VecDeque::new(),
            in_flight: VecDeque::new(),
            framer: Framer::default(),
            reading: Reading::Greeting,
            output: Vec::new(),
            capabilities: None,
            apop_timestamp: None,
            awaiting_tls: false,
            failed: None,
            now: Duration::ZERO,
            last_traffic: Duration::ZERO,
            traffic_seen: false,
            internal: HashSet::new(),
            utf8_requested: false,
            utf8: false,
        }
    }

    /// The session state.
    pub fn state(&self) -> SessionState {
        self.state
    }

    /// The capabilities from the latest `CAPA` reply (cleared by STLS, as RFC 2595 asks).
    pub fn capabilities(&self) -> Option<&Capabilities> {
        self.capabilities.as_ref()
    }

    /// Whether no command is queued or waiting for its reply.
    pub fn is_idle(&self) -> bool {
        self.queued.is_empty() && self.in_flight.is_empty()
    }

    /// Queues a command; its events carry the returned handle.
    pub fn enqueue(&mut self, command: Command) -> Handle {
        self.enqueue_with(command, None)
    }

    fn enqueue_with(&mut self, command: Command, sasl: Option<Box<SaslClient>>) -> Handle {
        let handle = self.handles.next();
        self.queued.push_back(InFlight {
            handle,
            command,
            sasl,
        });
        handle
    }

    /// Whether the server accepted `UTF8` (RFC 6856): from then on, messages and replies
    /// may carry raw UTF-8, and user names and passwords are sent as UTF-8.
    pub fn utf8_enabled(&self) -> bool {
        self.utf8
    }

    /// Whether the server's greeting offered APOP.
    pub fn offers_apop(&self) -> bool {
        self.apop_timestamp.is_some()
    }

    /// Queues the login with `method` (see [`auth::choose_method`]); the returned handle's
    /// reply says whether it worked. `nonce` must be fresh random bytes (SCRAM uses them).
    ///
    /// Refuses a method that would send the secret readable when TLS is required and the
    /// transport is not TLS.
    pub fn log_in(
        &mut self,
        method: LoginMethod,
        credentials: Credentials,
        nonce: &[u8],
    ) -> Result<Handle, AuthError> {
        if method.reveals_secret() && self.options.require_tls && !self.secure {
            return Err(AuthError::TlsRequired);
        }
        let bad = |e: super::types::ValueError| AuthError::BadCredentials(e.to_string());
        self.request_utf8();
        match method {
            LoginMethod::UserPass => {
                self.enqueue(Command::user(&credentials.user).map_err(bad)?);
                Ok(self.enqueue(Command::pass(credentials.secret).map_err(bad)?))
            }
            LoginMethod::Apop => {
                let timestamp = self
                    .apop_timestamp
                    .clone()
                    .ok_or_else(|| AuthError::NotOffered("APOP".into()))?;
                let digest = auth::apop_digest(&timestamp, &credentials.secret);
                Ok(self.enqueue(Command::apop(&credentials.user, &digest).map_err(bad)?))
            }
            LoginMethod::Sasl(mechanism) => {
                let fresh = SaslClient::new(mechanism, credentials, nonce);
                let mut sasl = fresh.clone();
                let initial = sasl.initial_response().map(|r| match r.is_empty() {
                    true => "=".to_owned(),
                    false => auth::encode_b64(&r),
                });
                // Base64 has no line breaks; only its length can make it unfit.
                // RFC 5034 §4: an initial response that would make the line longer than
                // 255 octets is sent after the server's empty challenge instead.
                let line_len = "AUTH ".len() + mechanism.name().len() + 2;
                let fits = initial
                    .as_ref()
                    .is_none_or(|i| line_len + 1 + i.len() <= 255);
                let initial = initial
                    .filter(|_| fits)
                    .and_then(|i| Arg::new(&i, "initial response").ok());
                let sasl = if initial.is_some() { sasl } else { fresh };
                let command = Command::Auth { mechanism, initial };
                Ok(self.enqueue_with(command, Some(Box::new(sasl))))
            }
        }
    }

    /// Queues `UTF8` ahead of the login when the latest `CAPA` announced it (RFC 6856 §3:
    /// only in the AUTHORIZATION state). A refusal is not fatal: the session goes on in
    /// ASCII, as it would with a server that never heard of UTF8.
    fn request_utf8(&mut self) {
        let announced = self.capabilities.as_ref().is_some_and(|c| c.has("UTF8"));
        if !self.options.negotiate_utf8
            || !announced
            || self.utf8_requested
            || self.state != SessionState::Authorization
        {
            return;
        }
        self.utf8_requested = true;
        let utf8 = self.enqueue(Command::Utf8);
        self.internal.insert(utf8);
    }

    /// Hands received bytes to the session.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.traffic_seen |= !bytes.is_empty();
        self.framer.push(bytes);
    }

    /// When [`Client::handle_timeout`] must be called next, on the caller's timeline
    /// (the same clock as its `now` arguments); `None` when nothing is timed.
    pub fn poll_timeout(&self) -> Option<Duration> {
        if self.failed.is_some() || self.state == SessionState::Closed {
            return None;
        }
        if !self.in_flight.is_empty() {
            return Some(self.last_traffic + self.options.reply_timeout);
        }
        match (self.state, self.options.keepalive_idle) {
            (SessionState::Transaction, Some(idle)) if self.queued.is_empty() => {
                Some(self.last_traffic + idle)
            }
            _ => None,
        }
    }

    /// Tells the session the time (a monotonic clock of the caller's choice). Call it after
    /// feeding or writing bytes, and when [`Client::poll_timeout`]'s deadline passes. An
    /// overdue reply fails the session with [`Error::Timeout`]; an idle logged-in session
    /// queues a keep-alive `NOOP` whose reply is not surfaced.
    pub fn handle_timeout(&mut self, now: Duration) {
        self.now = self.now.max(now);
        if std::mem::take(&mut self.traffic_seen) {
            self.last_traffic = self.now;
        }
        let Some(deadline) = self.poll_timeout() else {
            return;
        };
        if self.now < deadline {
            return;
        }
        if self.in_flight.is_empty() {
            let noop = self.enqueue(Command::Noop);
            self.internal.insert(noop);
            self.last_traffic = self.now;
        } else {
            self.failed = Some(Error::Timeout);
        }
    }

    /// Call after the transport switched to TLS following [`Reply::StartTls`].
    pub fn tls_established(&mut self) {
        self.awaiting_tls = false;
        self.secure = true;
    }

    /// Advances the session: the next event, or what the caller must do first.
    ///
    /// Not an `Iterator`: an interrupt is not the end, and the caller acts on it.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Event, Interrupt> {
        if let Some(error) = &self.failed {
            return Err(Interrupt::Error(error.clone()));
        }
        let was_waiting = !self.in_flight.is_empty();
        self.send_queued();
        if !self.output.is_empty() {
            // A reply's wait starts when its command leaves, not at the last old byte.
            if !was_waiting {
                self.traffic_seen = true;
            }
            return Err(Interrupt::Io(Io::Output(std::mem::take(&mut self.output))));
        }
        match self.read_event() {
            Ok(Some(event)) => Ok(event),
            // An AUTH exchange may have answered a challenge.
            Ok(None) if !self.output.is_empty() => {
                Err(Interrupt::Io(Io::Output(std::mem::take(&mut self.output))))
            }
            Ok(None) => Err(Interrupt::Io(Io::NeedMoreInput)),
            Err(error) => {
                self.failed = Some(error.clone());
                Err(Interrupt::Error(error))
            }
        }
    }

    fn pipelining(&self) -> bool {
        self.capabilities
            .as_ref()
            .is_some_and(|c| c.has("PIPELINING"))
    }

    /// Moves queued commands to the output, as many as the session allows now.
    fn send_queued(&mut self) {
        if matches!(self.state, SessionState::Greeting | SessionState::Closed) || self.awaiting_tls
        {
            return;
        }
        let limit = if self.pipelining() {
            self.options.max_in_flight.max(1)
        } else {
            1
        };
        // Refill a pipeline in batches, once half of it has drained: one write (one
        // WebSocket frame) per batch instead of one per reply.
        if limit > 1 && self.in_flight.len() > limit / 2 {
            return;
        }
        while self.in_flight.len() < limit {
            if self
                .in_flight
                .back()
                .is_some_and(|f| f.command.is_barrier())
            {
                break;
            }
            let Some(next) = self.queued.pop_front() else {
                break;
            };
            codec::encode(&next.command, &mut self.output);
            self.in_flight.push_back(next);
        }
    }

    fn read_event(&mut self) -> Result<Option<Event>, Error> {
        loop {
            match &mut self.reading {
                Reading::Greeting => return self.read_greeting(),
                Reading::Status => {
                    if self.in_flight.is_empty() {
                        return match self.framer.has_pending() {
                            true => Err(Error::UnexpectedData),
                            false => Ok(None),
                        };
                    }
                    let Some(line) = self.framer.line()? else {
                        return Ok(None);
                    };
                    if let Some(event) = self.on_status(&line)? {
                        if let Event::Reply { handle, .. } = &event
                            && self.internal.remove(handle)
                        {
                            continue;
                        }
                        return Ok(Some(event));
                    }
                    if !self.output.is_empty() {
                        return Ok(None);
                    }
                }
                Reading::Body => {
                    return match self.framer.body(self.options.max_chunk) {
                        BodyStep::Chunk(chunk) => Ok(Some(Event::Body {
                            handle: self.front_handle(),
                            chunk,
                        })),
                        BodyStep::End => Ok(Some(self.finish(Ok(Reply::BodyEnd))?)),
                        BodyStep::NeedMore => Ok(None),
                    };
                }
                Reading::Listing(lines) => match self.framer.listing_line()? {
                    None => return Ok(None),
                    Some(ListingLine::Line(line)) => {
                        if lines.len() >= self.options.max_listing_lines {
                            return Err(Error::ListingTooLong);
                        }
                        lines.push(line);
                    }
                    Some(ListingLine::End) => {
                        let Reading::Listing(lines) =
                            std::mem::replace(&mut self.reading, Reading::Status)
                        else {
                            unreachable!("matched Listing above");
                        };
                        let reply = self.listing_reply(lines)?;
                        return Ok(Some(self.finish(Ok(reply))?));
                    }
                },
            }
        }
    }

    fn read_greeting(&mut self) -> Result<Option<Event>, Error> {
        let Some(line) = self.framer.line()? else {
            return Ok(None);
        };
        match codec::parse_status(&line)? {
            Status::Ok(text) => {
                self.state = SessionState::Authorization;
                self.reading = Reading::Status;
                let apop_timestamp = codec::apop_timestamp(&text).map(str::to_owned);
                self.apop_timestamp.clone_from(&apop_timestamp);
                Ok(Some(Event::Greeting(Greeting {
                    text,
                    apop_timestamp,
                })))
            }
            Status::Err(error) => Err(Error::GreetingRefused(error)),
            Status::Continue(_) => {
                let shown = String::from_utf8_lossy(&line).chars().take(80).collect();
                Err(ParseError::NotAStatus(shown).into())
            }
        }
    }

    fn front_handle(&self) -> Handle {
        self.in_flight
            .front()
            .expect("a reply is read only while a command is in flight")
            .handle
    }

    /// Handles a status line for the oldest command in flight. Returns an event when the
    /// command is finished, `None` when a multi-line body follows.
    fn on_status(&mut self, line: &[u8]) -> Result<Option<Event>, Error> {
        let text = match codec::parse_status(line)? {
            Status::Err(error) => return Ok(Some(self.finish(Err(error))?)),
            Status::Continue(challenge) => {
                self.answer_challenge(&challenge, line)?;
                return Ok(None);
            }
            Status::Ok(text) => text,
        };
        let command = &self
            .in_flight
            .front()
            .expect("checked by the caller")
            .command;
        let reply = match command {
            Command::Retr(_) | Command::Top(..) => {
                self.framer.begin_body();
                self.reading = Reading::Body;
                return Ok(None);
            }
            Command::Capa | Command::List(None) | Command::Uidl(None) => {
                self.reading = Reading::Listing(Vec::new());
                return Ok(None);
            }
            Command::Stat => {
                let (count, size) = codec::parse_stat(&text)?;
                Reply::Stat { count, size }
            }
            Command::List(Some(_)) => Reply::ListOne(codec::parse_list_entry(text.as_bytes())?),
            Command::Uidl(Some(_)) => Reply::UidlOne(codec::parse_uidl_entry(text.as_bytes())?),
            Command::Stls => Reply::StartTls,
            _ => Reply::Done(text),
        };
        Ok(Some(self.finish(Ok(reply))?))
    }

    /// Answers an `AUTH` continuation with the SASL client's response.
    fn answer_challenge(&mut self, challenge: &str, line: &[u8]) -> Result<(), Error> {
        let front = self.in_flight.front_mut().expect("checked by the caller");
        let Some(sasl) = front.sasl.as_mut() else {
            let shown = String::from_utf8_lossy(line).chars().take(80).collect();
            return Err(ParseError::NotAStatus(shown).into());
        };
        let challenge = auth::decode_b64(challenge).ok_or(AuthError::BadChallenge)?;
        let response = sasl.respond(&challenge)?;
        self.output
            .extend_from_slice(auth::encode_b64(&response).as_bytes());
        self.output.extend_from_slice(b"\r\n");
        Ok(())
    }

    fn listing_reply(&self, lines: Vec<Vec<u8>>) -> Result<Reply, Error> {
        let command = &self.in_flight.front().expect("listing in flight").command;
        Ok(match command {
            Command::Capa => Reply::Capa(Capabilities::from_lines(
                lines
                    .iter()
                    .map(|l| String::from_utf8_lossy(l).into_owned())
                    .collect(),
            )),
            Command::List(_) => Reply::List(
                lines
                    .iter()
                    .map(|l| codec::parse_list_entry(l))
                    .collect::<Result<_, _>>()?,
            ),
            _ => Reply::Uidl(
                lines
                    .iter()
                    .map(|l| codec::parse_uidl_entry(l))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }

    /// Retires the oldest command in flight with `result`, applying its effect on the state.
    fn finish(&mut self, result: Result<Reply, ServerError>) -> Result<Event, Error> {
        let done = self
            .in_flight
            .pop_front()
            .expect("a reply is finished only while a command is in flight");
        self.reading = Reading::Status;
        if result.is_ok() {
            if let Some(sasl) = &done.sasl {
                sasl.finish()?;
            }
            match (&done.command, &result) {
                (Command::Pass(_) | Command::Apop { .. } | Command::Auth { .. }, _) => {
                    self.state = SessionState::Transaction
                }
                (Command::Quit, _) => self.state = SessionState::Closed,
                (Command::Utf8, _) => self.utf8 = true,
                (_, Ok(Reply::Capa(caps))) => self.capabilities = Some(caps.clone()),
                (Command::Stls, _) => {
                    if self.framer.has_pending() {
                        return Err(Error::DataAfterStls);
                    }
                    self.awaiting_tls = true;
                    self.capabilities = None;
                }
                _ => {}
            }
        }
        Ok(Event::Reply {
            handle: done.handle,
            result,
        })
    }
}

#[cfg(test)]
mod tests;
