//! POP3 sessions over tokio: the steps a mail client takes, on any transport.

use std::collections::HashMap;
use std::io::Read;
use std::net::SocketAddr;
use std::sync::Arc;

use cartero_shared::drive::{self, Driver, Transport};
use cartero_shared::pop3::{
    Capabilities, Client, Command, Credentials, Event, LoginMethod, Options, Reply, Secret,
    SecretKind, choose_method,
};
use cartero_shared::wire::Security;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::rustls::ClientConfig;

use crate::clock::TokioClock;
use crate::stream::{PopStream, handshake};

/// Why a transport failed.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// A socket error.
    #[error("{0}")]
    Io(String),
    /// The peer closed the connection.
    #[error("the server closed the connection")]
    Closed,
    /// The TLS handshake failed (the check it tripped, in words).
    #[error("{0}")]
    Tls(String),
    /// The relay reported an error (its first frame or later).
    #[cfg(feature = "relay-client")]
    #[error("the relay said {0:?}")]
    Relay(cartero_shared::wire::RelayMessage),
}

/// A driven session's failure.
pub type DriveError = drive::DriveError<TransportError>;

fn io_error(e: std::io::Error) -> DriveError {
    DriveError::Transport(TransportError::Io(e.to_string()))
}

/// Client options for an account's security choice: a readable secret is sent only over
/// TLS unless the account chose no security.
pub fn options_for(security: Security) -> Options {
    let mut options = Options::default();
    options.require_tls = security != Security::None;
    options.secure_transport = security == Security::Tls;
    options
}

/// Fresh random bytes for SCRAM's client nonce, from the kernel.
fn nonce() -> [u8; 18] {
    let mut nonce = [0u8; 18];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut nonce));
    if read.is_err() {
        // No /dev/urandom: the clock keeps each nonce distinct, which is what SCRAM's
        // replay guard needs; it is not secret either way.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        nonce[..16].copy_from_slice(&nanos.to_le_bytes());
    }
    nonce
}

/// A POP3 session on a transport, with the latest capabilities.
pub struct Session<T> {
    driver: Driver<T, TokioClock>,
    /// The latest `CAPA` reply (cleared by [`Session::start_tls`]).
    pub capabilities: Option<Capabilities>,
}

impl<T> std::ops::Deref for Session<T> {
    type Target = Driver<T, TokioClock>;
    fn deref(&self) -> &Self::Target {
        &self.driver
    }
}

impl<T> std::ops::DerefMut for Session<T> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.driver
    }
}

impl<T: Transport<Error = TransportError>> Session<T> {
    /// A session on `transport` whose greeting has not been read yet.
    pub fn new(transport: T, options: Options) -> Self {
        Session {
            driver: Driver::new(Client::new(options), transport, TokioClock::start()),
            capabilities: None,
        }
    }

    /// `CAPA`, remembered for the login choice.
    pub async fn capa(&mut self) -> Result<(), DriveError> {
        self.capabilities = self.driver.capabilities().await?;
        Ok(())
    }

