//! A userspace delay proxy on loopback: holds every chunk for a fixed one-way delay in
//! each direction, keeping order, to measure behaviour at a given round-trip time
//! (`tc netem` does not work on this machine kind).

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

/// Starts a proxy to `upstream` that delays each direction by `one_way`; returns its address.
pub async fn start(upstream: SocketAddr, one_way: Duration) -> SocketAddr {
    crate::forward::start(upstream, move |from, to| delayed_copy(from, to, one_way)).await
}

async fn delayed_copy(
    mut from: impl AsyncRead + Unpin,
    mut to: impl AsyncWrite + Unpin + Send + 'static,
    delay: Duration,
) {
    let (tx, mut rx) = mpsc::unbounded_channel::<(Instant, Vec<u8>)>();
    let writer = tokio::spawn(async move {
        while let Some((due, bytes)) = rx.recv().await {
            sleep_until(due).await;
            if to.write_all(&bytes).await.is_err() {
                return;
            }
        }
        let _ = to.shutdown().await;
    });
    let mut buf = vec![0u8; 64 * 1024];
    while let Ok(n) = from.read(&mut buf).await {
        if n == 0
            || tx
                .send((Instant::now() + delay, buf[..n].to_vec()))
                .is_err()
        {
            break;
        }
    }
    drop(tx);
    let _ = writer.await;
}
