//! Message identity on servers without `UIDL`.
//!
//! RFC 1939 makes `UIDL` optional. Without it, Cartero identifies a message by a
//! fingerprint of its header block (`TOP n 0`): SHA-256 over the header lines, each with
//! trailing white space removed, so a server re-wrapping line ends does not change it.
//! This cannot be exact: two messages with byte-identical headers get one identity (the
//! second is never downloaded), and a server that rewrites headers between sessions makes
//! a message look new (downloaded again). The app says so to the person.

use sha2::{Digest, Sha256};

use crate::pop3::Uidl;

/// The identity of a message from its header block (what `TOP n 0` returns).
pub fn header_fingerprint(headers: &[u8]) -> Uidl {
    let mut hash = Sha256::new();
    for line in headers.split(|&b| b == b'\n') {
        let line = line.trim_ascii_end();
        if !line.is_empty() {
            hash.update(line);
            hash.update(b"\n");
        }
    }
    let hex: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Uidl::try_from(format!("h-{hex}").as_str()).expect("66 printable characters are a valid UIDL")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_ignores_line_ends_and_trailing_space_only() {
        let crlf = header_fingerprint(b"From: a@example.org\r\nSubject: hola\r\n\r\n");
        let lf = header_fingerprint(b"From: a@example.org \nSubject: hola\n");
        assert_eq!(crlf, lf);
        assert!(crlf.as_str().starts_with("h-") && crlf.as_str().len() == 66);
        let other = header_fingerprint(b"From: a@example.org\r\nSubject: adios\r\n\r\n");
        assert_ne!(crlf, other);
    }
}
