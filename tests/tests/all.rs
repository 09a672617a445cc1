//! Cartero's integration tests, in one binary grouped by area.
//!
//! They need Dovecot, Chromium and chromedriver installed and the app built:
//! `cargo xtask test` does all of that first.

mod accounts;
mod conversations;
mod courier;
mod dovecot_semantics;
mod e2e;
mod fault_suite;
mod faults;
mod folders;
mod html_mail;
mod long_list;
mod mailbox;
mod reading;
mod relay_access;
mod relay_https;
mod relay_limits;
mod relay_logs;
mod relay_pop3;
mod relay_web;
mod search;
mod settings_file;
mod sort;
mod sync_worker;
