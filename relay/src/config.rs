//! Configuration: a TOML file, `CARTERO_*` environment variables and flags, each
//! overriding the one before.
//!
//! The file's keys are the long flag names (`listen = "0.0.0.0:8080"`,
//! `allow = ["mail.example.org:995"]`, `ca-file = "/etc/cartero/ca.pem"`); its values become
//! the flags' defaults, so the environment and the command line still win.

use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches, Parser};
use thiserror::Error;

use crate::demo::DemoMailbox;
use crate::policy::AllowEntry;

/// The relay's settings. Every flag can also be set with the `CARTERO_*` variable shown.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "cartero-relay",
    version,
    about = "Cartero's WebSocket ⇄ POP3 relay",
    after_help = "`cartero-relay check-config [OPTIONS]` checks the configuration (file, \
                  environment and flags) without serving, and prints the settings in effect."
)]
pub struct Config {
    /// TOML file with defaults for every other setting (keys are the long flag names).
    #[arg(long, env = "CARTERO_CONFIG")]
    pub config: Option<PathBuf>,

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

    /// Serve HTTPS and WSS with this PEM certificate chain (with --tls-key); it is
    /// reloaded when the file changes or on SIGHUP.
    #[arg(long, env = "CARTERO_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The PEM private key for --tls-cert.
    #[arg(long, env = "CARTERO_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

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

    /// Most sessions open at once from one client address (one IPv6 /64).
    #[arg(long, env = "CARTERO_MAX_SESSIONS_PER_IP", default_value_t = 20)]
    pub max_sessions_per_ip: usize,

    /// Longest a session may last, in seconds; the app's next sync resumes where it
    /// stopped.
    #[arg(long, env = "CARTERO_MAX_SESSION_SECS", default_value_t = 3600)]
    pub max_session_secs: u64,

    /// A team access token (repeatable; comma-separated in the environment): when set,
    /// every request but /healthz must carry one, as the password of HTTP Basic
    /// credentials (the browser asks once) or as `Authorization: Bearer`.
    #[arg(
        long = "access-token",
        env = "CARTERO_ACCESS_TOKEN",
        value_delimiter = ','
    )]
    pub access_tokens: Vec<String>,

    /// A header a trusted reverse proxy sets after it authenticated the person (e.g.
    /// X-Forwarded-User): requests from --trusted-proxy addresses that carry it are let in.
    #[arg(long, env = "CARTERO_AUTH_HEADER")]
    pub auth_header: Option<String>,

    /// A reverse proxy's address (repeatable): its X-Forwarded-For and --auth-header are
    /// believed; nobody else's are.
    #[arg(
        long = "trusted-proxy",
        env = "CARTERO_TRUSTED_PROXY",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// Seconds open sessions may take to finish after a shutdown signal.
    #[arg(long, env = "CARTERO_SHUTDOWN_GRACE_SECS", default_value_t = 30)]
    pub shutdown_grace_secs: u64,

    /// Addresses besides loopback that may read `/metrics` (repeatable; comma-separated
    /// in the environment).
    #[arg(
        long = "metrics-allow",
        env = "CARTERO_METRICS_ALLOW",
        value_delimiter = ','
    )]
    pub metrics_allow: Vec<std::net::IpAddr>,

    /// Set by [`Config::enable_demo`]; not a flag.
    #[arg(skip)]
    pub demo_mailbox: Option<DemoMailbox>,
}

/// A configuration problem, naming the key or flag at fault.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read the config file {path}: {detail}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        detail: String,
    },
    /// The file is not TOML.
    #[error("the config file {path} is not valid TOML: {detail}")]
    Syntax {
        /// The file.
        path: String,
        /// The parser's message.
        detail: String,
    },
    /// A key that is no setting.
    #[error("the config file {path} has an unknown key `{key}`; known keys: {known}")]
    UnknownKey {
        /// The file.
        path: String,
        /// The key.
        key: String,
        /// The keys that exist.
        known: String,
    },
    /// A value of the wrong kind.
    #[error("the config file {path}: `{key}` must be a string, number, boolean or list of strings")]
    BadValue {
        /// The file.
        path: String,
        /// The key.
        key: String,
    },
    /// A flag, variable or file value clap refused (its message names the setting).
    #[error(transparent)]
    Invalid(#[from] clap::Error),
}

