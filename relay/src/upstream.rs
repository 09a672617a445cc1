//! Upstream I/O: resolve once, connect to the checked address, TLS and STLS.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use cartero_shared::wire::TlsInfo;
use thiserror::Error;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{self, CertificateError, RootCertStore};

use crate::error::RelayError;
use crate::policy::{self, Target};

/// The CA file could not be used.
#[derive(Debug, Error)]
pub enum TlsSetupError {
    /// Reading or parsing the file failed.
    #[error("cannot read CA file {path}: {detail}")]
    CaFile {
        /// The file.
        path: String,
        /// What failed.
        detail: String,
    },
}

/// TLS settings for upstream connections: the public web roots plus an optional CA file.
pub fn client_tls_config(ca_file: Option<&Path>) -> Result<rustls::ClientConfig, TlsSetupError> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_file {
        let ca_error = |detail: String| TlsSetupError::CaFile {
            path: path.display().to_string(),
            detail,
        };
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
            .map_err(|e| ca_error(e.to_string()))?
            .collect::<Result<_, _>>()
            .map_err(|e| ca_error(e.to_string()))?;
        if certs.is_empty() {
            return Err(ca_error("no certificate in it".into()));
        }
        for cert in certs {
            roots.add(cert).map_err(|e| ca_error(e.to_string()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

/// Resolves the target (once) and checks every address against the policy.
pub async fn resolve(target: &Target) -> Result<Vec<SocketAddr>, RelayError> {
    match target {
        Target::Ip(addr) => Ok(vec![*addr]),
        Target::Name { name, port } => {
            let resolved = tokio::net::lookup_host((name.as_str(), *port))
                .await
                .map_err(|e| RelayError::Resolve {
                    host: name.clone(),
                    detail: e.to_string(),
                })?;
            let ips: Vec<IpAddr> = resolved.map(|a| a.ip()).collect();
            policy::check_resolved(name, *port, &ips)
                .map_err(|refusal| RelayError::NotAllowed(refusal.to_string()))
        }
    }
}

/// Connects to the first checked address that answers.
pub async fn connect(
    addrs: &[SocketAddr],
    upstream: &str,
    timeout: Duration,
) -> Result<TcpStream, RelayError> {
    let attempt = async {
        let mut last_error = None;
        for addr in addrs {
            match TcpStream::connect(addr).await {
                Ok(stream) => {
                    let _ = stream.set_nodelay(true);
                    return Ok(stream);
                }
                Err(e) => last_error = Some(e),
            }
        }
        Err(RelayError::Connect {
            upstream: upstream.to_owned(),
            detail: last_error.map_or("no address".into(), |e| e.to_string()),
        })
    };
    tokio::time::timeout(timeout, attempt)
        .await
        .map_err(|_| RelayError::Timeout(upstream.to_owned()))?
}

/// Runs a TLS handshake over `tcp`, verifying the certificate for `host`.
pub async fn start_tls(
    tcp: TcpStream,
    host: &str,
    upstream: &str,
    config: Arc<rustls::ClientConfig>,
    timeout: Duration,
) -> Result<TlsStream<TcpStream>, RelayError> {
    let name = host.trim_start_matches('[').trim_end_matches(']');
    let server_name = ServerName::try_from(name.to_owned()).map_err(|_| RelayError::Tls {
        upstream: upstream.to_owned(),
        detail: format!("{host} is not a valid TLS server name"),
    })?;
    let handshake = TlsConnector::from(config).connect(server_name, tcp);
    match tokio::time::timeout(timeout, handshake).await {
        Err(_) => Err(RelayError::Timeout(upstream.to_owned())),
        Ok(Err(e)) => Err(RelayError::Tls {
            upstream: upstream.to_owned(),
            detail: describe_tls_error(&e),
        }),
        Ok(Ok(stream)) => Ok(stream),
    }
}

/// Says in words which check a failed handshake tripped.
fn describe_tls_error(error: &io::Error) -> String {
    let rustls_error = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    match rustls_error {
        Some(rustls::Error::InvalidCertificate(cert)) => match cert {
            CertificateError::UnknownIssuer => {
                "the server's certificate is signed by an unknown authority".into()
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "the server's certificate has expired".into()
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "the server's certificate is for another name".into()
            }
            other => format!("the server's certificate is invalid ({other:?})"),
        },
        Some(other) => format!("TLS error: {other}"),
        None => format!("TLS handshake failed: {error}"),
    }
}

/// What the browser should know about a TLS session.
pub fn tls_info(stream: &TlsStream<TcpStream>, host: &str) -> TlsInfo {
    let (_, conn) = stream.get_ref();
    TlsInfo {
        version: conn
            .protocol_version()
            .and_then(|v| v.as_str())
            .unwrap_or("unknown")
            .replace('_', "."),
        cipher: conn
            .negotiated_cipher_suite()
            .and_then(|s| s.suite().as_str())
            .unwrap_or("unknown")
            .to_owned(),
        server_name: host.to_owned(),
    }
}

/// The connection to the POP3 server: plain or TLS.
pub enum Upstream {
    /// Plain TCP (before STLS, or security `none`).
    Plain(TcpStream),
    /// TLS (implicit, or after STLS).
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for Upstream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Upstream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Upstream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Upstream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Upstream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Upstream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Upstream::Plain(s) => Pin::new(s).poll_flush(cx),
            Upstream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Upstream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Upstream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}
