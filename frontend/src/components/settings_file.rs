//! The settings file in the settings screen: export the accounts (without passwords), the
//! folders, the rules and the sender lists as one JSON file, and import one (also offered
//! on the first screen, to a device with no account yet). See `model::settings_file`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Event, HtmlAnchorElement, HtmlInputElement};

use crate::blob;
use crate::i18n::{Lang, T, counted, tr};
use crate::model::settings_file::{ImportAnswer, ImportProblem};
use crate::state::AppStore;

/// A file bigger than this is not a settings file (a thousand rules take about 1 MB).
const LARGEST_FILE: f64 = 8.0 * 1024.0 * 1024.0;

/// What became of the last import on this page.
#[derive(Debug, Clone, PartialEq)]
enum Status {
    /// Reading the file and storing it.
    Busy,
    /// The worker's answer.
    Answered(ImportAnswer),
    /// The file could not be read, or the worker did not answer.
    Unread,
}

/// The settings file's part of the settings: export and import.
#[component]
pub fn SettingsFileFields() -> impl IntoView {
    let store = expect_context::<AppStore>();
    let export_failed = RwSignal::new(false);
    view! {
        <fieldset class="policy" data-testid="settings-file">
            <legend>{move || store.t(T::SettingsFileTitle)}</legend>
            <p class="hint">{move || store.t(T::SettingsFileExplain)}</p>
            <div class="actions start">
                <button type="button" class="secondary" data-testid="settings-export" on:click=move |_| export(export_failed)>
                    {move || store.t(T::SettingsExport)}
                </button>
            </div>
            <Show when=move || export_failed.get()>
                <p class="error" role="alert" data-testid="settings-export-error">{move || store.t(T::ErrExport)}</p>
            </Show>
            <SettingsImport />
        </fieldset>
    }
}

/// The import control and what became of the import.
#[component]
pub fn SettingsImport() -> impl IntoView {
    let store = expect_context::<AppStore>();
    let status = RwSignal::new(None::<Status>);
    let on_change = move |ev: Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        // The same file chosen again is a change again.
        input.set_value("");
        status.set(Some(Status::Busy));
        let first_run = !untrack(|| store.has_accounts());
        spawn_local(async move {
            let answer = match read(&file).await {
                Some(Ok(text)) => crate::sync::settings_file::import(text)
                    .await
                    .map(Status::Answered),
                Some(Err(problem)) => Some(Status::Answered(ImportAnswer::Refused(problem))),
                None => None,
            };
            if first_run
                && let Some(Status::Answered(done @ ImportAnswer::Done { accounts, .. })) = &answer
                && *accounts > 0
            {
                store.first_import.set(Some(done.clone()));
            }
            status.set(Some(answer.unwrap_or(Status::Unread)));
        });
    };
    let words = move || {
        let lang = store.lang.get();
        status.get().map(|s| words(lang, &s))
    };
    let failed = move || {
        status.with(|s| {
            matches!(
                s,
                Some(
                    Status::Unread
                        | Status::Answered(ImportAnswer::Refused(_) | ImportAnswer::Failed { .. })
                )
            )
        })
    };
    view! {
        <label class="file-pick">
            {move || store.t(T::SettingsImport)}
            <input
                type="file"
                accept=".json,application/json"
                data-testid="settings-import"
                disabled=move || status.get() == Some(Status::Busy)
                on:change=on_change
            />
        </label>
        <p
            data-testid="settings-import-result"
            data-state=move || match status.get() {
                None => "none",
                Some(Status::Busy) => "busy",
                Some(_) if failed() => "failed",
                Some(_) => "done",
            }
            class=move || if failed() { "error" } else { "status" }
            role=move || if failed() { "alert" } else { "status" }
            hidden=move || status.with(Option::is_none)
        >
            {words}
        </p>
    }
}

