//! The real relay, in process, on a port-0 listener, stopped by a shutdown signal.

use std::net::SocketAddr;
use std::path::PathBuf;

use cartero_relay::{AppState, Config};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running relay.
pub struct Relay {
    /// Where it listens.
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

/// Relay settings for a test, on top of the defaults.
#[derive(Debug, Default, Clone)]
pub struct RelaySetup {
    /// Allowed upstreams.
    pub allow: Vec<SocketAddr>,
    /// Extra CA file.
    pub ca_file: Option<PathBuf>,
    /// The built app to serve.
    pub static_dir: Option<PathBuf>,
}

impl Relay {
    /// Starts a relay with `setup`.
    pub async fn start(setup: RelaySetup) -> Relay {
        let mut config = Config::defaults();
        config.allow = setup
            .allow
            .iter()
            .map(|a| cartero_relay::policy::AllowEntry::ip(*a))
            .collect();
        config.ca_file = setup.ca_file;
        config.static_dir = setup.static_dir;
        Relay::start_with(config).await
    }

    /// Starts a relay with a whole configuration.
    pub async fn start_with(config: Config) -> Relay {
        crate::init_logging();
        let state = AppState::new(config).expect("a valid relay configuration");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("a bound address");
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(cartero_relay::serve(state, listener, async {
            let _ = rx.await;
        }));
        Relay {
            addr,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// The app's URL.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Stops accepting and waits for the server task to end.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(10), task).await;
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
