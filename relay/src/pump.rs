//! Moves bytes both ways between the browser's WebSocket and the POP3 connection.
//!
//! Generic over the socket types so channels can test it. Backpressure is natural: a
//! browser frame is read only when the previous one reached the server, and server bytes
//! are read only when the browser took the previous frame, so the relay buffers at most
//! one frame each way.

use std::time::Duration;

use axum::extract::ws::Message;
use cartero_shared::wire::{ClientMessage, Json};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::{Instant, sleep_until};

/// Largest chunk read from the server into one binary frame.
pub const READ_CHUNK: usize = 256 * 1024;

/// Why the pump stopped.
#[derive(Debug)]
pub enum PumpEnd {
    /// The browser asked for STLS: the caller upgrades the upstream and pumps again.
    StartTls,
    /// The browser closed the WebSocket.
    BrowserClosed,
    /// The server closed the connection.
    UpstreamClosed,
    /// Neither side sent anything for the idle timeout.
    Idle,
    /// The browser sent a text frame that is not a control message.
    BadControl,
    /// Reading from or writing to the server failed.
    UpstreamError(std::io::Error),
}

/// Bytes moved, for the session's log line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counters {
    /// Bytes from the browser to the server.
    pub to_upstream: u64,
    /// Bytes from the server to the browser.
    pub to_browser: u64,
}

