//! The device's mail store: IndexedDB through rexie.

pub mod accounts;
pub mod counters;
pub mod db;
pub mod messages;
pub mod settings;
