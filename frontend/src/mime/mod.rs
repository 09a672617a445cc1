//! Turning raw messages into what the app shows.

pub mod charset;
pub mod facts;
pub mod flowed;
pub mod render;
pub mod rfc2231;
pub mod scan;
