//! Authentication as pure step functions: mechanism choice, APOP (RFC 1939) and SASL
//! clients (RFC 5034 for POP3; PLAIN RFC 4616, LOGIN, CRAM-MD5 RFC 2195, SCRAM-SHA-256
//! RFC 5802/7677, XOAUTH2, OAUTHBEARER RFC 7628).
//!
//! No randomness is drawn here: SCRAM's client nonce is passed in.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, KeyInit, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;
use thiserror::Error;

use super::types::{Capabilities, Secret};

/// A SASL mechanism Cartero can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mechanism {
    /// SCRAM-SHA-256: the password never leaves the device and the server proves itself.
    ScramSha256,
    /// CRAM-MD5: challenge-response; the password never leaves the device.
    CramMd5,
    /// PLAIN: user and password in one message (only sensible under TLS).
    Plain,
    /// LOGIN: user and password in two messages (only sensible under TLS).
    Login,
    /// OAUTHBEARER: an OAuth 2.0 bearer token (RFC 7628).
    OAuthBearer,
    /// XOAUTH2: Google's and Microsoft's older OAuth 2.0 form.
    XOAuth2,
}

impl Mechanism {
    /// The registered name.
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::ScramSha256 => "SCRAM-SHA-256",
            Mechanism::CramMd5 => "CRAM-MD5",
            Mechanism::Plain => "PLAIN",
            Mechanism::Login => "LOGIN",
            Mechanism::OAuthBearer => "OAUTHBEARER",
            Mechanism::XOAuth2 => "XOAUTH2",
        }
    }

    /// Parses a registered name (case-insensitive).
    pub fn from_name(name: &str) -> Option<Mechanism> {
        [
            Mechanism::ScramSha256,
            Mechanism::CramMd5,
            Mechanism::Plain,
            Mechanism::Login,
            Mechanism::OAuthBearer,
            Mechanism::XOAuth2,
        ]
        .into_iter()
        .find(|m| m.name().eq_ignore_ascii_case(name))
    }

    /// Whether the mechanism sends the secret itself (readable without TLS).
    pub fn reveals_secret(self) -> bool {
        !matches!(self, Mechanism::ScramSha256 | Mechanism::CramMd5)
    }

    /// Whether the secret is an OAuth token rather than a password.
    pub fn uses_token(self) -> bool {
        matches!(self, Mechanism::OAuthBearer | Mechanism::XOAuth2)
    }
}

/// How to log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LoginMethod {
    /// `AUTH` with a SASL mechanism.
    Sasl(Mechanism),
    /// `APOP` (needs the greeting's timestamp).
    Apop,
    /// `USER` then `PASS`.
    UserPass,
}

impl LoginMethod {
    /// Whether the method sends the secret itself.
    pub fn reveals_secret(self) -> bool {
        match self {
            LoginMethod::Sasl(m) => m.reveals_secret(),
            LoginMethod::Apop => false,
            LoginMethod::UserPass => true,
        }
    }
}

/// What the secret is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SecretKind {
    /// A password.
    #[default]
    Password,
    /// An OAuth 2.0 access token.
    OAuthToken,
}

/// Who logs in, and with what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The user name.
    pub user: String,
    /// The password or token.
    pub secret: Secret,
    /// Which of the two it is.
    pub kind: SecretKind,
}

/// Why logging in cannot proceed (on the client side).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AuthError {
    /// The server offers no method usable with these credentials.
    #[error("the server offers no login method Cartero can use with a {0}")]
    NoUsableMethod(&'static str),
    /// The pinned method is not offered.
    #[error("the server does not offer {0}")]
    NotOffered(String),
    /// The method would send the secret readable, and the account requires TLS.
    #[error("refusing to send the secret without TLS")]
    TlsRequired,
    /// The server's challenge could not be understood.
    #[error("the server sent a malformed authentication challenge")]
    BadChallenge,
    /// The user name or secret cannot be sent (empty, too long, or a line break in it).
    #[error("{0}")]
    BadCredentials(String),
    /// SCRAM: the server did not prove it knows the password.
    #[error("the server failed to prove its identity (SCRAM signature)")]
    ServerNotVerified,
}

