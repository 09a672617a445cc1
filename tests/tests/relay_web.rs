//! How the relay serves the app: security headers on everything, the right types, hashed
//! assets cached for good, and the shell and service worker revalidated on every load.
//! (That the app still runs under this policy is what the browser tests show.)

use cartero_tests::relay::{Relay, RelaySetup};

/// Whether Trunk hashed this file name (`name-<hex>…`, the 64-bit hash without leading
/// zeros: 12 to 16 digits); the sync worker's files keep fixed names, since the page starts
/// the worker by name.
fn is_hashed(name: &str) -> bool {
    name.split(['-', '_', '.'])
        .any(|part| (12..=16).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The built app's hashed file whose name ends with `suffix`.
fn asset(suffix: &str) -> String {
    let dir = cartero_tests::app_dir();
    let name = std::fs::read_dir(&dir)
        .expect("the app directory")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with(suffix) && is_hashed(n))
        .unwrap_or_else(|| panic!("no *{suffix} in {}", dir.display()));
    format!("/{name}")
}

async fn app_relay() -> Relay {
    Relay::start(RelaySetup {
        static_dir: Some(cartero_tests::app_dir()),
        ..RelaySetup::default()
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers() {
    let relay = app_relay().await;
    for path in ["/", "/sw.js", &asset("_bg.wasm"), "/pop3", "/demo.json"] {
        let reply = relay.get(path).await;
        assert_eq!(reply.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(reply.header("x-frame-options"), "DENY", "{path}");
        assert_eq!(reply.header("referrer-policy"), "no-referrer", "{path}");
        let csp = reply.header("content-security-policy");
        for part in [
            "default-src 'none'",
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ] {
            assert!(csp.contains(part), "{path}: {part} missing in {csp}");
        }
        let scripts = csp
            .split(';')
            .find(|d| d.trim_start().starts_with("script-src"));
        assert!(
            scripts.is_some_and(|s| !s.contains("unsafe-inline") && !s.contains(" 'unsafe-eval'")),
            "{path}: {csp}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashed_assets_are_immutable_and_the_shell_is_revalidated() {
    let relay = app_relay().await;
    let wasm = relay.get(&asset("_bg.wasm")).await;
    assert_eq!(wasm.status, 200);
    assert_eq!(wasm.header("content-type"), "application/wasm");
    assert_eq!(
        wasm.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
    for suffix in [".js", ".css"] {
        let path = asset(suffix);
        let reply = relay.get(&path).await;
        assert!(
            reply.header("cache-control").contains("immutable"),
            "{path}"
        );
    }
    // The shell, the service worker, the sync worker's fixed-name files and deep links
    // (served the shell) are asked for anew.
    for path in [
        "/",
        "/sw.js",
        "/cartero-worker_loader.js",
        "/cartero-worker.js",
        "/cartero-worker_bg.wasm",
        "/some/deep/link",
    ] {
        let reply = relay.get(path).await;
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("cache-control"), "no-cache", "{path}");
    }
    let index = relay.get("/").await;
    assert!(index.header("content-type").starts_with("text/html"));
    // A name that only looks hashed but does not exist is the shell, not cached for good.
    let missing = relay.get("/gone-0123456789abcdef.js").await;
    assert_ne!(
        missing.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
}
