//! Several accounts in a real browser against a real Dovecot: the unified inbox and each
//! account's view, editing an account (its policy acts on the server; another user is
//! another mailbox, whose mail is never skipped or overwritten by the old one's UIDLs), and
//! removing one, keeping its mail or not.

use std::net::SocketAddr;
use std::time::Duration;

use cartero_tests::browser::{AccountInput, Browser, CarteroPage};
use cartero_tests::certs::test_pki;
use cartero_tests::dovecot::{Dovecot, Mail, User};
use cartero_tests::relay::{Relay, RelaySetup};
use cartero_tests::samples::{alice, alice_mail};
use cartero_tests::wait::wait_until;

const ALICE: &str = "alice@example.org";
const BOB: &str = "bob@example.org";

/// Bob's mailbox: two messages whose UIDLs are the same as two of Alice's (the maildir
/// names are the UIDLs), with other content.
fn bob() -> User {
    let mail = alice_mail()
        .into_iter()
        .take(2)
        .enumerate()
        .map(|(i, alices)| {
            let raw = format!(
                "From: Carla <carla@example.net>\r\nTo: bob@example.org\r\n\
                 Subject: Para Bob {i}\r\nDate: Tue, 17 Nov 2026 09:0{i}:00 +0000\r\n\
                 Message-ID: <bob-{i}@example.net>\r\n\r\nHola Bob.\r\n"
            );
            Mail::new(&alices.uidl, raw)
        })
        .collect();
    User {
        name: "bob".into(),
        password: "hunter2".into(),
        mail,
    }
}

fn input(
    server: SocketAddr,
    email: &'static str,
    user: &'static str,
    password: &'static str,
) -> AccountInput<'static> {
    AccountInput {
        email,
        host: "127.0.0.1",
        port: server.port(),
        security: "starttls",
        username: user,
        password,
    }
}

async fn dovecot_and_relay() -> (Dovecot, Relay) {
    let dovecot = Dovecot::start(vec![alice(), bob()]).await;
    let relay = Relay::start(RelaySetup {
        allow: vec![dovecot.pop3],
        ca_file: Some(test_pki().ca.clone()),
        static_dir: Some(cartero_tests::app_dir()),
    })
    .await;
    (dovecot, relay)
}

fn row(email: &str) -> String {
    format!("[data-testid=\"account-row\"][data-account=\"{email}\"]")
}

fn bar(email: &str) -> String {
    format!(".sync-bar[data-account=\"{email}\"]")
}

/// Waits until `email`'s sync bar says its sync is over; returns its status text. The bar
/// is looked up afresh each time: an edit may replace it.
async fn wait_settled(page: &CarteroPage<'_>, email: &str) -> String {
    wait_until(
        &format!("{email}'s sync to end"),
        Duration::from_secs(30),
        || async {
            let status = page.find_in(&bar(email), "sync-status").await;
            let state = status.attr("data-state").await.ok()??;
            if !matches!(state.as_str(), "done" | "failed") {
                return None;
            }
            status.text().await.ok()
        },
    )
    .await
}

/// The add-account form, filled for `account` with the password remembered, and saved.
async fn add(page: &CarteroPage<'_>, account: &AccountInput<'_>, name: &str) {
    page.fill_account_form(account).await;
    page.fill("account-name", name).await;
    page.click("account-remember").await;
    page.click("account-save").await;
}

/// Opens the app and adds Alice (password remembered); returns once her first sync ended.
async fn open_with_alice(page: &CarteroPage<'_>, relay: &Relay, dovecot: &Dovecot) {
    page.open(&relay.url()).await;
    add(page, &input(dovecot.pop3, ALICE, "alice", "secret"), "").await;
    page.wait_count(3).await;
    wait_settled(page, ALICE).await;
}

async fn title(page: &CarteroPage<'_>) -> String {
    page.client.title().await.unwrap_or_default()
}

async fn wait_for_title(page: &CarteroPage<'_>, want: &str) {
    wait_until(
        &format!("the title {want}"),
        Duration::from_secs(10),
        || async { (title(page).await == want).then_some(()) },
    )
    .await;
}

