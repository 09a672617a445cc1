//! A long list read a chunk at a time (issue 11): scrolled down, jumped to its end,
//! scrolled up and jumped into its middle, every drawn row is the message of its place.
//! Chunks next to loaded ones are read from a loaded row's key, the end from the other
//! side of the index, the middle by stepping over the rows before it; messages of the
//! same date (to the second) make the rows next to a chunk's edge share its key.

use std::time::Duration;

use cartero_tests::browser::{Browser, CarteroPage};
use cartero_tests::dovecot::Mail;
use cartero_tests::wait::wait_until;
use serde_json::json;

use crate::html_mail::Mailroom;

/// Messages in the mailbox: more than the worker reads from the start (1,000).
const MESSAGES: usize = 1_250;
/// Messages that share each date.
const SAME_DATE: usize = 3;

/// The uidl of message `i`, sorted as the store's ids sort.
fn uidl(i: usize) -> String {
    format!("m{i:04}")
}

/// Message `i`: the higher `i`, the older; three at a time share a date.
fn message(i: usize) -> Mail {
    let minutes = (i / SAME_DATE) as u64;
    let when = std::time::UNIX_EPOCH + Duration::from_secs(1_780_000_000 - 60 * minutes);
    let uidl = uidl(i);
    Mail::new(
        &uidl,
        format!(
            "From: Lucía <lucia@example.org>\nTo: ana@x.example\nSubject: {uidl}\n\
             Date: {}\nMessage-ID: <{uidl}@example.org>\n\nHola.\n",
            httpdate::fmt_http_date(when)
        ),
    )
}

/// The uidls in the list's order: newest first, and of one date the higher id first (the
/// date index walked backwards).
fn expected() -> Vec<String> {
    let mut order: Vec<usize> = (0..MESSAGES).collect();
    order.sort_by_key(|i| (i / SAME_DATE, std::cmp::Reverse(*i)));
    order.into_iter().map(uidl).collect()
}

/// Scrolls the list (its pane on a wide window, the page on a narrow one) so that row
/// `row` is at the top.
const SCROLL_TO: &str = r#"
const pane = document.querySelector('.list-pane');
const list = document.querySelector('[data-testid="message-list"]');
const target = arguments[0] * 58;
pane.scrollTop = target;
window.scrollTo(0, list.getBoundingClientRect().top + scrollY + target - pane.scrollTop);
"#;

/// The drawn rows in the page's order, `[place, uidl]`, and how many row elements with no
/// row to show (spares) can be seen.
const DRAWN: &str = r#"
const rows = [...document.querySelectorAll('[data-testid="message-row"]')]
  .map((row) => [Number(row.getAttribute('aria-posinset')), row.dataset.uidl]);
const seen = [...document.querySelectorAll('[data-testid="spare-row"]')]
  .filter((row) => getComputedStyle(row).visibility !== 'hidden').length;
return [rows, seen];
"#;

/// The drawn rows in the page's order (see [`DRAWN`]), and the spares seen.
async fn drawn(page: &CarteroPage<'_>) -> (Vec<(usize, String)>, usize) {
    let drawn = page.client.execute(DRAWN, vec![]).await.expect("rows");
    serde_json::from_value(drawn).unwrap_or_default()
}

/// Scrolls to row `row` and waits until it is drawn with the rows around it, each the
/// message of its place, in list order on the page (a screen reader reads that order),
/// with no spare row element in sight.
async fn shows_in_place(page: &CarteroPage<'_>, order: &[String], row: usize) {
    page.client
        .execute(SCROLL_TO, vec![json!(row)])
        .await
        .expect("scroll the list");
    let mut last = (Vec::new(), Vec::new(), 0);
    let found = tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            let (drawn, spares_seen) = drawn(page).await;
            let wrong: Vec<_> = drawn
                .iter()
                .filter(|(place, uidl)| order.get(place.wrapping_sub(1)) != Some(uidl))
                .cloned()
                .collect();
            let places: Vec<usize> = drawn.iter().map(|(place, _)| *place).collect();
            let in_order = places.windows(2).all(|w| w[0] < w[1]);
            let has_row = places.contains(&(row + 1));
            if wrong.is_empty() && in_order && spares_seen == 0 && has_row && drawn.len() >= 10 {
                return;
            }
            last = (wrong, places, spares_seen);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    let (wrong, places, spares_seen) = last;
    assert!(
        found.is_ok(),
        "row {} and its neighbours drawn in place and in order; rows out of place: {:?}; \
         places in the page's order: {places:?}; spares seen: {spares_seen}",
        row + 1,
        wrong
            .iter()
            .map(|(place, uidl)| format!("{place}: {uidl}, not {:?}", order.get(place - 1)))
            .take(5)
            .collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_list_shows_every_row_in_its_place_however_it_is_scrolled() {
    let room = Mailroom::start((0..MESSAGES).map(message).collect()).await;
    let browser = Browser::start().await;
    let page = browser.page();
    let order = expected();
    let steps = async {
        room.sync(&page, 0).await;
        page.wait_count_within(MESSAGES, Duration::from_secs(120))
            .await;
        wait_until("the first row", Duration::from_secs(15), || async {
            (page.uidls_in_place().await.first() == order.first()).then_some(())
        })
        .await;
        // Down, 30 rows at a time: each new chunk beside a loaded one.
        for row in (0..700).step_by(30) {
            shows_in_place(&page, &order, row).await;
        }
        // The end, far from everything loaded: read from the other side of the index.
        shows_in_place(&page, &order, MESSAGES - 10).await;
        // Up from there: chunks read backwards from the first row of the one below.
        for row in (900..MESSAGES - 10).rev().step_by(30) {
            shows_in_place(&page, &order, row).await;
        }
        // The middle, nothing loaded near it: by its place.
        shows_in_place(&page, &order, 777).await;
        shows_in_place(&page, &order, 0).await;
        // A search of one message leaves the other row elements spare: none is seen.
        page.search(&uidl(7)).await;
        let (rows, _) = wait_until(
            "one row, no spare seen",
            Duration::from_secs(15),
            || async {
                let (rows, seen) = drawn(&page).await;
                (rows.len() == 1 && seen == 0).then_some((rows, seen))
            },
        )
        .await;
        assert_eq!(rows, vec![(1, uidl(7))], "the one result, first");
    };
    browser.check(Duration::from_secs(240), steps).await;
}
