//! The primary passphrase's crypto, through the browser's Web Crypto: PBKDF2-HMAC-SHA-256
//! turns the passphrase and a random salt into an AES-256-GCM key, which seals each
//! remembered password with a fresh nonce. The key is made non-extractable: script can use
//! it while a tab holds it, but cannot read its bytes.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AesDerivedKeyParams, AesGcmParams, Crypto, CryptoKey, Pbkdf2Params, SubtleCrypto};

use crate::model::{Sealed, Vault};

/// PBKDF2-HMAC-SHA-256 iterations for a new vault: OWASP's figure for 2023 on.
pub const ITERATIONS: u32 = 600_000;

/// The text whose sealing tells a right passphrase from a wrong one.
const CHECK: &str = "cartero primary passphrase";

/// What can go wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    /// The passphrase does not open the vault (or a sealed value was altered).
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// The browser has no Web Crypto here (not a secure context, or too old).
    #[error("this browser cannot encrypt here: {0}")]
    Unavailable(String),
}

fn unavailable(e: JsValue) -> VaultError {
    VaultError::Unavailable(
        e.as_string()
            .or_else(|| Reflect::get(&e, &"message".into()).ok()?.as_string())
            .unwrap_or_else(|| "Web Crypto failed".into()),
    )
}

fn crypto() -> Result<Crypto, VaultError> {
    Reflect::get(&js_sys::global(), &"crypto".into())
        .ok()
        .and_then(|c| c.dyn_into::<Crypto>().ok())
        .ok_or_else(|| VaultError::Unavailable("no crypto object".into()))
}

fn subtle() -> Result<SubtleCrypto, VaultError> {
    Ok(crypto()?.subtle())
}

fn random(n: usize) -> Result<Vec<u8>, VaultError> {
    let mut bytes = vec![0; n];
    crypto()?
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(unavailable)?;
    Ok(bytes)
}

async fn resolve(promise: Result<js_sys::Promise, JsValue>) -> Result<JsValue, JsValue> {
    JsFuture::from(promise?).await
}

/// The AES-GCM key of `passphrase` with `salt`.
async fn derive(passphrase: &str, salt: &[u8], iterations: u32) -> Result<CryptoKey, VaultError> {
    let subtle = subtle()?;
    let raw = Uint8Array::from(passphrase.as_bytes());
    let usages = Array::of1(&"deriveKey".into());
    let base = resolve(subtle.import_key_with_str("raw", &raw, "PBKDF2", false, &usages))
        .await
        .map_err(unavailable)?;
    let salt = Uint8Array::from(salt);
    let params = Pbkdf2Params::new_with_str("PBKDF2", "SHA-256", iterations, &salt);
    let aes = AesDerivedKeyParams::new("AES-GCM", 256);
    let usages = Array::of2(&"encrypt".into(), &"decrypt".into());
    let key = resolve(subtle.derive_key_with_object_and_object(
        &params,
        base.unchecked_ref(),
        &aes,
        false,
        &usages,
    ))
    .await
    .map_err(unavailable)?;
    Ok(key.unchecked_into())
}

/// Seals `text` with `key`.
pub async fn seal(key: &CryptoKey, text: &str) -> Result<Sealed, VaultError> {
    let iv = random(12)?;
    let params = AesGcmParams::new_with_u8_array("AES-GCM", &Uint8Array::from(&iv[..]));
    let data = resolve(subtle()?.encrypt_with_object_and_u8_array(&params, key, text.as_bytes()))
        .await
        .map_err(unavailable)?;
    Ok(Sealed {
        iv,
        data: Uint8Array::new(&data).to_vec(),
    })
}

/// Opens what `key` sealed; a wrong key or altered bytes fail the GCM tag.
pub async fn open(key: &CryptoKey, sealed: &Sealed) -> Result<String, VaultError> {
    let params = AesGcmParams::new_with_u8_array("AES-GCM", &Uint8Array::from(&sealed.iv[..]));
    let plain = resolve(subtle()?.decrypt_with_object_and_u8_array(&params, key, &sealed.data))
        .await
        .map_err(|_| VaultError::WrongPassphrase)?;
    String::from_utf8(Uint8Array::new(&plain).to_vec()).map_err(|_| VaultError::WrongPassphrase)
}

/// A new vault for `passphrase` (fresh salt), and its key.
pub async fn create(passphrase: &str) -> Result<(Vault, CryptoKey), VaultError> {
    let salt = random(16)?;
    let key = derive(passphrase, &salt, ITERATIONS).await?;
    let check = seal(&key, CHECK).await?;
    let vault = Vault {
        salt,
        iterations: ITERATIONS,
        check,
    };
    Ok((vault, key))
}

/// The key of `vault`, when `passphrase` is its passphrase.
pub async fn unlock(vault: &Vault, passphrase: &str) -> Result<CryptoKey, VaultError> {
    let key = derive(passphrase, &vault.salt, vault.iterations).await?;
    check(vault, &key).await?;
    Ok(key)
}

/// Whether `key` is the key of `vault` (it opens the vault's check).
pub async fn check(vault: &Vault, key: &CryptoKey) -> Result<(), VaultError> {
    match open(key, &vault.check).await?.as_str() {
        CHECK => Ok(()),
        _ => Err(VaultError::WrongPassphrase),
    }
}

/// A `{key}` message, for handing the key to another tab (a `CryptoKey` crosses a
/// `BroadcastChannel` by structured clone, still non-extractable).
pub fn key_message(key: &CryptoKey) -> JsValue {
    let message = Object::new();
    let _ = Reflect::set(&message, &"key".into(), key);
    message.into()
}

/// The key in a [`key_message`], if that is what `data` is.
pub fn key_from_message(data: &JsValue) -> Option<CryptoKey> {
    Reflect::get(data, &"key".into())
        .ok()?
        .dyn_into::<CryptoKey>()
        .ok()
}
