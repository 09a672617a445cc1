//! Upstream I/O: resolve once, connect to the checked address, TLS and STLS.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

pub use cartero_native::PopStream as Upstream;
use cartero_native::stream::handshake;
pub use cartero_native::tls::{TlsSetupError, client_tls_config};
use cartero_shared::wire::TlsInfo;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls;

use crate::error::RelayError;
use crate::policy::{self, Target};

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
    match tokio::time::timeout(timeout, handshake(tcp, host, config)).await {
        Err(_) => Err(RelayError::Timeout(upstream.to_owned())),
        Ok(Err(e)) => Err(RelayError::Tls {
            upstream: upstream.to_owned(),
            detail: e.detail,
            certificate: e.certificate,
        }),
        Ok(Ok(stream)) => Ok(stream),
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
