//! The `/pop3` WebSocket endpoint: every check happens before the upgrade; then the
//! session either opens or tells the browser why not.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cartero_shared::wire::ConnectQuery;

use crate::error::RelayError;
use crate::metrics::Refusal;
use crate::policy;
use crate::pump::READ_CHUNK;
use crate::session::{self, Permits, SessionRequest};
use crate::state::AppState;

/// The WebSocket's initial read buffer (tungstenite's default, 128 KiB, would be most of
/// an idle session's memory).
const BROWSER_READ_BUFFER: usize = 4 * 1024;

/// Largest frame the browser may send (a pipelined batch of commands fits many times).
const MAX_BROWSER_FRAME: usize = 1024 * 1024;

/// Whether the request's `Origin` is the relay's own (same host) or a configured one.
/// Browsers always send `Origin` on WebSocket requests; a missing one is refused too.
pub fn origin_allowed(headers: &HeaderMap, extra_origins: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    if extra_origins
        .iter()
        .any(|o| o.trim_end_matches('/').eq_ignore_ascii_case(origin))
    {
        return true;
    }
    let origin_authority = origin.split_once("://").map(|(_, rest)| rest);
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    matches!((origin_authority, host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h))
}

/// `GET /pop3?host=…&port=…&security=…` with a WebSocket upgrade.
pub async fn pop3_upgrade(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    query: Result<Query<ConnectQuery>, axum::extract::rejection::QueryRejection>,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !origin_allowed(&headers, &state.config.origins) {
        state.metrics.refused(Refusal::Origin);
        tracing::info!(%client, "refused a WebSocket from a foreign or missing Origin");
        return (StatusCode::FORBIDDEN, "foreign origin").into_response();
    }
    // Behind a trusted proxy, the person's address (for limits and logs) is forwarded.
    let client = SocketAddr::new(state.access.client_ip(client, &headers), client.port());
    let prepared = prepare(&state, query, client);
    if let Err(error) = &prepared {
        state.metrics.refused(match error {
            RelayError::TooManySessionsFromAddress => Refusal::PerIpLimit,
            other => Refusal::Code(other.code()),
        });
    }
    upgrade
        .max_message_size(MAX_BROWSER_FRAME)
        .max_frame_size(MAX_BROWSER_FRAME)
        .write_buffer_size(READ_CHUNK)
        // Browser frames are small commands: a small read buffer (it grows for a large
        // frame) keeps an idle session's memory down.
        .read_buffer_size(BROWSER_READ_BUFFER)
        .on_upgrade(move |socket| async move {
            match prepared {
                Ok((request, permits)) => session::run(socket, state, request, permits).await,
                Err(error) => session::refuse(socket, client, error).await,
            }
        })
}

fn prepare(
    state: &AppState,
    query: Result<Query<ConnectQuery>, axum::extract::rejection::QueryRejection>,
    client: SocketAddr,
) -> Result<(SessionRequest, Permits), RelayError> {
    let Query(query) = query.map_err(|e| RelayError::BadRequest(e.body_text()))?;
    let target = policy::match_allowlist(&state.config.allow, &query.host, query.port)
        .map_err(|refusal| RelayError::NotAllowed(refusal.to_string()))?;
    let per_ip = state
        .per_ip
        .try_acquire(client.ip())
        .ok_or(RelayError::TooManySessionsFromAddress)?;
    let global = state
        .sessions
        .clone()
        .try_acquire_owned()
        .map_err(|_| RelayError::TooManySessions)?;
    let request = SessionRequest {
        target,
        upstream: format!("{}:{}", query.host, query.port),
        host: query.host,
        security: query.security,
        client,
    };
    Ok((request, Permits { global, per_ip }))
}

/// The sign-in form's body.
#[derive(Debug, serde::Deserialize)]
pub struct SignIn {
    token: String,
}

/// `POST /_access`: a browser signs in with the team's token and gets its cookie.
pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<SignIn>,
) -> Response {
    let client_ip = state.access.client_ip(client, &headers);
    match state
        .access
        .sign_in(client_ip, &form.token, std::time::Instant::now())
    {
        Ok(cookie) => (
            StatusCode::SEE_OTHER,
            [
                (header::SET_COOKIE, cookie),
                (header::LOCATION, "/".to_owned()),
            ],
        )
            .into_response(),
        Err(crate::access::Denied::Unauthorized) => {
            state.metrics.refused(Refusal::Unauthorized);
            crate::access::sign_in_page(&headers, true)
        }
        Err(denied) => {
            state.metrics.refused(Refusal::TooManyFailures);
            denied.into_response()
        }
    }
}

/// `GET /healthz`: the relay is up and serving.
pub async fn healthz(State(state): State<AppState>) -> String {
    format!("ok {} sessions open\n", state.metrics.sessions_open())
}

/// `GET /metrics`: the counters, for loopback and the `--metrics-allow` addresses. Behind
/// a trusted proxy the forwarded client decides, so the proxy cannot expose them.
pub async fn metrics(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let ip = state.access.client_ip(client, &headers);
    if !ip.is_loopback() && !state.config.metrics_allow.contains(&ip) {
        return (StatusCode::FORBIDDEN, "metrics are not public\n").into_response();
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}

/// `GET /demo.json`: the demo account, when the relay runs one.
pub async fn demo_account(State(state): State<AppState>) -> Response {
    match &state.config.demo_mailbox {
        Some(mailbox) => Json(mailbox.account()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        if let Some(o) = origin {
            h.insert(header::ORIGIN, HeaderValue::from_str(o).unwrap());
        }
        h
    }

    #[test]
    fn same_origin_and_configured_origins_pass_others_do_not() {
        let extra = vec!["https://mail.example.org".to_owned()];
        assert!(origin_allowed(
            &headers(Some("http://127.0.0.1:8080"), "127.0.0.1:8080"),
            &[]
        ));
        assert!(origin_allowed(
            &headers(Some("https://mail.example.org"), "relay:8080"),
            &extra
        ));
        assert!(!origin_allowed(
            &headers(Some("https://evil.example"), "127.0.0.1:8080"),
            &extra
        ));
        assert!(!origin_allowed(
            &headers(Some("http://127.0.0.1:9999"), "127.0.0.1:8080"),
            &[]
        ));
        assert!(!origin_allowed(&headers(None, "127.0.0.1:8080"), &[]));
    }
}
