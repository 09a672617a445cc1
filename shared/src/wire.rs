//! The relay wire contract: one WebSocket per POP3 session.
//!
//! The browser opens `/pop3?host=HOST&port=PORT&security=tls|starttls|none`. The relay's
//! first text frame is a [`RelayMessage::Connected`] or a [`RelayMessage::Error`] (then it
//! closes). After `connected`, binary frames carry raw POP3 bytes both ways and text frames
//! carry JSON control messages ([`ClientMessage`] one way, [`RelayMessage`] the other).

use serde::{Deserialize, Serialize};

/// How the relay reaches the POP3 server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Implicit TLS (POP3S, usually port 995).
    Tls,
    /// Plain TCP, upgraded with `STLS` when the browser asks (usually port 110).
    Starttls,
    /// Plain TCP throughout: passwords cross the network readable.
    None,
}

impl Security {
    /// The query-string spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Security::Tls => "tls",
            Security::Starttls => "starttls",
            Security::None => "none",
        }
    }
}

/// The query of the `/pop3` WebSocket URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectQuery {
    /// The POP3 server's host name or IP address.
    pub host: String,
    /// Its port.
    pub port: u16,
    /// How to secure the connection.
    pub security: Security,
}

impl ConnectQuery {
    /// The path and query to open, e.g. `/pop3?host=mail.example.org&port=995&security=tls`.
    pub fn path_and_query(&self) -> String {
        format!(
            "/pop3?host={}&port={}&security={}",
            percent_encode(&self.host),
            self.port,
            self.security.as_str()
        )
    }
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Why the relay could not (or can no longer) serve a session. Stable snake_case words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The request was malformed (bad query, bad control message).
    BadRequest,
    /// The relay's operator does not allow this server.
    NotAllowed,
    /// The server's name did not resolve.
    ResolveFailed,
    /// The TCP connection to the server failed (refused, unreachable).
    ConnectFailed,
    /// The TLS handshake failed (e.g. the certificate is not valid for the name).
    TlsFailed,
    /// The server did not answer in time.
    Timeout,
    /// The relay has too many sessions open.
    TooManySessions,
    /// The relay is shutting down (a restart or a deploy); a new session in a moment works.
    ShuttingDown,
    /// Something failed inside the relay.
    Internal,
}

impl ErrorCode {
    /// Every code, in declaration order.
    pub const ALL: [ErrorCode; 9] = [
        ErrorCode::BadRequest,
        ErrorCode::NotAllowed,
        ErrorCode::ResolveFailed,
        ErrorCode::ConnectFailed,
        ErrorCode::TlsFailed,
        ErrorCode::Timeout,
        ErrorCode::TooManySessions,
        ErrorCode::ShuttingDown,
        ErrorCode::Internal,
    ];

    /// The wire spelling (`not_allowed`, …), also used as a metrics label.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::NotAllowed => "not_allowed",
            ErrorCode::ResolveFailed => "resolve_failed",
            ErrorCode::ConnectFailed => "connect_failed",
            ErrorCode::TlsFailed => "tls_failed",
            ErrorCode::Timeout => "timeout",
            ErrorCode::TooManySessions => "too_many_sessions",
            ErrorCode::ShuttingDown => "shutting_down",
            ErrorCode::Internal => "internal",
        }
    }
}

/// Which check the server's TLS certificate failed, so the app can say it in its own
/// words (the error's `message` is English).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateProblem {
    /// Signed by an authority that neither the public roots nor the relay's CA file hold
    /// (a self-signed certificate, a private CA).
    UnknownIssuer,
    /// Past its end date.
    Expired,
    /// Before its start date (often a clock that is wrong).
    NotYetValid,
    /// Issued for names other than the one the account uses.
    WrongName,
    /// Any other certificate check (revoked, wrong purpose, bad signature…), and any
    /// word a newer relay sends that this version does not know.
    #[serde(other)]
    Other,
}

