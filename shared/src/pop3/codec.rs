//! Codec: command encoding and reply parsing. No state.

use thiserror::Error;

use super::types::{Command, ListEntry, MsgNum, RespCode, ServerError, Uidl, UidlEntry};

/// A reply the client cannot make sense of.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    /// A status line that starts with neither `+OK` nor `-ERR`.
    #[error("the server sent a line that is not a POP3 status: {0:?}")]
    NotAStatus(String),
    /// A `STAT`, `LIST` or `UIDL` line that does not have the form RFC 1939 gives.
    #[error("the server sent a malformed {what} line: {line:?}")]
    Malformed {
        /// Which reply was being parsed.
        what: &'static str,
        /// The offending line (lossily decoded, at most 80 characters).
        line: String,
    },
}

/// A parsed status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// `+OK text`.
    Ok(String),
    /// `+ challenge` during `AUTH` (RFC 5034): base64 text, possibly empty.
    Continue(String),
    /// `-ERR [CODE] text`.
    Err(ServerError),
}

fn lossy_excerpt(line: &[u8]) -> String {
    String::from_utf8_lossy(line).chars().take(80).collect()
}

/// Parses a status line (without its CRLF).
pub fn parse_status(line: &[u8]) -> Result<Status, ParseError> {
    let text_after = |prefix_len: usize| {
        let rest = &line[prefix_len..];
        let rest = rest.strip_prefix(b" ").unwrap_or(rest);
        String::from_utf8_lossy(rest).into_owned()
    };
    if line.len() >= 3 && line[..3].eq_ignore_ascii_case(b"+OK") {
        return Ok(Status::Ok(text_after(3)));
    }
    if line == b"+" || line.starts_with(b"+ ") {
        return Ok(Status::Continue(text_after(1)));
    }
    if line.len() >= 4 && line[..4].eq_ignore_ascii_case(b"-ERR") {
        let text = text_after(4);
        return Ok(Status::Err(split_resp_code(text)));
    }
    Err(ParseError::NotAStatus(lossy_excerpt(line)))
}

/// Splits an optional `[CODE]` off the front of an `-ERR` text (RFC 2449 §8).
fn split_resp_code(text: String) -> ServerError {
    if let Some((code, rest)) = text.strip_prefix('[').and_then(|r| r.split_once(']')) {
        return ServerError {
            code: Some(RespCode::parse(code)),
            text: rest.trim_start().to_owned(),
        };
    }
    ServerError { code: None, text }
}

/// The APOP timestamp (`<...>`) in a greeting's text, if any (RFC 1939 §7).
pub fn apop_timestamp(greeting_text: &str) -> Option<&str> {
    let open = greeting_text.find('<')?;
    let close = open + greeting_text[open..].find('>')?;
    Some(&greeting_text[open..=close])
}

fn words(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    line.split(|&b| b == b' ' || b == b'\t')
        .filter(|w| !w.is_empty())
}

fn number<T: std::str::FromStr>(word: Option<&[u8]>) -> Option<T> {
    std::str::from_utf8(word?).ok()?.parse().ok()
}

fn msg_num(word: Option<&[u8]>) -> Option<MsgNum> {
    MsgNum::try_from(number::<u32>(word)?).ok()
}

fn malformed(what: &'static str, line: &[u8]) -> ParseError {
    ParseError::Malformed {
        what,
        line: lossy_excerpt(line),
    }
}

/// Parses `count size` from a `+OK` text of `STAT`.
pub fn parse_stat(text: &str) -> Result<(u32, u64), ParseError> {
    let mut w = words(text.as_bytes());
    match (number(w.next()), number(w.next())) {
        (Some(count), Some(size)) => Ok((count, size)),
        _ => Err(malformed("STAT", text.as_bytes())),
    }
}

/// Parses `n size` (a `LIST` listing line, or the text of `+OK` for `LIST n`).
pub fn parse_list_entry(line: &[u8]) -> Result<ListEntry, ParseError> {
    let mut w = words(line);
    match (msg_num(w.next()), number(w.next())) {
        (Some(num), Some(size)) => Ok(ListEntry { num, size }),
        _ => Err(malformed("LIST", line)),
    }
}

/// Parses `n uid` (a `UIDL` listing line, or the text of `+OK` for `UIDL n`).
pub fn parse_uidl_entry(line: &[u8]) -> Result<UidlEntry, ParseError> {
    let mut w = words(line);
    let num = msg_num(w.next());
    let uidl = w
        .next()
        .and_then(|u| std::str::from_utf8(u).ok())
        .and_then(|u| Uidl::try_from(u).ok());
    match (num, uidl) {
        (Some(num), Some(uidl)) => Ok(UidlEntry { num, uidl }),
        _ => Err(malformed("UIDL", line)),
    }
}

