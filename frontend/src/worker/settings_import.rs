//! Importing a settings file (`model::settings_file`): what the device has is read and the
//! file's new accounts, folders, rules and senders are written in one transaction, so an
//! import is whole or not at all, and a change another tab makes meanwhile is not lost.

use rexie::TransactionMode;
use wasm_bindgen::JsValue;

use super::idb_store::committed;
use crate::model::settings_file::{
    self, ImportAnswer, ImportProblem, Imported, Settings, SettingsFile,
};
use crate::model::{Account, Notice, SenderList};
use crate::store::db::{self, ACCOUNTS, SETTINGS, StoreError};
use crate::store::settings::{
    FOLDERS_KEY, FoldersRecord, RULES_KEY, RulesRecord, SendersRecord, setting_in,
};

/// Imports `file`: `Ok(Err(_))` when the file is refused (nothing is written).
pub async fn import(file: SettingsFile) -> Result<Result<Imported, ImportProblem>, StoreError> {
    let db = db::open().await?;
    let tx = db.transaction(&[ACCOUNTS, SETTINGS], TransactionMode::ReadWrite)?;
    let accounts = tx.store(ACCOUNTS)?;
    let settings = tx.store(SETTINGS)?;
    let senders = |list: SenderList| {
        let settings = &settings;
        async move {
            Ok::<_, StoreError>(
                setting_in::<SendersRecord>(settings, list.key())
                    .await?
                    .map(|r| r.addresses)
                    .unwrap_or_default(),
            )
        }
    };
    let now = Settings {
        accounts: accounts
            .get_all(None, None)
            .await?
            .into_iter()
            .map(|v| serde_wasm_bindgen::from_value::<Account>(v).map_err(StoreError::from))
            .collect::<Result<_, _>>()?,
        folders: setting_in::<FoldersRecord>(&settings, FOLDERS_KEY)
            .await?
            .map(|r| r.folders)
            .unwrap_or_default(),
        rules: setting_in::<RulesRecord>(&settings, RULES_KEY)
            .await?
            .map(|r| r.rules)
            .unwrap_or_default(),
        remote_images: senders(SenderList::RemoteImages).await?,
        plain_text: senders(SenderList::PlainText).await?,
    };
    let mut n = 0;
    let stamp = js_sys::Date::now() as u64;
    let fresh_id = |prefix: &str| {
        n += 1;
        format!("{prefix}-{stamp}-i{n}")
    };
    let imported = match settings_file::import(file, &now, fresh_id) {
        Ok(imported) => imported,
        Err(problem) => {
            tx.abort().await?;
            return Ok(Err(problem));
        }
    };
    for account in &imported.new_accounts {
        accounts
            .put(&serde_wasm_bindgen::to_value(account)?, None)
            .await?;
    }
    let put = |record: JsValue| {
        let settings = &settings;
        async move { settings.put(&record, None).await.map(|_| ()) }
    };
    put(serde_wasm_bindgen::to_value(&FoldersRecord {
        key: FOLDERS_KEY.into(),
        folders: imported.folders.clone(),
    })?)
    .await?;
    put(serde_wasm_bindgen::to_value(&RulesRecord {
        key: RULES_KEY.into(),
        rules: imported.rules.clone(),
    })?)
    .await?;
    if imported.new_senders > 0 {
        for (list, addresses) in [
            (SenderList::RemoteImages, &imported.remote_images),
            (SenderList::PlainText, &imported.plain_text),
        ] {
            put(serde_wasm_bindgen::to_value(&SendersRecord {
                key: list.key().into(),
                addresses: addresses.clone(),
            })?)
            .await?;
        }
    }
    committed(tx.done().await?)?;
    Ok(Ok(imported))
}

/// The settings file in `text`, if it is one (its format and version are checked by the
/// import).
fn parse(text: &str) -> Result<SettingsFile, ImportProblem> {
    js_sys::JSON::parse(text)
        .ok()
        .and_then(|value| serde_wasm_bindgen::from_value::<SettingsFile>(value).ok())
        .ok_or(ImportProblem::NotSettings)
}

/// Imports the file in `text`: the answer for the page that asked, and what every tab is
/// to hear of it.
pub async fn answer(text: &str) -> (ImportAnswer, Vec<Notice>) {
    let file = match parse(text) {
        Ok(file) => file,
        Err(problem) => return (ImportAnswer::Refused(problem), Vec::new()),
    };
    match import(file).await {
        Ok(Ok(imported)) => {
            let answer = imported.answer();
            let mut notices: Vec<Notice> = imported
                .new_accounts
                .into_iter()
                .map(|account| Notice::AccountSaved {
                    account: Box::new(account),
                })
                .collect();
            notices.push(Notice::FoldersSaved {
                folders: imported.folders,
            });
            notices.push(Notice::RulesSaved {
                rules: imported.rules,
            });
            if imported.new_senders > 0 {
                notices.push(SenderList::RemoteImages.notice(imported.remote_images));
                notices.push(SenderList::PlainText.notice(imported.plain_text));
            }
            (answer, notices)
        }
        Ok(Err(problem)) => (ImportAnswer::Refused(problem), Vec::new()),
        Err(error) => (
            ImportAnswer::Failed {
                full: error == StoreError::Full,
            },
            Vec::new(),
        ),
    }
}

/// Answers `Intent::ImportSettings` `ticket` to the page that asked.
pub fn post_answer(ticket: u64, answer: &ImportAnswer) {
    let value = serde_wasm_bindgen::to_value(answer).unwrap_or(JsValue::NULL);
    post(ticket, &value);
}

fn post(ticket: u64, value: &JsValue) {
    super::reader::post(&js_sys::Array::of2(
        &JsValue::from_f64(ticket as f64),
        value,
    ));
}

/// Answers `Intent::ExportSettings` `ticket`: the file's text, or `null` when the store
/// could not be read.
pub async fn answer_export(ticket: u64) {
    let text = match stored().await {
        Ok(settings) => serde_wasm_bindgen::to_value(&settings_file::export(&settings))
            .ok()
            .and_then(|value| {
                js_sys::JSON::stringify_with_replacer_and_space(&value, &JsValue::NULL, &2.into())
                    .ok()
            })
            .map(JsValue::from)
            .unwrap_or(JsValue::NULL),
        Err(_) => JsValue::NULL,
    };
    post(ticket, &text);
}

/// What is stored, as the settings file sees it.
async fn stored() -> Result<Settings, StoreError> {
    use crate::store::{accounts, settings};
    Ok(Settings {
        accounts: accounts::load_all().await?,
        folders: settings::load_folders().await?,
        rules: settings::load_rules().await?,
        remote_images: settings::load_senders(SenderList::RemoteImages).await?,
        plain_text: settings::load_senders(SenderList::PlainText).await?,
    })
}