/// Pumps until one side ends, the browser asks for STLS, or the session idles out.
pub async fn pump<B, E, U>(
    browser: &mut B,
    upstream: &mut U,
    idle: Duration,
    counters: &mut Counters,
) -> PumpEnd
where
    B: Stream<Item = Result<Message, E>> + Sink<Message> + Unpin,
    U: AsyncRead + AsyncWrite + Unpin,
{
    // Uninitialised capacity: an idle session's buffer occupies no memory pages until
    // the server sends, and a filled buffer becomes the frame without a copy.
    let mut read_buf: Vec<u8> = Vec::with_capacity(READ_CHUNK);
    let mut outgoing: Vec<u8> = Vec::new();
    let mut written = 0;
    let mut needs_flush = false;
    let mut deadline = Instant::now() + idle;
    // Halves of one borrow, so reading and writing can wait side by side.
    let (mut from_server, mut to_server) = tokio::io::split(&mut *upstream);
    loop {
        tokio::select! {
            frame = browser.next(), if outgoing.is_empty() && !needs_flush => {
                deadline = Instant::now() + idle;
                match frame {
                    Some(Ok(Message::Binary(bytes))) => {
                        outgoing = bytes.to_vec();
                        written = 0;
                    }
                    Some(Ok(Message::Text(text))) => {
                        return match ClientMessage::from_json(text.as_str()) {
                            Ok(ClientMessage::StartTls) => PumpEnd::StartTls,
                            Err(_) => PumpEnd::BadControl,
                        };
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => {
                        return PumpEnd::BrowserClosed;
                    }
                }
            }
            // Writes what the browser sent, then flushes it (TLS may hold bytes back).
            // Both steps are cancel-safe, so the arm can lose the race and be retried.
            result = async {
                if written < outgoing.len() {
                    to_server.write(&outgoing[written..]).await.map(Some)
                } else {
                    to_server.flush().await.map(|()| None)
                }
            }, if !outgoing.is_empty() || needs_flush => {
                match result {
                    Ok(Some(0)) => return PumpEnd::UpstreamClosed,
                    Ok(Some(n)) => {
                        written += n;
                        counters.to_upstream += n as u64;
                        if written == outgoing.len() {
                            outgoing.clear();
                            written = 0;
                            needs_flush = true;
                        }
                    }
                    Ok(None) => needs_flush = false,
                    Err(e) => return PumpEnd::UpstreamError(e),
                }
            }
            result = from_server.read_buf(&mut read_buf) => {
                deadline = Instant::now() + idle;
                match result {
                    Ok(0) => return PumpEnd::UpstreamClosed,
                    Ok(n) => {
                        counters.to_browser += n as u64;
                        let chunk = std::mem::replace(&mut read_buf, Vec::with_capacity(READ_CHUNK));
                        let frame = Message::Binary(chunk.into());
                        if browser.send(frame).await.is_err() {
                            return PumpEnd::BrowserClosed;
                        }
                    }
                    Err(e) => return PumpEnd::UpstreamError(e),
                }
            }
            () = sleep_until(deadline) => return PumpEnd::Idle,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::duplex;

    /// A browser: frames it sends come from a channel, frames it receives go to one.
    type Browser = SinkStream<
        futures_util::sink::SinkMapErr<
            futures_channel::mpsc::UnboundedSender<Message>,
            fn(futures_channel::mpsc::SendError),
        >,
        futures_util::stream::Map<
            futures_channel::mpsc::UnboundedReceiver<Message>,
            fn(Message) -> Result<Message, ()>,
        >,
    >;

    fn browser() -> (
        Browser,
        futures_channel::mpsc::UnboundedSender<Message>,
        futures_channel::mpsc::UnboundedReceiver<Message>,
    ) {
        let (to_browser, from_pump) = futures_channel::mpsc::unbounded();
        let (to_pump, from_browser) = futures_channel::mpsc::unbounded();
        let sink = to_browser.sink_map_err((|_| ()) as fn(futures_channel::mpsc::SendError));
        let stream = from_browser.map(Ok as fn(Message) -> Result<Message, ()>);
        (SinkStream { sink, stream }, to_pump, from_pump)
    }

    struct SinkStream<Si, St> {
        sink: Si,
        stream: St,
    }

    impl<Si: Unpin, St: Stream + Unpin> Stream for SinkStream<Si, St> {
        type Item = St::Item;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<St::Item>> {
            self.stream.poll_next_unpin(cx)
        }
    }

    impl<Si: Sink<Message> + Unpin, St: Unpin> Sink<Message> for SinkStream<Si, St> {
        type Error = Si::Error;
        fn poll_ready(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Result<(), Self::Error>> {
            self.sink.poll_ready_unpin(cx)
        }
        fn start_send(
            mut self: std::pin::Pin<&mut Self>,
            item: Message,
        ) -> Result<(), Self::Error> {
            self.sink.start_send_unpin(item)
        }
        fn poll_flush(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Result<(), Self::Error>> {
            self.sink.poll_flush_unpin(cx)
        }
        fn poll_close(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Result<(), Self::Error>> {
            self.sink.poll_close_unpin(cx)
        }
    }

    #[tokio::test]
    async fn bytes_flow_both_ways_and_start_tls_stops_the_pump() {
        let (mut relay_side, mut server_side) = duplex(1024);
        let (mut browser, to_pump, mut to_browser) = browser();
        let pumping = tokio::spawn(async move {
            let mut counters = Counters::default();
            let end = pump(
                &mut browser,
                &mut relay_side,
                Duration::from_secs(5),
                &mut counters,
            )
            .await;
            (end, counters)
        });
        let steps = async {
            // The browser sends STLS; the server answers; only then does the browser ask
            // the relay to start TLS (as the app does).
            to_pump
                .unbounded_send(Message::Binary(b"STLS\r\n".to_vec().into()))
                .unwrap();
            let mut got = [0u8; 6];
            server_side.read_exact(&mut got).await.unwrap();
            assert_eq!(&got, b"STLS\r\n");
            server_side.write_all(b"+OK go\r\n").await.unwrap();
            let Some(Message::Binary(reply)) = to_browser.next().await else {
                panic!("no frame reached the browser");
            };
            assert_eq!(&reply[..], b"+OK go\r\n");
            to_pump
                .unbounded_send(Message::Text(r#"{"type":"start_tls"}"#.into()))
                .unwrap();
            pumping.await.unwrap()
        };
        let (end, counters) = tokio::time::timeout(Duration::from_secs(10), steps)
            .await
            .expect("the pump test finished in time");
        assert!(matches!(end, PumpEnd::StartTls), "{end:?}");
        assert_eq!(counters.to_upstream, 6);
        assert_eq!(counters.to_browser, 8);
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_session_idles_out() {
        let (mut relay_side, _server_side) = duplex(1024);
        let (mut browser, _to_pump, _from_pump) = browser();
        let end = pump(
            &mut browser,
            &mut relay_side,
            Duration::from_secs(30),
            &mut Counters::default(),
        )
        .await;
        assert!(matches!(end, PumpEnd::Idle));
    }

    #[tokio::test]
    async fn server_close_ends_the_pump() {
        let (mut relay_side, server_side) = duplex(1024);
        drop(server_side);
        let (mut browser, _to_pump, _from_pump) = browser();
        let end = pump(
            &mut browser,
            &mut relay_side,
            Duration::from_secs(5),
            &mut Counters::default(),
        )
        .await;
        assert!(matches!(end, PumpEnd::UpstreamClosed));
    }
}
