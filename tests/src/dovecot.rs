//! A real Dovecot POP3 server per test, on loopback ports it picks, with its own config,
//! mailboxes and logs in a temporary directory. Ready = its pidfile exists and its ports
//! accept; dropped = SIGTERM and a bounded wait for it to exit.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::certs::test_pki;
use crate::wait::{accepts, wait_until};

/// A message to put in a mailbox.
#[derive(Debug, Clone)]
pub struct Mail {
    /// The maildir base name, which is also its POP3 UIDL (`pop3_uidl_format = %g`).
    pub uidl: String,
    /// The message (LF or CRLF line ends).
    pub raw: Vec<u8>,
}

impl Mail {
    /// A message named `uidl`.
    pub fn new(uidl: &str, raw: impl Into<Vec<u8>>) -> Mail {
        Mail {
            uidl: uidl.to_owned(),
            raw: raw.into(),
        }
    }

    /// The bytes a POP3 server sends for it (CRLF line ends, before dot-stuffing).
    pub fn wire_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.raw.len() + 64);
        for (i, &b) in self.raw.iter().enumerate() {
            if b == b'\n' && (i == 0 || self.raw[i - 1] != b'\r') {
                out.push(b'\r');
            }
            out.push(b);
        }
        out
    }
}

/// A user and their mailbox.
#[derive(Debug, Clone)]
pub struct User {
    /// Login name.
    pub name: String,
    /// Password (stored in plain so CRAM-MD5 and APOP work).
    pub password: String,
    /// Messages in the mailbox.
    pub mail: Vec<Mail>,
}

/// A running Dovecot.
pub struct Dovecot {
    dir: tempfile::TempDir,
    /// Plain POP3 (STLS offered).
    pub pop3: SocketAddr,
    /// Implicit-TLS POP3S.
    pub pop3s: SocketAddr,
    users: Vec<User>,
}

/// The OS user Dovecot runs as: root may not run it, so root hands it to `nobody`.
pub(crate) fn run_as() -> (String, String, bool) {
    let id = |flag: &str| {
        let out = Command::new("id")
            .arg(flag)
            .output()
            .expect("the id command");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    if id("-u") == "0" {
        ("nobody".into(), "nogroup".into(), true)
    } else {
        (id("-un"), id("-gn"), false)
    }
}

fn config(dir: &Path, user: &str, group: &str, pop3: u16, pop3s: u16) -> String {
    let d = dir.display();
    format!(
        r#"base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = pop3
listen = 127.0.0.1
ssl = yes
ssl_cert = <{d}/server.pem
ssl_key = <{d}/server.key
disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5 apop scram-sha-256
# Tests try wrong passwords on purpose; the default 2 s penalty only slows them.
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = static
  args = home={d}/mail/%u
}}
mail_location = maildir:{d}/mail/%u
pop3_uidl_format = %g
default_login_user = {user}
default_internal_user = {user}
default_internal_group = {group}
mail_uid = {user}
mail_gid = {group}
first_valid_uid = 1
mail_max_userip_connections = 50
service pop3-login {{
  chroot =
  inet_listener pop3 {{
    port = {pop3}
  }}
  inet_listener pop3s {{
    port = {pop3s}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service ipc {{
  chroot =
}}
"#
    )
}

/// The messages in a maildir (`new/` and `cur/`), named by file base name (the part
/// before `:` flags), sorted by it.
pub fn read_maildir(maildir: &Path) -> Vec<Mail> {
    let mut found = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(maildir.join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let uidl = name.split(':').next().unwrap_or(&name).to_owned();
            let raw = std::fs::read(entry.path()).expect("read a message");
            found.push(Mail { uidl, raw });
        }
    }
    found.sort_by(|a, b| a.uidl.cmp(&b.uidl));
    found
}

/// Writes `user`'s messages into `maildir/new`, named by their UIDL.
pub fn write_maildir(maildir: &Path, user: &User) {
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).expect("create the maildir");
    }
    for mail in &user.mail {
        std::fs::write(maildir.join("new").join(&mail.uidl), &mail.raw).expect("write a message");
    }
}

impl Dovecot {
    /// Starts Dovecot with these users and waits until it accepts connections. It
    /// presents the test PKI's certificate for `localhost` / `127.0.0.1`.
    pub async fn start(users: Vec<User>) -> Dovecot {
        let pki = test_pki();
        Dovecot::start_with_cert(users, &pki.server_cert, &pki.server_key).await
    }

