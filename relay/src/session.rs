//! One WebSocket session: connect → `connected`/`error` → pump (with STLS) → close.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::ws::{CloseFrame, Message, WebSocket, close_code};
use cartero_shared::wire::{Json, RelayMessage, Security};
use tokio::sync::OwnedSemaphorePermit;

use crate::error::RelayError;
use crate::limits::IpPermit;
use crate::policy::Target;
use crate::pump::{Counters, PumpEnd, pump};
use crate::state::AppState;
use crate::upstream::{self, Upstream};

/// A request that passed every check before the upgrade.
#[derive(Debug)]
pub struct SessionRequest {
    /// The allowlisted target.
    pub target: Target,
    /// The host as the browser gave it (the TLS name to verify).
    pub host: String,
    /// `host:port`, for messages and logs.
    pub upstream: String,
    /// How to secure the connection.
    pub security: Security,
    /// The browser's address.
    pub client: SocketAddr,
}

/// A session's places in the global and per-address limits, held while it runs.
#[derive(Debug)]
pub struct Permits {
    /// The global place.
    pub global: OwnedSemaphorePermit,
    /// The client address's place.
    pub per_ip: IpPermit,
}

/// Tells the browser why its session cannot open, then closes.
pub async fn refuse(mut socket: WebSocket, client: SocketAddr, error: RelayError) {
    tracing::info!(%client, code = ?error.code(), reason = %error, "session refused");
    send_error(&mut socket, &error).await;
}

async fn send_error(socket: &mut WebSocket, error: &RelayError) {
    let message = RelayMessage::Error {
        code: error.code(),
        message: error.to_string(),
        certificate: error.certificate_problem(),
    };
    let _ = socket.send(Message::Text(message.to_json().into())).await;
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code: close_code::POLICY,
            reason: "".into(),
        })))
        .await;
}

/// Opens the upstream connection the request asks for.
async fn open(state: &AppState, request: &SessionRequest) -> Result<Upstream, RelayError> {
    let addrs = upstream::resolve(&request.target).await?;
    let timeout = state.config.connect_timeout();
    let tcp = upstream::connect(&addrs, &request.upstream, timeout).await?;
    match request.security {
        Security::Tls => {
            let tls = upstream::start_tls(
                tcp,
                &request.host,
                &request.upstream,
                state.tls.clone(),
                timeout,
            )
            .await?;
            Ok(Upstream::Tls(Box::new(tls)))
        }
        Security::Starttls | Security::None => Ok(Upstream::Plain(tcp)),
    }
}

fn tls_of(upstream: &Upstream, host: &str) -> Option<cartero_shared::wire::TlsInfo> {
    match upstream {
        Upstream::Tls(stream) => Some(upstream::tls_info(stream, host)),
        Upstream::Plain(_) => None,
    }
}

/// Runs a session to its end and writes its one log line.
pub async fn run(
    mut socket: WebSocket,
    state: AppState,
    request: SessionRequest,
    _permits: Permits,
) {
    let started = Instant::now();
    let _open = state.metrics.session_started();
    let mut counters = Counters::default();
    let limit = state.config.max_session();
    let mut cut = state.cut.subscribe();
    let outcome = tokio::select! {
        outcome = tokio::time::timeout(limit, serve(&mut socket, &state, &request, &mut counters)) => {
            outcome.unwrap_or(Err(RelayError::LifetimeExceeded(limit.as_secs())))
        }
        _ = cut.wait_for(|cut| *cut) => Err(RelayError::ShuttingDown),
    };
    state
        .metrics
        .add_bytes(counters.to_upstream, counters.to_browser);
    if let Err(error) = &outcome
        && matches!(
            error,
            RelayError::Resolve { .. }
                | RelayError::Connect { .. }
                | RelayError::Tls { .. }
                | RelayError::Timeout(_)
        )
    {
        state.metrics.upstream_failed(error.code());
    }
    // One close frame either way: `send_error` closes with the policy code.
    let outcome = match &outcome {
        Ok(end) => {
            let _ = socket.send(Message::Close(None)).await;
            format!("{end:?}")
        }
        Err(error) => {
            send_error(&mut socket, error).await;
            format!("{:?}", error.code())
        }
    };
    tracing::info!(
        client = %request.client,
        upstream = %request.upstream,
        security = request.security.as_str(),
        bytes_up = counters.to_upstream,
        bytes_down = counters.to_browser,
        duration_ms = started.elapsed().as_millis() as u64,
        %outcome,
        "session ended"
    );
}

async fn serve(
    socket: &mut WebSocket,
    state: &AppState,
    request: &SessionRequest,
    counters: &mut Counters,
) -> Result<PumpEnd, RelayError> {
    let mut upstream = open(state, request).await?;
    let connected = RelayMessage::Connected {
        upstream: request.upstream.clone(),
        tls: tls_of(&upstream, &request.host),
    };
    if socket
        .send(Message::Text(connected.to_json().into()))
        .await
        .is_err()
    {
        return Ok(PumpEnd::BrowserClosed);
    }
    loop {
        let end = pump(socket, &mut upstream, state.config.idle_timeout(), counters).await;
        let PumpEnd::StartTls = end else {
            return Ok(end);
        };
        upstream = match (upstream, request.security) {
            (Upstream::Plain(tcp), Security::Starttls) => {
                let tls = upstream::start_tls(
                    tcp,
                    &request.host,
                    &request.upstream,
                    state.tls.clone(),
                    state.config.connect_timeout(),
                )
                .await?;
                let started = RelayMessage::TlsStarted {
                    tls: upstream::tls_info(&tls, &request.host),
                };
                if socket
                    .send(Message::Text(started.to_json().into()))
                    .await
                    .is_err()
                {
                    return Ok(PumpEnd::BrowserClosed);
                }
                Upstream::Tls(Box::new(tls))
            }
            _ => {
                return Err(RelayError::BadRequest(
                    "start_tls is only valid once, on a starttls session".into(),
                ));
            }
        };
    }
}
