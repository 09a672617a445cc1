//! The Cartero relay: lets the browser app reach POP3 servers over a WebSocket, and serves
//! the app itself.
//!
//! [`serve`] runs it on a listener until a shutdown future completes; [`router`] is the
//! axum router, for tests.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod config;
pub mod demo;
pub mod error;
pub mod policy;
pub mod pump;
pub mod session;
pub mod state;
pub mod upstream;
pub mod ws;

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::get;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

pub use config::Config;
pub use state::AppState;

/// The relay's routes: `/pop3` (WebSocket), `/demo.json`, and the app's static files.
pub fn router(state: AppState) -> Router {
    let static_dir = state.config.static_dir.clone();
    let api = Router::new()
        .route("/pop3", get(ws::pop3_upgrade))
        .route("/demo.json", get(ws::demo_account))
        .with_state(state);
    match static_dir {
        Some(dir) => {
            let index = dir.join("index.html");
            // The app shell and service worker must be revalidated on every load so that
            // a new version reaches people; hashed assets may be cached.
            let files = ServeDir::new(&dir).fallback(ServeFile::new(index));
            api.fallback_service(files)
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("no-cache"),
                ))
        }
        None => api,
    }
}

/// Serves the relay on `listener` until `shutdown` completes.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // POP3 is many small request/reply exchanges: no Nagle delay on the browser side
    // (the upstream side sets it in `upstream::connect`).
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
