//! Sync planning: what to download, given the server's listing and what is stored.

pub mod identity;
pub mod login_delay;
pub mod plan;

pub use identity::header_fingerprint;
pub use login_delay::LastLogin;
pub use plan::{Plan, ServerMessage, join_listing, plan};
