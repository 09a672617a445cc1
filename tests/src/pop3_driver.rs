//! A native driver for `shared::pop3` over the relay's WebSocket (tokio-tungstenite), the
//! same way the browser app drives it.

use std::net::SocketAddr;

use cartero_shared::pop3::{
    Capabilities, Client, Command, Credentials, Event, Interrupt, Io, LoginMethod, Options, Reply,
    Secret, SecretKind, ServerError, choose_method,
};
use cartero_shared::wire::{ClientMessage, ConnectQuery, Json, RelayMessage, Security};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// What went wrong in a driven session.
#[derive(Debug)]
pub enum DriveError {
    /// The relay sent `error` (as its first frame or later).
    Relay(RelayMessage),
    /// The WebSocket failed or closed.
    Socket(String),
    /// The POP3 client reported a protocol error.
    Protocol(cartero_shared::pop3::Error),
    /// The server said `-ERR`.
    Server(ServerError),
    /// Something else unexpected.
    Unexpected(String),
}

/// A POP3 session through the relay.
pub struct RelaySession {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    client: Client,
    /// The relay's `connected` message.
    pub connected: RelayMessage,
    /// The latest `CAPA` reply.
    pub capabilities: Option<Capabilities>,
}

/// A nonce for SCRAM. The driver serves tests and benchmarks, so the clock's nanoseconds
/// are fresh enough; the browser app draws its nonce from Web Crypto.
fn nonce() -> [u8; 16] {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    nanos.to_le_bytes()
}

/// Opens `/pop3` on the relay with an `Origin` of the relay itself.
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
    let (ws, _) = tokio_tungstenite::connect_async(request).await?;
    Ok(ws)
}

/// Reads the next text frame as a relay control message.
async fn control(
    ws: &mut WebSocketStream<MaybeTlsStream<TcpStream>>,
) -> Result<RelayMessage, DriveError> {
    match ws.next().await {
        Some(Ok(Message::Text(text))) => {
            RelayMessage::from_json(&text).map_err(|e| DriveError::Unexpected(e.to_string()))
        }
        other => Err(DriveError::Socket(format!("{other:?}"))),
    }
}

impl RelaySession {
    /// Connects through the relay; an `error` first frame is [`DriveError::Relay`].
    pub async fn open(relay: SocketAddr, query: &ConnectQuery) -> Result<RelaySession, DriveError> {
        let mut ws = open_socket(relay, query, None)
            .await
            .map_err(|e| DriveError::Socket(e.to_string()))?;
        let connected = control(&mut ws).await?;
        if !matches!(connected, RelayMessage::Connected { .. }) {
            return Err(DriveError::Relay(connected));
        }
        let mut options = Options::default();
        options.require_tls = query.security != Security::None;
        options.secure_transport = query.security == Security::Tls;
        Ok(RelaySession {
            ws,
            client: Client::new(options),
            connected,
            capabilities: None,
        })
    }

    async fn next_event(&mut self) -> Result<Event, DriveError> {
        loop {
            match self.client.next() {
                Ok(event) => return Ok(event),
                Err(Interrupt::Io(Io::Output(bytes))) => self
                    .ws
                    .send(Message::Binary(bytes.into()))
                    .await
                    .map_err(|e| DriveError::Socket(e.to_string()))?,
                Err(Interrupt::Io(Io::NeedMoreInput)) => match self.ws.next().await {
                    Some(Ok(Message::Binary(bytes))) => self.client.feed(&bytes),
                    Some(Ok(Message::Text(text))) => {
                        return Err(DriveError::Relay(
                            RelayMessage::from_json(&text)
                                .map_err(|e| DriveError::Unexpected(e.to_string()))?,
                        ));
                    }
                    other => return Err(DriveError::Socket(format!("{other:?}"))),
                },
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

    /// STLS, then the relay's TLS upgrade.
    pub async fn start_tls(&mut self) -> Result<RelayMessage, DriveError> {
        self.call(Command::Stls).await?;
        self.ws
            .send(Message::Text(ClientMessage::StartTls.to_json().into()))
            .await
            .map_err(|e| DriveError::Socket(e.to_string()))?;
        let answer = control(&mut self.ws).await?;
        match answer {
            RelayMessage::TlsStarted { .. } => {
                self.client.tls_established();
                Ok(answer)
            }
            other => Err(DriveError::Relay(other)),
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
        let mut wanted: std::collections::HashMap<_, _> = entries
            .into_iter()
            .map(|e| {
                (
                    self.client.enqueue(Command::Retr(e.num)),
                    (e.uidl.to_string(), Vec::new()),
                )
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
