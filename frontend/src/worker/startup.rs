//! What the page reads at start (accounts, settings, counters), read by its worker and
//! answered to that page alone: the page opens no database, so it carries no IndexedDB
//! code (rexie and its glue were 15 KB of the page's bundle, docs/benchmarks.md).

use js_sys::Array;
use wasm_bindgen::JsValue;

use super::reader::post;
use crate::model::SenderList;
use crate::model::protocol::Startup;
use crate::store::{accounts, counters, settings};

/// Answers `Intent::Start` `ticket`.
pub async fn answer(ticket: u64) {
    let vault = settings::load_vault().await;
    let startup = Startup {
        vault_failed: vault.is_err(),
        vault: vault.ok().flatten(),
        remote_images: settings::load_senders(SenderList::RemoteImages)
            .await
            .unwrap_or_default(),
        plain_text: settings::load_senders(SenderList::PlainText)
            .await
            .unwrap_or_default(),
        rules: settings::load_rules().await.unwrap_or_default(),
        folders: settings::load_folders().await.unwrap_or_default(),
        accounts: accounts::load_all().await.ok(),
        counters: counters::load_all().await.ok(),
    };
    let value = serde_wasm_bindgen::to_value(&startup).unwrap_or(JsValue::NULL);
    post(&Array::of2(&JsValue::from_f64(ticket as f64), &value));
}

/// Answers `Intent::Counters` `ticket`.
pub async fn answer_counters(ticket: u64) {
    let value = match counters::load_all().await {
        Ok(all) => serde_wasm_bindgen::to_value(&all).unwrap_or(JsValue::NULL),
        Err(_) => JsValue::NULL,
    };
    post(&Array::of2(&JsValue::from_f64(ticket as f64), &value));
}