async fn value(page: &CarteroPage<'_>, id: &str) -> String {
    let field = page.find(id).await;
    field.prop("value").await.ok().flatten().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_accounts_share_one_inbox_and_each_has_its_own_view_and_settings() {
    let (dovecot, relay) = dovecot_and_relay().await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        open_with_alice(&page, &relay, &dovecot).await;
        page.click("account-add").await;
        add(
            &page,
            &input(dovecot.pop3, BOB, "bob", "hunter2"),
            "Trabajo",
        )
        .await;
        // The new account's view first, then the unified inbox with both.
        page.wait_count(2).await;
        page.click("account-all").await;
        page.wait_count(5).await;
        let rows = page.all("account-row").await;
        assert_eq!(rows.len(), 2);
        let names = page.texts("account-row").await;
        assert!(
            names[0].contains(ALICE) && names[1].contains("Trabajo"),
            "{names:?}"
        );
        wait_settled(&page, ALICE).await;
        wait_settled(&page, BOB).await;

        // One account's view lists its mail only.
        page.find_in(&row(ALICE), "account-view")
            .await
            .click()
            .await
            .expect("click");
        page.wait_count(3).await;
        let subjects = page.texts("message-subject").await;
        assert!(
            !subjects.iter().any(|s| s.starts_with("Para Bob")),
            "{subjects:?}"
        );
        assert_eq!(
            page.all("sync-status").await.len(),
            1,
            "the view's account only"
        );

        // Editing Alice's policy acts on her server only, and stays across a reload.
        page.find_in(&row(ALICE), "account-edit")
            .await
            .click()
            .await
            .expect("click");
        assert_eq!(value(&page, "account-email").await, ALICE);
        assert_eq!(value(&page, "account-policy").await, "leave");
        page.select("account-policy", "delete-after-download").await;
        page.click("account-save").await;
        page.find_in(&bar(ALICE), "sync-button")
            .await
            .click()
            .await
            .expect("sync");
        let status = wait_settled(&page, ALICE).await;
        assert!(status.contains("3 deleted from the server"), "{status}");
        assert!(dovecot.mailbox("alice").is_empty());
        assert_eq!(dovecot.mailbox("bob").len(), 2, "Bob's server is untouched");
        browser.client.refresh().await.expect("reload");
        page.wait_ready().await;
        page.wait_count(5).await;
        page.find_in(&row(ALICE), "account-edit")
            .await
            .click()
            .await
            .expect("click");
        assert_eq!(
            value(&page, "account-policy").await,
            "delete-after-download"
        );
        page.click("account-form-cancel").await;
        page.wait_count(5).await;

        // Unread mail counts in the title; opening a message reads it, for good.
        assert_eq!(title(&page).await, "(5) Cartero");
        page.click("message-row").await;
        page.find("message-view").await;
        wait_for_title(&page, "(4) Cartero").await;
        browser.client.refresh().await.expect("reload");
        page.wait_ready().await;
        wait_for_title(&page, "(4) Cartero").await;
        page.click("message-row").await;
        page.click("message-unread").await;
        wait_for_title(&page, "(5) Cartero").await;
    };
    browser.check(Duration::from_secs(150), steps).await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_pointed_at_another_mailbox_keeps_the_old_mail_and_downloads_the_new() {
    let (dovecot, relay) = dovecot_and_relay().await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        open_with_alice(&page, &relay, &dovecot).await;
        // The same account, now Bob's mailbox (same UIDLs, other messages), freeing his
        // server: with Alice's states, his two messages would count as downloaded and be
        // deleted unread, or overwrite Alice's copies.
        page.find_in(&row(ALICE), "account-edit")
            .await
            .click()
            .await
            .expect("click");
        page.fill("account-username", "bob").await;
        page.find("mailbox-change").await;
        page.fill("account-password", "hunter2").await;
        page.select("account-policy", "delete-after-download").await;
        page.click("account-save").await;
        let status = wait_settled(&page, ALICE).await;
        assert!(status.contains("2 deleted from the server"), "{status}");
        assert!(dovecot.mailbox("bob").is_empty());
        assert_eq!(
            dovecot.mailbox("alice").len(),
            3,
            "Alice's server is untouched"
        );
        page.click("account-all").await;
        page.wait_count(5).await;
        let subjects = page.texts("message-subject").await;
        for want in [
            "Para Bob 0",
            "Para Bob 1",
            "Ferry times for the island trip",
        ] {
            assert!(subjects.iter().any(|s| s == want), "{want} in {subjects:?}");
        }
        assert_eq!(
            page.all("kept-row").await.len(),
            1,
            "Alice's mail, kept apart"
        );
    };
    browser.check(Duration::from_secs(120), steps).await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_an_account_asks_whether_to_keep_its_mail() {
    let (dovecot, relay) = dovecot_and_relay().await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        open_with_alice(&page, &relay, &dovecot).await;
        page.click("account-add").await;
        add(&page, &input(dovecot.pop3, BOB, "bob", "hunter2"), "").await;
        page.click("account-all").await;
        page.wait_count(5).await;
        wait_settled(&page, BOB).await;

        // Bob goes, his mail stays (the default answer), readable after a reload.
        page.find_in(&row(BOB), "account-remove")
            .await
            .click()
            .await
            .expect("click");
        let keep = page.find("account-remove-keep-mail").await;
        assert!(
            keep.is_selected().await.expect("checkbox"),
            "keeping is the default"
        );
        page.click("account-remove-confirm").await;
        wait_until("Bob's row to go", Duration::from_secs(10), || async {
            (page.all("account-row").await.len() == 1).then_some(())
        })
        .await;
        assert_eq!(page.all("kept-row").await.len(), 1);
        page.wait_count(5).await;
        assert_eq!(dovecot.mailbox("bob").len(), 2, "the server is not touched");
        browser.client.refresh().await.expect("reload");
        page.wait_ready().await;
        page.wait_count(5).await;
        assert_eq!(page.all("account-row").await.len(), 1);

        // Deleting the kept mail, then Alice without keeping hers: the add form again.
        page.click("kept-delete").await;
        page.click("account-remove-confirm").await;
        page.wait_count(3).await;
        assert!(page.all("kept-row").await.is_empty());
        page.find_in(&row(ALICE), "account-remove")
            .await
            .click()
            .await
            .expect("click");
        page.click("account-remove-keep-mail").await;
        page.click("account-remove-confirm").await;
        page.find("account-email").await;
        browser.client.refresh().await.expect("reload");
        page.wait_ready().await;
        page.find("account-email").await;
        assert!(page.all("message-row").await.is_empty(), "nothing left");
    };
    browser.check(Duration::from_secs(150), steps).await;
    browser.close().await;
}

