//! rustls settings for connections to POP3 servers, and failed handshakes in words.

use std::io;
use std::path::Path;
use std::sync::Arc;

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

/// Says in words which check a failed handshake tripped.
pub fn describe_tls_error(error: &io::Error) -> String {
    let rustls_error = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    match rustls_error {
        Some(rustls::Error::InvalidCertificate(cert)) => match cert {
            CertificateError::UnknownIssuer => {
                "the server's certificate is signed by an unknown authority".into()
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "the server's certificate has expired".into()
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "the server's certificate is for another name".into()
            }
            other => format!("the server's certificate is invalid ({other:?})"),
        },
        Some(other) => format!("TLS error: {other}"),
        None => format!("TLS handshake failed: {error}"),
    }
}
