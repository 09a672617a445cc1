//! Turning raw messages into what the app shows.

pub mod charset;
pub mod flowed;
pub mod render;
pub mod scan;