/// `--config PATH`, `--config=PATH` or `CARTERO_CONFIG`, found before full parsing.
fn config_path(args: &[OsString]) -> Option<PathBuf> {
    let mut rest = args.iter().skip(1);
    while let Some(arg) = rest.next() {
        let arg = arg.to_string_lossy();
        if arg == "--config" {
            return rest.next().map(PathBuf::from);
        }
        if let Some(path) = arg.strip_prefix("--config=") {
            return Some(PathBuf::from(path));
        }
    }
    std::env::var_os("CARTERO_CONFIG").map(PathBuf::from)
}

fn toml_values(path: &Path, key: &str, value: toml::Value) -> Result<Vec<String>, ConfigError> {
    let bad = || ConfigError::BadValue {
        path: path.display().to_string(),
        key: key.to_owned(),
    };
    let scalar = |value: toml::Value| match value {
        toml::Value::String(s) => Ok(s),
        toml::Value::Integer(i) => Ok(i.to_string()),
        toml::Value::Boolean(b) => Ok(b.to_string()),
        _ => Err(bad()),
    };
    match value {
        toml::Value::Array(items) => items.into_iter().map(scalar).collect(),
        other => Ok(vec![scalar(other)?]),
    }
}

/// Makes the file's values the defaults of the matching flags.
fn apply_file(mut command: clap::Command, path: &Path) -> Result<clap::Command, ConfigError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
        path: shown.clone(),
        detail: e.to_string(),
    })?;
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| ConfigError::Syntax {
            path: shown.clone(),
            detail: e.message().to_owned(),
        })?;
    let settable: Vec<(String, clap::Id)> = command
        .get_arguments()
        .filter_map(|a| Some((a.get_long()?.to_owned(), a.get_id().clone())))
        .filter(|(long, _)| !matches!(long.as_str(), "config" | "help" | "version"))
        .collect();
    for (key, value) in table {
        let Some((_, id)) = settable.iter().find(|(long, _)| *long == key) else {
            let known: Vec<&str> = settable.iter().map(|(l, _)| l.as_str()).collect();
            return Err(ConfigError::UnknownKey {
                path: shown,
                key,
                known: known.join(", "),
            });
        };
        let values = toml_values(path, &key, value)?;
        command = command.mut_arg(id, |arg| arg.default_values(values));
    }
    Ok(command)
}

impl Config {
    /// Loads the configuration of this process: file, then environment, then flags.
    pub fn load() -> Result<Config, ConfigError> {
        Config::load_from(std::env::args_os().collect())
    }

    /// Loads a configuration from these arguments (the first is the program name).
    pub fn load_from(args: Vec<OsString>) -> Result<Config, ConfigError> {
        let mut command = Config::command();
        if let Some(path) = config_path(&args) {
            command = apply_file(command, &path)?;
        }
        let matches = command.try_get_matches_from(args)?;
        Ok(Config::from_arg_matches(&matches)?)
    }

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

    /// The settings in effect, as a TOML config file (keys are the long flag names), so
    /// `check-config` output can be saved and used as it is.
    pub fn effective_toml(&self) -> String {
        let quoted = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
        let list = |items: Vec<String>| {
            let items: Vec<String> = items.iter().map(|i| quoted(i)).collect();
            format!("[{}]", items.join(", "))
        };
        let path = |p: &Option<PathBuf>| p.as_ref().map(|p| quoted(&p.display().to_string()));
        let mut lines = vec![
            format!("listen = {}", quoted(&self.listen.to_string())),
            format!(
                "allow = {}",
                list(self.allow.iter().map(|a| a.to_string()).collect())
            ),
            format!("origin = {}", list(self.origins.clone())),
            format!("demo = {}", self.demo),
            format!("connect-timeout-secs = {}", self.connect_timeout_secs),
            format!("idle-timeout-secs = {}", self.idle_timeout_secs),
            format!("max-sessions = {}", self.max_sessions),
            format!("max-sessions-per-ip = {}", self.max_sessions_per_ip),
            format!("max-session-secs = {}", self.max_session_secs),
            format!("shutdown-grace-secs = {}", self.shutdown_grace_secs),
            // Secrets are masked: the count shows, the tokens do not.
            format!(
                "access-token = {}",
                list(
                    self.access_tokens
                        .iter()
                        .map(|_| "********".to_owned())
                        .collect()
                )
            ),
            format!(
                "trusted-proxy = {}",
                list(self.trusted_proxies.iter().map(|a| a.to_string()).collect())
            ),
            format!(
                "metrics-allow = {}",
                list(self.metrics_allow.iter().map(|a| a.to_string()).collect())
            ),
        ];
        let optional = [
            ("static", path(&self.static_dir)),
            ("ca-file", path(&self.ca_file)),
            ("tls-cert", path(&self.tls_cert)),
            ("tls-key", path(&self.tls_key)),
            ("auth-header", self.auth_header.as_deref().map(quoted)),
        ];
        for (key, value) in optional {
            lines.push(match value {
                Some(value) => format!("{key} = {value}"),
                None => format!("# {key} is not set"),
            });
        }
        lines.join("\n") + "\n"
    }