/// Methods in order of preference for a password: challenge-response first, so the
/// password itself is never sent when the server can do without it.
const PASSWORD_PREFERENCE: [LoginMethod; 6] = [
    LoginMethod::Sasl(Mechanism::ScramSha256),
    LoginMethod::Sasl(Mechanism::CramMd5),
    LoginMethod::Apop,
    LoginMethod::Sasl(Mechanism::Plain),
    LoginMethod::Sasl(Mechanism::Login),
    LoginMethod::UserPass,
];
const TOKEN_PREFERENCE: [LoginMethod; 2] = [
    LoginMethod::Sasl(Mechanism::OAuthBearer),
    LoginMethod::Sasl(Mechanism::XOAuth2),
];

fn offered(method: LoginMethod, caps: Option<&Capabilities>, apop_timestamp: bool) -> bool {
    match (method, caps) {
        (LoginMethod::Apop, _) => apop_timestamp,
        // Without CAPA, USER/PASS is all a client can assume (RFC 2449 §6.3).
        (LoginMethod::UserPass, None) => true,
        (LoginMethod::UserPass, Some(caps)) => {
            caps.has("USER") || caps.sasl_mechanisms().is_empty()
        }
        (LoginMethod::Sasl(_), None) => false,
        (LoginMethod::Sasl(m), Some(caps)) => caps
            .sasl_mechanisms()
            .iter()
            .any(|name| name.eq_ignore_ascii_case(m.name())),
    }
}

/// Picks the strongest method the server offers for `kind`, or checks a pinned one.
pub fn choose_method(
    caps: Option<&Capabilities>,
    apop_timestamp: bool,
    kind: SecretKind,
    pinned: Option<LoginMethod>,
) -> Result<LoginMethod, AuthError> {
    if let Some(method) = pinned {
        return if offered(method, caps, apop_timestamp) {
            Ok(method)
        } else {
            Err(AuthError::NotOffered(format!("{method:?}")))
        };
    }
    let (preference, what): (&[LoginMethod], _) = match kind {
        SecretKind::Password => (&PASSWORD_PREFERENCE, "password"),
        SecretKind::OAuthToken => (&TOKEN_PREFERENCE, "token"),
    };
    preference
        .iter()
        .copied()
        .find(|m| offered(*m, caps, apop_timestamp))
        .ok_or(AuthError::NoUsableMethod(what))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The APOP digest: MD5 of the greeting's timestamp followed by the secret, in hex.
pub fn apop_digest(timestamp: &str, secret: &Secret) -> String {
    let mut md5 = Md5::new();
    md5.update(timestamp.as_bytes());
    md5.update(secret.expose().as_bytes());
    hex(&md5.finalize())
}

type HmacSha256 = Hmac<Sha256>;

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// SCRAM's escaping of `=` and `,` in the user name (RFC 5802 §5.1).
fn scram_name(user: &str) -> String {
    user.replace('=', "=3D").replace(',', "=2C")
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// Nothing sent yet.
    Start,
    /// The initial response (or LOGIN's user name) was sent.
    Sent,
    /// LOGIN: the password was sent.
    LoginPasswordSent,
    /// SCRAM: client-first sent; remembers what the proof needs.
    ScramFirst {
        client_first_bare: String,
        nonce: String,
    },
    /// SCRAM: client-final sent; the expected server signature.
    ScramFinal { server_signature: [u8; 32] },
    /// SCRAM: the server's signature checked out.
    ScramVerified,
    /// The server sent an error challenge (OAuth); the client acknowledged it.
    ErrorAcknowledged,
}

/// A SASL client exchange for one mechanism.
#[derive(Clone, PartialEq, Eq)]
pub struct SaslClient {
    mechanism: Mechanism,
    credentials: Credentials,
    nonce: String,
    state: State,
}

impl std::fmt::Debug for SaslClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SaslClient")
            .field("mechanism", &self.mechanism)
            .field("user", &self.credentials.user)
            .finish_non_exhaustive()
    }
}

