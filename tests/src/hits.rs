//! A loopback web server that only counts: every request's path is recorded and answered
//! with a 1×1 GIF. Tests point a message's remote images, sheets and frames at it, then
//! check which (if any) the browser asked for.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A transparent 1×1 GIF.
const PIXEL: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";

/// The running counter; it stops when dropped.
pub struct Hits {
    /// Where it listens (127.0.0.1, a port it picked).
    pub addr: SocketAddr,
    paths: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Hits {
    /// Starts counting.
    pub async fn start() -> Hits {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let paths = Arc::new(Mutex::new(Vec::new()));
        let seen = paths.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let seen = seen.clone();
                tokio::spawn(async move {
                    let mut request = vec![0; 4096];
                    let n = stream.read(&mut request).await.unwrap_or(0);
                    let head = String::from_utf8_lossy(&request[..n]);
                    let path = head.split_whitespace().nth(1).unwrap_or("?").to_owned();
                    seen.lock().expect("hits").push(path);
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\nContent-Length: {}\r\nAccess-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n",
                        PIXEL.len()
                    );
                    let _ = stream.write_all(reply.as_bytes()).await;
                    let _ = stream.write_all(PIXEL).await;
                });
            }
        });
        Hits { addr, paths, task }
    }

    /// The base URL, e.g. `http://127.0.0.1:4321`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every path asked for so far, in order.
    pub fn paths(&self) -> Vec<String> {
        self.paths.lock().expect("hits").clone()
    }
}

impl Drop for Hits {
    fn drop(&mut self) {
        self.task.abort();
    }
}
