//! The relay WebSocket, from the sync worker: POP3 bytes in binary frames, control messages in text frames.

use std::time::Duration;

use cartero_shared::drive::{Clock, Transport};
use cartero_shared::wire::{ClientMessage, ConnectQuery, ErrorCode, Json, RelayMessage, TlsInfo};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use gloo_net::websocket::Message;
use gloo_net::websocket::futures::WebSocket;

use wasm_bindgen::JsCast;

use crate::model::SyncError;

/// An open session through the relay.
pub struct RelaySocket {
    sink: SplitSink<WebSocket, Message>,
    stream: SplitStream<WebSocket>,
}

fn relay_error(message: RelayMessage) -> SyncError {
    match message {
        RelayMessage::Error {
            code,
            message,
            certificate,
        } => SyncError::Relay {
            code,
            detail: message,
            certificate,
        },
        other => SyncError::Relay {
            code: ErrorCode::Internal,
            detail: format!("unexpected control message {other:?}"),
            certificate: None,
        },
    }
}

impl RelaySocket {
    /// Opens a session through the relay at `relay` (its `ws://` or `wss://` origin) and
    /// waits for the relay's `connected` (or its error).
    pub async fn open(
        relay: &str,
        query: &ConnectQuery,
    ) -> Result<(RelaySocket, Option<TlsInfo>), SyncError> {
        let url = format!("{relay}{}", query.path_and_query());
        let ws = WebSocket::open(&url).map_err(|_| SyncError::RelayUnreachable)?;
        let (sink, stream) = ws.split();
        let mut socket = RelaySocket { sink, stream };
        match socket.stream.next().await {
            Some(Ok(Message::Text(text))) => match RelayMessage::from_json(&text) {
                Ok(RelayMessage::Connected { tls, .. }) => Ok((socket, tls)),
                Ok(other) => Err(relay_error(other)),
                Err(e) => Err(SyncError::Protocol(e.to_string())),
            },
            // The socket never opened: the relay is out of reach.
            _ => Err(SyncError::RelayUnreachable),
        }
    }

    /// Asks the relay to start TLS (after `STLS` got `+OK`) and waits for it.
    pub async fn start_tls(&mut self) -> Result<TlsInfo, SyncError> {
        self.sink
            .send(Message::Text(ClientMessage::StartTls.to_json()))
            .await
            .map_err(|_| SyncError::ConnectionLost)?;
        match self.stream.next().await {
            Some(Ok(Message::Text(text))) => match RelayMessage::from_json(&text) {
                Ok(RelayMessage::TlsStarted { tls }) => Ok(tls),
                Ok(other) => Err(relay_error(other)),
                Err(e) => Err(SyncError::Protocol(e.to_string())),
            },
            Some(Ok(Message::Bytes(_))) => Err(SyncError::Protocol(
                "the server sent data before TLS started".into(),
            )),
            Some(Err(_)) | None => Err(SyncError::ConnectionLost),
        }
    }

    /// Closes the socket.
    pub async fn close(mut self) {
        let _ = self.sink.close().await;
    }
}

impl Transport for RelaySocket {
    type Error = SyncError;

    async fn send(&mut self, bytes: Vec<u8>) -> Result<(), SyncError> {
        self.sink
            .send(Message::Bytes(bytes))
            .await
            .map_err(|_| SyncError::ConnectionLost)
    }

    /// POP3 bytes; a control message here can only be an error.
    async fn recv(&mut self) -> Result<Vec<u8>, SyncError> {
        match self.stream.next().await {
            Some(Ok(Message::Bytes(bytes))) => Ok(bytes),
            Some(Ok(Message::Text(text))) => Err(match RelayMessage::from_json(&text) {
                Ok(message) => relay_error(message),
                Err(e) => SyncError::Protocol(e.to_string()),
            }),
            Some(Err(_)) | None => Err(SyncError::ConnectionLost),
        }
    }
}

/// The worker's monotonic clock (`performance.now()`) and timers, for the POP3 client's
/// deadlines.
pub struct BrowserClock;

impl Clock for BrowserClock {
    fn now(&self) -> Duration {
        let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into())
            .ok()
            .and_then(|p| p.dyn_into::<web_sys::Performance>().ok());
        let ms = performance.map_or(0.0, |p| p.now());
        Duration::from_secs_f64(ms / 1000.0)
    }

    async fn sleep(&self, duration: Duration) {
        gloo_timers::future::sleep(duration).await;
    }
}