/// Appends the wire form of `command` (with CRLF) to `out`.
pub fn encode(command: &Command, out: &mut Vec<u8>) {
    let line = match command {
        Command::Capa => "CAPA".to_owned(),
        Command::Stls => "STLS".to_owned(),
        Command::User(name) => format!("USER {name}"),
        Command::Pass(secret) => format!("PASS {}", secret.expose()),
        Command::Stat => "STAT".to_owned(),
        Command::List(None) => "LIST".to_owned(),
        Command::List(Some(n)) => format!("LIST {n}"),
        Command::Uidl(None) => "UIDL".to_owned(),
        Command::Uidl(Some(n)) => format!("UIDL {n}"),
        Command::Retr(n) => format!("RETR {n}"),
        Command::Top(n, lines) => format!("TOP {n} {lines}"),
        Command::Dele(n) => format!("DELE {n}"),
        Command::Noop => "NOOP".to_owned(),
        Command::Rset => "RSET".to_owned(),
        Command::Quit => "QUIT".to_owned(),
        Command::Apop { user, digest } => format!("APOP {user} {digest}"),
        Command::Auth {
            mechanism,
            initial: Some(initial),
        } => format!("AUTH {} {initial}", mechanism.name()),
        Command::Auth {
            mechanism,
            initial: None,
        } => format!("AUTH {}", mechanism.name()),
        Command::Utf8 => "UTF8".to_owned(),
    };
    out.extend_from_slice(line.as_bytes());
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pop3::types::Secret;

    #[test]
    fn status_lines() {
        assert_eq!(parse_status(b"+OK 2 320"), Ok(Status::Ok("2 320".into())));
        assert_eq!(parse_status(b"+ok"), Ok(Status::Ok(String::new())));
        assert_eq!(
            parse_status(b"-ERR [AUTH] Authentication failed."),
            Ok(Status::Err(ServerError {
                code: Some(RespCode::Auth),
                text: "Authentication failed.".into()
            }))
        );
        assert_eq!(
            parse_status(b"-ERR [SYS/TEMP] busy"),
            Ok(Status::Err(ServerError {
                code: Some(RespCode::SysTemp),
                text: "busy".into()
            }))
        );
        assert_eq!(
            parse_status(b"-ERR no such message"),
            Ok(Status::Err(ServerError {
                code: None,
                text: "no such message".into()
            }))
        );
        assert_eq!(parse_status(b"+ "), Ok(Status::Continue(String::new())));
        assert_eq!(
            parse_status(b"+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+"),
            Ok(Status::Continue(
                "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+".into()
            ))
        );
        assert!(matches!(
            parse_status(b"* OK imap"),
            Err(ParseError::NotAStatus(_))
        ));
    }

    #[test]
    fn listings() {
        assert_eq!(parse_stat("2 320"), Ok((2, 320)));
        assert!(parse_stat("two").is_err());
        let e = parse_list_entry(b"3 1200").unwrap();
        assert_eq!((e.num.get(), e.size), (3, 1200));
        assert!(parse_list_entry(b"0 1200").is_err());
        let u = parse_uidl_entry(b"1 whqtswO00WBw418f9t5JxYwZ").unwrap();
        assert_eq!(u.uidl.as_str(), "whqtswO00WBw418f9t5JxYwZ");
        assert!(parse_uidl_entry(b"1").is_err());
    }

    #[test]
    fn apop_timestamp_is_found() {
        assert_eq!(
            apop_timestamp("Dovecot ready. <1896.697170952@dbc.mtview.ca.us>"),
            Some("<1896.697170952@dbc.mtview.ca.us>")
        );
        assert_eq!(apop_timestamp("Dovecot ready."), None);
    }

    #[test]
    fn commands_encode_and_refuse_injection() {
        let mut out = Vec::new();
        encode(&Command::user("alice").unwrap(), &mut out);
        encode(&Command::pass(Secret::new("s3cret")).unwrap(), &mut out);
        encode(&Command::Retr(MsgNum::try_from(7).unwrap()), &mut out);
        assert_eq!(out, b"USER alice\r\nPASS s3cret\r\nRETR 7\r\n");
        assert!(Command::user("alice\r\nDELE 1").is_err());
        assert!(Command::pass(Secret::new("")).is_err());
    }
}
