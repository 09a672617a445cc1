//! The Cartero relay: lets the browser app reach POP3 servers over a WebSocket, and serves
//! the app itself.
//!
//! [`serve`] runs it on a listener until a shutdown future completes; [`router`] is the
//! axum router, for tests.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod access;
pub mod check;
pub mod config;
pub mod demo;
pub mod error;
pub mod https;
pub mod limits;
pub mod metrics;
pub mod policy;
pub mod pump;
pub mod session;
pub mod state;
pub mod upstream;
pub mod web;
pub mod ws;

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::http::HeaderValue;
use axum::routing::get;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tower_http::services::{ServeDir, ServeFile};

pub use config::Config;
pub use state::AppState;

/// The relay's routes: `/pop3` (WebSocket), `/demo.json`, and the app's static files, all
/// with the security headers and caching of [`web`].
pub fn router(state: AppState) -> Router {
    let static_dir = state.config.static_dir.clone();
    let index_html = static_dir.as_deref().and_then(web::read_index);
    let csp = HeaderValue::from_str(&web::content_security_policy(index_html.as_deref()))
        .expect("the policy is ASCII");
    let (access, metrics) = (state.access.clone(), state.metrics.clone());
    let https = state.https.is_some();
    let api = Router::new()
        .route("/pop3", get(ws::pop3_upgrade))
        .route("/demo.json", get(ws::demo_account))
        .route("/healthz", get(ws::healthz))
        .route("/metrics", get(ws::metrics))
        .route(access::SIGN_IN_PATH, axum::routing::post(ws::sign_in))
        .with_state(state);
    let routes = match static_dir {
        Some(dir) => {
            let index = dir.join("index.html");
            api.fallback_service(ServeDir::new(&dir).fallback(ServeFile::new(index)))
        }
        None => api,
    };
    routes
        .layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                let (access, metrics) = (access.clone(), metrics.clone());
                async move { admit(&access, &metrics, request, next).await }
            },
        ))
        .layer(axum::middleware::from_fn(move |request, next| {
            web::headers(csp.clone(), https, request, next)
        }))
}

/// Lets a request through [`access::Access`], or answers 401/429 and counts it.
async fn admit(
    access: &access::Access,
    metrics: &metrics::Metrics,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map_or(SocketAddr::from(([0, 0, 0, 0], 0)), |c| c.0);
    let path = request.uri().path().to_owned();
    match access.check(&path, peer, request.headers(), std::time::Instant::now()) {
        Ok(()) => next.run(request).await,
        Err(denied) => {
            let client = access.client_ip(peer, request.headers());
            tracing::info!(%client, %path, reason = ?denied, "request refused");
            metrics.refused(match denied {
                access::Denied::Unauthorized => metrics::Refusal::Unauthorized,
                access::Denied::TooManyFailures => metrics::Refusal::TooManyFailures,
            });
            denied.respond(request.headers())
        }
    }
}

/// Serves the relay on `listener` until `shutdown` completes; then stops accepting and
/// lets open sessions finish for up to `--shutdown-grace-secs` before returning (sessions
/// still open then are cut, and the app's next sync resumes them).
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // POP3 is many small request/reply exchanges: no Nagle delay on the browser side
    // (the upstream side sets it in `upstream::connect`).
    let (metrics, cut) = (state.metrics.clone(), state.cut.clone());
    let grace = state.config.shutdown_grace();
    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    match state.https {
        Some(certificate) => {
            // tap_io gives the TLS listener axum's ConnectInfo (nodelay is set before
            // the handshake).
            let listener = https::TlsListener::new(listener, certificate)?.tap_io(|_| {});
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await?;
        }
        None => {
            let listener = listener.tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            });
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await?;
        }
    }
    let open = metrics.sessions_open();
    if open > 0 {
        tracing::info!(open, grace_secs = grace.as_secs(), "draining sessions");
    }
    let left = until_closed(&metrics, grace).await;
    if left > 0 {
        tracing::warn!(left, "shutdown grace over: ending the sessions still open");
        // Each session tells its browser why, closes, and writes its log line.
        cut.send_replace(true);
        until_closed(&metrics, std::time::Duration::from_secs(5)).await;
    }
    Ok(())
}

/// Waits until no session is open, or `within` has passed; returns how many are left.
async fn until_closed(metrics: &metrics::Metrics, within: std::time::Duration) -> u64 {
    let deadline = tokio::time::Instant::now() + within;
    while metrics.sessions_open() > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    metrics.sessions_open()
}
