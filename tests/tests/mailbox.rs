//! The mailbox as a list (issue 11): dates as a mail client shows them (today's as a time,
//! this year's as a day and month, older ones with the year), and counts said in the
//! singular or the plural as they should be, in both languages.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cartero_tests::browser::{Browser, CarteroPage};
use cartero_tests::dovecot::Mail;
use cartero_tests::wait::wait_until;
use fantoccini::Locator;

use crate::html_mail::Mailroom;

/// A short message dated `when`.
fn dated(uidl: &str, when: SystemTime) -> Mail {
    let raw = format!(
        "From: Lucía <lucia@example.org>\nTo: ana@x.example\nSubject: {uidl}\n\
         Date: {}\nMessage-ID: <{uidl}@example.org>\n\nHola.\n",
        httpdate::fmt_http_date(when)
    );
    Mail::new(uidl, raw)
}

/// The year of `when` (UTC), from its HTTP date.
fn year(when: SystemTime) -> String {
    let date = httpdate::fmt_http_date(when);
    date.split_whitespace()
        .nth(3)
        .unwrap_or_default()
        .to_owned()
}

/// The shown date of row `uidl`, and its tooltip (the whole date).
async fn row_date(page: &CarteroPage<'_>, uidl: &str) -> (String, String) {
    let css = format!(
        "[data-testid=\"message-row\"][data-uidl=\"{uidl}\"] [data-testid=\"message-date\"]"
    );
    let date = page
        .client
        .find(Locator::Css(&css))
        .await
        .expect("its date");
    let text = date.text().await.unwrap_or_default();
    let title = date.attr("title").await.ok().flatten().unwrap_or_default();
    (text, title)
}

/// Waits until the sync status says `words`.
async fn status_says(page: &CarteroPage<'_>, words: &str) {
    page.wait_text("sync-status", words).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dates_read_as_a_mail_client_shows_them_and_counts_are_said_right() {
    let now = SystemTime::now();
    let earlier = now - Duration::from_secs(3 * 24 * 3600);
    let old = UNIX_EPOCH + Duration::from_secs(1_560_000_000); // June 2019
    let room = Mailroom::start(vec![
        dated("today", now),
        dated("earlier", earlier),
        dated("old", old),
    ])
    .await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        room.sync(&page, 3).await;
        status_says(&page, "3 new messages saved.").await;

        let (today, title) = row_date(&page, "today").await;
        assert!(today.contains(':'), "today's as a time: {today:?}");
        assert!(
            title.contains(&year(now)),
            "the tooltip has the whole date: {title:?}"
        );
        let (old_shown, _) = row_date(&page, "old").await;
        assert!(
            old_shown.contains("2019") && !old_shown.contains(':'),
            "an older one with its year, no time: {old_shown:?}"
        );
        // Three days ago is this year unless the year began since.
        if year(earlier) == year(now) {
            let (shown, _) = row_date(&page, "earlier").await;
            assert!(
                !shown.contains(':') && !shown.contains(&year(now)),
                "this year's as a day and month: {shown:?}"
            );
        }

        // One more message: said in the singular, in both languages.
        room.dovecot
            .deliver("ana", &dated("another", now - Duration::from_secs(60)));
        page.click("sync-button").await;
        page.wait_count(4).await;
        status_says(&page, "1 new message saved.").await;
        page.click("lang-switch").await;
        status_says(&page, "1 mensaje nuevo guardado.").await;
        let (old_es, _) = row_date(&page, "old").await;
        assert!(old_es.contains("jun"), "in Spanish: {old_es:?}");
    };
    browser.check(Duration::from_secs(90), steps).await;
}

/// Sends `keys` to the page as a person types them (to what has focus).
async fn press(page: &CarteroPage<'_>, keys: &str) {
    let focused = page
        .client
        .active_element()
        .await
        .expect("the focused element");
    focused.send_keys(keys).await.expect("keys");
}

