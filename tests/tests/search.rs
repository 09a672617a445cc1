//! Search (issue 11) through the index the worker keeps: words of bodies and recipients
//! are found, accents and case do not matter, the word being typed matches as a start, the
//! matched words are marked in the rows, and filters (`from:`, `has:attachment`,
//! `is:unread`, dates, in English and Spanish) narrow the results.

use std::time::Duration;

use cartero_tests::browser::{Browser, CarteroPage};
use cartero_tests::dovecot::Mail;

use crate::html_mail::Mailroom;

/// A plain message.
fn plain(uidl: &str, from: &str, date: &str, subject: &str, body: &str) -> Mail {
    Mail::new(
        uidl,
        format!(
            "From: {from}\nTo: Tomás Ruiz <tomas@example.org>\nDate: {date}\nSubject: {subject}\n\
             Message-ID: <{uidl}@example.org>\nContent-Type: text/plain; charset=utf-8\n\
             Content-Transfer-Encoding: 8bit\n\n{body}\n"
        ),
    )
}

/// A message with a PDF attached.
fn with_pdf(uidl: &str, date: &str, subject: &str) -> Mail {
    Mail::new(
        uidl,
        format!(
            "From: Javier <javier@example.org>\nTo: ana@x.example\nDate: {date}\n\
             Subject: {subject}\nMessage-ID: <{uidl}@example.org>\nMIME-Version: 1.0\n\
             Content-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\n\
             Content-Type: text/plain; charset=utf-8\n\nAdjunto la factura de noviembre.\n\
             --b1\nContent-Type: application/pdf; name=\"factura.pdf\"\n\
             Content-Disposition: attachment; filename=\"factura.pdf\"\n\
             Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--b1--\n"
        ),
    )
}

