//! Bounded waits for conditions.

use std::future::Future;
use std::time::Duration;

use tokio::time::{Instant, sleep};

/// Polls `check` until it returns `Some`, or panics with `what` after `limit`.
pub async fn wait_until<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        if Instant::now() >= deadline {
            panic!("timed out after {limit:?} waiting for {what}");
        }
        sleep(Duration::from_millis(25)).await;
    }
}

/// Whether something accepts TCP connections on `addr`.
pub async fn accepts(addr: std::net::SocketAddr) -> bool {
    tokio::net::TcpStream::connect(addr).await.is_ok()
}
