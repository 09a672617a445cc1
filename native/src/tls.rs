//! rustls settings for connections to POP3 servers, and failed handshakes in words.

use std::io;
use std::path::Path;
use std::sync::Arc;

use cartero_shared::wire::CertificateProblem;
use thiserror::Error;
use tokio_rustls::rustls::pki_types::CertificateDer;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::{self, CertificateError, RootCertStore};

/// The CA file could not be used.
#[derive(Debug, Error)]
pub enum TlsSetupError {
    /// Reading or parsing the file failed.
    #[error("cannot read CA file {path}: {detail}")]
    CaFile {
        /// The file.
        path: String,
        /// What failed.
        detail: String,
    },
}

/// TLS settings for POP3 servers: the public web roots plus an optional CA file.
pub fn client_tls_config(ca_file: Option<&Path>) -> Result<rustls::ClientConfig, TlsSetupError> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_file {
        let ca_error = |detail: String| TlsSetupError::CaFile {
            path: path.display().to_string(),
            detail,
        };
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
            .map_err(|e| ca_error(e.to_string()))?
            .collect::<Result<_, _>>()
            .map_err(|e| ca_error(e.to_string()))?;
        if certs.is_empty() {
            return Err(ca_error("no certificate in it".into()));
        }
        for cert in certs {
            roots.add(cert).map_err(|e| ca_error(e.to_string()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

/// The rustls error inside a failed handshake's I/O error, if there is one.
fn rustls_error(error: &io::Error) -> Option<&rustls::Error> {
    error.get_ref()?.downcast_ref::<rustls::Error>()
}

/// The certificate check a failed handshake tripped, when it was one.
pub fn certificate_problem(error: &io::Error) -> Option<CertificateProblem> {
    let Some(rustls::Error::InvalidCertificate(cert)) = rustls_error(error) else {
        return None;
    };
    Some(match cert {
        CertificateError::UnknownIssuer => CertificateProblem::UnknownIssuer,
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            CertificateProblem::Expired
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            CertificateProblem::NotYetValid
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            CertificateProblem::WrongName
        }
        _ => CertificateProblem::Other,
    })
}

/// Says in words which check a failed handshake tripped.
pub fn describe_tls_error(error: &io::Error) -> String {
    match (certificate_problem(error), rustls_error(error)) {
        (Some(CertificateProblem::Other), Some(rustls::Error::InvalidCertificate(other))) => {
            format!("the server's certificate is invalid ({other:?})")
        }
        (Some(problem), _) => problem.in_english().to_owned(),
        (None, Some(other)) => format!("TLS error: {other}"),
        (None, None) => format!("TLS handshake failed: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    use tokio_rustls::rustls::pki_types::{ServerName, UnixTime};

    /// A failed handshake's error as tokio-rustls reports it.
    fn failed_with(error: CertificateError) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(error),
        )
    }

    #[test]
    fn every_certificate_check_the_app_names_is_recognised_in_both_forms() {
        let (earlier, later) = (
            UnixTime::since_unix_epoch(Duration::from_secs(1)),
            UnixTime::since_unix_epoch(Duration::from_secs(2)),
        );
        let cases = [
            (
                CertificateError::UnknownIssuer,
                CertificateProblem::UnknownIssuer,
            ),
            (CertificateError::Expired, CertificateProblem::Expired),
            (
                CertificateError::ExpiredContext {
                    time: later,
                    not_after: earlier,
                },
                CertificateProblem::Expired,
            ),
            (
                CertificateError::NotValidYet,
                CertificateProblem::NotYetValid,
            ),
            (
                CertificateError::NotValidYetContext {
                    time: earlier,
                    not_before: later,
                },
                CertificateProblem::NotYetValid,
            ),
            (
                CertificateError::NotValidForName,
                CertificateProblem::WrongName,
            ),
            (
                CertificateError::NotValidForNameContext {
                    expected: ServerName::try_from("mail.example.org").expect("a name"),
                    presented: vec!["other.example.org".into()],
                },
                CertificateProblem::WrongName,
            ),
            (CertificateError::Revoked, CertificateProblem::Other),
        ];
        for (error, problem) in cases {
            let failure = failed_with(error.clone());
            assert_eq!(certificate_problem(&failure), Some(problem), "{error:?}");
        }
        assert_eq!(
            describe_tls_error(&failed_with(CertificateError::Revoked)),
            "the server's certificate is invalid (Revoked)"
        );
    }

    #[test]
    fn a_failure_that_is_not_a_certificate_check_names_none() {
        let handshake = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::General("peer is incompatible".into()),
        );
        assert_eq!(certificate_problem(&handshake), None);
        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        assert_eq!(certificate_problem(&reset), None);
    }
}
