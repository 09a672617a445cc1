//! Configuration from flags and `CARTERO_*` environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::demo::DemoMailbox;
use crate::policy::AllowEntry;

/// The relay's settings. Every flag can also be set with the `CARTERO_*` variable shown.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "cartero-relay",
    version,
    about = "Cartero's WebSocket ⇄ POP3 relay"
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "CARTERO_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Directory of the built app to serve (Trunk's `dist`).
    #[arg(long = "static", env = "CARTERO_STATIC")]
    pub static_dir: Option<PathBuf>,

    /// A POP3 server the relay may connect to, as HOST:PORT (repeatable; comma-separated in
    /// the environment). An IP address also allows that address when it is private or
    /// loopback; a name must resolve to public addresses only.
    #[arg(long = "allow", env = "CARTERO_ALLOW", value_delimiter = ',')]
    pub allow: Vec<AllowEntry>,

    /// Extra PEM file of CA certificates trusted for upstream TLS, besides the public roots.
    #[arg(long, env = "CARTERO_CA_FILE")]
    pub ca_file: Option<PathBuf>,

    /// Extra allowed WebSocket origins, e.g. https://mail.example.org (repeatable). The
    /// relay's own origin is always allowed.
    #[arg(long = "origin", env = "CARTERO_ORIGIN", value_delimiter = ',')]
    pub origins: Vec<String>,

    /// Start a demo POP3 mailbox on loopback and offer it in the app.
    #[arg(long, env = "CARTERO_DEMO")]
    pub demo: bool,

    /// Seconds allowed to connect (and finish a TLS handshake) to a POP3 server.
    #[arg(long, env = "CARTERO_CONNECT_TIMEOUT", default_value_t = 15)]
    pub connect_timeout_secs: u64,

    /// Seconds a session may stay silent in both directions before it is closed.
    #[arg(long, env = "CARTERO_IDLE_TIMEOUT", default_value_t = 600)]
    pub idle_timeout_secs: u64,

    /// Most sessions open at once.
    #[arg(long, env = "CARTERO_MAX_SESSIONS", default_value_t = 1000)]
    pub max_sessions: usize,

    /// Set by [`Config::enable_demo`]; not a flag.
    #[arg(skip)]
    pub demo_mailbox: Option<DemoMailbox>,
}

impl Config {
    /// A configuration with defaults and no flags (for tests and embedding).
    pub fn defaults() -> Config {
        Config::parse_from(["cartero-relay"])
    }

    /// Offers the running demo mailbox and allows the relay to reach it.
    pub fn enable_demo(&mut self, mailbox: DemoMailbox) {
        self.allow.push(AllowEntry::ip(mailbox.addr));
        self.demo_mailbox = Some(mailbox);
    }

    /// The connect/handshake timeout.
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout_secs)
    }

    /// The idle timeout.
    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout_secs)
    }
}
