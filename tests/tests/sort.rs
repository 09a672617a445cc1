//! The list's order (issue 11): by date, sender or size, either way, through the store's
//! indexes; the choice is kept on the device, and search results stay newest first.

use cartero_tests::browser::{AccountInput, Browser, CarteroPage};
use cartero_tests::dovecot::{Dovecot, Mail, User};
use cartero_tests::relay::Relay;

use crate::html_mail::user;

/// A message from `from`, on day `day` of November 2026, with a body of `body` octets.
fn from_on(uidl: &str, from: &str, day: u32, body: usize) -> Mail {
    Mail::new(
        uidl,
        format!(
            "From: {from}\nTo: ana@x.example\nDate: {day:02} Nov 2026 10:00:00 +0000\n\
             Subject: Mensaje {uidl}\nMessage-ID: <{uidl}@example.org>\n\
             Content-Type: text/plain; charset=utf-8\n\n{}\n",
            "x".repeat(body)
        ),
    )
}

/// Chooses `order` in the menu and waits for the rows in `uidls`' places.
pub async fn sorted(page: &CarteroPage<'_>, order: &str, uidls: &[&str]) {
    page.select("list-sort", order).await;
    cartero_tests::wait::wait_until(
        &format!("the rows in the order {order}: {uidls:?}"),
        std::time::Duration::from_secs(20),
        || async { (page.uidls_in_place().await == uidls).then_some(()) },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_sorts_by_date_sender_or_size_and_keeps_the_choice() {
    // Names sort without case, accents or quotes: Álvaro, beatriz, Carmen, Zoe.
    let ana = user(vec![
        from_on("zoe", "Zoe <zoe@example.org>", 3, 100),
        from_on("alvaro", "Álvaro <alvaro@example.org>", 1, 6000),
        from_on("beatriz", "beatriz@example.org", 4, 2500),
        from_on("carmen", "\"Carmen Ruiz\" <carmen@example.org>", 2, 10),
    ]);
    // A second account's mail, between Ana's in every order.
    let luis = User {
        name: "luis".into(),
        password: "pw2".into(),
        mail: vec![from_on("bruno", "Bruno <bruno@example.org>", 5, 4000)],
    };
    let dovecot = Dovecot::start(vec![ana, luis]).await;
    let relay = Relay::serving_app(dovecot.pop3).await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        page.open(&relay.url()).await;
        page.add_account(&AccountInput::plain(
            "luis",
            "luis@x.example",
            dovecot.pop3,
            "pw2",
        ))
        .await;
        page.wait_count(1).await;
        page.wait_sync_settled().await;
        page.click("account-add").await;
        page.add_account(&AccountInput::plain(
            "ana",
            "ana@x.example",
            dovecot.pop3,
            "pw",
        ))
        .await;
        // One account's view: its own messages only, in every order.
        page.wait_count(4).await;
        page.wait_sync_settled().await;
        let menu = page.find("list-sort").await;
        assert_eq!(
            menu.attr("data-order").await.unwrap().as_deref(),
            Some("newest")
        );
        assert_eq!(
            page.uidls_in_place().await,
            ["beatriz", "zoe", "carmen", "alvaro"],
            "newest first by default"
        );
        sorted(&page, "oldest", &["alvaro", "carmen", "zoe", "beatriz"]).await;
        sorted(&page, "sender-az", &["alvaro", "beatriz", "carmen", "zoe"]).await;
        sorted(&page, "sender-za", &["zoe", "carmen", "beatriz", "alvaro"]).await;
        sorted(&page, "largest", &["alvaro", "beatriz", "zoe", "carmen"]).await;
        sorted(&page, "smallest", &["carmen", "zoe", "beatriz", "alvaro"]).await;

        // Every account's view: both accounts' messages, in the same orders.
        page.click("account-all").await;
        page.wait_count(5).await;
        let all = ["carmen", "zoe", "beatriz", "bruno", "alvaro"];
        sorted(&page, "smallest", &all).await;
        let all = ["alvaro", "beatriz", "bruno", "carmen", "zoe"];
        sorted(&page, "sender-az", &all).await;
        page.find_in(
            "[data-testid=\"account-row\"][data-account=\"ana@x.example\"]",
            "account-view",
        )
        .await
        .click()
        .await
        .expect("Ana's view");
        page.wait_count(4).await;

        // A message read and filed elsewhere leaves the order; the rest keep theirs.
        sorted(&page, "sender-az", &["alvaro", "beatriz", "carmen", "zoe"]).await;
        page.open_message("beatriz").await;
        page.click("message-archive").await;
        page.wait_count(3).await;
        assert_eq!(page.uidls_in_place().await, ["alvaro", "carmen", "zoe"]);

        // The choice is kept on this device (a reload shows every account's mail).
        page.open(&relay.url()).await;
        page.wait_count(4).await;
        let menu = page.find("list-sort").await;
        assert_eq!(
            menu.attr("data-order").await.unwrap().as_deref(),
            Some("sender-az")
        );
        let all = ["alvaro", "bruno", "carmen", "zoe"];
        assert_eq!(page.uidls_in_place().await, all);

        // Search results are newest first, whatever the order; the menu says so.
        page.search("mensaje").await;
        page.wait_count(4).await;
        let newest = ["bruno", "zoe", "carmen", "alvaro"];
        assert_eq!(page.uidls_in_place().await, newest);
        let menu = page.find("list-sort").await;
        assert!(!menu.is_enabled().await.unwrap(), "no order for a search");
        page.search("").await;
        page.wait_count(4).await;
        assert!(page.find("list-sort").await.is_enabled().await.unwrap());
    };
    browser
        .check(std::time::Duration::from_secs(120), steps)
        .await;
}
