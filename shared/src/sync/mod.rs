//! Sync planning: what to download, given the server's listing and what is stored.

pub mod identity;
pub mod plan;

pub use identity::header_fingerprint;
pub use plan::{Plan, ServerMessage, join_listing, plan};
