//! A TCP forwarder on loopback whose two directions are whatever the caller makes of
//! them: the delay proxy holds bytes back, the load run's baseline just copies.

use std::net::SocketAddr;

use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};

/// Listens on a loopback port and forwards each connection to `upstream`, moving each
/// direction with `pipe(from, to)`; returns the listening address.
pub async fn start<P, Fut>(upstream: SocketAddr, pipe: P) -> SocketAddr
where
    P: Fn(OwnedReadHalf, OwnedWriteHalf) -> Fut + Copy + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the forwarder");
    let addr = listener.local_addr().expect("the forwarder's address");
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    return;
                };
                let _ = (client.set_nodelay(true), server.set_nodelay(true));
                let (client_read, client_write) = client.into_split();
                let (server_read, server_write) = server.into_split();
                tokio::join!(
                    pipe(client_read, server_write),
                    pipe(server_read, client_write),
                );
            });
        }
    });
    addr
}
