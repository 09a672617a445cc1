//! A native tokio driver for `shared::pop3`, the way the browser app drives it, over any
//! [`Transport`]: plain TCP to the server, or the relay's WebSocket (tokio-tungstenite).
//! Tests and the benchmark use it.

use std::collections::HashMap;
use std::net::SocketAddr;

use cartero_shared::pop3::{
    Capabilities, Client, Command, Credentials, Event, Interrupt, Io, LoginMethod, Options, Reply,
    Secret, SecretKind, ServerError, choose_method,
};
use cartero_shared::wire::{ClientMessage, ConnectQuery, Json, RelayMessage, Security};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// What went wrong in a driven session.
#[derive(Debug)]
pub enum DriveError {
    /// The relay sent `error` (as its first frame or later).
    Relay(RelayMessage),
    /// The connection failed or closed.
    Socket(String),
    /// The POP3 client reported a protocol error.
    Protocol(cartero_shared::pop3::Error),
    /// The server said `-ERR`.
    Server(ServerError),
    /// Something else unexpected.
    Unexpected(String),
}

/// Moves POP3 bytes to and from the server.
pub trait Transport {
    /// Sends bytes.
    fn send(&mut self, bytes: Vec<u8>) -> impl Future<Output = Result<(), DriveError>>;
    /// Receives the next bytes (never empty).
    fn recv(&mut self) -> impl Future<Output = Result<Vec<u8>, DriveError>>;
}

/// Plain TCP straight to the server.
pub struct TcpTransport {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Transport for TcpTransport {
    async fn send(&mut self, bytes: Vec<u8>) -> Result<(), DriveError> {
        self.stream
            .write_all(&bytes)
            .await
            .map_err(|e| DriveError::Socket(e.to_string()))
    }

    async fn recv(&mut self) -> Result<Vec<u8>, DriveError> {
        let n = self
            .stream
            .read(&mut self.buf)
            .await
            .map_err(|e| DriveError::Socket(e.to_string()))?;
        if n == 0 {
            return Err(DriveError::Socket(
                "the server closed the connection".into(),
            ));
        }
        Ok(self.buf[..n].to_vec())
    }
}

/// The relay's WebSocket: binary frames carry POP3, text frames control messages.
pub struct RelaySocket {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl RelaySocket {
    async fn control(&mut self) -> Result<RelayMessage, DriveError> {
        match self.ws.next().await {
            Some(Ok(Message::Text(text))) => {
                RelayMessage::from_json(&text).map_err(|e| DriveError::Unexpected(e.to_string()))
            }
            other => Err(DriveError::Socket(format!("{other:?}"))),
        }
    }
}

impl Transport for RelaySocket {
    async fn send(&mut self, bytes: Vec<u8>) -> Result<(), DriveError> {
        self.ws
            .send(Message::Binary(bytes.into()))
            .await
            .map_err(|e| DriveError::Socket(e.to_string()))
    }

