//! Screenshots of the screens a person sees, in both languages, light and dark, phone and
//! desktop, for looking at before an issue is resolved (not a test); then a Japanese
//! message and a forwarded one, light and dark (a Japanese font must be installed to see
//! its glyphs, e.g. Debian's `fonts-ipafont-gothic`; the tests check the text, not glyphs).
//!
//! `cargo run -p cartero-tests --bin screens -- DIR` (the app must be built).

use cartero_tests::browser::{AccountInput, Browser};
use cartero_tests::dovecot::{Dovecot, Mail, User};
use cartero_tests::relay::Relay;

/// Every look a screen is shot in: light and dark, desktop and phone.
const LOOKS: [(&str, &str); 4] = [
    ("light", "desktop"),
    ("light", "phone"),
    ("dark", "desktop"),
    ("dark", "phone"),
];

/// A browser with the colour scheme and window of a look.
async fn browser_for(scheme: &str, size: &str) -> Browser {
    let window = match size {
        "phone" => "--window-size=390,844",
        _ => "--window-size=1200,900",
    };
    let mut flags = vec![window];
    if scheme == "dark" {
        flags.push("--force-dark-mode");
    }
    Browser::start_with(&flags).await
}

#[tokio::main]
async fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("an output folder"));
    std::fs::create_dir_all(&dir).expect("the output folder");
    let relay = Relay::demo(|_| {}).await;
    for (scheme, size) in LOOKS {
        let browser = browser_for(scheme, size).await;
        let page = browser.page();
        for lang in ["en", "es"] {
            page.open(&relay.url()).await;
            if lang == "es" {
                page.click("lang-switch").await;
            }
            page.find("account-policy").await;
            page.find("account-policy")
                .await
                .select_by_value("leave-for-days")
                .await
                .expect("choose leave-for-days");
            // The policy fields (new in issue 9); the whole form is taller than a phone.
            let form = page.find("account-policy").await;
            let form = form
                .find(fantoccini::Locator::XPath("./ancestor::fieldset"))
                .await
                .expect("the policy fieldset");
            let scroll = "arguments[0].scrollIntoView({block: 'start'});";
            let element = serde_json::to_value(&form).expect("the element as an argument");
            page.client
                .execute(scroll, vec![element])
                .await
                .expect("scroll");
            let png = browser
                .client
                .screenshot()
                .await
                .expect("a screenshot of the form");
            let name = format!("account-policy-{lang}-{scheme}-{size}.png");
            std::fs::write(dir.join(name), png).expect("save");
            // Issue 11: a new device imports its settings from its first screen.
            let import = page.find("settings-import").await;
            page.center_on(&import).await;
            let png = browser.client.screenshot().await.expect("a shot");
            let name = format!("first-import-{lang}-{scheme}-{size}.png");
            std::fs::write(dir.join(name), png).expect("save");
            page.click("try-demo").await;
            page.wait_count(7).await;
            page.wait_sync_settled().await;
            let shot = |name: &str| format!("{name}-{lang}-{scheme}-{size}.png");
            let save = |name: String, png: Vec<u8>| {
                std::fs::write(dir.join(name), png).expect("save");
            };
            save(
                shot("synced"),
                browser.client.screenshot().await.expect("shot"),
            );
            // Issue 11: the keyboard shortcuts' help.
            let body = page
                .client
                .find(fantoccini::Locator::Css("body"))
                .await
                .expect("the page");
            body.send_keys("?").await.expect("ask for the help");
            page.find("shortcuts-help").await;
            save(
                shot("shortcuts"),
                browser.client.screenshot().await.expect("shot"),
            );
            body.send_keys("\u{E00C}").await.expect("close the help");
            // Issue 11: a search typed without its accent, the matched words marked.
            page.wait_search_index().await;
            page.search("reunion").await;
            page.find("search-mark").await;
            save(
                shot("search"),
                browser.client.screenshot().await.expect("shot"),
            );
            page.search("").await;
            page.wait_count(7).await;
            // Issue 11: two messages ticked, the bar of what to do with them.
            let rows = page.all("message-check").await;
            rows[1].click().await.expect("tick");
            rows[2].click().await.expect("tick");
            page.find("bulk-bar").await;
            save(
                shot("bulk"),
                browser.client.screenshot().await.expect("shot"),
            );
            page.click("bulk-clear").await;
            // Issue 11: the list in sender order (the menu beside the search box).
            page.select("list-sort", "sender-az").await;
            page.find_css("[data-testid=\"list-sort\"][data-order=\"sender-az\"]")
                .await;
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            save(
                shot("sorted"),
                browser.client.screenshot().await.expect("shot"),
            );
            page.select("list-sort", "newest").await;
            // Issue 11: folders of one's own, one being made inside another.
            let bills = if lang == "es" { "Facturas" } else { "Bills" };
            page.click("folder-new").await;
            page.fill("folder-name", bills).await;
            page.click("folder-save").await;
            page.click("folder-new").await;
            page.fill("folder-name", "2026").await;
            page.find("folder-parent")
                .await
                .select_by_label(bills)
                .await
                .expect("inside");
            save(
                shot("folders"),
                browser.client.screenshot().await.expect("shot"),
            );
            page.click("folder-save").await;
            page.find_css("[data-testid=\"folder-row\"][data-folder=\"2026\"]")
                .await;
            // An open message (parsed by the worker), and the question before deleting it.
            let rows = page.all("message-row").await;
            rows[0].click().await.expect("open a message");
            page.find("message-body").await;
            save(
                shot("message"),
                browser.client.screenshot().await.expect("shot"),
            );
            // Issue 11: a flagged message, in the list beside the folders.
            page.click("message-flag").await;
            page.find("message-flagged").await;
            save(
                shot("flagged"),
                browser.client.screenshot().await.expect("shot"),
            );
            // Shift+Delete: the question before deleting for good (Delete moves to Trash).
            body.send_keys("\u{E008}\u{E017}\u{E000}")
                .await
                .expect("ask to delete");
            page.find("delete-dialog").await;
            save(
                shot("delete"),
                browser.client.screenshot().await.expect("shot"),
            );
            page.click("delete-cancel").await;
            if size == "phone" {
                page.client
                    .find(fantoccini::Locator::Css("button.back"))
                    .await
                    .expect("the back button")
                    .click()
                    .await
                    .expect("back to the list");
            }
            // Issue 9's screens: editing, removing, the settings, the unlock prompt.
            page.click("account-edit").await;
            page.find("account-form-cancel").await;
            save(
                shot("edit"),
                browser.client.screenshot().await.expect("shot"),
            );
            page.click("account-form-cancel").await;
            page.click("account-remove").await;
            page.find("remove-dialog").await;
            save(
                shot("remove"),
                browser.client.screenshot().await.expect("shot"),
            );
            page.click("account-remove-cancel").await;
            page.click("settings-button").await;
            page.fill("passphrase-new", "mar y montaña").await;
            page.fill("passphrase-confirm", "mar y montaña").await;
            page.click("passphrase-save").await;
            page.find("passphrase-remove").await;
            save(
                shot("settings"),
                browser.client.screenshot().await.expect("shot"),
            );
            // Issue 11: a rule being written.
            page.click("rule-add").await;
            page.fill(
                "rule-name",
                if lang == "es" {
                    "Boletín"
                } else {
                    "Newsletter"
                },
            )
            .await;
            page.find("rule-field")
                .await
                .select_by_value("header")
                .await
                .expect("header");
            page.fill("rule-header", "List-Id").await;
            page.find("rule-value")
                .await
                .send_keys("pueblo")
                .await
                .expect("value");
            page.find("rule-move")
                .await
                .select_by_value("archive")
                .await
                .expect("move");
            page.click("rule-read").await;
            let editor = page.find("rule-editor").await;
            page.center_on(&editor).await;
            save(
                shot("rules"),
                browser.client.screenshot().await.expect("shot"),
            );
            // Issue 11: the settings file, one imported.
            page.click("rule-save").await;
            page.find("rules-status").await;
            let trip = if lang == "es" { "Viajes" } else { "Trips" };
            let file = serde_json::json!({
                "format": "cartero-settings",
                "version": 1,
                "folders": [{ "id": "u-trips", "name": trip }],
            });
            page.choose_file(
                "settings-import",
                "cartero-settings.json",
                &file.to_string(),
            )
            .await;
            let result = page
                .find_css("[data-testid=\"settings-import-result\"][data-state=\"done\"]")
                .await;
            page.center_on(&result).await;
            save(
                shot("settings-file"),
                browser.client.screenshot().await.expect("shot"),
            );
            page.click("settings-close").await;
            browser.client.refresh().await.expect("reload");
            page.find("vault-unlock").await;
            save(
                shot("unlock"),
                browser.client.screenshot().await.expect("shot"),
            );
            page.fill("passphrase-input", "mar y montaña").await;
            page.click("passphrase-unlock").await;
            // A fresh origin state for the next language: forget the account.
            browser
                .client
                .execute(
                    "indexedDB.deleteDatabase('cartero'); localStorage.clear();",
                    vec![],
                )
                .await
                .expect("clear the store");
        }
        browser.close().await;
    }
    reading_shots(&dir).await;
    // Issue 11: the conversations order, a conversation open with its strip.
    let mail = cartero_tests::samples::conversation_mail();
    opened_shots(
        &dir,
        "conversation",
        mail,
        &["viaje-re2"],
        Some("conversations"),
    )
    .await;
}

