//! The whole path in a real browser: Chromium loads the app from the relay, adds an
//! account on Dovecot, syncs over STLS, reads a message, then reloads with the relay gone
//! and still reads it from IndexedDB.

use std::net::SocketAddr;
use std::time::Duration;

use cartero_tests::browser::{AccountInput, Browser, CarteroPage};
use cartero_tests::certs::{LOOPBACK_NAMES, Validity, issue_cert, test_pki};
use cartero_tests::dovecot::Dovecot;
use cartero_tests::mock_pop3::reply;
use cartero_tests::relay::{Relay, RelaySetup};
use cartero_tests::samples::{ATTACHMENT_NAME, ENGLISH_BODY_PHRASE, SPANISH_SUBJECT, alice};
use cartero_tests::wait::wait_until;

/// Opens the app and adds an account on a scripted server, with no security (the
/// scripted servers speak plain POP3).
async fn add_scripted_account(page: &CarteroPage<'_>, relay: &Relay, server: SocketAddr) {
    page.open(&relay.url()).await;
    page.add_account(&AccountInput::plain("ana", "ana@x.example", server, "pw"))
        .await;
}

/// Waits for the sync status to show an error, and returns what it says.
async fn sync_error(page: &CarteroPage<'_>) -> String {
    let status = page.find("sync-status").await;
    cartero_tests::wait::wait_until("the sync to fail", Duration::from_secs(30), || {
        let status = status.clone();
        async move {
            let class = status.attr("class").await.ok()??;
            class.contains("error").then_some(())
        }
    })
    .await;
    status.text().await.expect("the status text")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_read_then_read_again_offline() {
    let dovecot = Dovecot::start(vec![alice()]).await;
    let relay = Relay::start(RelaySetup {
        allow: vec![dovecot.pop3],
        ca_file: Some(test_pki().ca.clone()),
        static_dir: Some(cartero_tests::app_dir()),
    })
    .await;
    let url = relay.url();
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        page.open(&url).await;

        // No account yet: the form is there at once.
        page.add_account(&AccountInput {
            email: "alice@example.org",
            host: "127.0.0.1",
            port: dovecot.pop3.port(),
            security: "starttls",
            username: "alice",
            password: "secret",
        })
        .await;
        page.wait_count(3).await;
        let (status, failed) = page.wait_sync_settled().await;
        assert!(!failed, "sync failed: {status}");
        assert!(
            dovecot.log().contains("method=SCRAM-SHA-256"),
            "the app logs in with the strongest method Dovecot offers"
        );

        let subjects = page.texts("message-subject").await;
        assert!(
            subjects.iter().any(|s| s == SPANISH_SUBJECT),
            "{subjects:?}"
        );
        let senders = page.texts("message-from").await;
        assert!(senders.iter().any(|s| s == "Ana María Ruiz"), "{senders:?}");
        let rows = page.all("message-row").await;
        let mut uidls = Vec::new();
        for row in &rows {
            uidls.push(row.attr("data-uidl").await.unwrap().unwrap_or_default());
        }
        uidls.sort();
        let mut want: Vec<String> = dovecot
            .mailbox("alice")
            .into_iter()
            .map(|m| m.uidl)
            .collect();
        want.sort();
        assert_eq!(uidls, want);

        // Newest first: the timetable (16 Nov) leads.
        assert_eq!(subjects[0], "Your timetable");
        rows[0].click().await.expect("open the newest message");
        page.find("message-view").await;
        let attachment = page.find("attachment").await;
        assert_eq!(
            attachment.attr("data-filename").await.unwrap().as_deref(),
            Some(ATTACHMENT_NAME)
        );
        // Saving it gives the decoded attachment (the worker parsed it, the page only
        // links its Blob).
        let downloads = tempfile::tempdir().expect("a download folder");
        browser
            .cdp(
                "Browser.setDownloadBehavior",
                serde_json::json!({"behavior": "allow", "downloadPath": downloads.path()}),
            )
            .await;
        attachment.click().await.expect("save the attachment");
        let saved = downloads.path().join(ATTACHMENT_NAME);
        let contents = wait_until(
            "the attachment to be saved",
            Duration::from_secs(20),
            || {
                let saved = saved.clone();
                async move {
                    std::fs::read_to_string(saved)
                        .ok()
                        .filter(|c| !c.is_empty())
                }
            },
        )
        .await;
        assert_eq!(contents, "07:00 Valdeoliva\n07:45 Ciudad\n");
        rows[1].click().await.expect("open the English message");
        let body = page.find("message-body").await.text().await.unwrap();
        assert!(body.contains(ENGLISH_BODY_PHRASE), "{body:.200}");

        // A second sync finds nothing new and duplicates nothing.
        page.click("sync-button").await;
        page.wait_sync_settled().await;
        page.wait_count(3).await;

        page.wait_service_worker().await;
        relay.stop().await;

        // The network (the relay) is gone: the app and the mail still open.
        browser.client.refresh().await.expect("reload");
        page.wait_ready().await;
        page.wait_count(3).await;
        let rows = page.all("message-row").await;
        rows[1]
            .click()
            .await
            .expect("open the English message offline");
        let body = page.find("message-body").await.text().await.unwrap();
        assert!(
            body.contains(ENGLISH_BODY_PHRASE),
            "offline body: {body:.200}"
        );

        // Syncing offline says so, in words, and keeps the mail.
        page.fill("sync-password", "secret").await;
        page.click("sync-button").await;
        let (status, failed) = page.wait_sync_settled().await;
        assert!(
            failed,
            "an offline sync must report an error, got {status:?}"
        );
        assert!(status.contains("offline"), "{status}");
        page.wait_count(3).await;
    };
    browser.check(Duration::from_secs(180), steps).await;
    browser.close().await;
}

