//! A client of the relay's `/pop3` WebSocket, the way the browser app uses it: binary
//! frames carry POP3, text frames the relay's control messages.

use std::net::SocketAddr;

use cartero_shared::drive::Transport;
use cartero_shared::pop3::Command;
use cartero_shared::wire::{ClientMessage, ConnectQuery, Json, RelayMessage, Security};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::session::{DriveError, Session, TransportError, options_for};

/// The relay's WebSocket as a [`Transport`].
pub struct RelaySocket {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

fn ws_error(e: tungstenite::Error) -> TransportError {
    TransportError::Io(e.to_string())
}

impl RelaySocket {
    /// The next control message.
    async fn control(&mut self) -> Result<RelayMessage, TransportError> {
        match self.ws.next().await {
            Some(Ok(Message::Text(text))) => RelayMessage::from_json(&text)
                .map_err(|e| TransportError::Io(format!("bad control message: {e}"))),
            Some(Ok(other)) => Err(TransportError::Io(format!(
                "expected a control message, got {other:?}"
            ))),
            Some(Err(e)) => Err(ws_error(e)),
            None => Err(TransportError::Closed),
        }
    }
}

impl Transport for RelaySocket {
    type Error = TransportError;

    async fn send(&mut self, bytes: Vec<u8>) -> Result<(), TransportError> {
        self.ws
            .send(Message::Binary(bytes.into()))
            .await
            .map_err(ws_error)
    }

    async fn recv(&mut self) -> Result<Vec<u8>, TransportError> {
        loop {
            return match self.ws.next().await {
                Some(Ok(Message::Binary(bytes))) => Ok(bytes.to_vec()),
                Some(Ok(Message::Text(text))) => Err(match RelayMessage::from_json(&text) {
                    Ok(message) => TransportError::Relay(message),
                    Err(e) => TransportError::Io(format!("bad control message: {e}")),
                }),
                Some(Ok(Message::Close(_))) | None => Err(TransportError::Closed),
                Some(Ok(_)) => continue,
                Some(Err(e)) => Err(ws_error(e)),
            };
        }
    }
}

/// Opens `/pop3` on the relay with `origin` as the `Origin` header: `None` for the relay's
/// own origin (what the app sends), `Some("")` for no header at all.
pub async fn open_socket(
    relay: SocketAddr,
    query: &ConnectQuery,
    origin: Option<&str>,
) -> Result<WebSocketStream<MaybeTlsStream<TcpStream>>, tungstenite::Error> {
    open_socket_with(relay, query, origin, &[]).await
}

/// [`open_socket`] with extra request headers (e.g. `Authorization` for a relay that
/// wants its team's access token).
pub async fn open_socket_with(
    relay: SocketAddr,
    query: &ConnectQuery,
    origin: Option<&str>,
    headers: &[(&'static str, &str)],
) -> Result<WebSocketStream<MaybeTlsStream<TcpStream>>, tungstenite::Error> {
    let url = format!("ws://{relay}{}", query.path_and_query());
    let mut request = url.into_client_request()?;
    let own_origin = format!("http://{relay}");
    if let Some(origin) = origin.or(Some(&own_origin)).filter(|o| !o.is_empty()) {
        let value = origin
            .parse()
            .map_err(|e| tungstenite::Error::HttpFormat(tungstenite::http::Error::from(e)))?;
        request.headers_mut().insert("Origin", value);
    }
    for (name, value) in headers {
        let value = value
            .parse()
            .map_err(|e| tungstenite::Error::HttpFormat(tungstenite::http::Error::from(e)))?;
        request.headers_mut().insert(*name, value);
    }
    // Like a browser, without Nagle's delay.
    let (ws, _) = tokio_tungstenite::connect_async_with_config(request, None, true).await?;
    Ok(ws)
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

impl RelaySession {
    /// Connects through the relay; an `error` first frame is [`TransportError::Relay`].
    pub async fn open(relay: SocketAddr, query: &ConnectQuery) -> Result<RelaySession, DriveError> {
        let ws = open_socket(relay, query, None)
            .await
            .map_err(|e| DriveError::Transport(ws_error(e)))?;
        let mut transport = RelaySocket { ws };
        let connected = transport.control().await.map_err(DriveError::Transport)?;
        if !matches!(connected, RelayMessage::Connected { .. }) {
            return Err(DriveError::Transport(TransportError::Relay(connected)));
        }
        Ok(RelaySession {
            session: Session::new(transport, options_for(query.security)),
            connected,
        })
    }

    /// STLS, then the relay's TLS upgrade; returns the relay's `tls_started` message.
    pub async fn start_tls(&mut self) -> Result<RelayMessage, DriveError> {
        self.call(Command::Stls).await?;
        self.capabilities = None;
        let socket = &mut self.session.transport;
        socket
            .ws
            .send(Message::Text(ClientMessage::StartTls.to_json().into()))
            .await
            .map_err(|e| DriveError::Transport(ws_error(e)))?;
        match socket.control().await.map_err(DriveError::Transport)? {
            answer @ RelayMessage::TlsStarted { .. } => {
                self.session.client.tls_established();
                Ok(answer)
            }
            other => Err(DriveError::Transport(TransportError::Relay(other))),
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

/// Connects through the relay with `security`, logs in, downloads everything and quits:
/// the relay's TLS message (`connected` or `tls_started`) and (uidl, bytes) pairs.
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
