//! Serving the app: security headers on every response, and caching by kind of file.
//!
//! - A Content-Security-Policy a wasm app can live with: only this origin's scripts (plus
//!   `wasm-unsafe-eval` to compile the module, and the hashes of the inline loader Trunk
//!   writes into `index.html`), no plugins, no framing, connections only back here.
//! - `nosniff`, no framing, no referrer, and a same-origin opener; HSTS when the relay
//!   serves HTTPS itself (behind a TLS proxy, the proxy sets it).
//! - Hashed assets (`name-<16 hex>.js`, `…_bg.wasm`, `….css`) never change under their
//!   name: cached for a year, `immutable`. Everything else (`index.html`, the service
//!   worker, the manifest) is revalidated on every load so a new version reaches people.

use std::path::Path;

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};

/// Caching for files whose name carries their content hash.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Caching for everything else: ask every time (a 304 costs little).
const REVALIDATE: &str = "no-cache";

/// The policy for the app in `static_dir` (its `index.html`'s inline scripts allowed by
/// hash); without an app, the strictest policy.
///
/// An HTML message's frame (a `srcdoc` document) inherits this policy on top of its own
/// stricter one, so this one must allow what a message may show: inline styles, and remote
/// images once the reader asks for them. The frame's own policy (`default-src 'none'`,
/// images from `data:` until the reader allows remote ones) is what limits the message;
/// the app itself shows no HTML from outside.
pub fn content_security_policy(index_html: Option<&str>) -> String {
    let hashes: String = index_html
        .map(inline_scripts)
        .unwrap_or_default()
        .iter()
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
            format!(" 'sha256-{b64}'")
        })
        .collect();
    format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https: http:; font-src 'self'; \
         connect-src 'self'; manifest-src 'self'; worker-src 'self'; \
         frame-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The text of every `<script>` without `src` (what a hash in the policy must match:
/// everything between the tags, byte for byte).
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let after_open = &rest[open..];
        let Some(tag_end) = after_open.find('>') else {
            break;
        };
        let tag = &after_open[..tag_end];
        let body_and_rest = &after_open[tag_end + 1..];
        let Some(close) = body_and_rest.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            scripts.push(&body_and_rest[..close]);
        }
        rest = &body_and_rest[close..];
    }
    scripts
}

/// Reads the app's `index.html` (for its inline script hashes), if there is one.
pub fn read_index(static_dir: &Path) -> Option<String> {
    std::fs::read_to_string(static_dir.join("index.html")).ok()
}

/// Whether a request path names a content-hashed asset, as Trunk names them.
///
/// Trunk writes the 64-bit hash as `{:x}`, without leading zeros, so it has up to 16 hex
/// digits (a hash with 15 came up in this project's own build). Twelve or more count: a
/// shorter run is more likely a name (`icon-192.png`) than a hash, and a hash that short
/// (one in 65,536) is only revalidated, which costs a 304.
pub fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.match_indices('-').any(|(i, _)| {
        let rest = &name[i + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_hexdigit).count();
        (12..=16).contains(&digits) && matches!(rest.as_bytes().get(digits), Some(b'.' | b'_'))
    })
}

/// The headers every response gets.
pub fn security_headers(headers: &mut HeaderMap, csp: &HeaderValue, https: bool) {
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::CONTENT_SECURITY_POLICY, csp.clone());
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
}

/// Middleware: security headers on every response, and caching for static files.
pub async fn headers(csp: HeaderValue, https: bool, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    security_headers(headers, &csp, https);
    let is_app_file = path != "/pop3" && path != "/metrics" && path != "/healthz";
    if is_app_file && !headers.contains_key(header::CACHE_CONTROL) {
        // A missing hashed-looking name gets the shell (deep links): not cached for good.
        let is_shell = headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
        let caching = match is_hashed_asset(&path) && response.status().is_success() && !is_shell {
            true => IMMUTABLE,
            false => REVALIDATE,
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(caching));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_asset_names_are_recognised_as_hashed() {
        for hashed in [
            "/cartero-frontend-1bf06d32fe08f333.js",
            "/cartero-frontend-1bf06d32fe08f333_bg.wasm",
            "/style-87f1f44a4c75d1d1.css",
            "/style-47b92e44ba3aa68.css",
        ] {
            assert!(is_hashed_asset(hashed), "{hashed}");
        }
        for plain in [
            "/",
            "/index.html",
            "/sw.js",
            "/manifest.json",
            "/demo.json",
            "/x-1bf06d32.js",
            "/x-1bf06d32fe08f33g.js",
            "/icon-192.png",
            "/x-1bf06d32fe08f3331.js",
        ] {
            assert!(!is_hashed_asset(plain), "{plain}");
        }
    }

    fn script_src(csp: &str) -> &str {
        csp.split(';')
            .find(|d| d.trim_start().starts_with("script-src"))
            .unwrap_or_default()
    }

    #[test]
    fn inline_scripts_are_allowed_by_their_hash_and_nothing_else_inline() {
        let html = "<head><script type=\"module\">\nimport init from '/a.js';\n</script>\
                    <script src=\"/b.js\"></script></head>";
        let csp = content_security_policy(Some(html));
        let digest = Sha256::digest(b"\nimport init from '/a.js';\n");
        let want = base64::engine::general_purpose::STANDARD.encode(digest);
        assert!(csp.contains(&format!("'sha256-{want}'")), "{csp}");
        assert_eq!(csp.matches("'sha256-").count(), 1, "{csp}");
        assert!(!script_src(&csp).contains("unsafe-inline"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    }
}
