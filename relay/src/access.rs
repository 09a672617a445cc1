//! Who may use the relay: optionally only the team.
//!
//! - `--access-token`: a shared secret. A browser gets a sign-in page (Spanish or English
//!   by `Accept-Language`) whose form posts the token to [`SIGN_IN_PATH`]; the relay then
//!   sets an `HttpOnly`, `SameSite=Strict` cookie holding a hash of the token (never the
//!   token), which the browser sends with every request of the origin, the WebSocket and
//!   the service worker's fetches included. Programs send the token as the password of
//!   HTTP Basic credentials or as `Authorization: Bearer`.
//! - `--auth-header`: a header a trusted reverse proxy sets once it authenticated the
//!   person (e.g. `X-Forwarded-User` from oauth2-proxy or Authelia); honoured only on
//!   connections from `--trusted-proxy` addresses.
//! - Failed attempts are counted per client address: after [`MAX_FAILURES`] within
//!   [`FAILURE_WINDOW`], that address gets `429` until the window ends.
//!
//! `--trusted-proxy` also decides whose `X-Forwarded-For` is believed: the client address
//! is the last one in the chain that is not a trusted proxy.
//!
//! `/healthz` is always open (load balancers probe it).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};

/// Where the sign-in form posts the token.
pub const SIGN_IN_PATH: &str = "/_access";
/// The cookie that carries a signed-in browser's proof.
const COOKIE: &str = "cartero_access";

/// Failed attempts an address may make within [`FAILURE_WINDOW`].
pub const MAX_FAILURES: u32 = 10;
/// The window failed attempts are counted in.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(60);

/// The access settings and the failure counts.
#[derive(Debug)]
pub struct Access {
    tokens: Vec<String>,
    auth_header: Option<String>,
    trusted_proxies: Vec<IpAddr>,
    failures: Mutex<FailureCounts>,
    /// The relay serves HTTPS: the cookie is marked `Secure`.
    secure_cookie: bool,
}

/// Failed attempts by client address: when counting began, and how many.
type FailureCounts = HashMap<IpAddr, (Instant, u32)>;

/// Why a request was not let in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// No credentials, or wrong ones.
    Unauthorized,
    /// Too many failed attempts from this address lately.
    TooManyFailures,
}

/// The language of the sign-in page, from `Accept-Language`.
fn spanish(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("es"))
}

/// Whether the request is a browser asking for a page.
fn wants_page(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// The sign-in page; `retry` says the last token was wrong.
pub fn sign_in_page(headers: &HeaderMap, retry: bool) -> Response {
    let (lang, title, explain, label, button, wrong) = if spanish(headers) {
        (
            "es",
            "Cartero: acceso del equipo",
            "Este relé es de un equipo. Escribe la clave de acceso que te dieron; el navegador la recordará.",
            "Clave de acceso",
            "Entrar",
            "Esa clave no es correcta.",
        )
    } else {
        (
            "en",
            "Cartero: team access",
            "This relay belongs to a team. Enter the access key you were given; this browser will remember it.",
            "Access key",
            "Sign in",
            "That key is not right.",
        )
    };
    let error = if retry {
        format!("<p role=\"alert\" data-testid=\"access-error\">{wrong}</p>")
    } else {
        String::new()
    };
    let body = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head><body><main><h1>{title}</h1><p>{explain}</p>{error}\
         <form method=\"post\" action=\"{SIGN_IN_PATH}\"><label>{label} \
         <input data-testid=\"access-token\" name=\"token\" type=\"password\" \
         autocomplete=\"current-password\" required autofocus></label> \
         <button data-testid=\"access-submit\" type=\"submit\">{button}</button>\
         </form></main></body></html>"
    );
    (
        StatusCode::UNAUTHORIZED,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

impl Denied {
    /// The answer: a browser asking for a page gets the sign-in page, a program a
    /// Basic challenge.
    pub fn respond(self, headers: &HeaderMap) -> Response {
        if self == Denied::Unauthorized && wants_page(headers) {
            return sign_in_page(headers, false);
        }
        self.into_response()
    }
}

impl IntoResponse for Denied {
    fn into_response(self) -> Response {
        match self {
            Denied::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                [(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"Cartero\", charset=\"UTF-8\""),
                )],
                "this relay is for its team: sign in with the team's access token\n",
            )
                .into_response(),
            Denied::TooManyFailures => (
                StatusCode::TOO_MANY_REQUESTS,
                [(
                    header::RETRY_AFTER,
                    HeaderValue::from(FAILURE_WINDOW.as_secs()),
                )],
                "too many failed sign-ins from your address; try again in a minute\n",
            )
                .into_response(),
        }
    }
}

