//! Why a sync stopped, told in the person's language.

use cartero_shared::wire::{CertificateProblem, ErrorCode};
use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, T, tr};

/// Why a sync stopped. Everything saved before it stays saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SyncError {
    /// The relay refused or lost the session, with its stable code and detail.
    Relay {
        /// The relay's code.
        code: ErrorCode,
        /// The relay's detail (English, technical).
        detail: String,
        /// For a TLS failure: the certificate check that failed, when it was one.
        certificate: Option<CertificateProblem>,
    },
    /// The relay itself cannot be reached (offline, relay down).
    RelayUnreachable,
    /// The server refused the credentials.
    WrongPassword(String),
    /// The server answered `-ERR` somewhere else.
    Server(String),
    /// `[IN-USE]`: another program has the mailbox open.
    MailboxInUse,
    /// `[SYS/TEMP]`: a temporary server problem.
    ServerBusy(String),
    /// `[LOGIN-DELAY]`: logged in too soon; the server's minimum gap, when it said.
    LoginDelay(Option<u64>),
    /// STARTTLS was chosen but the server does not offer it.
    NoStls,
    /// The server's replies broke the protocol.
    Protocol(String),
    /// The connection closed before the sync finished.
    ConnectionLost,
    /// Saving to IndexedDB failed.
    Storage(String),
    /// The browser's storage is full: the sync stopped, nothing was deleted on the server.
    StorageFull,
    /// The server refused `LIST` or `UIDL` this time (with its words).
    ListingRefused(String),
}

impl SyncError {
    /// Whether trying again later may succeed by itself (the network, the relay or the
    /// server was unavailable), so the app retries with backoff. A wrong password, a bad
    /// certificate or a refused server need the person, and are not retried.
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::RelayUnreachable
            | SyncError::ConnectionLost
            | SyncError::MailboxInUse
            | SyncError::ServerBusy(_)
            | SyncError::LoginDelay(_)
            | SyncError::ListingRefused(_) => true,
            SyncError::Relay { code, .. } => matches!(
                code,
                ErrorCode::ResolveFailed
                    | ErrorCode::ConnectFailed
                    | ErrorCode::Timeout
                    | ErrorCode::TooManySessions
                    | ErrorCode::ShuttingDown
            ),
            _ => false,
        }
    }

    /// What to tell the user, in `lang`.
    pub fn describe(&self, lang: Lang) -> String {
        let with_detail = |t: T, detail: &str| format!("{}: {detail}", tr(lang, t));
        match self {
            SyncError::Relay {
                code,
                detail,
                certificate,
            } => match code {
                ErrorCode::NotAllowed => tr(lang, T::ErrNotAllowed).to_owned(),
                ErrorCode::ResolveFailed => tr(lang, T::ErrResolveFailed).to_owned(),
                ErrorCode::ConnectFailed => tr(lang, T::ErrConnectFailed).to_owned(),
                ErrorCode::TlsFailed => match certificate {
                    Some(problem) => {
                        let words = with_detail(T::ErrTls, tr(lang, certificate_text(*problem)));
                        // A check without words of its own: the relay's detail follows,
                        // for whoever runs the server.
                        if *problem == CertificateProblem::Other {
                            format!("{words} ({detail})")
                        } else {
                            words
                        }
                    }
                    None => with_detail(T::ErrTls, detail),
                },
                ErrorCode::Timeout => tr(lang, T::ErrTimeout).to_owned(),
                ErrorCode::TooManySessions => tr(lang, T::ErrTooManySessions).to_owned(),
                ErrorCode::ShuttingDown => tr(lang, T::ErrShuttingDown).to_owned(),
                ErrorCode::BadRequest => with_detail(T::ErrBadRequest, detail),
                _ => tr(lang, T::ErrInternal).to_owned(),
            },
            SyncError::RelayUnreachable => tr(lang, T::ErrRelayUnreachable).to_owned(),
            SyncError::WrongPassword(_) => tr(lang, T::ErrWrongPassword).to_owned(),
            SyncError::Server(text) => with_detail(T::ErrServer, text),
            SyncError::MailboxInUse => tr(lang, T::ErrInUse).to_owned(),
            SyncError::ServerBusy(text) => with_detail(T::ErrServerBusy, text),
            SyncError::LoginDelay(None) => tr(lang, T::ErrLoginDelay).to_owned(),
            SyncError::LoginDelay(Some(minutes)) => {
                format!("{} ({minutes} min)", tr(lang, T::ErrLoginDelay))
            }
            SyncError::NoStls => tr(lang, T::ErrNoStls).to_owned(),
            SyncError::Protocol(detail) => with_detail(T::ErrProtocol, detail),
            SyncError::ConnectionLost => tr(lang, T::ErrConnectionLost).to_owned(),
            SyncError::Storage(detail) => format!("{} ({detail})", tr(lang, T::ErrStorage)),
            SyncError::StorageFull => tr(lang, T::ErrStorageFull).to_owned(),
            SyncError::ListingRefused(text) => with_detail(T::ErrListingRefused, text),
        }
    }
}

/// The app's words for a certificate check.
fn certificate_text(problem: CertificateProblem) -> T {
    match problem {
        CertificateProblem::UnknownIssuer => T::CertUnknownIssuer,
        CertificateProblem::Expired => T::CertExpired,
        CertificateProblem::NotYetValid => T::CertNotYetValid,
        CertificateProblem::WrongName => T::CertWrongName,
        CertificateProblem::Other => T::CertInvalid,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn tls_failure(certificate: Option<CertificateProblem>) -> SyncError {
        SyncError::Relay {
            code: ErrorCode::TlsFailed,
            detail: "the server's certificate is invalid (InvalidPurpose)".into(),
            certificate,
        }
    }

    const EVERY_PROBLEM: [CertificateProblem; 5] = [
        CertificateProblem::UnknownIssuer,
        CertificateProblem::Expired,
        CertificateProblem::NotYetValid,
        CertificateProblem::WrongName,
        CertificateProblem::Other,
    ];

    #[test]
    fn a_certificate_problem_is_told_in_the_persons_language() {
        let expired = tls_failure(Some(CertificateProblem::Expired));
        assert_eq!(
            expired.describe(Lang::Es),
            "No se pudo establecer una conexión segura con el servidor: su certificado ha \
             caducado. Avisa a quien administra el servidor de correo."
        );
        assert_eq!(
            expired.describe(Lang::En),
            "Could not set up a secure connection with the server: its certificate has \
             expired. Tell whoever runs the mail server."
        );
        for lang in [Lang::Es, Lang::En] {
            let texts: BTreeSet<String> = EVERY_PROBLEM
                .iter()
                .map(|p| tls_failure(Some(*p)).describe(lang))
                .collect();
            assert_eq!(texts.len(), EVERY_PROBLEM.len(), "each has its own words");
        }
        for problem in &EVERY_PROBLEM[..4] {
            let spanish = tls_failure(Some(*problem)).describe(Lang::Es);
            assert!(!spanish.contains("certificate"), "{problem:?}: {spanish}");
        }
    }

    #[test]
    fn a_check_without_words_of_its_own_keeps_the_relays_detail() {
        let other = tls_failure(Some(CertificateProblem::Other)).describe(Lang::Es);
        assert!(
            other.contains("su certificado no es válido")
                && other.ends_with("(the server's certificate is invalid (InvalidPurpose))"),
            "{other}"
        );
        let no_certificate = tls_failure(None).describe(Lang::Es);
        assert!(
            no_certificate.ends_with(": the server's certificate is invalid (InvalidPurpose)"),
            "{no_certificate}"
        );
    }
}
