//! Validated POP3 values and the command set.

use std::fmt;
use std::num::NonZeroU32;

use thiserror::Error;

use super::auth::Mechanism;

/// A message number in the current session (RFC 1939: 1-based, session-local).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MsgNum(NonZeroU32);

impl MsgNum {
    /// The number as sent on the wire.
    pub fn get(self) -> u32 {
        self.0.get()
    }
}

impl TryFrom<u32> for MsgNum {
    type Error = ValueError;
    fn try_from(n: u32) -> Result<Self, ValueError> {
        NonZeroU32::new(n).map(MsgNum).ok_or(ValueError::ZeroMsgNum)
    }
}

impl fmt::Display for MsgNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A unique-id listing value (RFC 1939 §7: 1 to 70 characters in 0x21..=0x7E).
///
/// It identifies a message across sessions, so it is the key Cartero stores mail under.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uidl(String);

impl Uidl {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for Uidl {
    type Error = ValueError;
    fn try_from(s: &str) -> Result<Self, ValueError> {
        let valid_chars = s.bytes().all(|b| (0x21..=0x7e).contains(&b));
        if s.is_empty() || s.len() > 70 || !valid_chars {
            return Err(ValueError::BadUidl);
        }
        Ok(Uidl(s.to_owned()))
    }
}

impl fmt::Display for Uidl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password or other secret: never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// A value that cannot be put on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ValueError {
    /// Message numbers start at 1.
    #[error("message numbers start at 1")]
    ZeroMsgNum,
    /// Not a valid unique-id.
    #[error("a unique-id is 1 to 70 printable ASCII characters")]
    BadUidl,
    /// An argument would break the command line (CR, LF or NUL), or is empty or too long.
    #[error("the {0} is empty, too long, or contains a line break")]
    BadArgument(&'static str),
}

/// Longest argument Cartero puts in a command (RFC 2449 §4 allows 40 octets; servers accept
/// more for user names and passwords, so this is the line limit that matters).
pub const MAX_ARGUMENT_LEN: usize = 255;

/// A POP3 command the client can send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `CAPA` (RFC 2449).
    Capa,
    /// `STLS` (RFC 2595).
    Stls,
    /// `USER name` (build it with [`Command::user`]).
    User(Arg),
    /// `PASS secret` (build it with [`Command::pass`]).
    Pass(SecretArg),
    /// `STAT`.
    Stat,
    /// `LIST` or `LIST n`.
    List(Option<MsgNum>),
    /// `UIDL` or `UIDL n`.
    Uidl(Option<MsgNum>),
    /// `RETR n`.
    Retr(MsgNum),
    /// `TOP n lines`.
    Top(MsgNum, u32),
    /// `DELE n`.
    Dele(MsgNum),
    /// `NOOP`.
    Noop,
    /// `RSET`.
    Rset,
    /// `QUIT`.
    Quit,
    /// `APOP name digest` (RFC 1939 §7; see [`super::auth::apop_digest`]).
    Apop {
        /// User name.
        user: Arg,
        /// Hex MD5 digest of timestamp and secret.
        digest: Arg,
    },
    /// `AUTH mechanism [initial-response]` (RFC 5034). Enqueue it with
    /// [`super::Client::log_in`], which runs the exchange.
    Auth {
        /// The SASL mechanism.
        mechanism: Mechanism,
        /// The base64 initial response (`=` for an empty one), when it fits the line.
        initial: Option<Arg>,
    },
    /// `UTF8` (RFC 6856).
    Utf8,
}

impl Command {
    /// `USER name`, checked so that it cannot inject a second command.
    pub fn user(name: &str) -> Result<Command, ValueError> {
        Ok(Command::User(Arg::new(name, "user name")?))
    }

    /// `PASS secret`, checked so that it cannot inject a second command.
    pub fn pass(secret: Secret) -> Result<Command, ValueError> {
        check_argument(secret.expose(), "password")?;
        Ok(Command::Pass(SecretArg(secret)))
    }

    /// `APOP name digest`, the name checked like `USER`'s (see [`super::auth::apop_digest`]).
    pub fn apop(user: &str, digest: &str) -> Result<Command, ValueError> {
        Ok(Command::Apop {
            user: Arg::new(user, "user name")?,
            digest: Arg::new(digest, "APOP digest")?,
        })
    }

    /// Whether nothing may be sent after this command before its reply: the transport or
    /// the session changes (STLS, QUIT), or the exchange continues on its own (AUTH).
    pub fn is_barrier(&self) -> bool {
        matches!(self, Command::Stls | Command::Quit | Command::Auth { .. })
    }

    /// Whether a `+OK` reply to this command is followed by a multi-line body.
    pub fn is_multi_line(&self) -> bool {
        matches!(
            self,
            Command::Capa
                | Command::List(None)
                | Command::Uidl(None)
                | Command::Retr(_)
                | Command::Top(..)
        )
    }
}