impl SaslClient {
    /// A client for `mechanism`. `nonce` must be fresh random bytes (SCRAM uses them).
    pub fn new(mechanism: Mechanism, credentials: Credentials, nonce: &[u8]) -> SaslClient {
        SaslClient {
            mechanism,
            credentials,
            nonce: B64.encode(nonce).replace(',', "-"),
            state: State::Start,
        }
    }

    /// The mechanism.
    pub fn mechanism(&self) -> Mechanism {
        self.mechanism
    }

    /// The initial response, for mechanisms where the client speaks first.
    pub fn initial_response(&mut self) -> Option<Vec<u8>> {
        let user = &self.credentials.user;
        let secret = self.credentials.secret.expose();
        let response = match self.mechanism {
            Mechanism::Plain => format!("\0{user}\0{secret}").into_bytes(),
            Mechanism::XOAuth2 => {
                format!("user={user}\x01auth=Bearer {secret}\x01\x01").into_bytes()
            }
            Mechanism::OAuthBearer => {
                format!("n,a={},\x01auth=Bearer {secret}\x01\x01", scram_name(user)).into_bytes()
            }
            Mechanism::ScramSha256 => {
                let client_first_bare = format!("n={},r={}", scram_name(user), self.nonce);
                let response = format!("n,,{client_first_bare}").into_bytes();
                self.state = State::ScramFirst {
                    client_first_bare,
                    nonce: self.nonce.clone(),
                };
                return Some(response);
            }
            Mechanism::Login | Mechanism::CramMd5 => return None,
        };
        self.state = State::Sent;
        Some(response)
    }

    /// Answers a (decoded) server challenge.
    pub fn respond(&mut self, challenge: &[u8]) -> Result<Vec<u8>, AuthError> {
        let state = std::mem::replace(&mut self.state, State::Sent);
        match (self.mechanism, state) {
            // The server asked for the initial response (two-step form).
            (_, State::Start) if challenge.is_empty() && self.mechanism != Mechanism::Login => {
                self.initial_response().ok_or(AuthError::BadChallenge)
            }
            (Mechanism::Login, State::Start) => Ok(self.credentials.user.clone().into_bytes()),
            (Mechanism::Login, State::Sent) => {
                self.state = State::LoginPasswordSent;
                Ok(self.credentials.secret.expose().as_bytes().to_vec())
            }
            (Mechanism::CramMd5, State::Start) => {
                let mut mac =
                    Hmac::<Md5>::new_from_slice(self.credentials.secret.expose().as_bytes())
                        .expect("HMAC takes keys of any length");
                mac.update(challenge);
                let digest = hex(&mac.finalize().into_bytes());
                Ok(format!("{} {digest}", self.credentials.user).into_bytes())
            }
            (
                Mechanism::ScramSha256,
                State::ScramFirst {
                    client_first_bare,
                    nonce,
                },
            ) => self.scram_final(challenge, &client_first_bare, &nonce),
            (Mechanism::ScramSha256, State::ScramFinal { server_signature }) => {
                let text = std::str::from_utf8(challenge).map_err(|_| AuthError::BadChallenge)?;
                let proof = text
                    .strip_prefix("v=")
                    .ok_or(AuthError::ServerNotVerified)?;
                let proof = B64.decode(proof).map_err(|_| AuthError::BadChallenge)?;
                if proof != server_signature {
                    return Err(AuthError::ServerNotVerified);
                }
                self.state = State::ScramVerified;
                Ok(Vec::new())
            }
            // OAuth failure details: acknowledge so the server sends its -ERR.
            (Mechanism::XOAuth2, State::Sent) => {
                self.state = State::ErrorAcknowledged;
                Ok(Vec::new())
            }
            (Mechanism::OAuthBearer, State::Sent) => {
                self.state = State::ErrorAcknowledged;
                Ok(vec![0x01])
            }
            _ => Err(AuthError::BadChallenge),
        }
    }

