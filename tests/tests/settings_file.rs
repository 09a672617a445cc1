//! The settings file (issue 11's "rules are exported with the settings", issue 12's
//! settings export): what one browser exports, without its passwords, a new browser imports
//! from its first screen, and its imported rule files the mail of its imported account into
//! its imported folder; the same file again adds nothing, and a file that is not one is
//! refused in words.

use std::time::Duration;

use cartero_tests::browser::{AccountInput, Browser, CarteroPage};
use cartero_tests::wait::wait_until;
use serde_json::{Value, json};

use crate::folders::{condition, from, name_folder, rules_say, wait_has_folder};
use crate::html_mail::Mailroom;

/// Keeps in `window.exported` the text of the next Blob the page makes a URL for (the
/// export's download).
const CATCH_EXPORT: &str = r#"
window.exported = null;
const make = URL.createObjectURL;
URL.createObjectURL = (blob) => {
  blob.text().then((text) => { window.exported = text; });
  return make.call(URL, blob);
};
"#;

/// Imports `text` and waits until the import says `words`.
async fn import(page: &CarteroPage<'_>, text: &str, words: &str) {
    page.choose_file("settings-import", "cartero-settings.json", text)
        .await;
    page.wait_text("settings-import-result", words).await;
}

/// Exports the settings from the open settings screen: the file's text.
async fn export(page: &CarteroPage<'_>) -> String {
    page.client
        .execute(CATCH_EXPORT, vec![])
        .await
        .expect("catch the export");
    page.click("settings-export").await;
    wait_until("the exported file", Duration::from_secs(10), || async {
        let text = page
            .client
            .execute("return window.exported", vec![])
            .await
            .ok()?;
        text.as_str().map(str::to_owned)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_go_to_a_new_browser_in_a_file_without_passwords() {
    let room = Mailroom::start(vec![
        from("friend-1", "Luis <luis@x.example>", "¿Cenamos?", ""),
        from(
            "bank-1",
            "Banco Rural <avisos@banco.example>",
            "Extracto de octubre",
            "",
        ),
    ])
    .await;
    let account = AccountInput::plain("ana", "ana@x.example", room.dovecot.pop3, "pw");

    // The first browser: the account (its password remembered), a folder and a rule.
    let mut text = String::new();
    {
        let browser = Browser::start().await;
        let page = browser.page();
        let steps = async {
            page.open(&room.relay.url()).await;
            page.fill_account_form(&account).await;
            page.click("account-remember").await;
            page.click("account-save").await;
            page.wait_count(2).await;
            page.wait_sync_settled().await;
            page.click("folder-new").await;
            name_folder(&page, "Facturas").await;
            wait_has_folder(&page, "Facturas", true).await;
            page.click("settings-button").await;
            page.click("rule-add").await;
            page.fill("rule-name", "Banco").await;
            condition(&page, 0, "from", "contains", "banco.example").await;
            page.find("rule-move")
                .await
                .select_by_label("Facturas")
                .await
                .expect("move to Facturas");
            page.click("rule-save").await;
            rules_say(&page, "Rules saved.").await;
            text = export(&page).await;
        };
        browser.check(Duration::from_secs(120), steps).await;
        browser.close().await;
    }

    // What the file holds: the account, the folder and the rule, and no password.
    let file: Value = serde_json::from_str(&text).expect("the file is JSON");
    assert_eq!(file["format"], "cartero-settings", "{text}");
    let accounts = file["accounts"].as_array().expect("accounts");
    assert_eq!(accounts.len(), 1, "{text}");
    assert_eq!(accounts[0]["username"], "ana");
    assert!(
        accounts[0].get("password").is_none_or(Value::is_null),
        "{text}"
    );
    assert!(
        !text.contains("\"pw\""),
        "the password is in the file: {text}"
    );
    assert_eq!(file["folders"][0]["name"], "Facturas", "{text}");
    assert_eq!(file["rules"][0]["name"], "Banco", "{text}");

    // A new browser imports it from its first screen, and asks for the password to sync.
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        page.open(&room.relay.url()).await;
        page.find("account-email").await;
        import(
            &page,
            "{\"hello\": 1}",
            "This is not a Cartero settings file: nothing was imported.",
        )
        .await;
        // Imported, the device has an account: the mailbox shows, says what was added until
        // it is closed, and asks for the password.
        page.choose_file("settings-import", "cartero-settings.json", &text)
            .await;
        page.find_css("[data-testid=\"account-row\"][data-account=\"ana@x.example\"]")
            .await;
        page.wait_text(
            "settings-import-result",
            "Added to this device: 1 account, 1 folder, 1 rule. Each account asks for its password",
        )
        .await;
        page.click("first-import-close").await;
        wait_until(
            "the import's word closed",
            Duration::from_secs(5),
            || async {
                page.all("settings-import-result")
                    .await
                    .is_empty()
                    .then_some(())
            },
        )
        .await;
        wait_has_folder(&page, "Facturas", true).await;
        page.wait_text("sync-status", "Enter the password to sync.")
            .await;
        page.fill("sync-password", "pw").await;
        page.click("sync-button").await;
        let (status, failed) = page.wait_sync_settled().await;
        assert!(!failed, "{status}");
        // The imported rule filed the bank's mail into the imported folder.
        page.wait_count(1).await;
        assert_eq!(page.texts("message-subject").await, ["¿Cenamos?"]);
        page.open_folder("Facturas").await;
        page.wait_count(1).await;
        assert_eq!(page.texts("message-subject").await, ["Extracto de octubre"]);

        // The same file again adds nothing; the rule is there once.
        page.click("settings-button").await;
        import(
            &page,
            &text,
            "Nothing new: this device already has everything in the file.",
        )
        .await;
        assert_eq!(page.texts("rule-row").await.len(), 1);
        // A file with one more rule adds only that one.
        let mut more = file.clone();
        let mut rule = more["rules"][0].clone();
        rule["id"] = json!("r-other");
        rule["name"] = json!("Banco, leído");
        rule["actions"] = json!(["mark-read"]);
        more["rules"].as_array_mut().expect("rules").push(rule);
        import(&page, &more.to_string(), "Added to this device: 1 rule.").await;
        assert_eq!(page.texts("rule-row").await.len(), 2);
        // A file from a newer Cartero is refused, and says why.
        let newer = text.replace("\"version\": 1", "\"version\": 99");
        import(
            &page,
            &newer,
            "This file comes from a newer Cartero: update this one first.",
        )
        .await;
    };
    browser.check(Duration::from_secs(120), steps).await;
    browser.close().await;
}