/// The stored account records, as JSON text (what someone copying the profile would read).
const STORED_ACCOUNTS: &str = "const done = arguments[arguments.length - 1];\
    const open = indexedDB.open('cartero');\
    open.onsuccess = () => {\
      const all = open.result.transaction('accounts').objectStore('accounts').getAll();\
      all.onsuccess = () => { done(JSON.stringify(all.result)); open.result.close(); };\
      all.onerror = () => done('error');\
    };\
    open.onerror = () => done('error');";

async fn stored_accounts(page: &CarteroPage<'_>) -> String {
    let value = page
        .client
        .execute_async(STORED_ACCOUNTS, vec![])
        .await
        .expect("read the stored accounts");
    value.as_str().unwrap_or_default().to_owned()
}

/// Waits until the settings say whether a passphrase is set.
async fn wait_passphrase_set(page: &CarteroPage<'_>, set: bool) {
    let want = set.to_string();
    wait_until(
        "the passphrase to be saved",
        Duration::from_secs(30),
        || async {
            let state = page.find("passphrase-state").await;
            (state.attr("data-set").await.ok()?? == want).then_some(())
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_primary_passphrase_seals_remembered_passwords_and_is_asked_once_per_session() {
    let (dovecot, relay) = dovecot_and_relay().await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        open_with_alice(&page, &relay, &dovecot).await;
        assert!(
            stored_accounts(&page).await.contains("\"secret\""),
            "remembered in the clear"
        );

        page.click("settings-button").await;
        page.fill("passphrase-new", "short").await;
        page.fill("passphrase-confirm", "short").await;
        page.click("passphrase-save").await;
        page.find("passphrase-error").await;
        page.fill("passphrase-new", "mar y montaña").await;
        page.fill("passphrase-confirm", "mar y montaña").await;
        page.click("passphrase-save").await;
        wait_passphrase_set(&page, true).await;
        let stored = stored_accounts(&page).await;
        assert!(
            !stored.contains("secret"),
            "no password in the clear: {stored}"
        );
        assert!(stored.contains("sealed_password"), "{stored}");
        page.click("settings-close").await;

        // A new browser session: asked once, a wrong passphrase refused in words.
        browser.client.refresh().await.expect("reload");
        page.wait_ready().await;
        page.find("vault-unlock").await;
        page.fill("passphrase-input", "mar y montana").await;
        page.click("passphrase-unlock").await;
        let error = page
            .find("passphrase-error")
            .await
            .text()
            .await
            .unwrap_or_default();
        assert!(error.contains("not the primary passphrase"), "{error}");
        page.fill("passphrase-input", "mar y montaña").await;
        page.click("passphrase-unlock").await;
        let logins = dovecot.logins("alice");
        wait_until(
            "the unlocked account to sync",
            Duration::from_secs(30),
            || async { (dovecot.logins("alice") > logins).then_some(()) },
        )
        .await;
        assert!(page.all("vault-unlock").await.is_empty());
        let status = wait_settled(&page, ALICE).await;
        assert!(!status.contains("assword"), "{status}");

        // A second tab gets the key from the first: not asked again.
        let second = browser.client.new_window(true).await.expect("a second tab");
        browser
            .client
            .switch_to_window(second.handle)
            .await
            .expect("switch");
        page.open(&relay.url()).await;
        page.find_in(&bar(ALICE), "sync-button")
            .await
            .click()
            .await
            .expect("sync");
        let status = wait_settled(&page, ALICE).await;
        assert!(!status.contains("assword"), "{status}");
        assert!(
            page.all("vault-unlock").await.is_empty(),
            "the key was handed over"
        );

        // Without the passphrase again: the password is opened and stored as it was.
        page.click("settings-button").await;
        page.click("passphrase-remove").await;
        wait_passphrase_set(&page, false).await;
        let stored = stored_accounts(&page).await;
        assert!(
            stored.contains("\"secret\"") && !stored.contains("\"iv\""),
            "{stored}"
        );
    };
    browser.check(Duration::from_secs(150), steps).await;
    browser.close().await;
}