    fn scram_final(
        &mut self,
        server_first: &[u8],
        client_first_bare: &str,
        nonce: &str,
    ) -> Result<Vec<u8>, AuthError> {
        let server_first =
            std::str::from_utf8(server_first).map_err(|_| AuthError::BadChallenge)?;
        let field = |key: &str| {
            server_first
                .split(',')
                .find_map(|f| f.strip_prefix(key))
                .ok_or(AuthError::BadChallenge)
        };
        let combined_nonce = field("r=")?;
        let salt = B64
            .decode(field("s=")?)
            .map_err(|_| AuthError::BadChallenge)?;
        let iterations: u32 = field("i=")?.parse().map_err(|_| AuthError::BadChallenge)?;
        if !combined_nonce.starts_with(nonce) || iterations == 0 {
            return Err(AuthError::BadChallenge);
        }
        let mut salted = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(
            self.credentials.secret.expose().as_bytes(),
            &salt,
            iterations,
            &mut salted,
        );
        let client_key = hmac_sha256(&salted, b"Client Key");
        let stored_key: [u8; 32] = Sha256::digest(client_key).into();
        let without_proof = format!("c=biws,r={combined_nonce}");
        let auth_message = format!("{client_first_bare},{server_first},{without_proof}");
        let client_signature = hmac_sha256(&stored_key, auth_message.as_bytes());
        let proof: Vec<u8> = client_key
            .iter()
            .zip(client_signature)
            .map(|(k, s)| k ^ s)
            .collect();
        let server_key = hmac_sha256(&salted, b"Server Key");
        self.state = State::ScramFinal {
            server_signature: hmac_sha256(&server_key, auth_message.as_bytes()),
        };
        Ok(format!("{without_proof},p={}", B64.encode(proof)).into_bytes())
    }

    /// Called on the server's `+OK`: SCRAM must have verified the server by then.
    pub fn finish(&self) -> Result<(), AuthError> {
        match (self.mechanism, &self.state) {
            (Mechanism::ScramSha256, State::ScramVerified) => Ok(()),
            (Mechanism::ScramSha256, _) => Err(AuthError::ServerNotVerified),
            _ => Ok(()),
        }
    }
}

/// Base64 for the wire (SASL responses and challenges travel encoded).
pub fn encode_b64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

