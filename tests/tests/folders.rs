//! Folders (issue 11): a store written before folders opens with its mail in the Inbox, its
//! counts right and its senders sorted; messages move by drag and drop; Trash empties for good; a search looks
//! in the folder shown and needs every word.

use std::time::Duration;

use cartero_tests::browser::{Browser, CarteroPage};
use cartero_tests::dovecot::Mail;
use cartero_tests::relay::Relay;
use cartero_tests::wait::wait_until;
use serde_json::json;

use crate::html_mail::Mailroom;

/// Writes the database as schema 3 (the last before folders) wrote it: its stores, a kept
/// account (removed, its mail kept, so nothing syncs) and `arguments[0]` messages with no
/// folder, every other one unread. Run on a page of the app's origin that is not the app.
const SCHEMA_3: &str = r#"
const [n, done] = [arguments[0], arguments[arguments.length - 1]];
const open = indexedDB.open('cartero', 3);
open.onupgradeneeded = () => {
  const db = open.result;
  db.createObjectStore('accounts', { keyPath: 'id' });
  db.createObjectStore('messages', { keyPath: 'id' }).createIndex('by_account', 'account');
  db.createObjectStore('raw', { keyPath: 'id' });
  db.createObjectStore('uidl_state', { keyPath: 'key' }).createIndex('by_account', 'account');
  db.createObjectStore('sync_meta', { keyPath: 'account' });
  db.createObjectStore('settings', { keyPath: 'key' });
};
open.onerror = () => done('open: ' + open.error);
open.onsuccess = () => {
  const db = open.result;
  const tx = db.transaction(['accounts', 'messages', 'raw'], 'readwrite');
  tx.objectStore('accounts').put({
    id: 'acct-old', email: 'old@example.org', host: '127.0.0.1', port: 9, security: 'tls',
    username: 'old', password: null, demo: false, removed_ms: 1700000000000,
  });
  for (let i = 0; i < n; i++) {
    const id = 'acct-old/old-' + i;
    tx.objectStore('messages').put({
      id, account: 'acct-old', uidl: 'old-' + i, from: ['Zoe', 'ana', 'Ángel'][i % 3],
      from_address: 'ana@example.org',
      subject: 'Antiguo ' + i, date_ms: 1700000000000 + i * 1000, size: 40, attachments: 0,
      partial: false, unread: i % 2 === 0,
    });
    // old-1 and old-2 answer old-0: one conversation.
    const refs = ['', 'References: <old-0@x>\r\n', 'In-Reply-To: <old-0@x>\r\n'][i] || '';
    const raw = 'From: Ana <ana@example.org>\r\nSubject: Antiguo ' + i + '\r\nMessage-ID: <old-' + i
      + '@x>\r\n' + refs + '\r\nHola ' + i + '\r\n';
    tx.objectStore('raw').put({ id, bytes: new TextEncoder().encode(raw) });
  }
  tx.oncomplete = () => { db.close(); done('ok'); };
  tx.onerror = () => done('write: ' + tx.error);
};
"#;

/// The count shown on folder `folder` (`folder-unread` or `folder-count`), if any.
async fn folder_shows(page: &CarteroPage<'_>, folder: &str, id: &str) -> Option<String> {
    let css =
        format!("[data-testid=\"folder-row\"][data-folder=\"{folder}\"] [data-testid=\"{id}\"]");
    let found = page
        .client
        .find(fantoccini::Locator::Css(&css))
        .await
        .ok()?;
    found.text().await.ok()
}