/// A command argument that cannot break the command line: 1 to [`MAX_ARGUMENT_LEN`]
/// octets without CR, LF or NUL. Its field is private, so a [`Command`] holding one was
/// checked: `Command::User(..)` cannot smuggle a second command.
///
/// ```compile_fail
/// use cartero_shared::pop3::Command;
/// let forged = Command::User("a\r\nDELE 1".to_owned()); // a String is not an Arg
/// ```
///
/// ```
/// use cartero_shared::pop3::{Arg, Command};
/// assert!(Command::user("a\r\nDELE 1").is_err());
/// assert!(Arg::new("a\r\nDELE 1", "user name").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg(String);

impl Arg {
    /// Checks `value`; `what` names it in the error.
    pub fn new(value: &str, what: &'static str) -> Result<Arg, ValueError> {
        check_argument(value, what)?;
        Ok(Arg(value.to_owned()))
    }

    /// The argument as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password checked like [`Arg`], still redacted by `Debug`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretArg(Secret);

impl SecretArg {
    /// The secret, for the encoder.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

fn check_argument(arg: &str, what: &'static str) -> Result<(), ValueError> {
    let breaks_line = arg.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0));
    if arg.is_empty() || arg.len() > MAX_ARGUMENT_LEN || breaks_line {
        return Err(ValueError::BadArgument(what));
    }
    Ok(())
}

/// An extended response code (RFC 2449 §8, RFC 3206).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RespCode {
    /// `[AUTH]`: the credentials were wrong; ask the user again.
    Auth,
    /// `[SYS/TEMP]`: a temporary server problem; retry later.
    SysTemp,
    /// `[SYS/PERM]`: a permanent server problem.
    SysPerm,
    /// `[IN-USE]`: another session holds the mailbox.
    InUse,
    /// `[LOGIN-DELAY]`: logged in too soon after the last session.
    LoginDelay,
    /// Any other code, as the server wrote it.
    Other(String),
}

impl RespCode {
    /// Parses the text between the brackets.
    pub fn parse(code: &str) -> RespCode {
        match code.to_ascii_uppercase().as_str() {
            "AUTH" => RespCode::Auth,
            "SYS/TEMP" => RespCode::SysTemp,
            "SYS/PERM" => RespCode::SysPerm,
            "IN-USE" => RespCode::InUse,
            "LOGIN-DELAY" => RespCode::LoginDelay,
            _ => RespCode::Other(code.to_owned()),
        }
    }
}

/// What the server said with `-ERR`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("server said: {text}")]
pub struct ServerError {
    /// The extended response code, if the server sent one.
    pub code: Option<RespCode>,
    /// The human-readable text after the status (and code).
    pub text: String,
}

/// One line of a `LIST` reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListEntry {
    /// The message number.
    pub num: MsgNum,
    /// Its size in octets, as the server counts it.
    pub size: u64,
}

/// One line of a `UIDL` reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UidlEntry {
    /// The message number.
    pub num: MsgNum,
    /// Its unique-id.
    pub uidl: Uidl,
}

/// The server's capabilities (RFC 2449 `CAPA`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    lines: Vec<String>,
}

impl Capabilities {
    /// Builds the set from `CAPA` lines.
    pub fn from_lines(lines: Vec<String>) -> Self {
        Capabilities { lines }
    }

    /// Whether a capability with this tag (case-insensitive) was announced.
    pub fn has(&self, tag: &str) -> bool {
        self.lines.iter().any(|line| {
            line.split_ascii_whitespace()
                .next()
                .is_some_and(|t| t.eq_ignore_ascii_case(tag))
        })
    }

    /// The SASL mechanisms announced with `SASL`.
    pub fn sasl_mechanisms(&self) -> Vec<&str> {
        self.lines
            .iter()
            .filter_map(|line| {
                let mut words = line.split_ascii_whitespace();
                let tag = words.next()?;
                tag.eq_ignore_ascii_case("SASL").then_some(words)
            })
            .flatten()
            .collect()
    }

    /// The `LOGIN-DELAY` the server announces: the least time between two logins
    /// (RFC 2449 §6.5). Sync must not come back sooner.
    pub fn login_delay(&self) -> Option<std::time::Duration> {
        self.argument("LOGIN-DELAY")
            .and_then(|n| n.parse().ok())
            .map(std::time::Duration::from_secs)
    }

    /// The `EXPIRE` policy (RFC 2449 §6.7): `Some(None)` for `NEVER`, `Some(Some(days))`
    /// when the server deletes mail that many days after it was downloaded.
    pub fn expire_days(&self) -> Option<Option<u32>> {
        let value = self.argument("EXPIRE")?;
        if value.eq_ignore_ascii_case("NEVER") {
            Some(None)
        } else {
            value.parse().ok().map(Some)
        }
    }

    /// The first argument of a capability.
    fn argument(&self, tag: &str) -> Option<&str> {
        self.lines.iter().find_map(|line| {
            let mut words = line.split_ascii_whitespace();
            words
                .next()
                .filter(|t| t.eq_ignore_ascii_case(tag))
                .and(words.next())
        })
    }

    /// Every line as the server sent it.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }
}
