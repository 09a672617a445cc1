//! Sync: the pure planner, the account policy and UIDL state, and the engine that runs a
//! whole sync over any transport, store and clock.

pub mod engine;
pub mod identity;
pub mod login_delay;
pub mod plan;
pub mod policy;
pub mod state;

pub use identity::header_fingerprint;
pub use login_delay::LastLogin;
pub use plan::{Plan, PlanInput, ServerMessage, join_listing, plan};
pub use policy::{Identity, Policy, PolicyRefused, Retention};
pub use state::{Status, UidlState, content_hash, message_id};