/// A newcomer's first minute: the relay runs the demo mailbox, the app offers it, one
/// click shows the mail. With `CARTERO_SCREENSHOT=path.png` it saves a screenshot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_account_shows_mail_at_once() {
    let relay = Relay::demo(|_| {}).await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        page.open(&relay.url()).await;
        page.click("try-demo").await;
        page.wait_count(7).await;
        let (status, failed) = page.wait_sync_settled().await;
        assert!(!failed, "demo sync failed: {status}");
        let subjects = page.texts("message-subject").await;
        assert!(
            subjects
                .iter()
                .any(|s| s.starts_with("Bienvenida a Cartero")),
            "{subjects:?}"
        );
        let rows = page.all("message-row").await;
        let welcome = subjects
            .iter()
            .position(|s| s.starts_with("Bienvenida"))
            .expect("the welcome row");
        rows[welcome]
            .click()
            .await
            .expect("open the welcome message");
        let body = page.find("message-body").await.text().await.unwrap();
        assert!(body.contains("buzón de demostración"), "{body}");
        if let Some(path) = std::env::var_os("CARTERO_SCREENSHOT") {
            let png = browser.client.screenshot().await.expect("a screenshot");
            std::fs::write(path, png).expect("save the screenshot");
        }
    };
    browser.check(Duration::from_secs(120), steps).await;
    browser.close().await;
}

/// A server error the person can act on reaches them in words: here the mailbox is locked
/// by another program (`-ERR [IN-USE]`), and the clear-text warning was shown first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_mailbox_is_explained_in_words() {
    let server = cartero_tests::mock_pop3::start(
        b"+OK mock ready\r\n",
        vec![
            reply("+OK\r\nUSER\r\n.\r\n"),
            reply("+OK\r\n"),
            reply("-ERR [IN-USE] Mailbox is locked by another POP3 session\r\n"),
        ],
    )
    .await;
    let relay = Relay::serving_app(server).await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        page.open(&relay.url()).await;
        page.find("account-security")
            .await
            .select_by_value("none")
            .await
            .expect("choose no security");
        page.find("cleartext-warning").await;
        page.add_account(&AccountInput {
            email: "ana@example.org",
            host: "127.0.0.1",
            port: server.port(),
            security: "none",
            username: "ana",
            password: "pw",
        })
        .await;
        let text = sync_error(&page).await;
        assert!(
            text.contains("Another program has the mailbox open"),
            "{text}"
        );
    };
    browser.check(Duration::from_secs(90), steps).await;
    browser.close().await;
}