impl CertificateProblem {
    /// The problem in English words, for logs and programs.
    pub fn in_english(self) -> &'static str {
        match self {
            CertificateProblem::UnknownIssuer => {
                "the server's certificate is signed by an unknown authority"
            }
            CertificateProblem::Expired => "the server's certificate has expired",
            CertificateProblem::NotYetValid => {
                "the server's certificate is not valid yet (check the clocks)"
            }
            CertificateProblem::WrongName => "the server's certificate is for another name",
            CertificateProblem::Other => "the server's certificate is invalid",
        }
    }
}

/// What the relay learned about a TLS connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsInfo {
    /// The negotiated protocol version, e.g. `TLSv1.3`.
    pub version: String,
    /// The negotiated cipher suite.
    pub cipher: String,
    /// The name the certificate was verified against.
    pub server_name: String,
}

/// A control message from the relay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RelayMessage {
    /// Connected to the server; POP3 bytes follow in binary frames.
    Connected {
        /// The `host:port` reached.
        upstream: String,
        /// Present when the connection is already TLS (implicit TLS).
        tls: Option<TlsInfo>,
    },
    /// The upgrade asked for with [`ClientMessage::StartTls`] succeeded.
    TlsStarted {
        /// The new TLS session.
        tls: TlsInfo,
    },
    /// The session failed; the relay closes the socket after this.
    Error {
        /// What failed, as a stable word.
        code: ErrorCode,
        /// A detail for people (English); the app shows its own words for the code.
        message: String,
        /// For `tls_failed`: the certificate check that failed, when it was one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        certificate: Option<CertificateProblem>,
    },
}

/// A control message from the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// `STLS` got `+OK`: start TLS on the upstream connection now.
    StartTls,
}

/// JSON encoding of control messages.
pub trait Json: Sized {
    /// The message as JSON text.
    fn to_json(&self) -> String;
    /// Parses a message from JSON text.
    fn from_json(text: &str) -> Result<Self, serde_json::Error>;
}

impl<T: Serialize + for<'de> Deserialize<'de>> Json for T {
    fn to_json(&self) -> String {
        serde_json::to_string(self).expect("control messages always serialize")
    }
    fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_have_the_documented_json_shape() {
        let e = RelayMessage::Error {
            code: ErrorCode::NotAllowed,
            message: "no".into(),
            certificate: None,
        };
        assert_eq!(
            e.to_json(),
            r#"{"type":"error","code":"not_allowed","message":"no"}"#
        );
        let expired = RelayMessage::Error {
            code: ErrorCode::TlsFailed,
            message: "old".into(),
            certificate: Some(CertificateProblem::Expired),
        };
        assert_eq!(
            expired.to_json(),
            r#"{"type":"error","code":"tls_failed","message":"old","certificate":"expired"}"#
        );
        let newer = RelayMessage::from_json(
            r#"{"type":"error","code":"tls_failed","message":"m","certificate":"revoked"}"#,
        );
        assert!(matches!(
            newer,
            Ok(RelayMessage::Error {
                certificate: Some(CertificateProblem::Other),
                ..
            })
        ));
        assert_eq!(ClientMessage::StartTls.to_json(), r#"{"type":"start_tls"}"#);
        let c = RelayMessage::from_json(r#"{"type":"connected","upstream":"a:1","tls":null}"#);
        assert!(matches!(c, Ok(RelayMessage::Connected { tls: None, .. })));
    }

    #[test]
    fn error_code_words_are_the_json_words() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json.trim_matches('"'), code.as_str());
        }
    }

    #[test]
    fn connect_query_is_encoded() {
        let q = ConnectQuery {
            host: "mail.example.org".into(),
            port: 995,
            security: Security::Tls,
        };
        assert_eq!(
            q.path_and_query(),
            "/pop3?host=mail.example.org&port=995&security=tls"
        );
        let odd = ConnectQuery {
            host: "a&b=c".into(),
            ..q
        };
        assert!(odd.path_and_query().starts_with("/pop3?host=a%26b%3Dc&"));
    }
}