/// Waits until folder `folder` shows `want` as its count `id`.
async fn wait_folder(page: &CarteroPage<'_>, folder: &str, id: &str, want: Option<&str>) {
    wait_until(
        &format!("{folder} to show {id} {want:?}"),
        Duration::from_secs(20),
        || async { (folder_shows(page, folder, id).await.as_deref() == want).then_some(()) },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_stored_before_folders_opens_in_the_inbox_with_its_counts() {
    let relay = Relay::serving_app(([127, 0, 0, 1], 9).into()).await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        // A page of the app's origin that does not open the store.
        page.client
            .goto(&format!("{}/sw.js", relay.url()))
            .await
            .expect("the origin");
        let written = page
            .client
            .execute_async(SCHEMA_3, vec![json!(7)])
            .await
            .expect("write schema 3");
        assert_eq!(written, json!("ok"));
        page.open(&relay.url()).await;
        page.wait_count(7).await;
        wait_folder(&page, "inbox", "folder-unread", Some("4")).await;
        let kept = page.find("kept-row").await.text().await.unwrap_or_default();
        assert!(kept.contains('7'), "the kept mail's count: {kept}");
        // The old mail reads, moves and counts like any other.
        page.open_message("old-6").await;
        let body = page
            .find("message-body")
            .await
            .text()
            .await
            .unwrap_or_default();
        assert!(body.contains("Hola 6"), "{body}");
        wait_folder(&page, "inbox", "folder-unread", Some("3")).await;
        page.click("message-archive").await;
        page.wait_count(6).await;
        page.open_folder("archive").await;
        page.wait_count(1).await;
        assert_eq!(page.texts("message-subject").await, ["Antiguo 6"]);
        // The mail from before is indexed too: a word of its body finds it.
        page.wait_search_index().await;
        page.search("hola").await;
        page.wait_count(1).await;
        page.search("").await;
        page.wait_count(1).await;
        // The upgrade ran once: a reload finds the same.
        browser.client.refresh().await.expect("reload");
        page.wait_ready().await;
        page.wait_count(6).await;
        wait_folder(&page, "inbox", "folder-unread", Some("3")).await;
        // The old mail has its senders' sort keys: ana, Ángel, Zoe (each oldest first).
        let by_sender = ["old-1", "old-4", "old-2", "old-5", "old-0", "old-3"];
        crate::sort::sorted(&page, "sender-az", &by_sender).await;
        // It has its conversations: old-0, old-1 and old-2 are one, by its newest.
        let by_conversation = ["old-5", "old-4", "old-3", "old-2"];
        crate::sort::sorted(&page, "conversations", &by_conversation).await;
        page.wait_count(4).await;
        let size = page.find_in_row("old-2", "thread-count").await;
        assert_eq!(size.text().await.unwrap_or_default(), "3");
        // Its unread marks are in the index of unread mail: old-0, old-2 and old-4.
        page.search("is:unread").await;
        page.wait_count(3).await;
        assert_eq!(page.uidls_in_place().await, ["old-4", "old-2", "old-0"]);
    };
    browser.check(Duration::from_secs(90), steps).await;
}

/// Drags the row of message `uidl` onto folder `folder`, as the browser's drag and drop
/// would (one `DataTransfer` from the drag's start to its drop).
const DRAG: &str = r#"
const [uidl, folder, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
const row = document.querySelector(`[data-testid="message-row"][data-uidl="${uidl}"]`);
const target = document.querySelector(`[data-testid="folder-row"][data-folder="${folder}"]`);
const data = new DataTransfer();
const fire = (el, type) => el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
fire(row, 'dragstart');
const accepted = !fire(target, 'dragover');
fire(target, 'drop');
fire(row, 'dragend');
done(accepted);
"#;

/// A short message.
fn note(uidl: &str, subject: &str) -> Mail {
    Mail::new(
        uidl,
        format!(
            "From: Lucía <lucia@example.org>\nTo: ana@x.example\nSubject: {subject}\n\
             Message-ID: <{uidl}@example.org>\n\nHola.\n"
        ),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_move_by_drag_and_drop_and_trash_empties_for_good() {
    let room = Mailroom::start(vec![
        note("a", "Camión de mudanza"),
        note("b", "Factura de la luz"),
        note("c", "Factura del agua"),
    ])
    .await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        room.sync(&page, 3).await;
        page.wait_sync_settled().await;
        wait_folder(&page, "inbox", "folder-unread", Some("3")).await;

        let accepted = page
            .client
            .execute_async(DRAG, vec![json!("b"), json!("archive")])
            .await
            .expect("drag");
        assert_eq!(accepted, json!(true), "the folder takes a message");
        page.wait_count(2).await;
        wait_folder(&page, "inbox", "folder-unread", Some("2")).await;
        wait_folder(&page, "archive", "folder-unread", Some("1")).await;

        // A search looks in the folder shown, and needs every word.
        page.search("factura").await;
        page.wait_count(1).await;
        assert_eq!(page.texts("message-subject").await, ["Factura del agua"]);
        page.search("factura luz").await;
        page.wait_count(0).await;
        page.open_folder("archive").await;
        page.wait_count(1).await;
        let list = page.find("message-list").await;
        wait_until("the archive's search", Duration::from_secs(10), || async {
            (list.attr("aria-busy").await.ok()?? == "false").then_some(())
        })
        .await;
        assert_eq!(page.texts("message-subject").await, ["Factura de la luz"]);
        page.search("").await;
        page.wait_count(1).await;

        // Into Trash, then emptied: gone for good, and the server keeps its copy.
        let accepted = page
            .client
            .execute_async(DRAG, vec![json!("b"), json!("trash")])
            .await
            .expect("drag");
        assert_eq!(accepted, json!(true));
        page.open_folder("trash").await;
        page.wait_count(1).await;
        wait_folder(&page, "trash", "folder-count", Some("1")).await;
        page.click("empty-trash").await;
        let question = page.find("delete-dialog").await.text().await.unwrap();
        assert!(
            question.contains("Delete the messages in Trash for good?"),
            "{question}"
        );
        page.click("delete-confirm").await;
        page.wait_count(0).await;
        wait_folder(&page, "trash", "folder-count", None).await;
        page.open_folder("inbox").await;
        page.wait_count(2).await;
        page.click("sync-button").await;
        let (status, failed) = page.wait_sync_settled().await;
        assert!(!failed && status.contains("Up to date"), "{status}");
        page.wait_count(2).await;
        assert_eq!(room.dovecot.mailbox("ana").len(), 3, "left on the server");
    };
    browser.check(Duration::from_secs(90), steps).await;
}

/// A message from `from`, with extra header lines `extra`.
pub(crate) fn from(uidl: &str, from: &str, subject: &str, extra: &str) -> Mail {
    Mail::new(
        uidl,
        format!(
            "From: {from}\nTo: ana@x.example\nSubject: {subject}\n{extra}\
             Message-ID: <{uidl}@example.org>\n\nHola.\n"
        ),
    )
}

/// Records in `window.seen` every message row the list draws from now on.
const WATCH_ROWS: &str = r#"
window.seen = [];
const list = document.querySelector('[data-testid="message-list"]');
const note = () => list.querySelectorAll('[data-testid="message-row"]')
  .forEach((r) => window.seen.includes(r.dataset.uidl) || window.seen.push(r.dataset.uidl));
// A row element is reused for another message (the list's pool): its attributes change.
new MutationObserver(note).observe(list, {
  childList: true, subtree: true, attributes: true, attributeFilter: ['data-uidl', 'data-testid'],
});
note();
"#;

/// Fills the open rule editor's condition `i`: its field, test and value.
pub(crate) async fn condition(
    page: &CarteroPage<'_>,
    i: usize,
    field: &str,
    test: &str,
    value: &str,
) {
    let rows = page.all("rule-condition").await;
    let part = |id: &str| format!("[data-testid=\"{id}\"]");
    for (id, choice) in [("rule-field", field), ("rule-test", test)] {
        let select = rows[i]
            .find(fantoccini::Locator::Css(&part(id)))
            .await
            .expect(id);
        select.select_by_value(choice).await.expect(id);
    }
    let value_el = rows[i]
        .find(fantoccini::Locator::Css(&part("rule-value")))
        .await
        .expect("value");
    value_el.send_keys(value).await.expect("type the value");
}

/// Waits until the rules' status says `words`.
pub(crate) async fn rules_say(page: &CarteroPage<'_>, words: &str) {
    page.wait_text("rules-status", words).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_file_new_mail_as_it_arrives_and_run_on_mail_already_here() {
    let room = Mailroom::start(vec![
        from(
            "bank-1",
            "Banco Rural <avisos@banco.example>",
            "Extracto de octubre",
            "",
        ),
        from("friend-1", "Luis <luis@x.example>", "¿Cenamos?", ""),
    ])
    .await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        room.sync(&page, 2).await;
        page.wait_sync_settled().await;

        // A rule: from the bank, to Archive and read.
        page.click("settings-button").await;
        page.click("rule-add").await;
        page.fill("rule-name", "Banco").await;
        condition(&page, 0, "from", "contains", "banco.example").await;
        // Without an action, the rule cannot be saved, and says why.
        page.click("rule-save").await;
        let error = page
            .find("rule-error")
            .await
            .text()
            .await
            .unwrap_or_default();
        assert!(error.contains("Choose what the rule does"), "{error}");
        page.find("rule-move")
            .await
            .select_by_value("archive")
            .await
            .expect("move to");
        page.click("rule-read").await;
        page.click("rule-save").await;
        rules_say(&page, "Rules saved.").await;
        // Run on the mail already here: the bank's message leaves the Inbox, read.
        page.click("rule-run").await;
        rules_say(&page, "1 message filed or marked by the rules.").await;

        // A second rule, on a header: the village list's mail, flagged, to Trash.
        page.click("rule-add").await;
        page.fill("rule-name", "Boletín").await;
        page.find("rule-condition").await;
        let field = page.find("rule-field").await;
        field.select_by_value("header").await.expect("a header");
        page.fill("rule-header", "List-Id").await;
        page.find("rule-value")
            .await
            .send_keys("pueblo")
            .await
            .expect("value");
        page.click("rule-flag").await;
        page.click("rule-trash").await;
        page.click("rule-save").await;
        rules_say(&page, "Rules saved.").await;
        let names = page.texts("rule-row").await;
        assert_eq!(names.len(), 2, "{names:?}");
        page.click("settings-close").await;

        page.wait_count(1).await;
        wait_folder(&page, "archive", "folder-unread", None).await;
        page.open_folder("archive").await;
        page.wait_count(1).await;
        assert_eq!(page.texts("message-subject").await, ["Extracto de octubre"]);
        page.open_folder("inbox").await;
        page.wait_count(1).await;

        // New mail: what the rules file never shows in the Inbox, not even for a moment.
        room.dovecot.deliver(
            "ana",
            &from(
                "bank-2",
                "Banco Rural <avisos@banco.example>",
                "Extracto de noviembre",
                "",
            ),
        );
        room.dovecot.deliver(
            "ana",
            &from(
                "list-1",
                "Ayuntamiento <info@pueblo.example>",
                "Fiestas",
                "List-Id: Boletín <boletin.pueblo.example>\n",
            ),
        );
        room.dovecot.deliver(
            "ana",
            &from("friend-2", "Luis <luis@x.example>", "Mañana", ""),
        );
        page.client
            .execute(WATCH_ROWS, vec![])
            .await
            .expect("watch the rows");
        page.click("sync-button").await;
        let (status, failed) = page.wait_sync_settled().await;
        assert!(!failed, "{status}");
        page.wait_count(2).await;
        let seen = page
            .client
            .execute("return window.seen", vec![])
            .await
            .expect("seen");
        let seen: Vec<String> = serde_json::from_value(seen).unwrap_or_default();
        assert!(seen.contains(&"friend-2".to_owned()), "{seen:?}");
        assert!(
            !seen.iter().any(|u| u == "bank-2" || u == "list-1"),
            "filed mail showed in the Inbox: {seen:?}"
        );
        page.open_folder("archive").await;
        page.wait_count(2).await;
        let unread = page.all("message-row").await;
        for row in unread {
            assert_eq!(
                row.attr("data-unread").await.unwrap().as_deref(),
                Some("false")
            );
        }
        page.open_folder("trash").await;
        page.wait_count(1).await;
        page.find_in_row("list-1", "message-flagged").await;
    };
    browser.check(Duration::from_secs(120), steps).await;
}

/// Whether a folder row with `data-folder` = `name` is in the list.
async fn has_folder(page: &CarteroPage<'_>, name: &str) -> bool {
    let css = format!("[data-testid=\"folder-row\"][data-folder=\"{name}\"]");
    page.client
        .find(fantoccini::Locator::Css(&css))
        .await
        .is_ok()
}

/// Waits until the folder `name` is listed (`true`) or gone (`false`).
pub(crate) async fn wait_has_folder(page: &CarteroPage<'_>, name: &str, listed: bool) {
    wait_until(
        &format!("folder {name} listed: {listed}"),
        Duration::from_secs(10),
        || async { (has_folder(page, name).await == listed).then_some(()) },
    )
    .await;
}

/// The id of the person's folder `name`.
async fn folder_id(page: &CarteroPage<'_>, name: &str) -> String {
    let row = page
        .find_css(&format!(
            "[data-testid=\"folder-row\"][data-folder=\"{name}\"]"
        ))
        .await;
    row.attr("data-folder-id")
        .await
        .ok()
        .flatten()
        .expect("a folder of one's own has an id")
}

/// Waits until the person's folders are listed in the order `names` (a folder inside
/// another right after it).
async fn wait_own_folders(page: &CarteroPage<'_>, names: &[&str]) {
    wait_until(
        &format!("the folders listed as {names:?}"),
        Duration::from_secs(10),
        || async {
            let mut listed = Vec::new();
            for row in page.all("folder-row").await {
                let id = row.attr("data-folder-id").await.ok()??;
                if id.starts_with("u-") {
                    listed.push(row.attr("data-folder").await.ok()??);
                }
            }
            (listed == names).then_some(())
        },
    )
    .await;
}

/// Writes `name` in the open folder form (over what is there) and saves it.
pub(crate) async fn name_folder(page: &CarteroPage<'_>, name: &str) {
    page.find("folder-name")
        .await
        .send_keys(&format!("\u{E009}a\u{E000}\u{E003}{name}"))
        .await
        .expect("type a folder name");
    page.click("folder-save").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folders_of_ones_own_are_made_nested_renamed_and_deleted() {
    let room = Mailroom::start(vec![
        note("a", "Factura de la luz"),
        note("b", "Factura del agua"),
    ])
    .await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        room.sync(&page, 2).await;
        page.wait_sync_settled().await;

        // A folder, then a second inside it; a name taken beside it is refused.
        page.click("folder-new").await;
        name_folder(&page, "Facturas").await;
        wait_has_folder(&page, "Facturas", true).await;
        page.click("folder-new").await;
        name_folder(&page, " facturas").await;
        page.wait_text(
            "folder-error",
            "There is already a folder with that name there.",
        )
        .await;
        page.find("folder-parent")
            .await
            .select_by_label("Facturas")
            .await
            .expect("inside Facturas");
        name_folder(&page, "2026").await;
        wait_has_folder(&page, "2026", true).await;

        // A message filed in it, by the move menu that lists it.
        page.open_message("a").await;
        page.find("message-move")
            .await
            .select_by_label("— 2026")
            .await
            .expect("move to 2026");
        page.wait_count(1).await;
        page.open_folder("2026").await;
        page.wait_count(1).await;
        assert_eq!(page.texts("message-subject").await, ["Factura de la luz"]);

        // Kept across a reload; a rename keeps its mail and the folder inside it.
        browser.client.refresh().await.expect("reload");
        page.wait_ready().await;
        wait_has_folder(&page, "2026", true).await;
        page.open_folder("Facturas").await;
        page.click("folder-rename").await;
        name_folder(&page, "Recibos").await;
        wait_has_folder(&page, "Recibos", true).await;
        assert!(!has_folder(&page, "Facturas").await);
        page.open_folder("2026").await;
        page.wait_count(1).await;

        // A folder moves into another with its mail; one with folders inside cannot.
        page.click("folder-new").await;
        name_folder(&page, "Casa").await;
        wait_has_folder(&page, "Casa", true).await;
        page.open_folder("Recibos").await;
        page.click("folder-rename").await;
        page.select("folder-parent", &folder_id(&page, "Casa").await)
            .await;
        page.click("folder-save").await;
        page.wait_text("folder-error", "This folder has folders inside it")
            .await;
        page.click("folder-cancel").await;
        page.open_folder("2026").await;
        page.click("folder-rename").await;
        page.select("folder-parent", &folder_id(&page, "Casa").await)
            .await;
        page.click("folder-save").await;
        wait_own_folders(&page, &["Casa", "2026", "Recibos"]).await;
        page.wait_count(1).await;
        page.open_folder("2026").await;
        page.click("folder-rename").await;
        page.select("folder-parent", &folder_id(&page, "Recibos").await)
            .await;
        page.click("folder-save").await;
        wait_own_folders(&page, &["Casa", "Recibos", "2026"]).await;

        // Deleted after a question, with the folder inside it: their mail goes to Trash.
        page.open_folder("Recibos").await;
        page.click("folder-delete").await;
        page.wait_text("folder-delete-ask", "go to Trash").await;
        page.click("folder-delete-confirm").await;
        wait_has_folder(&page, "Recibos", false).await;
        wait_has_folder(&page, "2026", false).await;
        page.wait_count(1).await;
        wait_folder(&page, "trash", "folder-count", Some("1")).await;
        page.open_folder("trash").await;
        page.wait_count(1).await;
        assert_eq!(page.texts("message-subject").await, ["Factura de la luz"]);
    };
    browser.check(Duration::from_secs(120), steps).await;
}

/// Clicks the tick box of message `uidl`'s row.
async fn tick(page: &CarteroPage<'_>, uidl: &str) {
    page.find_in_row(uidl, "message-check")
        .await
        .click()
        .await
        .expect("tick");
}

/// Shift+clicks the tick box of message `uidl`'s row.
const SHIFT_TICK: &str = r#"
const box = document.querySelector(`[data-testid="message-row"][data-uidl="${arguments[0]}"] [data-testid="message-check"]`);
box.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, shiftKey: true }));
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_messages_are_ticked_then_marked_filed_and_deleted_at_once() {
    let room = Mailroom::start(vec![
        note("a", "Uno"),
        note("b", "Dos"),
        note("c", "Tres"),
        note("d", "Cuatro"),
    ])
    .await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        room.sync(&page, 4).await;
        page.wait_sync_settled().await;
        wait_folder(&page, "inbox", "folder-unread", Some("4")).await;

        // Two ticked: marked read, then archived, together.
        for uidl in ["b", "c"] {
            tick(&page, uidl).await;
        }
        page.wait_text("bulk-count", "2 messages selected").await;
        page.click("bulk-read").await;
        wait_folder(&page, "inbox", "folder-unread", Some("2")).await;
        page.find("bulk-move")
            .await
            .select_by_value("archive")
            .await
            .expect("archive them");
        page.wait_count(2).await;
        assert!(
            page.all("bulk-bar").await.is_empty(),
            "the ticks went with them"
        );
        page.open_folder("archive").await;
        page.wait_count(2).await;
        wait_folder(&page, "archive", "folder-unread", None).await;

        // A range by Shift+click, deleted: to Trash, at once.
        page.open_folder("inbox").await;
        page.wait_count(2).await;
        tick(&page, "a").await;
        page.client
            .execute(SHIFT_TICK, vec![json!("d")])
            .await
            .expect("shift+click");
        page.wait_text("bulk-count", "2 messages selected").await;
        page.click("bulk-delete").await;
        page.wait_count(0).await;
        wait_folder(&page, "trash", "folder-count", Some("2")).await;

        // In Trash, ticked with `x` on the open message: deleting asks first.
        page.open_folder("trash").await;
        page.wait_count(2).await;
        page.open_message("a").await;
        page.find("message-body").await;
        page.client
            .find(fantoccini::Locator::Css("body"))
            .await
            .expect("the page")
            .send_keys("x")
            .await
            .expect("x");
        page.wait_text("bulk-count", "1 message selected").await;
        page.click("bulk-delete").await;
        page.find("delete-dialog").await;
        page.click("delete-confirm").await;
        page.wait_count(1).await;
        wait_folder(&page, "trash", "folder-count", Some("1")).await;
    };
    browser.check(Duration::from_secs(120), steps).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_folder_is_ticked_at_once_not_only_its_loaded_rows() {
    const N: usize = 130;
    let mail = (0..N)
        .map(|i| note(&format!("m{i:03}"), &format!("Aviso {i}")))
        .collect();
    let room = Mailroom::start(mail).await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        room.sync(&page, N).await;
        page.wait_sync_settled().await;
        let drawn = page.all("message-row").await.len();
        assert!(drawn < N, "the list draws {drawn} of {N} rows");

        // One ticked, then all of the folder from the bar.
        tick(&page, "m129").await;
        page.wait_text("bulk-count", "1 message selected").await;
        let all = page.find("bulk-all").await.text().await.unwrap_or_default();
        assert!(all.contains(&N.to_string()), "{all}");
        page.click("bulk-all").await;
        page.wait_text("bulk-count", &format!("{N} messages selected"))
            .await;
        assert!(page.all("bulk-all").await.is_empty(), "all are ticked");
        page.click("bulk-read").await;
        wait_folder(&page, "inbox", "folder-unread", None).await;
        page.click("bulk-clear").await;

        // Ctrl+A in the list ticks them all too; they move to Archive at once.
        page.find_css("[data-testid=\"message-row\"][data-uidl=\"m120\"]")
            .await
            .send_keys("\u{E009}a\u{E000}")
            .await
            .expect("Ctrl+A");
        page.wait_text("bulk-count", &format!("{N} messages selected"))
            .await;
        page.select("bulk-move", "archive").await;
        page.wait_count(0).await;
        page.open_folder("archive").await;
        page.wait_count(N).await;
    };
    browser.check(Duration::from_secs(150), steps).await;
}
