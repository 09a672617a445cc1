//! Serving HTTPS and WSS itself, from a certificate and key on disk (e.g. from certbot),
//! reloaded when the files change or on SIGHUP, with no restart and no session lost.
//!
//! Handshakes run in their own tasks (a slow or silent client never holds up others),
//! and finished connections queue for the HTTP server. A reload that fails (a
//! half-written file) keeps the certificate in use and says why.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::server::TlsStream;

/// How often the files are checked for changes.
const POLL: Duration = Duration::from_secs(2);
/// How long a client may take over its handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Handshaken connections waiting for the HTTP server.
const QUEUE: usize = 128;

/// The certificate in use, and where it comes from.
#[derive(Debug)]
pub struct CertStore {
    cert: PathBuf,
    key: PathBuf,
    current: RwLock<(Arc<ServerConfig>, Option<SystemTime>)>,
}

fn modified(cert: &Path, key: &Path) -> Option<SystemTime> {
    let time = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    time(cert).max(time(key))
}

/// Builds the TLS settings from PEM files: the chain, then the key.
fn load(cert: &Path, key: &Path) -> Result<ServerConfig, String> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| format!("tls-cert {}: {e}", cert.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("tls-cert {}: {e}", cert.display()))?;
    if chain.is_empty() {
        return Err(format!("tls-cert {}: no certificate in it", cert.display()));
    }
    let key =
        PrivateKeyDer::from_pem_file(key).map_err(|e| format!("tls-key {}: {e}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("tls-cert and tls-key do not go together: {e}"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

impl CertStore {
    /// Loads the certificate and key; an error names the file and the reason.
    pub fn open(cert: &Path, key: &Path) -> Result<Arc<CertStore>, String> {
        let config = load(cert, key)?;
        Ok(Arc::new(CertStore {
            cert: cert.to_owned(),
            key: key.to_owned(),
            current: RwLock::new((Arc::new(config), modified(cert, key))),
        }))
    }

    fn config(&self) -> Arc<ServerConfig> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .0
            .clone()
    }

    /// Loads the files again; on failure the certificate in use stays.
    pub fn reload(&self) -> Result<(), String> {
        let config = load(&self.cert, &self.key)?;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) =
            (Arc::new(config), modified(&self.cert, &self.key));
        Ok(())
    }

    fn changed(&self) -> bool {
        let seen = self.current.read().unwrap_or_else(|p| p.into_inner()).1;
        modified(&self.cert, &self.key) != seen
    }

    /// Reloads on SIGHUP and whenever the files' modification time changes, until
    /// `closed` completes.
    pub fn watch(self: Arc<Self>, closed: impl Future<Output = ()> + Send + 'static) {
        tokio::spawn(async move {
            let mut hangup =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
            let mut tick = tokio::time::interval(POLL);
            let mut closed = std::pin::pin!(closed);
            loop {
                let why = tokio::select! {
                    () = &mut closed => return,
                    _ = tick.tick() => if self.changed() { "the files changed" } else { continue },
                    Some(()) = async { hangup.as_mut()?.recv().await } => "SIGHUP",
                };
                match self.reload() {
                    Ok(()) => tracing::info!(why, "TLS certificate reloaded"),
                    Err(error) => {
                        tracing::error!(why, %error, "TLS certificate not reloaded; the old one stays")
                    }
                }
            }
        });
    }
}

/// A listener whose connections are TLS, for `axum::serve`.
pub struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
}

impl TlsListener {
    /// Accepts on `tcp` and runs each handshake with the store's current certificate.
    /// Accepting stops when the listener is dropped.
    pub fn new(tcp: TcpListener, store: Arc<CertStore>) -> std::io::Result<Self> {
        let local = tcp.local_addr()?;
        let (tx, ready) = mpsc::channel(QUEUE);
        store.clone().watch({
            let tx = tx.clone();
            async move { tx.closed().await }
        });
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    () = tx.closed() => return,
                    accepted = tcp.accept() => accepted,
                };
                let Ok((stream, peer)) = accepted else {
                    // Out of descriptors, usually: wait rather than spin.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let (tx, acceptor) = (tx.clone(), TlsAcceptor::from(store.config()));
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => {
                            let _ = tx.send((tls, peer)).await;
                        }
                        Ok(Err(error)) => tracing::debug!(%peer, %error, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                    }
                });
            }
        });
        Ok(TlsListener { ready, local })
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(connection) => connection,
            // The accept task only ends once this listener is gone.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.local)
    }
}
