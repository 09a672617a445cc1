//! A scripted byte-level POP3 server for fault injection: it knows no POP3, it greets,
//! then answers the n-th command line with the n-th scripted reply.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Replies in order: the bytes to send after each command line, and whether to hang up
/// after sending them. Past the script the server stays silent with the connection open.
pub type Script = Vec<(Vec<u8>, bool)>;

/// A scripted reply after which the server keeps the connection.
pub fn reply(bytes: impl AsRef<[u8]>) -> (Vec<u8>, bool) {
    (bytes.as_ref().to_vec(), false)
}

/// A scripted reply after which the server hangs up.
pub fn reply_then_hang_up(bytes: impl AsRef<[u8]>) -> (Vec<u8>, bool) {
    (bytes.as_ref().to_vec(), true)
}

/// Starts a mock for one connection on a free loopback port.
pub async fn start(greeting: &'static [u8], script: Script) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the mock");
    let addr = listener.local_addr().expect("the mock's address");
    tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        if socket.write_all(greeting).await.is_err() {
            return;
        }
        let mut script = script.into_iter();
        let mut received = Vec::new();
        let mut buf = [0u8; 1024];
        while let Ok(n) = socket.read(&mut buf).await {
            if n == 0 {
                return;
            }
            received.extend_from_slice(&buf[..n]);
            while let Some(end) = received.windows(2).position(|w| w == b"\r\n") {
                received.drain(..end + 2);
                if let Some((reply, hang_up)) = script.next()
                    && (socket.write_all(&reply).await.is_err() || hang_up)
                {
                    return;
                }
            }
        }
    });
    addr
}
