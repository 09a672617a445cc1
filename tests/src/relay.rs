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
    config: Config,
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
    /// A relay that serves the app and runs the demo mailbox, with `adjust` applied.
    pub async fn demo(adjust: impl FnOnce(&mut Config)) -> Relay {
        let mailbox = cartero_relay::demo::start("127.0.0.1:0")
            .await
            .expect("demo");
        let mut config = Config::defaults();
        config.static_dir = Some(crate::app_dir());
        config.enable_demo(mailbox);
        adjust(&mut config);
        Relay::start_with(config).await
    }

    /// Starts a relay that serves the built app and may reach only `server`.
    pub async fn serving_app(server: std::net::SocketAddr) -> Relay {
        Relay::start(RelaySetup {
            allow: vec![server],
            static_dir: Some(crate::app_dir()),
            ..RelaySetup::default()
        })
        .await
    }

    /// Starts a relay with `setup`.
    pub async fn start(setup: RelaySetup) -> Relay {
        Relay::start_adjusted(setup, |_| {}).await
    }

    /// Starts a relay with `setup`, then `adjust` applied to its configuration.
    pub async fn start_adjusted(setup: RelaySetup, adjust: impl FnOnce(&mut Config)) -> Relay {
        let mut config = Config::defaults();
        config.allow = setup
            .allow
            .iter()
            .map(|a| cartero_relay::policy::AllowEntry::ip(*a))
            .collect();
        config.ca_file = setup.ca_file;
        config.static_dir = setup.static_dir;
        adjust(&mut config);
        Relay::start_with(config).await
    }

    /// Starts a relay with a whole configuration.
    pub async fn start_with(config: Config) -> Relay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        Relay::serve_on(config, listener)
    }

    fn serve_on(config: Config, listener: tokio::net::TcpListener) -> Relay {
        crate::init_logging();
        let state = AppState::new(config.clone()).expect("a valid relay configuration");
        let addr = listener.local_addr().expect("a bound address");
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(cartero_relay::serve(state, listener, async {
            let _ = rx.await;
        }));
        Relay {
            addr,
            config,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// Stops the relay and starts it again on the same port after `down`. With a
    /// `shutdown_grace_secs` of 0 (see [`Relay::start_adjusted`]) its open sessions are cut
    /// at once: to the browser, a relay that died mid-sync and came back.
    pub async fn restart(mut self, down: std::time::Duration) -> Relay {
        let (addr, config) = (self.addr, self.config.clone());
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(10), task).await;
        }
        tokio::time::sleep(down).await;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .expect("bind the same port again");
        Relay::serve_on(config, listener)
    }

    /// The app's URL.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// `GET path` over HTTP/1.0 (the connection closes after the reply): the status code,
    /// the headers (names lower-cased) and the body.
    pub async fn get(&self, path: &str) -> HttpReply {
        self.get_with(path, &[]).await
    }

    /// [`Relay::get`] with extra request headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> HttpReply {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut tcp = tokio::net::TcpStream::connect(self.addr)
            .await
            .expect("connect to the relay");
        let extra: String = headers
            .iter()
            .map(|(k, v)| format!("{k}: {v}\r\n"))
            .collect();
        let request = format!("GET {path} HTTP/1.0\r\nHost: {}\r\n{extra}\r\n", self.addr);
        tcp.write_all(request.as_bytes()).await.expect("send");
        let mut raw = Vec::new();
        tcp.read_to_end(&mut raw).await.expect("read the reply");
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete header block");
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|code| code.parse().ok())
            .expect("a status line");
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        HttpReply {
            status,
            headers,
            body: raw[split + 4..].to_vec(),
        }
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

/// An HTTP reply, as [`Relay::get`] read it.
#[derive(Debug)]
pub struct HttpReply {
    /// The status code.
    pub status: u16,
    /// The headers, names lower-cased.
    pub headers: std::collections::HashMap<String, String>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpReply {
    /// A header's value, or "" when absent.
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
