//! A real Courier POP3 server per test: the second server, with other quirks than
//! Dovecot's (no `RESP-CODES`, `UTF8 USER`, `LOGIN-DELAY`, its own UIDL scheme, and a
//! notice in place of a message with raw UTF-8 headers unless the client sent `UTF8`).
//!
//! Courier's login process asks `authdaemond` over a socket at a path compiled into it
//! (`/run/courier/authdaemon/socket`) and reads `/etc/courier`. So the fixture runs the
//! daemons in a private mount namespace (`unshare --mount`) with its temporary directory
//! bound over those two paths: the machine's own files are never touched, and several
//! fixtures run side by side. That needs root, as CI has.
//!
//! `courier-pop` conflicts with `dovecot-pop3d` as a Debian package (both provide
//! `pop3-server`), so `cargo xtask setup` unpacks its two binaries into `target/tools`
//! instead of installing it; `CARTERO_COURIER_POP` can point elsewhere.

use std::net::SocketAddr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::certs::test_pki;
use crate::dovecot::{Mail, User, read_maildir, run_as, write_maildir};
use crate::wait::{accepts, wait_until};

/// A running Courier POP3 server.
pub struct Courier {
    dir: tempfile::TempDir,
    /// Plain POP3 (STLS offered).
    pub pop3: SocketAddr,
    /// Implicit-TLS POP3S.
    pub pop3s: SocketAddr,
    daemons: Child,
}

/// Where `courierpop3login` and `courierpop3d` are.
fn binaries() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARTERO_COURIER_POP") {
        return dir.into();
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/tools/courier-pop/usr/lib/courier/courier")
}

/// Single-quotes `s` for `sh`.
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The script run inside the private mount namespace: the user database, then
/// `authdaemond` and one `couriertcpd` per port, until the namespace ends.
fn script(dir: &Path, users: &[User], pop3: u16, pop3s: u16) -> String {
    let d = dir.display();
    let bin = binaries();
    let (login, maildrop) = (bin.join("courierpop3login"), bin.join("courierpop3d"));
    let (login, maildrop) = (login.display(), maildrop.display());
    let mut s = format!(
        "set -e\n\
         mkdir -p /run/courier\n\
         mount --bind {d}/etc /etc/courier\n\
         mount --bind {d}/run /run/courier\n"
    );
    for (i, user) in users.iter().enumerate() {
        let (name, pw) = (quoted(&user.name), quoted(&user.password));
        s += &format!(
            "userdb {name} set uid=65534 gid=65534 home={d}/mail/{i} mail={d}/mail/{i}\n\
             printf '%s\\n' {pw} | userdbpw -md5 | userdb {name} set systempw\n\
             printf '%s\\n' {pw} | userdbpw -hmac-md5 | userdb {name} set hmac-md5pw\n"
        );
    }
    let env = format!(
        "env -i PATH=/usr/bin:/bin POP3AUTH='PLAIN LOGIN CRAM-MD5' POP3AUTH_TLS='PLAIN LOGIN' \
         TLS_CERTFILE={d}/tls.pem COURIERTLS=/usr/bin/couriertls TLS_VERIFYPEER=NONE \
         POP3_TLS_REQUIRED=0"
    );
    let tcpd = "/usr/sbin/couriertcpd -address=127.0.0.1 -nodnslookup -noidentlookup \
                -maxprocs=60 -maxperip=60";
    s += &format!(
        "makeuserdb\n\
         /usr/lib/courier/courier-authlib/authdaemond &\n\
         {env} POP3_STARTTLS=YES {tcpd} -stderr={d}/pop3.log {pop3} {login} {maildrop} Maildir &\n\
         {env} POP3_TLS=1 POP3_STARTTLS=NO {tcpd} -stderr={d}/pop3s.log {pop3s} \
         /usr/bin/couriertls -server -tcpd {login} {maildrop} Maildir &\n\
         wait\n"
    );
    s
}

