//! Leptos-free domain types that the page and the sync worker share: accounts, message
//! metadata, sync phases and errors, and the messages between them.

pub mod account;
pub mod error;
pub mod folder;
pub mod order;
pub mod page_place;
pub mod phase;
pub mod postings;
pub mod protocol;
pub mod query;
pub mod reading;
pub mod rules;
pub mod settings_file;
pub mod terms;
pub mod thread;
pub mod user_folders;
pub mod vault;
pub mod words;

pub use account::{Account, MessageMeta};
pub use error::SyncError;
pub use folder::Counter;
pub use phase::SyncPhase;
pub use protocol::{Intent, Notice, SenderList};
pub use reading::Rendered;
pub use vault::{Sealed, Vault};
