//! Conversations (issue 11): the list's conversations order shows one row per
//! conversation (References, then In-Reply-To, then Message-ID), newest first, with its
//! size and whether any of it is unread; the list's actions file and mark whole
//! conversations; the open message lists its conversation in every folder.

use std::time::Duration;

use cartero_tests::browser::{Browser, CarteroPage};
use cartero_tests::samples::conversation_mail;
use cartero_tests::wait::wait_until;

use crate::html_mail::Mailroom;
use crate::sort::sorted;

/// The text of the conversation size on the row of `uidl` (`None`: no badge).
async fn size_on_row(page: &CarteroPage<'_>, uidl: &str) -> Option<String> {
    let row = page.scroll_to_row(uidl).await;
    let badge = row
        .find(fantoccini::Locator::Css("[data-testid=\"thread-count\"]"))
        .await
        .ok()?;
    badge.text().await.ok()
}

/// Whether the row of `uidl` shows unread.
async fn row_unread(page: &CarteroPage<'_>, uidl: &str) -> bool {
    let row = page.scroll_to_row(uidl).await;
    row.attr("data-unread").await.unwrap().as_deref() == Some("true")
}

/// Waits until the open message's conversation lists `uidls` (ids `account/uidl`, so the
/// UIDL is after the slash), oldest first.
async fn strip_lists(page: &CarteroPage<'_>, uidls: &[&str]) {
    wait_until(
        &format!("the conversation to list {uidls:?}"),
        Duration::from_secs(20),
        || async {
            let mut listed = Vec::new();
            for item in page.all("thread-item").await {
                let id = item.attr("data-id").await.ok()??;
                listed.push(id.rsplit('/').next()?.to_owned());
            }
            (listed == uidls).then_some(())
        },
    )
    .await;
}

/// Ticks the row of `uidl` (its box).
async fn tick(page: &CarteroPage<'_>, uidl: &str) {
    page.find_in_row(uidl, "message-check")
        .await
        .click()
        .await
        .expect("tick a row");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversations_group_the_list_and_move_and_mark_as_one() {
    let room = Mailroom::start(conversation_mail()).await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        room.sync(&page, 6).await;
        page.wait_sync_settled().await;

        // One row per conversation, by its newest message; the list counts conversations.
        sorted(&page, "conversations", &["aviso-re", "viaje-re2", "suelto"]).await;
        page.wait_count(3).await;
        assert_eq!(size_on_row(&page, "viaje-re2").await.as_deref(), Some("3"));
        assert_eq!(size_on_row(&page, "aviso-re").await.as_deref(), Some("2"));
        assert_eq!(
            size_on_row(&page, "suelto").await,
            None,
            "a conversation of one"
        );

        // The open message lists its conversation, oldest first, and opens another.
        page.open_message("viaje-re2").await;
        strip_lists(&page, &["viaje", "viaje-re", "viaje-re2"]).await;
        let current = page
            .find_css("[data-testid=\"thread-item\"][aria-current=\"true\"]")
            .await;
        let current = current.attr("data-id").await.unwrap().unwrap_or_default();
        assert!(
            current.ends_with("/viaje-re2"),
            "the open one is marked: {current}"
        );
        page.click_css("[data-testid=\"thread-item\"][data-id$=\"/viaje\"]")
            .await;
        page.wait_text("message-view", "Texto de viaje.").await;
        // Opened, "viaje" is read; "viaje-re" is not yet, so the row stays unread.
        assert!(row_unread(&page, "viaje-re2").await);

        // The bulk bar marks a whole conversation read.
        tick(&page, "aviso-re").await;
        page.click("bulk-read").await;
        wait_until("the conversation read", Duration::from_secs(20), || async {
            (!row_unread(&page, "aviso-re").await).then_some(())
        })
        .await;
        page.click("bulk-clear").await;

        // ...and files it whole: the three messages of "viaje" go to the Archive.
        tick(&page, "viaje-re2").await;
        page.select("bulk-move", "archive").await;
        sorted(&page, "conversations", &["aviso-re", "suelto"]).await;
        page.wait_count(2).await;
        // In date order, every message of the Inbox shows, "aviso" read with its reply.
        sorted(&page, "newest", &["aviso-re", "aviso", "suelto"]).await;
        assert!(
            !row_unread(&page, "aviso").await,
            "marked with its conversation"
        );
        assert!(row_unread(&page, "suelto").await);

        page.open_folder("archive").await;
        page.wait_count(3).await;
        sorted(&page, "conversations", &["viaje-re2"]).await;
        page.wait_count(1).await;
        assert_eq!(size_on_row(&page, "viaje-re2").await.as_deref(), Some("3"));

        // The open message's own move files it alone: the conversation is then in two
        // folders, a row in each, and the strip says where each message is.
        page.open_message("viaje-re2").await;
        page.click_css("[data-testid=\"thread-item\"][data-id$=\"/viaje-re\"]")
            .await;
        page.wait_text("message-view", "Texto de viaje-re.").await;
        page.select("message-move", "inbox").await;
        wait_until(
            "two left in the Archive",
            Duration::from_secs(20),
            || async {
                (size_on_row(&page, "viaje-re2").await.as_deref() == Some("2")).then_some(())
            },
        )
        .await;
        page.open_folder("inbox").await;
        sorted(&page, "conversations", &["aviso-re", "viaje-re", "suelto"]).await;
        page.wait_count(3).await;
        assert_eq!(size_on_row(&page, "viaje-re").await, None);
        page.open_message("viaje-re").await;
        strip_lists(&page, &["viaje", "viaje-re", "viaje-re2"]).await;
        let elsewhere = page.texts("thread-folder").await;
        assert_eq!(
            elsewhere.len(),
            2,
            "two messages are in the Archive: {elsewhere:?}"
        );

        // Deleting a conversation from the list sends all of it to Trash.
        tick(&page, "aviso-re").await;
        page.click("bulk-delete").await;
        sorted(&page, "conversations", &["viaje-re", "suelto"]).await;
        page.open_folder("trash").await;
        page.wait_count(1).await;
        assert_eq!(size_on_row(&page, "aviso-re").await.as_deref(), Some("2"));

        // The order is kept on this device.
        page.open(&room.relay.url()).await;
        let menu = page.find("list-sort").await;
        assert_eq!(
            menu.attr("data-order").await.unwrap().as_deref(),
            Some("conversations")
        );
        page.wait_count(2).await;
        assert_eq!(page.uidls_in_place().await, ["viaje-re", "suelto"]);
    };
    browser.check(Duration::from_secs(150), steps).await;
}