/// A Japanese message (ISO-2022-JP) and a forwarded one, opened, light and dark.
async fn reading_shots(dir: &std::path::Path) {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let read = |path: &str| std::fs::read(data.join(path)).expect("a sample message");
    let messages = [
        ("japanese", "charsets/iso-2022-jp.eml"),
        ("forwarded", "forwarded.eml"),
        ("attachments", "attachments.eml"),
        ("cut-short", "cut-short.eml"),
    ];
    let mail = messages
        .iter()
        .map(|(uidl, path)| Mail::new(uidl, read(path)))
        .collect();
    let uidls: Vec<&str> = messages.iter().map(|(uidl, _)| *uidl).collect();
    opened_shots(dir, "reading", mail, &uidls, None).await;
}

/// Ana's mailbox of `mail`, the list in `order` (when given), with each message of `opens`
/// opened: `NAME-UIDL-LANG-SCHEME-SIZE.png` in every look and both languages.
async fn opened_shots(
    dir: &std::path::Path,
    name: &str,
    mail: Vec<Mail>,
    opens: &[&str],
    order: Option<&str>,
) {
    let count = mail.len();
    let dovecot = Dovecot::start(vec![User {
        name: "ana".into(),
        password: "pw".into(),
        mail,
    }])
    .await;
    let relay = Relay::serving_app(dovecot.pop3).await;
    for (scheme, size) in LOOKS {
        let browser = browser_for(scheme, size).await;
        let page = browser.page();
        page.open(&relay.url()).await;
        page.add_account(&AccountInput::plain(
            "ana",
            "ana@x.example",
            dovecot.pop3,
            "pw",
        ))
        .await;
        page.wait_count(count).await;
        if let Some(order) = order {
            page.select("list-sort", order).await;
        }
        for lang in ["en", "es"] {
            if lang == "es" {
                page.click("lang-switch").await;
            }
            if order.is_some() {
                // The list in that order, before a message opens (on a phone it is alone).
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                let png = browser.client.screenshot().await.expect("shot");
                let file = format!("{name}-list-{lang}-{scheme}-{size}.png");
                std::fs::write(dir.join(file), png).expect("save");
            }
            for uidl in opens {
                page.open_message(uidl).await;
                page.find("message-body").await;
                // Let the preview and the fonts settle.
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                let png = browser.client.screenshot().await.expect("shot");
                let file = format!("{name}-{uidl}-{lang}-{scheme}-{size}.png");
                std::fs::write(dir.join(file), png).expect("save");
                if size == "phone" {
                    page.click_css("button.back").await;
                }
            }
        }
        browser.close().await;
    }
}
