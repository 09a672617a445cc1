//! A fault-injecting TCP proxy on loopback: each connection forwards until the server has
//! sent the next planned number of bytes, then drops both sides (a link lost mid-reply).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt, copy};
use tokio::net::{TcpListener, TcpStream};

/// The cuts still planned: one per coming connection, `None` for a clean one. Connections
/// beyond the plan are clean.
pub type Cuts = Arc<Mutex<VecDeque<Option<usize>>>>;

/// Starts the proxy to `upstream`; returns its address and the plan to fill.
pub async fn start(upstream: SocketAddr) -> (SocketAddr, Cuts) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the cut proxy");
    let addr = listener.local_addr().expect("the proxy's address");
    let cuts = Cuts::default();
    let plan = cuts.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let cut = plan.lock().expect("the plan").pop_front().flatten();
            tokio::spawn(forward(client, upstream, cut));
        }
    });
    (addr, cuts)
}

async fn forward(client: TcpStream, upstream: SocketAddr, cut: Option<usize>) {
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let up = async { copy(&mut client_read, &mut server_write).await.map(|_| ()) };
    let down = async {
        let mut left = cut.unwrap_or(usize::MAX);
        let mut buf = vec![0u8; 16 * 1024];
        while left > 0 {
            let n = server_read.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            let take = n.min(left);
            client_write.write_all(&buf[..take]).await?;
            left -= take;
        }
        std::io::Result::Ok(())
    };
    // Whichever direction ends first (the cut, or a close) ends the connection.
    tokio::select! {
        _ = up => {}
        _ = down => {}
    }
}