/// A server whose certificate has expired: the person is told that, and what to do, in
/// English and, after the language switch, in Spanish.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_server_certificate_is_explained_in_both_languages() {
    let pki = test_pki();
    let dir = tempfile::tempdir().expect("a temporary directory");
    issue_cert(
        &pki.dir,
        dir.path(),
        "expired",
        LOOPBACK_NAMES,
        Validity::Expired,
    );
    let (cert, key) = (
        dir.path().join("expired.pem"),
        dir.path().join("expired.key"),
    );
    let dovecot = Dovecot::start_with_cert(vec![alice()], &cert, &key).await;
    let relay = Relay::start(RelaySetup {
        allow: vec![dovecot.pop3s],
        ca_file: Some(pki.ca.clone()),
        static_dir: Some(cartero_tests::app_dir()),
    })
    .await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        page.open(&relay.url()).await;
        page.add_account(&AccountInput {
            email: "alice@example.org",
            host: "127.0.0.1",
            port: dovecot.pop3s.port(),
            security: "tls",
            username: "alice",
            password: "secret",
        })
        .await;
        let english = sync_error(&page).await;
        assert!(
            english.contains("its certificate has expired. Tell whoever runs the mail server."),
            "{english}"
        );
        page.click("lang-switch").await;
        let status = page.find("sync-status").await;
        cartero_tests::wait::wait_until("the Spanish words", Duration::from_secs(10), || {
            let status = status.clone();
            async move {
                let text = status.text().await.ok()?;
                text.contains(
                    "su certificado ha caducado. Avisa a quien administra el servidor de correo.",
                )
                .then_some(())
            }
        })
        .await;
        // The choice is kept on this device.
        browser.client.refresh().await.expect("reload");
        page.wait_ready().await;
        let lang = page
            .client
            .execute("return document.documentElement.lang;", vec![])
            .await
            .expect("the page's language");
        assert_eq!(lang, "es");
    };
    browser.check(Duration::from_secs(90), steps).await;
    browser.close().await;
}

/// A server without UIDL still syncs: messages are keyed by a header fingerprint and the
/// person is told that leave-on-server cannot be exact there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_uidl_syncs_by_header_fingerprint_and_says_so() {
    const ONE: &str = "From: Ana <ana@x.example>\r\nSubject: sin uidl uno\r\nDate: Mon, 16 Nov 2026 10:00:00 +0000\r\n\r\n";
    const TWO: &str = "From: Ana <ana@x.example>\r\nSubject: sin uidl dos\r\nDate: Tue, 17 Nov 2026 10:00:00 +0000\r\n\r\n";
    let server = cartero_tests::mock_pop3::start(
        b"+OK old server\r\n",
        vec![
            reply("+OK\r\nUSER\r\nTOP\r\n.\r\n"),        // CAPA: no UIDL
            reply("+OK\r\n"),                            // USER
            reply("+OK\r\n"),                            // PASS
            reply("+OK\r\n1 120\r\n2 120\r\n.\r\n"),     // LIST
            reply(format!("+OK\r\n{ONE}.\r\n")),         // TOP 1 0
            reply(format!("+OK\r\n{TWO}.\r\n")),         // TOP 2 0
            reply(format!("+OK\r\n{TWO}Dos.\r\n.\r\n")), // RETR 2 (newest first)
            reply(format!("+OK\r\n{ONE}Uno.\r\n.\r\n")), // RETR 1
            reply("+OK bye\r\n"),                        // QUIT
        ],
    )
    .await;
    let relay = Relay::serving_app(server).await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        add_scripted_account(&page, &relay, server).await;
        page.wait_count(2).await;
        let (status, failed) = page.wait_sync_settled().await;
        assert!(!failed, "{status}");
        assert!(status.contains("no UIDL"), "{status}");
        let subjects = page.texts("message-subject").await;
        assert_eq!(subjects, ["sin uidl dos", "sin uidl uno"]);
        for row in page.all("message-row").await {
            let uidl = row.attr("data-uidl").await.unwrap().unwrap_or_default();
            assert!(uidl.starts_with("h-") && uidl.len() == 66, "{uidl}");
        }
        assert_eq!(
            cartero_shared::sync::header_fingerprint(ONE.as_bytes()).as_str(),
            page.all("message-row").await[1]
                .attr("data-uidl")
                .await
                .unwrap()
                .unwrap()
        );
    };
    browser.check(Duration::from_secs(90), steps).await;
    browser.close().await;
}