/// What a first screen's import added, over the mailbox it opened, until the person closes
/// it: the same words (and hook) as the import's own answer.
#[component]
pub fn FirstImportNotice() -> impl IntoView {
    let store = expect_context::<AppStore>();
    move || {
        let said = words(
            store.lang.get(),
            &Status::Answered(store.first_import.get()?),
        );
        Some(view! {
            <div class="notice">
                <p data-testid="settings-import-result" data-state="done" role="status">{said}</p>
                <button
                    type="button"
                    class="link"
                    data-testid="first-import-close"
                    on:click=move |_| store.first_import.set(None)
                >
                    {move || store.t(T::Close)}
                </button>
            </div>
        })
    }
}

/// The text of a chosen file: `None` when it cannot be read, `Some(Err)` when it is too big
/// to be a settings file.
async fn read(file: &web_sys::File) -> Option<Result<String, ImportProblem>> {
    if file.size() > LARGEST_FILE {
        return Some(Err(ImportProblem::NotSettings));
    }
    let text = JsFuture::from(file.text()).await.ok()?.as_string()?;
    Some(Ok(text))
}

/// What the person reads of an import.
fn words(lang: Lang, status: &Status) -> String {
    let answer = match status {
        Status::Busy => return tr(lang, T::SettingsImporting).to_owned(),
        Status::Unread => return tr(lang, T::ErrImportRead).to_owned(),
        Status::Answered(answer) => answer,
    };
    match answer {
        ImportAnswer::Done {
            accounts,
            folders,
            rules,
            senders,
        } => {
            let parts: Vec<String> = [
                (*accounts, T::ImportAccountOne, T::ImportAccountMany),
                (*folders, T::ImportFolderOne, T::ImportFolderMany),
                (*rules, T::ImportRuleOne, T::ImportRuleMany),
                (*senders, T::ImportSenderOne, T::ImportSenderMany),
            ]
            .into_iter()
            .filter(|(n, _, _)| *n > 0)
            .map(|(n, one, many)| counted(lang, u64::from(n), one, many))
            .collect();
            if parts.is_empty() {
                return tr(lang, T::ImportNothingNew).to_owned();
            }
            let mut said = format!("{} {}.", tr(lang, T::ImportAdded), parts.join(", "));
            if *accounts > 0 {
                said = format!("{said} {}", tr(lang, T::ImportAskPasswords));
            }
            said
        }
        ImportAnswer::Refused(ImportProblem::NotSettings) => {
            tr(lang, T::ErrImportNotSettings).to_owned()
        }
        ImportAnswer::Refused(ImportProblem::Newer) => tr(lang, T::ErrImportNewer).to_owned(),
        ImportAnswer::Refused(ImportProblem::BadAccount(email)) => {
            format!("{} {email}", tr(lang, T::ErrImportAccount))
        }
        ImportAnswer::Refused(ImportProblem::BadFolder(name)) => {
            format!("{} {name}", tr(lang, T::ErrImportFolder))
        }
        ImportAnswer::Failed { full: true } => tr(lang, T::ErrImportFull).to_owned(),
        ImportAnswer::Failed { full: false } => tr(lang, T::ErrImportStore).to_owned(),
    }
}

/// Saves the settings as `cartero-settings-YYYY-MM-DD.json` (the worker writes the file
/// from what is stored).
fn export(failed: RwSignal<bool>) {
    failed.set(false);
    spawn_local(async move {
        let Some(text) = crate::sync::settings_file::export().await else {
            return failed.set(true);
        };
        let day: String = js_sys::Date::new_0()
            .to_iso_string()
            .as_string()
            .unwrap_or_default()
            .chars()
            .take(10)
            .collect();
        let url = blob::from_bytes(text.as_bytes(), Some("application/json"))
            .and_then(|b| blob::object_url(&b));
        let link = document()
            .create_element("a")
            .ok()
            .and_then(|e| e.dyn_into::<HtmlAnchorElement>().ok());
        let (Some(url), Some(link)) = (url, link) else {
            return failed.set(true);
        };
        link.set_href(&url);
        link.set_download(&format!("cartero-settings-{day}.json"));
        link.click();
        // The download has its own copy once it started.
        gloo_timers::future::sleep(std::time::Duration::from_secs(60)).await;
        blob::revoke(&url);
    });
}
