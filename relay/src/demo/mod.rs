//! A demo POP3 mailbox on loopback, so a newcomer sees mail at once.
//!
//! It serves a fixed set of messages to the user `demo` (password `demo`). Deletions are
//! accepted but never committed: every session sees the whole mailbox again.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::{TcpListener, TcpStream};

/// The demo user name.
pub const USER: &str = "demo";
/// The demo password.
pub const PASSWORD: &str = "demo";
const MAX_COMMAND_LINE: u64 = 512;
const IDLE: Duration = Duration::from_secs(600);

const MESSAGES: [(&str, &str); 7] = [
    (
        "demo-01-bienvenida",
        include_str!("messages/01-bienvenida.eml"),
    ),
    ("demo-02-agenda", include_str!("messages/02-agenda.eml")),
    ("demo-03-acta", include_str!("messages/03-acta.eml")),
    ("demo-04-garden", include_str!("messages/04-garden.eml")),
    ("demo-05-sabado", include_str!("messages/05-sabado.eml")),
    ("demo-06-tips", include_str!("messages/06-tips.eml")),
    // An HTML newsletter: an inline logo, remote images (a tracking pixel among them) that
    // stay blocked until the reader shows them, a tracked link.
    ("demo-07-boletin", include_str!("messages/07-boletin.eml")),
];

/// A running demo mailbox.
#[derive(Debug, Clone)]
pub struct DemoMailbox {
    /// Where it listens.
    pub addr: SocketAddr,
}

/// The account the app offers as "try the demo".
#[derive(Debug, Clone, Serialize)]
pub struct DemoAccount {
    /// The address shown in the app.
    pub email: &'static str,
    /// POP3 host.
    pub host: String,
    /// POP3 port.
    pub port: u16,
    /// Always `none`: the demo is on the relay's own loopback.
    pub security: &'static str,
    /// User name.
    pub username: &'static str,
    /// Password.
    pub password: &'static str,
}

impl DemoMailbox {
    /// The account settings for the app.
    pub fn account(&self) -> DemoAccount {
        DemoAccount {
            email: "demo@cartero.example",
            host: self.addr.ip().to_string(),
            port: self.addr.port(),
            security: "none",
            username: USER,
            password: PASSWORD,
        }
    }
}

struct Message {
    uidl: &'static str,
    /// The message with CRLF line ends, as a POP3 server sends it (before dot-stuffing).
    crlf: Vec<u8>,
}

fn messages() -> Vec<Message> {
    MESSAGES
        .iter()
        .map(|(uidl, text)| Message {
            uidl,
            crlf: text
                .replace("\r\n", "\n")
                .replace('\n', "\r\n")
                .into_bytes(),
        })
        .collect()
}

/// Starts the demo mailbox on `listen` (use port 0 for any free port).
pub async fn start(listen: &str) -> io::Result<DemoMailbox> {
    let listener = TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let messages = Arc::new(messages());
    tokio::spawn(async move {
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    let messages = messages.clone();
                    tokio::spawn(async move {
                        let _ = tokio::time::timeout(
                            Duration::from_secs(3600),
                            serve_session(stream, &messages),
                        )
                        .await;
                    });
                }
                Err(error) => {
                    tracing::warn!(%error, "demo mailbox cannot accept");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    });
    Ok(DemoMailbox { addr })
}

/// Appends `body` dot-stuffed and terminated, as RFC 1939 §3 asks.
fn push_multiline(out: &mut Vec<u8>, body: &[u8]) {
    for line in body.split_inclusive(|&b| b == b'\n') {
        if line.first() == Some(&b'.') {
            out.push(b'.');
        }
        out.extend_from_slice(line);
    }
    if !body.is_empty() && !body.ends_with(b"\n") {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
}

struct Session<'a> {
    messages: &'a [Message],
    user_given: bool,
    logged_in: bool,
    deleted: Vec<bool>,
}