    /// Starts Dovecot like [`Dovecot::start`], presenting the certificate and key in
    /// these PEM files.
    ///
    /// Its two ports are picked free just before it starts, so another process may take
    /// one in between: a start that fails is tried again on new ports, up to three times.
    pub async fn start_with_cert(users: Vec<User>, cert: &Path, key: &Path) -> Dovecot {
        let mut failures = Vec::new();
        for _ in 0..3 {
            match Dovecot::try_start(users.clone(), cert, key).await {
                Ok(dovecot) => return dovecot,
                Err(why) => failures.push(why),
            }
        }
        panic!(
            "dovecot did not start, three times:\n{}",
            failures.join("\n")
        );
    }

    async fn try_start(users: Vec<User>, cert: &Path, key: &Path) -> Result<Dovecot, String> {
        let dir = tempfile::Builder::new()
            .prefix("cartero-dovecot-")
            .tempdir()
            .expect("a temporary directory");
        let d = dir.path();
        let (user, group, as_root) = run_as();
        let (pop3, pop3s) = (crate::free_port(), crate::free_port());
        std::fs::copy(cert, d.join("server.pem")).expect("copy the cert");
        std::fs::copy(key, d.join("server.key")).expect("copy the key");
        let passwd: String = users
            .iter()
            .map(|u| format!("{}:{{PLAIN}}{}::::::\n", u.name, u.password))
            .collect();
        std::fs::write(d.join("users"), passwd).expect("write the users file");
        for u in &users {
            write_maildir(&d.join("mail").join(&u.name), u);
        }
        std::fs::write(
            d.join("dovecot.conf"),
            config(d, &user, &group, pop3, pop3s),
        )
        .expect("write the config");
        if as_root {
            let status = Command::new("chown")
                .args(["-R", &format!("{user}:{group}")])
                .arg(d)
                .status()
                .expect("chown");
            assert!(status.success(), "chown of the Dovecot directory failed");
        }
        let mut command = if as_root {
            let mut c = Command::new("setpriv");
            c.args([
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                "dovecot",
            ]);
            c
        } else {
            Command::new("dovecot")
        };
        // Dovecot daemonizes and keeps inherited pipes open: give it none, read its log
        // (and, for what it says before the log is open, a file).
        let startup = d.join("startup.err");
        let stderr = std::fs::File::create(&startup).expect("a file for Dovecot's stderr");
        let status = command
            .arg("-c")
            .arg(d.join("dovecot.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .status()
            .expect("dovecot is installed (cargo xtask setup installs dovecot-pop3d)");
        let dovecot = Dovecot {
            pop3: SocketAddr::from(([127, 0, 0, 1], pop3)),
            pop3s: SocketAddr::from(([127, 0, 0, 1], pop3s)),
            dir,
            users,
        };
        if !status.success() {
            let said = std::fs::read_to_string(&startup).unwrap_or_default();
            return Err(format!("({status}) {said}{}", dovecot.log()));
        }
        let pidfile = dovecot.pidfile();
        wait_until("Dovecot's pidfile and ports", Duration::from_secs(20), || {
            let pidfile = pidfile.clone();
            let (a, b) = (dovecot.pop3, dovecot.pop3s);
            async move { (pidfile.exists() && accepts(a).await && accepts(b).await).then_some(()) }
        })
        .await;
        Ok(dovecot)
    }

    fn pidfile(&self) -> PathBuf {
        self.dir.path().join("run/master.pid")
    }

    /// Dovecot's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }

    /// The messages now in a user's maildir, by UIDL.
    pub fn mailbox(&self, user: &str) -> Vec<Mail> {
        read_maildir(&self.dir.path().join("mail").join(user))
    }

    /// Delivers `mail` to `user`'s maildir, as an MDA would (new mail arriving).
    pub fn deliver(&self, user: &str, mail: &Mail) {
        let new = self.dir.path().join("mail").join(user).join("new");
        std::fs::write(new.join(&mail.uidl), &mail.raw).expect("deliver a message");
    }

    /// Log lines of successful POP3 logins of `user` so far.
    pub fn logins(&self, user: &str) -> usize {
        self.log().matches(&format!("Login: user=<{user}>")).count()
    }

    /// The users it was started with.
    pub fn users(&self) -> &[User] {
        &self.users
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- Dovecot log ---\n{}", self.log());
        }
        let Ok(pid) = std::fs::read_to_string(self.pidfile()) else {
            return;
        };
        let pid = pid.trim().to_owned();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let proc_dir = PathBuf::from(format!("/proc/{pid}"));
        for _ in 0..200 {
            if !proc_dir.exists() {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        eprintln!("Dovecot (pid {pid}) did not stop within 5 s");
    }
}
