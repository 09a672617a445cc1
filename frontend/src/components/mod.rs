//! Views, one concern each.

pub mod account_form;
pub mod account_list;
pub mod attachment;
pub mod bulk_bar;
pub mod delete_dialog;
pub mod folder_form;
pub mod folder_list;
pub mod forwarded;
pub mod html_body;
pub mod lang_switch;
pub mod message_list;
pub mod message_row;
pub mod message_view;
pub mod passphrase;
pub mod policy_fields;
pub mod remove_dialog;
pub mod rules;
pub mod settings_file;
pub mod shortcuts;
pub mod sort_menu;
pub mod sync_bar;
pub mod thread_strip;
