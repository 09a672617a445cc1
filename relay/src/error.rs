//! The relay's errors and their face on the wire.

use cartero_shared::wire::{CertificateProblem, ErrorCode};
use thiserror::Error;

/// Why a session could not be opened or went down.
#[derive(Debug, Error)]
pub enum RelayError {
    /// The query string was not `host`, `port`, `security`.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The upstream is not on the allowlist, or resolved to a refused address.
    #[error("{0}")]
    NotAllowed(String),
    /// The name did not resolve.
    #[error("cannot resolve {host}: {detail}")]
    Resolve {
        /// The name.
        host: String,
        /// What the resolver said.
        detail: String,
    },
    /// TCP connect failed.
    #[error("cannot connect to {upstream}: {detail}")]
    Connect {
        /// `host:port`.
        upstream: String,
        /// What failed.
        detail: String,
    },
    /// TLS handshake failed.
    #[error("TLS with {upstream} failed: {detail}")]
    Tls {
        /// `host:port`.
        upstream: String,
        /// What failed, in words.
        detail: String,
        /// The certificate check that failed, when it was one.
        certificate: Option<CertificateProblem>,
    },
    /// Connect or handshake took too long.
    #[error("{0} did not answer in time")]
    Timeout(String),
    /// The session limit is reached.
    #[error("the relay has too many sessions open")]
    TooManySessions,
    /// This client address has as many sessions open as it may.
    #[error("too many sessions from your address are open")]
    TooManySessionsFromAddress,
    /// The relay is shutting down and its grace for open sessions is over.
    #[error("the relay is shutting down")]
    ShuttingDown,
    /// The session lasted as long as the relay allows.
    #[error("the session reached the relay's time limit of {0} s")]
    LifetimeExceeded(u64),
}

impl RelayError {
    /// The certificate check that failed, for a TLS error that was one.
    pub fn certificate_problem(&self) -> Option<CertificateProblem> {
        match self {
            RelayError::Tls { certificate, .. } => *certificate,
            _ => None,
        }
    }

    /// The stable wire code for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            RelayError::BadRequest(_) => ErrorCode::BadRequest,
            RelayError::NotAllowed(_) => ErrorCode::NotAllowed,
            RelayError::Resolve { .. } => ErrorCode::ResolveFailed,
            RelayError::Connect { .. } => ErrorCode::ConnectFailed,
            RelayError::Tls { .. } => ErrorCode::TlsFailed,
            RelayError::Timeout(_) => ErrorCode::Timeout,
            RelayError::TooManySessions | RelayError::TooManySessionsFromAddress => {
                ErrorCode::TooManySessions
            }
            RelayError::LifetimeExceeded(_) => ErrorCode::Timeout,
            RelayError::ShuttingDown => ErrorCode::ShuttingDown,
        }
    }
}