/// Decodes a challenge; `None` when it is not base64.
pub fn decode_b64(text: &str) -> Option<Vec<u8>> {
    B64.decode(text.trim()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(user: &str, secret: &str) -> Credentials {
        Credentials {
            user: user.into(),
            secret: Secret::new(secret),
            kind: SecretKind::Password,
        }
    }

    #[test]
    fn apop_matches_rfc_1939() {
        let digest = apop_digest(
            "<1896.697170952@dbc.mtview.ca.us>",
            &Secret::new("tanstaaf"),
        );
        assert_eq!(digest, "c4c9334bac560ecc979e58001b3e22fb");
    }

    #[test]
    fn cram_md5_matches_rfc_2195() {
        let mut sasl = SaslClient::new(Mechanism::CramMd5, creds("tim", "tanstaaftanstaaf"), b"n");
        assert_eq!(sasl.initial_response(), None);
        let response = sasl
            .respond(b"<1896.697170952@postoffice.reston.mci.net>")
            .unwrap();
        assert_eq!(response, b"tim b913a602c7eda7a495b4e6e7334d3890");
    }

    #[test]
    fn scram_sha_256_matches_rfc_7677() {
        let mut sasl = SaslClient::new(Mechanism::ScramSha256, creds("user", "pencil"), b"");
        sasl.nonce = "rOprNGfwEbeRWgbNEkqO".into();
        assert_eq!(
            sasl.initial_response().unwrap(),
            b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO"
        );
        let client_final = sasl
            .respond(b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
            .unwrap();
        assert_eq!(
            String::from_utf8(client_final).unwrap(),
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        );
        assert_eq!(sasl.finish(), Err(AuthError::ServerNotVerified));
        let mut forged = sasl.clone();
        assert_eq!(
            forged.respond(b"v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
            Err(AuthError::ServerNotVerified)
        );
        assert_eq!(
            sasl.respond(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
                .unwrap(),
            b""
        );
        assert_eq!(sasl.finish(), Ok(()));
    }

    #[test]
    fn scram_refuses_a_nonce_the_client_did_not_start() {
        let mut sasl = SaslClient::new(Mechanism::ScramSha256, creds("u", "p"), b"abc");
        sasl.initial_response();
        assert_eq!(
            sasl.respond(b"r=someone-elses,s=QQ==,i=4096"),
            Err(AuthError::BadChallenge)
        );
    }

    #[test]
    fn plain_login_and_oauth_responses() {
        let mut plain = SaslClient::new(Mechanism::Plain, creds("ana", "pw"), b"");
        assert_eq!(plain.initial_response().unwrap(), b"\0ana\0pw");
        let mut login = SaslClient::new(Mechanism::Login, creds("ana", "pw"), b"");
        assert_eq!(login.initial_response(), None);
        assert_eq!(login.respond(b"Username:").unwrap(), b"ana");
        assert_eq!(login.respond(b"Password:").unwrap(), b"pw");
        let token = Credentials {
            kind: SecretKind::OAuthToken,
            ..creds("ana@example.org", "ya29.token")
        };
        let mut xoauth = SaslClient::new(Mechanism::XOAuth2, token.clone(), b"");
        assert_eq!(
            xoauth.initial_response().unwrap(),
            b"user=ana@example.org\x01auth=Bearer ya29.token\x01\x01"
        );
        assert_eq!(xoauth.respond(b"{\"status\":\"401\"}").unwrap(), b"");
        let mut bearer = SaslClient::new(Mechanism::OAuthBearer, token, b"");
        assert_eq!(
            bearer.initial_response().unwrap(),
            b"n,a=ana@example.org,\x01auth=Bearer ya29.token\x01\x01"
        );
        assert_eq!(
            bearer.respond(b"{\"status\":\"invalid_token\"}").unwrap(),
            b"\x01"
        );
    }

    #[test]
    fn two_step_form_sends_the_initial_response_after_an_empty_challenge() {
        let mut plain = SaslClient::new(Mechanism::Plain, creds("ana", "pw"), b"");
        assert_eq!(plain.respond(b"").unwrap(), b"\0ana\0pw");
    }

    fn caps(lines: &[&str]) -> Capabilities {
        Capabilities::from_lines(lines.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn login_delay_and_expire_are_read_from_capa() {
        let c = caps(&["LOGIN-DELAY 900", "EXPIRE 30 USER", "UIDL"]);
        assert_eq!(c.login_delay(), Some(std::time::Duration::from_secs(900)));
        assert_eq!(c.expire_days(), Some(Some(30)));
        assert_eq!(caps(&["EXPIRE NEVER"]).expire_days(), Some(None));
        assert_eq!(caps(&["UIDL"]).login_delay(), None);
    }

    #[test]
    fn the_strongest_offered_method_is_chosen() {
        let dovecot = caps(&["USER", "SASL PLAIN LOGIN CRAM-MD5 SCRAM-SHA-256"]);
        let pick = |c: Option<&Capabilities>, apop| {
            choose_method(c, apop, SecretKind::Password, None).unwrap()
        };
        assert_eq!(
            pick(Some(&dovecot), true),
            LoginMethod::Sasl(Mechanism::ScramSha256)
        );
        assert_eq!(
            pick(Some(&caps(&["USER", "SASL PLAIN LOGIN"])), true),
            LoginMethod::Apop
        );
        assert_eq!(
            pick(Some(&caps(&["USER", "SASL PLAIN LOGIN"])), false),
            LoginMethod::Sasl(Mechanism::Plain)
        );
        assert_eq!(pick(None, false), LoginMethod::UserPass);
        assert_eq!(
            choose_method(
                Some(&caps(&["SASL XOAUTH2"])),
                false,
                SecretKind::OAuthToken,
                None
            ),
            Ok(LoginMethod::Sasl(Mechanism::XOAuth2))
        );
        assert!(matches!(
            choose_method(Some(&dovecot), false, SecretKind::OAuthToken, None),
            Err(AuthError::NoUsableMethod(_))
        ));
        assert_eq!(
            choose_method(
                Some(&dovecot),
                true,
                SecretKind::Password,
                Some(LoginMethod::UserPass)
            ),
            Ok(LoginMethod::UserPass)
        );
        assert!(matches!(
            choose_method(
                Some(&dovecot),
                false,
                SecretKind::Password,
                Some(LoginMethod::Apop)
            ),
            Err(AuthError::NotOffered(_))
        ));
    }
}