impl Session<'_> {
    fn message(&self, arg: Option<&str>) -> Result<(usize, &Message), &'static [u8]> {
        let n: usize = arg
            .and_then(|a| a.parse().ok())
            .ok_or(b"-ERR Invalid message number.\r\n".as_slice())?;
        match n.checked_sub(1).and_then(|i| self.messages.get(i)) {
            Some(_) if self.deleted[n - 1] => Err(b"-ERR Message is deleted.\r\n"),
            Some(m) => Ok((n, m)),
            None => Err(b"-ERR There's no message with that number.\r\n"),
        }
    }

    /// Answers one command line; returns false when the session ends after this reply.
    fn answer(&mut self, line: &str, out: &mut Vec<u8>) -> bool {
        let mut words = line.split_ascii_whitespace();
        let verb = words.next().unwrap_or("").to_ascii_uppercase();
        let arg = words.next();
        let arg2 = words.next();
        match (verb.as_str(), self.logged_in) {
            ("CAPA", _) => out.extend_from_slice(
                b"+OK\r\nTOP\r\nUIDL\r\nUSER\r\nPIPELINING\r\nRESP-CODES\r\nIMPLEMENTATION Cartero-demo\r\n.\r\n",
            ),
            ("QUIT", _) => {
                out.extend_from_slice(b"+OK Bye (the demo mailbox keeps every message).\r\n");
                return false;
            }
            ("NOOP", true) => out.extend_from_slice(b"+OK\r\n"),
            ("USER", false) => {
                self.user_given = arg == Some(USER);
                out.extend_from_slice(b"+OK\r\n");
            }
            ("PASS", false) => {
                if self.user_given && arg == Some(PASSWORD) {
                    self.logged_in = true;
                    out.extend_from_slice(b"+OK Logged in to the demo mailbox.\r\n");
                } else {
                    out.extend_from_slice(b"-ERR [AUTH] Wrong user or password (try demo/demo).\r\n");
                }
            }
            ("STAT", true) => {
                let live = self.live();
                let size: usize = live.iter().map(|(_, m)| m.crlf.len()).sum();
                out.extend_from_slice(format!("+OK {} {size}\r\n", live.len()).as_bytes());
            }
            ("LIST" | "UIDL", true) if arg.is_some() => match self.message(arg) {
                Ok((n, m)) => {
                    let value = if verb == "LIST" { m.crlf.len().to_string() } else { m.uidl.to_owned() };
                    out.extend_from_slice(format!("+OK {n} {value}\r\n").as_bytes());
                }
                Err(e) => out.extend_from_slice(e),
            },
            ("LIST" | "UIDL", true) => {
                out.extend_from_slice(b"+OK\r\n");
                for (n, m) in self.live() {
                    let value = if verb == "LIST" { m.crlf.len().to_string() } else { m.uidl.to_owned() };
                    out.extend_from_slice(format!("{n} {value}\r\n").as_bytes());
                }
                out.extend_from_slice(b".\r\n");
            }
            ("RETR", true) => match self.message(arg) {
                Ok((_, m)) => {
                    out.extend_from_slice(format!("+OK {} octets\r\n", m.crlf.len()).as_bytes());
                    push_multiline(out, &m.crlf);
                }
                Err(e) => out.extend_from_slice(e),
            },
            ("TOP", true) => match (self.message(arg), arg2.and_then(|a| a.parse::<usize>().ok())) {
                (Ok((_, m)), Some(lines)) => {
                    out.extend_from_slice(b"+OK\r\n");
                    push_multiline(out, &top(&m.crlf, lines));
                }
                (Err(e), _) => out.extend_from_slice(e),
                (_, None) => out.extend_from_slice(b"-ERR Invalid line count.\r\n"),
            },
            ("DELE", true) => match self.message(arg) {
                Ok((n, _)) => {
                    self.deleted[n - 1] = true;
                    out.extend_from_slice(b"+OK Marked (the demo restores it next session).\r\n");
                }
                Err(e) => out.extend_from_slice(e),
            },
            ("RSET", true) => {
                self.deleted.iter_mut().for_each(|d| *d = false);
                out.extend_from_slice(b"+OK\r\n");
            }
            (_, false) => out.extend_from_slice(b"-ERR Log in first (USER demo, PASS demo).\r\n"),
            _ => out.extend_from_slice(b"-ERR Unknown command.\r\n"),
        }
        true
    }

    fn live(&self) -> Vec<(usize, &Message)> {
        self.messages
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.deleted[*i])
            .map(|(i, m)| (i + 1, m))
            .collect()
    }
}

/// The header and the first `lines` body lines of a message.
fn top(message: &[u8], lines: usize) -> Vec<u8> {
    let header_end = message
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(message.len(), |p| p + 4);
    let mut end = header_end;
    for _ in 0..lines {
        match message[end..].iter().position(|&b| b == b'\n') {
            Some(lf) => end += lf + 1,
            None => end = message.len(),
        }
    }
    message[..end.min(message.len())].to_vec()
}

async fn serve_session(stream: TcpStream, messages: &[Message]) -> io::Result<()> {
    let _ = stream.set_nodelay(true);
    let (read, write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut writer = BufWriter::new(write);
    writer
        .write_all(b"+OK Cartero demo mailbox ready.\r\n")
        .await?;
    writer.flush().await?;
    let mut session = Session {
        messages,
        user_given: false,
        logged_in: false,
        deleted: vec![false; messages.len()],
    };
    let mut line = Vec::new();
    loop {
        line.clear();
        let mut limited = (&mut reader).take(MAX_COMMAND_LINE);
        let n = tokio::time::timeout(IDLE, limited.read_until(b'\n', &mut line))
            .await
            .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))??;
        if n == 0 {
            return Ok(());
        }
        if !line.ends_with(b"\n") {
            writer.write_all(b"-ERR Line too long.\r\n").await?;
            writer.flush().await?;
            return Ok(());
        }
        let text = String::from_utf8_lossy(&line);
        let mut out = Vec::new();
        let keep_going = session.answer(text.trim_end(), &mut out);
        writer.write_all(&out).await?;
        // Pipelined commands are answered in one write once the batch is read.
        if !keep_going || reader.buffer().is_empty() {
            writer.flush().await?;
        }
        if !keep_going {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multiline_bodies_are_dot_stuffed_and_terminated() {
        let mut out = Vec::new();
        push_multiline(&mut out, b"a\r\n.b\r\n.\r\n");
        assert_eq!(out, b"a\r\n..b\r\n..\r\n.\r\n");
    }

    #[test]
    fn every_demo_message_has_crlf_lines_only() {
        for m in messages() {
            let bare_lf = m.crlf.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r');
            assert!(!bare_lf, "{}", m.uidl);
            assert!(m.crlf.ends_with(b"\r\n"));
        }
    }

    #[test]
    fn top_returns_header_and_requested_lines() {
        let m = b"A: 1\r\n\r\none\r\ntwo\r\n";
        assert_eq!(top(m, 0), b"A: 1\r\n\r\n");
        assert_eq!(top(m, 1), b"A: 1\r\n\r\none\r\n");
        assert_eq!(top(m, 9), m);
    }
}
