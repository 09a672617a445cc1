//! Turning raw messages into what the app shows.

pub mod render;
pub mod scan;
