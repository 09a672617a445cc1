//! A connection to a POP3 server: plain TCP, or TLS (implicit, or after `STLS`).

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::{self, pki_types::ServerName};

use cartero_shared::wire::CertificateProblem;

use crate::tls::{certificate_problem, describe_tls_error};

/// The connection to the POP3 server: plain or TLS.
pub enum PopStream {
    /// Plain TCP (before STLS, or no security).
    Plain(TcpStream),
    /// TLS (implicit, or after STLS).
    Tls(Box<TlsStream<TcpStream>>),
}

/// A TLS handshake that failed, with the check it tripped in words.
#[derive(Debug, thiserror::Error)]
#[error("{detail}")]
pub struct HandshakeError {
    /// What failed, in English words.
    pub detail: String,
    /// The certificate check that failed, when it was one.
    pub certificate: Option<CertificateProblem>,
}

/// Runs a TLS handshake over `tcp`, verifying the certificate for `host` (a name or an IP
/// address, IPv6 in brackets or not).
pub async fn handshake(
    tcp: TcpStream,
    host: &str,
    config: Arc<rustls::ClientConfig>,
) -> Result<TlsStream<TcpStream>, HandshakeError> {
    let name = host.trim_start_matches('[').trim_end_matches(']');
    let server_name = ServerName::try_from(name.to_owned()).map_err(|_| HandshakeError {
        detail: format!("{host} is not a valid TLS server name"),
        certificate: None,
    })?;
    TlsConnector::from(config)
        .connect(server_name, tcp)
        .await
        .map_err(|e| HandshakeError {
            detail: describe_tls_error(&e),
            certificate: certificate_problem(&e),
        })
}

impl AsyncRead for PopStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            PopStream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            PopStream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for PopStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            PopStream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            PopStream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            PopStream::Plain(s) => Pin::new(s).poll_flush(cx),
            PopStream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            PopStream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            PopStream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}