impl Courier {
    /// Starts Courier with these users and waits until both ports accept.
    pub async fn start(users: Vec<User>) -> Courier {
        let (_, _, as_root) = run_as();
        assert!(
            as_root,
            "the Courier fixture needs root for its private mount namespace (CI runs as root)"
        );
        assert!(
            binaries().join("courierpop3login").exists(),
            "courier-pop is not unpacked at {} (cargo xtask setup does it)",
            binaries().display()
        );
        let dir = tempfile::Builder::new()
            .prefix("cartero-courier-")
            .tempdir()
            .expect("a temporary directory");
        let d = dir.path();
        // The mail process runs as nobody and couriertls as courier: both pass through.
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        for sub in ["etc", "run/authdaemon", "mail"] {
            std::fs::create_dir_all(d.join(sub)).expect("create the fixture directories");
        }
        std::fs::write(
            d.join("etc/authdaemonrc"),
            "authmodulelist=\"authuserdb\"\ndaemons=2\nauthdaemonvar=/run/courier/authdaemon\n\
             DEBUG_LOGIN=0\nDEFAULTOPTIONS=\"\"\nLOGGEROPTS=\"\"\n",
        )
        .expect("write authdaemonrc");
        write_private(&d.join("etc/userdb"), b"");
        // couriertls reads the key after the login process dropped to the courier user.
        let pki = test_pki();
        let key_and_cert = [
            std::fs::read(&pki.server_key).expect("read the key"),
            std::fs::read(&pki.server_cert).expect("read the cert"),
        ]
        .concat();
        std::fs::write(d.join("tls.pem"), key_and_cert).expect("write tls.pem");
        for (i, user) in users.iter().enumerate() {
            write_maildir(&d.join("mail").join(i.to_string()), user);
        }
        chown(&d.join("mail"), "nobody:nogroup");
        chown(&d.join("tls.pem"), "courier");
        let (pop3, pop3s) = (crate::free_port(), crate::free_port());
        std::fs::write(d.join("start.sh"), script(d, &users, pop3, pop3s)).expect("script");
        let log = std::fs::File::create(d.join("start.log")).expect("create the log");
        let daemons = Command::new("unshare")
            // A PID namespace too: couriertcpd makes itself a process group leader, so
            // only the namespace's end (its init killed with unshare) stops them all.
            .args(["--mount", "--propagation", "private", "--pid", "--fork"])
            .args(["--kill-child", "sh"])
            .arg(d.join("start.sh"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log)
            .spawn()
            .expect("unshare (util-linux) runs");
        let courier = Courier {
            pop3: SocketAddr::from(([127, 0, 0, 1], pop3)),
            pop3s: SocketAddr::from(([127, 0, 0, 1], pop3s)),
            dir,
            daemons,
        };
        let socket = courier.dir.path().join("run/authdaemon/socket");
        wait_until("Courier's ports and authdaemond", Duration::from_secs(20), || {
            let (a, b, socket) = (courier.pop3, courier.pop3s, socket.clone());
            async move { (socket.exists() && accepts(a).await && accepts(b).await).then_some(()) }
        })
        .await;
        courier
    }

    /// The messages now in the n-th user's maildir (Courier's UIDLs are its own, so
    /// compare by content).
    pub fn mailbox(&self, user_index: usize) -> Vec<Mail> {
        read_maildir(&self.dir.path().join("mail").join(user_index.to_string()))
    }

    /// The fixture's logs so far.
    pub fn log(&self) -> String {
        ["start.log", "pop3.log", "pop3s.log"]
            .iter()
            .map(|f| std::fs::read_to_string(self.dir.path().join(f)).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn write_private(path: &Path, contents: &[u8]) {
    std::fs::write(path, contents).expect("write a private file");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).expect("chmod 600");
}

fn chown(path: &Path, owner: &str) {
    let status = Command::new("chown")
        .args(["-R", owner])
        .arg(path)
        .status()
        .expect("chown");
    assert!(status.success(), "chown {owner} {} failed", path.display());
}

impl Drop for Courier {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- Courier log ---\n{}", self.log());
        }
        // unshare ignores SIGTERM while its child runs; SIGKILL it, and `--kill-child`
        // takes the namespace's init with it, and the kernel every process inside.
        let _ = self.daemons.kill();
        let _ = self.daemons.wait();
    }
}
