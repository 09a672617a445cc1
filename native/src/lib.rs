//! The native side of Cartero's POP3 core: the shared sans-IO client
//! ([`cartero_shared::pop3`]) driven by [`cartero_shared::drive`] over tokio.
//!
//! - [`tls`]: rustls settings (public roots plus an optional CA file) and failed
//!   handshakes told in words;
//! - [`stream`]: a POP3 server connection, plain or TLS, upgraded in place by `STLS`;
//! - [`session`]: sessions straight to a server, and (feature `relay-client`) through
//!   the relay's WebSocket, with the steps a mail client takes (CAPA, login, fetch, QUIT).
//!
//! The relay uses [`tls`] and [`stream`] for its upstream side; tests and the benchmark
//! use [`session`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod clock;
#[cfg(feature = "relay-client")]
pub mod relay_client;
pub mod session;
pub mod stream;
pub mod tls;

pub use clock::TokioClock;
pub use session::{DriveError, Session, TransportError};
pub use stream::PopStream;