/// The `data-uidl` of the selected row (`aria-selected`), if any.
async fn selected(page: &CarteroPage<'_>) -> Option<String> {
    let css = "[data-testid=\"message-row\"][aria-selected=\"true\"]";
    let row = page.client.find(Locator::Css(css)).await.ok()?;
    row.attr("data-uidl").await.ok()?
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_is_a_listbox_driven_by_the_keyboard() {
    let now = SystemTime::now();
    let minutes = |m: u64| now - Duration::from_secs(60 * m);
    let room = Mailroom::start(vec![
        dated("first", minutes(1)),
        dated("second", minutes(2)),
        dated("third", minutes(3)),
    ])
    .await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        room.sync(&page, 3).await;
        let list = page.find("message-list").await;
        assert_eq!(list.attr("role").await.unwrap().as_deref(), Some("listbox"));
        let moved_to = |want: &'static str| {
            let page = &page;
            async move {
                wait_until(
                    &format!("{want} selected"),
                    Duration::from_secs(10),
                    || async { (selected(page).await.as_deref() == Some(want)).then_some(()) },
                )
                .await
            }
        };
        press(&page, "j").await;
        moved_to("first").await;
        page.find("message-view").await;
        press(&page, "jj").await;
        moved_to("third").await;
        press(&page, "k").await;
        moved_to("second").await;
        // The selected row has the focus, announced as selected.
        let focused = page.client.active_element().await.expect("focus");
        assert_eq!(
            focused.attr("data-uidl").await.unwrap().as_deref(),
            Some("second")
        );

        // u marks it unread (opening it had marked it read).
        press(&page, "u").await;
        wait_until("second unread", Duration::from_secs(10), || async {
            let css = "[data-testid=\"message-row\"][data-uidl=\"second\"]";
            let row = page.client.find(Locator::Css(css)).await.ok()?;
            (row.attr("data-unread").await.ok()?? == "true").then_some(())
        })
        .await;

        press(&page, "?").await;
        let help = page
            .find("shortcuts-help")
            .await
            .text()
            .await
            .unwrap_or_default();
        assert!(help.contains("Next message"), "{help}");
        press(&page, "\u{E00C}").await; // Escape: the help and the message close
        wait_until("back to the list", Duration::from_secs(10), || async {
            let help = page
                .client
                .find(Locator::Css("[data-testid=\"shortcuts-help\"]"))
                .await;
            (help.is_err() && selected(&page).await.is_none()).then_some(())
        })
        .await;

        // / goes to the search box; what is typed there is text, not a shortcut.
        press(&page, "/").await;
        press(&page, "j").await;
        let search = page.find("search-input").await;
        assert_eq!(search.prop("value").await.unwrap().as_deref(), Some("j"));
        assert_eq!(
            selected(&page).await,
            None,
            "typing j in the search moves nothing"
        );
        press(&page, "\u{E003}").await; // Backspace: the whole list again
        page.wait_count(3).await;

        // Delete moves the selected message to Trash at once, and the next one opens,
        // focused, as in a mail client.
        page.open_message("first").await;
        moved_to("first").await;
        press(&page, "\u{E017}").await;
        page.wait_count(2).await;
        moved_to("second").await;
        assert!(page.all("delete-dialog").await.is_empty(), "no question");
        let focused = page.client.active_element().await.expect("focus");
        assert_eq!(
            focused.attr("data-uidl").await.unwrap().as_deref(),
            Some("second")
        );
        // s flags it; e archives it, and the last one opens.
        press(&page, "s").await;
        page.find_in_row("second", "message-flagged").await;
        press(&page, "e").await;
        page.wait_count(1).await;
        moved_to("third").await;
        let count_of = |folder: &'static str, id: &'static str| {
            let page = &page;
            async move {
                let scope = format!("[data-testid=\"folder-row\"][data-folder=\"{folder}\"]");
                page.find_in(&scope, id)
                    .await
                    .text()
                    .await
                    .unwrap_or_default()
            }
        };
        assert_eq!(count_of("trash", "folder-count").await, "1");
        page.open_folder("archive").await;
        page.wait_count(1).await;
        let flagged = page.find_in_row("second", "message-flagged").await;
        assert!(flagged.attr("aria-label").await.unwrap().is_some());
        page.open_folder("inbox").await;
        page.wait_count(1).await;

        // Shift+Delete asks before deleting for good.
        page.open_message("third").await;
        press(&page, "\u{E008}\u{E017}\u{E000}").await;
        page.find("delete-dialog").await;
    };
    browser.check(Duration::from_secs(90), steps).await;
}
