//! The primary passphrase's stored parts: the salt and a check value of the vault, and
//! sealed (encrypted) passwords. The crypto itself is the page's (`crate::vault`).

use serde::{Deserialize, Serialize};

/// Something sealed with AES-GCM: its 96-bit nonce and the ciphertext (with its tag).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    /// The nonce, fresh for each sealing.
    pub iv: Vec<u8>,
    /// The ciphertext followed by its 128-bit tag.
    pub data: Vec<u8>,
}

/// The primary passphrase, as stored: enough to derive its key again and tell a wrong
/// passphrase, nothing to recover it from but guessing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vault {
    /// The PBKDF2 salt (16 random bytes).
    pub salt: Vec<u8>,
    /// PBKDF2-HMAC-SHA-256 iterations.
    pub iterations: u32,
    /// A known text sealed with the key: opening it proves the passphrase right.
    pub check: Sealed,
}
