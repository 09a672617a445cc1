//! The state shared by every request.

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio_rustls::rustls;

use crate::access::Access;
use crate::config::Config;
use crate::limits::PerIpLimit;
use crate::metrics::Metrics;
use crate::upstream::{self, TlsSetupError};

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
    /// Who may use the relay.
    pub access: Arc<Access>,
    /// The counters `/metrics` shows.
    pub metrics: Arc<Metrics>,
    /// Becomes `true` when the shutdown grace is over: open sessions end then.
    pub cut: Arc<tokio::sync::watch::Sender<bool>>,
}

impl AppState {
    /// Builds the state; fails when the CA file cannot be used.
    pub fn new(config: Config) -> Result<AppState, TlsSetupError> {
        let tls = upstream::client_tls_config(config.ca_file.as_deref())?;
        Ok(AppState {
            sessions: Arc::new(Semaphore::new(config.max_sessions)),
            per_ip: PerIpLimit::new(config.max_sessions_per_ip),
            metrics: Arc::new(Metrics::default()),
            access: Arc::new(Access::new(
                config.access_tokens.clone(),
                config.auth_header.clone(),
                config.trusted_proxies.clone(),
            )),
            cut: Arc::new(tokio::sync::watch::Sender::new(false)),
            config: Arc::new(config),
            tls: Arc::new(tls),
        })
    }
}
