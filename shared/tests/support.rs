//! A minimal in-memory POP3 mailbox server for the property and resume tests.

#![allow(dead_code)]

/// A mailbox: (uidl, message with CRLF lines).
pub type Mailbox = Vec<(String, Vec<u8>)>;

/// Dot-stuffs and terminates a multi-line body (RFC 1939 §3).
pub fn stuffed(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 8);
    for line in body.split_inclusive(|&b| b == b'\n') {
        if line.first() == Some(&b'.') {
            out.push(b'.');
        }
        out.extend_from_slice(line);
    }
    out.extend_from_slice(b".\r\n");
    out
}

/// Answers one command line for `mailbox` (any user, any password).
pub fn answer(mailbox: &Mailbox, line: &str) -> Vec<u8> {
    let mut words = line.split(' ');
    let verb = words.next().unwrap_or("");
    let arg: Option<usize> = words.next().and_then(|w| w.parse().ok());
    let message = arg
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| mailbox.get(i));
    match (verb, message) {
        ("CAPA", _) => b"+OK\r\nUIDL\r\nPIPELINING\r\nUSER\r\n.\r\n".to_vec(),
        ("USER" | "PASS" | "NOOP" | "QUIT", _) => b"+OK\r\n".to_vec(),
        ("UIDL", None) if arg.is_none() => {
            let mut out = b"+OK\r\n".to_vec();
            for (i, (uidl, _)) in mailbox.iter().enumerate() {
                out.extend(format!("{} {uidl}\r\n", i + 1).bytes());
            }
            out.extend(b".\r\n");
            out
        }
        ("LIST", None) if arg.is_none() => {
            let mut out = b"+OK\r\n".to_vec();
            for (i, (_, body)) in mailbox.iter().enumerate() {
                out.extend(format!("{} {}\r\n", i + 1, body.len()).bytes());
            }
            out.extend(b".\r\n");
            out
        }
        ("RETR", Some((_, body))) => [b"+OK\r\n".to_vec(), stuffed(body)].concat(),
        ("STAT", _) => format!("+OK {} 0\r\n", mailbox.len()).into_bytes(),
        _ => b"-ERR no such message\r\n".to_vec(),
    }
}

/// Feeds complete command lines in `sent` to the mailbox; returns the replies.
pub fn serve(mailbox: &Mailbox, pending: &mut Vec<u8>, sent: &[u8]) -> Vec<u8> {
    pending.extend_from_slice(sent);
    let mut out = Vec::new();
    while let Some(end) = pending.windows(2).position(|w| w == b"\r\n") {
        let line: Vec<u8> = pending.drain(..end + 2).collect();
        out.extend(answer(mailbox, std::str::from_utf8(&line[..end]).unwrap()));
    }
    out
}
