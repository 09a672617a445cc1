//! Cartero's shared core: protocols and pure logic used by both the browser app and the
//! relay. Nothing here performs I/O, reads a clock or draws random numbers: transports,
//! clocks and nonces come from the caller.
//!
//! - [`pop3`]: a sans-IO POP3 client (feed bytes in, take bytes and events out);
//! - [`drive`]: the async loop that runs it over a caller's transport and clock;
//! - [`sync`]: the pure sync planner;
//! - [`wire`]: the relay's WebSocket contract.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod drive;
pub mod pop3;
pub mod sync;
pub mod wire;