/// Compares without an early exit, so timing does not tell how much of a guess was right.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Access {
    /// Access as configured; with no token and no auth header, everyone is let in.
    pub fn new(
        tokens: Vec<String>,
        auth_header: Option<String>,
        trusted: Vec<IpAddr>,
        secure_cookie: bool,
    ) -> Self {
        Access {
            tokens,
            auth_header: auth_header.map(|h| h.to_ascii_lowercase()),
            trusted_proxies: trusted.iter().map(IpAddr::to_canonical).collect(),
            failures: Mutex::new(HashMap::new()),
            secure_cookie,
        }
    }

    fn is_trusted_proxy(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.contains(&ip.to_canonical())
    }

    /// The client's address: the peer, or, behind trusted proxies, the last address in
    /// `X-Forwarded-For` that is not one of them. Exact addresses (IPv4-mapped IPv6 as
    /// IPv4): trust never extends to a proxy's neighbours.
    pub fn client_ip(&self, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
        let peer_ip = peer.ip().to_canonical();
        if !self.is_trusted_proxy(peer_ip) {
            return peer_ip;
        }
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .map(|ip| ip.to_canonical())
            .collect::<Vec<_>>();
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !self.is_trusted_proxy(*ip))
            .unwrap_or(peer_ip)
    }

    /// Whether `path` needs no credentials (the sign-in form counts its own failures).
    fn is_open(path: &str) -> bool {
        path == "/healthz" || path == SIGN_IN_PATH
    }

    /// The cookie value that proves a browser knew `token`: a hash, so the cookie store
    /// never holds the token itself.
    fn proof(token: &str) -> String {
        let digest = Sha256::digest(format!("cartero-access-cookie:{token}").as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The failure counts, once old ones are forgotten; refused while `client` is locked
    /// out.
    fn unlocked(
        &self,
        client: IpAddr,
        now: Instant,
    ) -> Result<std::sync::MutexGuard<'_, FailureCounts>, Denied> {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.retain(|_, (start, _)| now.duration_since(*start) < FAILURE_WINDOW);
        match failures.get(&client) {
            Some((_, n)) if *n >= MAX_FAILURES => Err(Denied::TooManyFailures),
            _ => Ok(failures),
        }
    }

    /// A sign-in with `token` from `client`: the `Set-Cookie` value on success.
    pub fn sign_in(&self, client: IpAddr, token: &str, now: Instant) -> Result<String, Denied> {
        let mut failures = self.unlocked(client, now)?;
        if self
            .tokens
            .iter()
            .any(|t| same_secret(t.as_bytes(), token.as_bytes()))
        {
            let proof = Self::proof(token);
            let secure = if self.secure_cookie { "; Secure" } else { "" };
            return Ok(format!(
                "{COOKIE}={proof}; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000{secure}"
            ));
        }
        failures.entry(client).or_insert((now, 0)).1 += 1;
        Err(Denied::Unauthorized)
    }

    fn cookie_matches(&self, headers: &HeaderMap) -> bool {
        let proofs: Vec<String> = self.tokens.iter().map(|t| Self::proof(t)).collect();
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| c.trim().strip_prefix(COOKIE)?.strip_prefix('='))
            .any(|value| {
                proofs
                    .iter()
                    .any(|p| same_secret(p.as_bytes(), value.as_bytes()))
            })
    }

    /// Lets the request in, or says why not; counts failures per client address.
    pub fn check(
        &self,
        path: &str,
        peer: SocketAddr,
        headers: &HeaderMap,
        now: Instant,
    ) -> Result<(), Denied> {
        if (self.tokens.is_empty() && self.auth_header.is_none()) || Self::is_open(path) {
            return Ok(());
        }
        let client = self.client_ip(peer, headers);
        let mut failures = self.unlocked(client, now)?;
        if self.proxy_vouches(peer, headers)
            || self.token_matches(headers)
            || self.cookie_matches(headers)
        {
            return Ok(());
        }
        let (_, count) = failures.entry(client).or_insert((now, 0));
        // A request without credentials is how a browser asks for the prompt; only a
        // wrong secret counts as a failed attempt.
        if headers.contains_key(header::AUTHORIZATION) {
            *count += 1;
        }
        Err(Denied::Unauthorized)
    }

    fn proxy_vouches(&self, peer: SocketAddr, headers: &HeaderMap) -> bool {
        let Some(name) = &self.auth_header else {
            return false;
        };
        self.is_trusted_proxy(peer.ip())
            && headers
                .get(name.as_str())
                .is_some_and(|v| !v.as_bytes().is_empty())
    }

    fn token_matches(&self, headers: &HeaderMap) -> bool {
        let Some(value) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        else {
            return false;
        };
        let presented = if let Some(token) = value.strip_prefix("Bearer ") {
            token.trim().as_bytes().to_vec()
        } else if let Some(encoded) = value.strip_prefix("Basic ") {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .unwrap_or_default();
            match decoded.iter().position(|&b| b == b':') {
                Some(colon) => decoded[colon + 1..].to_vec(),
                None => return false,
            }
        } else {
            return false;
        };
        self.tokens
            .iter()
            .any(|t| same_secret(t.as_bytes(), &presented))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    fn basic(user: &str, password: &str) -> String {
        let b64 = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        format!("Basic {b64}")
    }

    const PEER: &str = "203.0.113.9:5555";

    #[test]
    fn the_token_opens_as_basic_password_or_bearer_and_nothing_else_does() {
        let access = Access::new(vec!["s3cret".into()], None, vec![], false);
        let peer = PEER.parse().unwrap();
        let now = Instant::now();
        let ok = [
            basic("ana", "s3cret"),
            basic("", "s3cret"),
            "Bearer s3cret".into(),
        ];
        for value in ok {
            let h = headers(&[("authorization", &value)]);
            assert_eq!(access.check("/pop3", peer, &h, now), Ok(()), "{value}");
        }
        for value in [basic("s3cret", "x"), "Bearer s3cre".into(), "s3cret".into()] {
            let h = headers(&[("authorization", &value)]);
            assert_eq!(
                access.check("/", peer, &h, now),
                Err(Denied::Unauthorized),
                "{value}"
            );
        }
        assert_eq!(
            access.check("/", peer, &HeaderMap::new(), now),
            Err(Denied::Unauthorized)
        );
        assert_eq!(
            access.check("/healthz", peer, &HeaderMap::new(), now),
            Ok(())
        );
    }

    #[test]
    fn repeated_failures_lock_the_address_out_for_the_window() {
        let access = Access::new(vec!["s3cret".into()], None, vec![], false);
        let peer: SocketAddr = PEER.parse().unwrap();
        let start = Instant::now();
        let wrong = headers(&[("authorization", &basic("a", "guess"))]);
        for _ in 0..MAX_FAILURES {
            assert_eq!(
                access.check("/", peer, &wrong, start),
                Err(Denied::Unauthorized)
            );
        }
        let right = headers(&[("authorization", &basic("a", "s3cret"))]);
        assert_eq!(
            access.check("/", peer, &right, start),
            Err(Denied::TooManyFailures)
        );
        let other: SocketAddr = "203.0.113.10:1".parse().unwrap();
        assert_eq!(access.check("/", other, &right, start), Ok(()));
        let later = start + FAILURE_WINDOW;
        assert_eq!(access.check("/", peer, &right, later), Ok(()));
    }

    #[test]
    fn forwarded_addresses_and_auth_headers_count_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let access = Access::new(vec![], Some("X-Forwarded-User".into()), vec![proxy], false);
        let via_proxy: SocketAddr = "10.0.0.2:4000".parse().unwrap();
        let direct: SocketAddr = PEER.parse().unwrap();
        let h = headers(&[
            ("x-forwarded-for", "198.51.100.1, 192.0.2.7"),
            ("x-forwarded-for", "10.0.0.2"),
            ("x-forwarded-user", "ana"),
        ]);
        assert_eq!(
            access.client_ip(via_proxy, &h),
            "192.0.2.7".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            access.client_ip(direct, &h),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        let now = Instant::now();
        assert_eq!(access.check("/pop3", via_proxy, &h, now), Ok(()));
        assert_eq!(
            access.check("/pop3", direct, &h, now),
            Err(Denied::Unauthorized)
        );
    }

    #[test]
    fn an_ipv6_proxy_is_trusted_exactly_not_its_neighbours() {
        let proxy_ip: IpAddr = "2001:db8::2".parse().unwrap();
        let access = Access::new(vec![], None, vec![proxy_ip], false);
        let h = headers(&[("x-forwarded-for", "198.51.100.1")]);
        let neighbour: SocketAddr = "[2001:db8::3]:4000".parse().unwrap();
        assert_eq!(access.client_ip(neighbour, &h), neighbour.ip());
        let proxy = SocketAddr::new(proxy_ip, 4000);
        let forwarded: IpAddr = "198.51.100.1".parse().unwrap();
        assert_eq!(access.client_ip(proxy, &h), forwarded);
        let loopback: SocketAddr = "[::1]:4000".parse().unwrap();
        assert!(access.client_ip(loopback, &HeaderMap::new()).is_loopback());
    }
}