/// Searches for `text` and checks the subjects of the rows, newest first.
async fn finds(page: &CarteroPage<'_>, text: &str, subjects: &[&str]) {
    page.search(text).await;
    page.wait_count(subjects.len()).await;
    assert_eq!(
        page.texts("message-subject").await,
        subjects,
        "search {text:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_bodies_without_accents_and_filters() {
    let room = Mailroom::start(vec![
        plain(
            "a",
            "Lucía Fernández <lucia@example.org>",
            "Fri, 20 Nov 2026 10:00:00 +0000",
            "Camión de mudanza",
            "El niño llega el martes con las cajas.",
        ),
        with_pdf("b", "Tue, 10 Nov 2026 09:00:00 +0000", "Factura de la luz"),
        plain(
            "c",
            "Lucía Fernández <lucia@example.org>",
            "Sun, 01 Jun 2025 12:00:00 +0000",
            "Fotos del verano",
            "Las fotos del CAMION, por fin.",
        ),
    ])
    .await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        room.sync(&page, 3).await;
        page.wait_sync_settled().await;
        page.wait_search_index().await;

        // A body's word, typed without its accent; a recipient's name.
        finds(&page, "nino ", &["Camión de mudanza"]).await;
        finds(&page, "tomas ", &["Camión de mudanza", "Fotos del verano"]).await;
        // Accents and case both ways, in a subject and in a body; newest first.
        finds(&page, "camion ", &["Camión de mudanza", "Fotos del verano"]).await;
        finds(&page, "CAMIÓN martes", &["Camión de mudanza"]).await;
        // The word being typed matches as the start of a word, and shows marked.
        finds(&page, "cam", &["Camión de mudanza", "Fotos del verano"]).await;
        assert_eq!(page.texts("search-mark").await, ["Cam"]);
        finds(&page, "camiones ", &[]).await;

        // Filters, in English and in Spanish.
        finds(&page, "from:lucia fotos", &["Fotos del verano"]).await;
        finds(&page, "de:javier", &["Factura de la luz"]).await;
        finds(&page, "has:attachment", &["Factura de la luz"]).await;
        finds(&page, "tiene:adjunto noviembre", &["Factura de la luz"]).await;
        finds(&page, "subject:factura", &["Factura de la luz"]).await;
        finds(&page, "asunto:nino", &[]).await;
        finds(&page, "before:2026-01-01", &["Fotos del verano"]).await;
        finds(&page, "desde:2026-11-15", &["Camión de mudanza"]).await;
        finds(
            &page,
            "hasta:2026-11-10 after:2026-01-01",
            &["Factura de la luz"],
        )
        .await;
        finds(
            &page,
            "is:unread",
            &["Camión de mudanza", "Factura de la luz", "Fotos del verano"],
        )
        .await;

        // Read, it leaves the unread ones.
        page.search("").await;
        page.wait_count(3).await;
        page.open_message("a").await;
        page.wait_text("message-body", "El niño llega").await;
        finds(
            &page,
            "es:noleido",
            &["Factura de la luz", "Fotos del verano"],
        )
        .await;
        finds(&page, "es:noleido lucia", &["Fotos del verano"]).await;

        // Flagged, alone and with unread; unflagged, it leaves them.
        finds(&page, "is:flagged", &[]).await;
        page.click("message-flag").await;
        finds(&page, "is:flagged", &["Camión de mudanza"]).await;
        let open = |uidl: &'static str, says: &'static str| {
            let page = &page;
            async move {
                page.search("").await;
                page.wait_count(3).await;
                page.open_message(uidl).await;
                page.wait_text("message-body", says).await;
            }
        };
        open("c", "Las fotos").await;
        page.click("message-flag").await;
        finds(
            &page,
            "es:destacado",
            &["Camión de mudanza", "Fotos del verano"],
        )
        .await;
        open("b", "Adjunto").await;
        page.click("message-unread").await;
        finds(&page, "is:flagged is:unread", &[]).await;
        open("c", "Las fotos").await;
        page.click("message-unread").await;
        finds(&page, "is:flagged is:unread", &["Fotos del verano"]).await;
        page.click("message-flag").await;
        finds(&page, "es:destacado", &["Camión de mudanza"]).await;
    };
    browser.check(Duration::from_secs(120), steps).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_sees_what_another_tab_changed() {
    let room = Mailroom::start(vec![
        plain(
            "a",
            "Lucía <lucia@example.org>",
            "Fri, 20 Nov 2026 10:00:00 +0000",
            "Camión de mudanza",
            "El martes.",
        ),
        plain(
            "b",
            "Javier <javier@example.org>",
            "Tue, 10 Nov 2026 09:00:00 +0000",
            "Factura de la luz",
            "Adjunta.",
        ),
    ])
    .await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        room.sync(&page, 2).await;
        page.wait_sync_settled().await;
        page.wait_search_index().await;
        // This tab's worker reads the Inbox's unread and keeps them.
        finds(
            &page,
            "is:unread",
            &["Camión de mudanza", "Factura de la luz"],
        )
        .await;
        finds(&page, "is:flagged", &[]).await;
        let (first_tab, _) = browser.open_tab().await;
        page.open(&room.relay.url()).await;
        page.wait_count(2).await;
        // Read and flagged in the other tab, by its own worker.
        page.open_message("a").await;
        page.wait_text("message-body", "El martes").await;
        page.click("message-flag").await;
        page.wait_text("message-flag", "Unflag").await;
        browser.client.close_window().await.expect("close it");
        browser.switch_to(first_tab).await;
        finds(&page, "", &["Camión de mudanza", "Factura de la luz"]).await;
        finds(&page, "is:unread", &["Factura de la luz"]).await;
        finds(&page, "is:flagged", &["Camión de mudanza"]).await;
    };
    browser.check(Duration::from_secs(120), steps).await;
}

/// Types `text` into the search box the way a script does, without giving it the focus,
/// and waits for the answer.
async fn type_unfocused(page: &CarteroPage<'_>, text: &str) {
    page.client
        .execute(
            r#"const input = document.querySelector('[data-testid="search-input"]');
            input.value = arguments[0];
            input.dispatchEvent(new Event('input', { bubbles: true }));"#,
            vec![serde_json::json!(text)],
        )
        .await
        .expect("type a search");
    page.wait_search_answer().await;
}

/// Forgets the counts the list said so far (see the watch set up below).
async fn clear_counts(page: &CarteroPage<'_>) {
    page.client
        .execute("window.__counts = [];", vec![])
        .await
        .expect("clear the counts");
}

/// Every count the list said since the watch began or was cleared, in order.
async fn counts_seen(page: &CarteroPage<'_>) -> Vec<usize> {
    let counts = page
        .client
        .execute("return window.__counts;", vec![])
        .await
        .expect("the counts");
    serde_json::from_value::<Vec<String>>(counts)
        .expect("counts")
        .iter()
        .filter_map(|c| c.parse().ok())
        .collect()
}

