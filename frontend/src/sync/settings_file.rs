//! Asking this page's worker to import or export a settings file (see
//! `worker::settings_import`): the worker reads and writes it, so the page carries none of
//! its code.

use crate::model::Intent;
use crate::model::settings_file::ImportAnswer;

/// Imports the file in `text`; `None` when there is no worker, or it did not answer.
pub async fn import(text: String) -> Option<ImportAnswer> {
    let answer = super::reading::ask(|ticket| Intent::ImportSettings { text, ticket }).await?;
    serde_wasm_bindgen::from_value(answer.get(1)).ok()
}

/// The settings file of what is stored, as text; `None` when it could not be made.
pub async fn export() -> Option<String> {
    let answer = super::reading::ask(|ticket| Intent::ExportSettings { ticket }).await?;
    answer.get(1).as_string()
}