    async fn recv(&mut self) -> Result<Vec<u8>, DriveError> {
        match self.ws.next().await {
            Some(Ok(Message::Binary(bytes))) => Ok(bytes.to_vec()),
            Some(Ok(Message::Text(text))) => Err(DriveError::Relay(
                RelayMessage::from_json(&text)
                    .map_err(|e| DriveError::Unexpected(e.to_string()))?,
            )),
            other => Err(DriveError::Socket(format!("{other:?}"))),
        }
    }
}

/// A POP3 session over a transport.
pub struct Session<T> {
    transport: T,
    client: Client,
    /// The session's clock starts here (the client takes time as an argument).
    epoch: tokio::time::Instant,
    /// The latest `CAPA` reply.
    pub capabilities: Option<Capabilities>,
}

/// A session through the relay, with the relay's `connected` message.
pub struct RelaySession {
    session: Session<RelaySocket>,
    /// The relay's `connected` message.
    pub connected: RelayMessage,
}

impl std::ops::Deref for RelaySession {
    type Target = Session<RelaySocket>;
    fn deref(&self) -> &Session<RelaySocket> {
        &self.session
    }
}

impl std::ops::DerefMut for RelaySession {
    fn deref_mut(&mut self) -> &mut Session<RelaySocket> {
        &mut self.session
    }
}

/// A nonce for SCRAM. The driver serves tests and benchmarks, so the clock's nanoseconds
/// are fresh enough; the browser app draws its nonce from Web Crypto.
fn nonce() -> [u8; 16] {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    nanos.to_le_bytes()
}

fn options_for(security: Security) -> Options {
    let mut options = Options::default();
    options.require_tls = security != Security::None;
    options.secure_transport = security == Security::Tls;
    options
}

/// Opens `/pop3` on the relay with an `Origin` of the relay itself (`Some("")`: none).
pub async fn open_socket(
    relay: SocketAddr,
    query: &ConnectQuery,
    origin: Option<&str>,
) -> Result<WebSocketStream<MaybeTlsStream<TcpStream>>, tokio_tungstenite::tungstenite::Error> {
    let url = format!("ws://{relay}{}", query.path_and_query());
    let mut request = url.into_client_request()?;
    let own_origin = format!("http://{relay}");
    if let Some(origin) = origin.or(Some(&own_origin)).filter(|o| !o.is_empty()) {
        request
            .headers_mut()
            .insert("Origin", origin.parse().expect("a valid header value"));
    }
    // Like a browser, without Nagle's delay.
    let (ws, _) = tokio_tungstenite::connect_async_with_config(request, None, true).await?;
    Ok(ws)
}

impl Session<TcpTransport> {
    /// Connects straight to a POP3 server over plain TCP.
    pub async fn connect(addr: SocketAddr) -> Result<Self, DriveError> {
        Session::connect_with(addr, options_for(Security::None)).await
    }

    /// Connects over plain TCP with these client options.
    pub async fn connect_with(addr: SocketAddr, options: Options) -> Result<Self, DriveError> {
        let stream = TcpStream::connect(addr)
            .await
            .map_err(|e| DriveError::Socket(e.to_string()))?;
        let _ = stream.set_nodelay(true);
        Ok(Session {
            transport: TcpTransport {
                stream,
                buf: vec![0; 64 * 1024],
            },
            client: Client::new(options),
            epoch: tokio::time::Instant::now(),
            capabilities: None,
        })
    }
}

impl RelaySession {
    /// Connects through the relay; an `error` first frame is [`DriveError::Relay`].
    pub async fn open(relay: SocketAddr, query: &ConnectQuery) -> Result<RelaySession, DriveError> {
        let ws = open_socket(relay, query, None)
            .await
            .map_err(|e| DriveError::Socket(e.to_string()))?;
        let mut transport = RelaySocket { ws };
        let connected = transport.control().await?;
        if !matches!(connected, RelayMessage::Connected { .. }) {
            return Err(DriveError::Relay(connected));
        }
        Ok(RelaySession {
            session: Session {
                transport,
                client: Client::new(options_for(query.security)),
                epoch: tokio::time::Instant::now(),
                capabilities: None,
            },
            connected,
        })
    }

    /// STLS, then the relay's TLS upgrade.
    pub async fn start_tls(&mut self) -> Result<RelayMessage, DriveError> {
        self.call(Command::Stls).await?;
        let session = &mut self.session;
        session
            .transport
            .ws
            .send(Message::Text(ClientMessage::StartTls.to_json().into()))
            .await
            .map_err(|e| DriveError::Socket(e.to_string()))?;
        match session.transport.control().await? {
            answer @ RelayMessage::TlsStarted { .. } => {
                session.client.tls_established();
                Ok(answer)
            }
            other => Err(DriveError::Relay(other)),
        }
    }

    /// QUIT.
    pub async fn quit(self) -> Result<(), DriveError> {
        self.session.quit().await
    }

    /// The POP3 session, without the relay's message.
    pub fn into_session(self) -> Session<RelaySocket> {
        self.session
    }
}

impl<T: Transport> Session<T> {
    async fn next_event(&mut self) -> Result<Event, DriveError> {
        loop {
            match self.client.next() {
                Ok(event) => return Ok(event),
                Err(Interrupt::Io(Io::Output(bytes))) => {
                    self.transport.send(bytes).await?;
                    self.client.handle_timeout(self.epoch.elapsed());
                }
                Err(Interrupt::Io(Io::NeedMoreInput)) => {
                    let received = match self.client.poll_timeout() {
                        Some(deadline) => {
                            let due = self.epoch + deadline;
                            tokio::time::timeout_at(due, self.transport.recv())
                                .await
                                .ok()
                        }
                        None => Some(self.transport.recv().await),
                    };
                    if let Some(bytes) = received {
                        self.client.feed(&bytes?);
                    }
                    self.client.handle_timeout(self.epoch.elapsed());
                }
                Err(Interrupt::Error(e)) => return Err(DriveError::Protocol(e)),
            }
        }
    }

