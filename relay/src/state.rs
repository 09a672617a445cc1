//! The state shared by every request.

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio_rustls::rustls;

use crate::access::Access;
use crate::config::Config;
use crate::https::CertStore;
use crate::limits::PerIpLimit;
use crate::metrics::Metrics;
use crate::upstream::{self, TlsSetupError};

/// A setting that cannot be used at start.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The upstream CA file.
    #[error("ca-file: {0}")]
    CaFile(#[from] TlsSetupError),
    /// The relay's own certificate or key (the message names the file).
    #[error("{0}")]
    Certificate(String),
}

/// Cloneable handle on the relay's configuration and shared resources.
#[derive(Clone)]
pub struct AppState {
    /// The validated configuration.
    pub config: Arc<Config>,
    /// TLS settings for upstream connections (public roots plus `--ca-file`).
    pub tls: Arc<rustls::ClientConfig>,
    /// One permit per open session.
    pub sessions: Arc<Semaphore>,
    /// Open sessions by client address.
    pub per_ip: Arc<PerIpLimit>,
    /// The relay's own certificate, when it serves HTTPS.
    pub https: Option<Arc<CertStore>>,
    /// Who may use the relay.
    pub access: Arc<Access>,
    /// The counters `/metrics` shows.
    pub metrics: Arc<Metrics>,
    /// Becomes `true` when the shutdown grace is over: open sessions end then.
    pub cut: Arc<tokio::sync::watch::Sender<bool>>,
}

impl AppState {
    /// Builds the state; fails when the CA file cannot be used.
    pub fn new(config: Config) -> Result<AppState, SetupError> {
        let tls = upstream::client_tls_config(config.ca_file.as_deref())?;
        let https = match (&config.tls_cert, &config.tls_key) {
            (Some(cert), Some(key)) => {
                Some(CertStore::open(cert, key).map_err(SetupError::Certificate)?)
            }
            _ => None,
        };
        Ok(AppState {
            sessions: Arc::new(Semaphore::new(config.max_sessions)),
            per_ip: PerIpLimit::new(config.max_sessions_per_ip),
            metrics: Arc::new(Metrics::default()),
            access: Arc::new(Access::new(
                config.access_tokens.clone(),
                config.auth_header.clone(),
                config.trusted_proxies.clone(),
                https.is_some(),
            )),
            https,
            cut: Arc::new(tokio::sync::watch::Sender::new(false)),
            config: Arc::new(config),
            tls: Arc::new(tls),
        })
    }
}