/// A connection cut mid-download keeps the messages that arrived whole: the person sees
/// them at once, and the error says the next sync carries on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_mid_download_keeps_the_whole_messages_already_received() {
    const WHOLE: &str = "From: Ana <ana@x.example>\r\nSubject: llegó entero\r\nDate: Tue, 17 Nov 2026 10:00:00 +0000\r\n\r\nEntero.\r\n";
    let server = cartero_tests::mock_pop3::start(
        b"+OK ready\r\n",
        vec![
            reply("+OK\r\nUSER\r\nUIDL\r\n.\r\n"),             // CAPA
            reply("+OK\r\n"),                                  // USER
            reply("+OK\r\n"),                                  // PASS
            reply("+OK\r\n1 300\r\n2 120\r\n.\r\n"),           // LIST
            reply("+OK\r\n1 uid-cut\r\n2 uid-whole\r\n.\r\n"), // UIDL
            reply(format!("+OK\r\n{WHOLE}.\r\n")),             // RETR 2 (newest first)
            cartero_tests::mock_pop3::reply_then_hang_up("+OK\r\nFrom: Ana\r\nSubject: cort"), // RETR 1
        ],
    )
    .await;
    let relay = Relay::serving_app(server).await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        add_scripted_account(&page, &relay, server).await;
        let (status, failed) = page.wait_sync_settled().await;
        assert!(failed, "a cut connection is an error: {status}");
        assert!(status.contains("next sync carries on"), "{status}");
        page.wait_count(1).await;
        let rows = page.all("message-row").await;
        assert_eq!(
            rows[0].attr("data-uidl").await.unwrap().as_deref(),
            Some("uid-whole")
        );
    };
    browser.check(Duration::from_secs(90), steps).await;
    browser.close().await;
}

/// A server's `LOGIN-DELAY` is respected: a second sync soon after the first does not
/// connect (it would be refused, or count against the person) but says when it will run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_sync_within_the_login_delay_waits_and_says_until_when() {
    // One connection only: a second login would find the port closed and fail.
    let server = cartero_tests::mock_pop3::start(
        b"+OK strict server\r\n",
        vec![
            reply("+OK\r\nUSER\r\nUIDL\r\nLOGIN-DELAY 900\r\n.\r\n"), // CAPA
            reply("+OK\r\n"),                                         // USER
            reply("+OK\r\n"),                                         // PASS
            reply("+OK 0 messages\r\n.\r\n"),                         // LIST
            reply("+OK\r\n.\r\n"),                                    // UIDL
            reply("+OK bye\r\n"),                                     // QUIT
        ],
    )
    .await;
    let relay = Relay::serving_app(server).await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        add_scripted_account(&page, &relay, server).await;
        let (status, failed) = page.wait_sync_settled().await;
        assert!(!failed, "{status}");
        page.click("sync-button").await;
        let status = page.find("sync-status").await;
        let text =
            cartero_tests::wait::wait_until("the waiting notice", Duration::from_secs(10), || {
                let status = status.clone();
                async move {
                    let text = status.text().await.ok()?;
                    text.contains("syncing at").then_some(text)
                }
            })
            .await;
        assert!(
            text.contains("pause between connections (15 min)"),
            "{text}"
        );
        let button = page.find("sync-button").await;
        assert!(
            !button.is_enabled().await.unwrap(),
            "a waiting sync counts as running"
        );
    };
    browser.check(Duration::from_secs(90), steps).await;
    browser.close().await;
}

/// A team relay behind an access token: the browser is shown the sign-in page, a wrong
/// key is told apart, and after the right one the app, the demo account and the
/// WebSocket all work (the cookie goes with every request of the origin).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_behind_a_team_token_works_once_signed_in() {
    let relay = Relay::demo(|c| c.access_tokens = vec!["team-token-4417".into()]).await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        browser.client.goto(&relay.url()).await.expect("open");
        page.fill("access-token", "a-guess").await;
        page.click("access-submit").await;
        page.find("access-error").await;
        page.fill("access-token", "team-token-4417").await;
        page.click("access-submit").await;
        page.wait_ready().await;
        page.click("try-demo").await;
        page.wait_count(7).await;
        let (status, failed) = page.wait_sync_settled().await;
        assert!(!failed, "sync through a team relay failed: {status}");
    };
    browser.check(Duration::from_secs(120), steps).await;
    browser.close().await;
}
