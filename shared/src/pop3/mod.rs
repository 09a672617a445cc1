//! A sans-IO POP3 client (RFC 1939, with CAPA from RFC 2449 and STLS from RFC 2595).
//!
//! The caller feeds received bytes with [`Client::feed`], enqueues commands with
//! [`Client::enqueue`], and calls [`Client::next`] until it returns an [`Interrupt`]:
//! bytes to write, a request for more input, or a fatal [`Error`]. Nothing here touches a
//! socket, so the same machine runs over a browser WebSocket and over tokio.
//!
//! Layers: [`framing`] cuts lines and bodies (with size caps), [`codec`] parses and
//! encodes, [`client`] holds the session state.

pub mod auth;
pub mod client;
pub mod codec;
pub mod framing;
pub mod handle;
pub mod types;

pub use auth::{AuthError, Credentials, LoginMethod, Mechanism, SecretKind, choose_method};
pub use client::{Client, Error, Event, Greeting, Interrupt, Io, Options, Reply, SessionState};
pub use handle::Handle;
pub use types::{
    Arg, Capabilities, Command, ListEntry, MsgNum, RespCode, Secret, SecretArg, ServerError, Uidl,
    UidlEntry, ValueError,
};