    /// How long open sessions may take to finish after a shutdown signal.
    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }

    /// The longest a session may last.
    pub fn max_session(&self) -> Duration {
        Duration::from_secs(self.max_session_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(file: &str, flags: &[&str]) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("relay.toml");
        std::fs::write(&path, file).unwrap();
        let mut args: Vec<OsString> = vec!["cartero-relay".into(), "--config".into(), path.into()];
        args.extend(flags.iter().map(OsString::from));
        Config::load_from(args)
    }

    #[test]
    fn the_file_sets_values_and_flags_override_them() {
        let file = r#"
listen = "0.0.0.0:9000"
allow = ["mail.example.org:995", "10.0.0.5:110"]
ca-file = "/etc/cartero/ca.pem"
idle-timeout-secs = 30
demo = true
"#;
        let config = load(file, &[]).unwrap();
        assert_eq!(config.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(config.allow.len(), 2);
        assert_eq!(
            config.ca_file.as_deref(),
            Some(Path::new("/etc/cartero/ca.pem"))
        );
        assert_eq!(config.idle_timeout_secs, 30);
        assert!(config.demo);
        let overridden = load(file, &["--listen", "127.0.0.1:1234"]).unwrap();
        assert_eq!(overridden.listen.to_string(), "127.0.0.1:1234");
    }

    #[test]
    fn the_effective_config_names_every_setting_and_loads_back_the_same() {
        let file = "allow = [\"mail.example.org:995\"]\nmax-sessions-per-ip = 7\n";
        let config = load(file, &["--static", "/srv/cartero"]).unwrap();
        let shown = config.effective_toml();
        for arg in Config::command().get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            if matches!(long, "config" | "help" | "version") {
                continue;
            }
            let (set, unset) = (format!("{long} ="), format!("# {long} is not set"));
            assert!(
                shown.contains(&set) || shown.contains(&unset),
                "`{long}` missing from\n{shown}"
            );
        }
        let again = load(&shown, &[]).unwrap();
        assert_eq!(again.effective_toml(), shown);
        assert!(shown.contains("max-sessions-per-ip = 7"), "{shown}");
        let secret = load("access-token = [\"team-secret\"]\n", &[]).unwrap();
        let shown = secret.effective_toml();
        assert!(!shown.contains("team-secret"), "{shown}");
        assert!(shown.contains("access-token = [\"********\"]"), "{shown}");
    }

    #[test]
    fn an_unknown_key_is_named() {
        let err = load("lisen = \"0.0.0.0:1\"", &[]).unwrap_err().to_string();
        assert!(err.contains("unknown key `lisen`"), "{err}");
        assert!(err.contains("listen"), "{err}");
    }

    #[test]
    fn a_bad_value_is_named() {
        let err = load("listen = \"not an address\"", &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("--listen"), "{err}");
        let err = load("allow = [1.5]", &[]).unwrap_err().to_string();
        assert!(err.contains("`allow`"), "{err}");
        let err = load("listen = ", &[]).unwrap_err().to_string();
        assert!(err.contains("not valid TOML"), "{err}");
    }
}