    /// Logs in with `method` and a password.
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
        self.driver.log_in(method, credentials, &nonce()).await
    }

    /// Logs in with the strongest method the server offers.
    pub async fn log_in(&mut self, user: &str, password: &str) -> Result<(), DriveError> {
        let method = choose_method(
            self.capabilities.as_ref(),
            self.driver.client.offers_apop(),
            SecretKind::Password,
            None,
        )
        .map_err(DriveError::Login)?;
        self.log_in_with(method, user, password).await
    }

    /// Downloads every message (UIDL, then all RETRs pipelined when the server allows):
    /// (uidl, bytes) pairs, sorted by UIDL.
    pub async fn fetch_all(&mut self) -> Result<Vec<(String, Vec<u8>)>, DriveError> {
        let Reply::Uidl(entries) = self.call(Command::Uidl(None)).await? else {
            unreachable!("the client answers UIDL with a listing");
        };
        let mut wanted: HashMap<_, _> = entries
            .into_iter()
            .map(|e| {
                let handle = self.driver.client.enqueue(Command::Retr(e.num));
                (handle, (e.uidl.to_string(), Vec::new()))
            })
            .collect();
        let mut done = Vec::with_capacity(wanted.len());
        while !wanted.is_empty() {
            match self.driver.next_event().await? {
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

    /// QUIT: commits deletions and ends the session.
    pub async fn quit(mut self) -> Result<(), DriveError> {
        self.driver.quit().await
    }
}

/// A direct connection to a POP3 server, as a [`Transport`].
pub struct StreamTransport {
    /// `None` only while STLS swaps the plain stream for a TLS one.
    stream: Option<PopStream>,
    buf: Vec<u8>,
}

impl StreamTransport {
    fn new(stream: PopStream) -> Self {
        StreamTransport {
            stream: Some(stream),
            buf: vec![0; 64 * 1024],
        }
    }

    fn stream(&mut self) -> Result<&mut PopStream, TransportError> {
        self.stream
            .as_mut()
            .ok_or_else(|| TransportError::Tls("the TLS upgrade failed earlier".into()))
    }
}

impl Transport for StreamTransport {
    type Error = TransportError;

    async fn send(&mut self, bytes: Vec<u8>) -> Result<(), TransportError> {
        self.stream()?
            .write_all(&bytes)
            .await
            .map_err(|e| TransportError::Io(e.to_string()))
    }

    async fn recv(&mut self) -> Result<Vec<u8>, TransportError> {
        let stream = self.stream.as_mut().ok_or(TransportError::Closed)?;
        let n = stream
            .read(&mut self.buf)
            .await
            .map_err(|e| TransportError::Io(e.to_string()))?;
        if n == 0 {
            return Err(TransportError::Closed);
        }
        Ok(self.buf[..n].to_vec())
    }
}

/// A session straight to a server.
pub type DirectSession = Session<StreamTransport>;

async fn tcp(addr: SocketAddr) -> Result<TcpStream, DriveError> {
    let stream = TcpStream::connect(addr).await.map_err(io_error)?;
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

impl Session<StreamTransport> {
    /// Plain TCP to `addr`, no security (a readable password is allowed).
    pub async fn connect(addr: SocketAddr) -> Result<Self, DriveError> {
        Session::connect_with(addr, options_for(Security::None)).await
    }

    /// Plain TCP to `addr` with these client options (upgrade with
    /// [`Session::start_tls`]).
    pub async fn connect_with(addr: SocketAddr, options: Options) -> Result<Self, DriveError> {
        let stream = PopStream::Plain(tcp(addr).await?);
        Ok(Session::new(StreamTransport::new(stream), options))
    }

    /// Implicit TLS (port 995) to `addr`, verifying the certificate for `host`.
    pub async fn connect_tls(
        addr: SocketAddr,
        host: &str,
        config: Arc<ClientConfig>,
    ) -> Result<Self, DriveError> {
        let tls = handshake(tcp(addr).await?, host, config)
            .await
            .map_err(|e| DriveError::Transport(TransportError::Tls(e.detail)))?;
        let stream = PopStream::Tls(Box::new(tls));
        let options = options_for(Security::Tls);
        Ok(Session::new(StreamTransport::new(stream), options))
    }

    /// `STLS`, then the TLS handshake on the same connection, verifying `host`; CAPA
    /// must be read again afterwards (RFC 2595 §4).
    pub async fn start_tls(
        &mut self,
        host: &str,
        config: Arc<ClientConfig>,
    ) -> Result<(), DriveError> {
        self.call(Command::Stls).await?;
        self.capabilities = None;
        let transport = &mut self.driver.transport;
        let Some(PopStream::Plain(tcp)) = transport.stream.take() else {
            return Err(DriveError::Transport(TransportError::Tls(
                "STLS on a connection that is already TLS".into(),
            )));
        };
        let tls = handshake(tcp, host, config)
            .await
            .map_err(|e| DriveError::Transport(TransportError::Tls(e.detail)))?;
        transport.stream = Some(PopStream::Tls(Box::new(tls)));
        self.driver.client.tls_established();
        Ok(())
    }
}