/// Newsletter `i` of `count`, a minute newer than newsletter `i - 1`.
fn newsletter(i: usize) -> Mail {
    let minute = i % 60;
    let hour = i / 60 % 24;
    let day = 1 + i / (60 * 24);
    plain(
        &format!("n{i:05}"),
        "Biblioteca del Pueblo <biblioteca@example.org>",
        &format!("{day:02} Oct 2026 {hour:02}:{minute:02}:00 +0000"),
        &format!("Boletín {i}"),
        "Novedades de la semana en la biblioteca.",
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_word_of_thousands_of_messages_shows_the_newest_first_then_all_of_them() {
    // More messages than a first answer looks through (2,000), all with the word.
    const COUNT: usize = 2_500;
    let room = Mailroom::start((0..COUNT).map(newsletter).collect()).await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        room.sync(&page, COUNT).await;
        page.wait_sync_settled().await;
        page.wait_search_index().await;
        // Every count the list says, in order; and Ctrl+A in the list as soon as it shows
        // only the newest results.
        page.client
            .execute(
                r#"const all = arguments[0];
                window.__counts = [];
                window.__ticked_at = null;
                const list = document.querySelector('[data-testid="message-list"]');
                new MutationObserver((changes) => changes.forEach((c) => {
                    const n = c.target.getAttribute('data-count');
                    window.__counts.push(n);
                    if (window.__ticked_at === null && +n >= 60 && +n < all) {
                        window.__ticked_at = n;
                        list.dispatchEvent(new KeyboardEvent('keydown',
                            { key: 'a', ctrlKey: true, bubbles: true }));
                    }
                })).observe(list, { attributes: true, attributeFilter: ['data-count'] });"#,
                vec![serde_json::json!(COUNT)],
            )
            .await
            .expect("watch the count");
        // Typed without the focus, which would have the worker read the Inbox's keys
        // ahead (and answer whole at once).
        type_unfocused(&page, "boletin").await;
        page.wait_count(COUNT).await;
        // Ticked while only the newest showed, every result is ticked once all are read.
        page.wait_text("bulk-count", "2500 messages selected").await;
        let ticked_at = page
            .client
            .execute("return window.__ticked_at;", vec![])
            .await
            .expect("when it was ticked");
        assert!(
            ticked_at.is_string(),
            "Ctrl+A was never pressed: {ticked_at}"
        );
        let counts = counts_seen(&page).await;
        // The newest results came first, then all of them.
        assert_eq!(counts.last(), Some(&COUNT), "counts {counts:?}");
        let before = &counts[..counts.len() - 1];
        assert!(
            before.iter().any(|&n| (60..COUNT).contains(&n)),
            "no first screen before the whole count: {counts:?}"
        );
        assert_eq!(
            page.uidls_in_place().await.first().map(String::as_str),
            Some("n02499"),
            "newest first"
        );
        // The oldest, beyond what the first answer looked through, is there, last.
        page.client
            .execute(
                "document.querySelector('.list-pane').scrollTop = 1e9; window.scrollTo(0, 1e9);",
                vec![],
            )
            .await
            .expect("scroll to the end");
        let oldest = page
            .find_css(r#"[data-testid="message-row"][data-uidl="n00000"]"#)
            .await;
        assert_eq!(
            oldest.attr("aria-posinset").await.ok().flatten().as_deref(),
            Some("2500")
        );

        // The worker now has the Inbox's keys: another such word is whole at once.
        page.click("bulk-clear").await;
        clear_counts(&page).await;
        type_unfocused(&page, "semana").await;
        page.wait_count(COUNT).await;
        let counts = counts_seen(&page).await;
        assert!(
            !counts.iter().any(|n| (60..COUNT).contains(n)),
            "a first screen before the whole count: {counts:?}"
        );
        // What it keeps goes with a change: the newest, archived, leaves the Inbox's
        // results; the next, flagged, is found by that (none was before).
        page.search("").await;
        page.open_message("n02499").await;
        page.click("message-archive").await;
        page.search("biblioteca").await;
        page.wait_count(COUNT - 1).await;
        assert_eq!(
            page.uidls_in_place().await.first().map(String::as_str),
            Some("n02498"),
            "the archived one is gone"
        );
        page.search("is:flagged").await;
        page.wait_count(0).await;
        page.search("").await;
        page.open_message("n02498").await;
        page.click("message-flag").await;
        page.search("is:flagged").await;
        page.wait_count(1).await;
    };
    browser.check(Duration::from_secs(240), steps).await;
}