    /// Sends a command and waits for its reply; `-ERR` is [`DriveError::Server`].
    pub async fn call(&mut self, command: Command) -> Result<Reply, DriveError> {
        let handle = self.client.enqueue(command);
        loop {
            if let Event::Reply { handle: h, result } = self.next_event().await?
                && h == handle
            {
                return result.map_err(DriveError::Server);
            }
        }
    }

    /// `CAPA`, remembered for the login choice.
    pub async fn capa(&mut self) -> Result<(), DriveError> {
        if let Reply::Capa(caps) = self.call(Command::Capa).await? {
            self.capabilities = Some(caps);
        }
        Ok(())
    }

    /// Logs in with `method`.
    pub async fn log_in_with(
        &mut self,
        method: LoginMethod,
        user: &str,
        password: &str,
    ) -> Result<(), DriveError> {
        let credentials = Credentials {
            user: user.to_owned(),
            secret: Secret::new(password),
            kind: SecretKind::Password,
        };
        let handle = self
            .client
            .log_in(method, credentials, &nonce())
            .map_err(|e| DriveError::Unexpected(e.to_string()))?;
        loop {
            if let Event::Reply { handle: h, result } = self.next_event().await?
                && h == handle
            {
                return result.map(|_| ()).map_err(DriveError::Server);
            }
        }
    }

    /// Logs in with the strongest method the server offers.
    pub async fn log_in(&mut self, user: &str, password: &str) -> Result<(), DriveError> {
        let method = choose_method(
            self.capabilities.as_ref(),
            self.client.offers_apop(),
            SecretKind::Password,
            None,
        )
        .map_err(|e| DriveError::Unexpected(e.to_string()))?;
        self.log_in_with(method, user, password).await
    }

    /// Downloads every message (UIDL, then all RETRs pipelined): (uidl, bytes) pairs.
    pub async fn fetch_all(&mut self) -> Result<Vec<(String, Vec<u8>)>, DriveError> {
        let Reply::Uidl(entries) = self.call(Command::Uidl(None)).await? else {
            return Err(DriveError::Unexpected("UIDL gave no listing".into()));
        };
        let mut wanted: HashMap<_, _> = entries
            .into_iter()
            .map(|e| {
                let handle = self.client.enqueue(Command::Retr(e.num));
                (handle, (e.uidl.to_string(), Vec::new()))
            })
            .collect();
        let mut done = Vec::new();
        while !wanted.is_empty() {
            match self.next_event().await? {
                Event::Body { handle, chunk } => {
                    if let Some((_, body)) = wanted.get_mut(&handle) {
                        body.extend_from_slice(&chunk);
                    }
                }
                Event::Reply { handle, result } => {
                    result.map_err(DriveError::Server)?;
                    if let Some(message) = wanted.remove(&handle) {
                        done.push(message);
                    }
                }
                Event::Greeting(_) => {}
            }
        }
        done.sort();
        Ok(done)
    }

    /// QUIT.
    pub async fn quit(mut self) -> Result<(), DriveError> {
        self.call(Command::Quit).await.map(|_| ())
    }
}

/// Connects with `security`, logs in, downloads everything and quits.
pub async fn download_mailbox(
    relay: SocketAddr,
    host: &str,
    port: u16,
    security: Security,
    user: &str,
    password: &str,
) -> Result<(RelayMessage, Vec<(String, Vec<u8>)>), DriveError> {
    let query = ConnectQuery {
        host: host.to_owned(),
        port,
        security,
    };
    let mut session = RelaySession::open(relay, &query).await?;
    let mut tls = session.connected.clone();
    if security == Security::Starttls {
        tls = session.start_tls().await?;
    }
    // CAPA gives the login methods and lets the client pipeline when the server allows it.
    session.capa().await?;
    session.log_in(user, password).await?;
    let messages = session.fetch_all().await?;
    session.quit().await?;
    Ok((tls, messages))
}
