//! Reading mail as it comes (issue 10): a corpus of messages in the charsets people
//! receive, synced from Dovecot into the app and opened. Subjects, senders and bodies show
//! in their own script, decoded by mail-parser or, for the charsets it is built without
//! (Japanese, Chinese, Korean), by the browser's `TextDecoder`.

use std::time::Duration;

use cartero_tests::browser::{Browser, CarteroPage};
use cartero_tests::dovecot::Mail;
use cartero_tests::wait::wait_until;
use fantoccini::Locator;
use serde_json::json;

use crate::html_mail::Mailroom;

/// Each corpus file with the subject, sender and a phrase of the body the reader sees.
const CORPUS: &[(&str, &str, &str, &str)] = &[
    (
        "iso-2022-jp",
        "会議の予定について",
        "山田太郎",
        "明日の会議は十時からです。",
    ),
    (
        "shift_jis",
        "東京駅のお知らせ",
        "鈴木花子",
        "東京駅で会いましょう。",
    ),
    ("euc-kr", "회의 안내", "Kim", "내일 회의가 있습니다."),
    ("gb18030", "会议通知", "Li", "明天下午三点开会。"),
    ("big5", "會議通知", "Chen", "明天下午三點開會。"),
    ("koi8-r", "Встреча", "Ivan", "Встречаемся завтра в десять."),
    (
        "windows-1252",
        "Año nuevo, ¿fiesta?",
        "Pilar",
        "El café cuesta 2 € en la plaza.",
    ),
    (
        "iso-8859-1",
        "Reunión del sábado",
        "Tomás",
        "Mañana en la plaza, niños incluidos.",
    ),
    ("utf-7", "Notas", "Ana", "El niño pagó 5 €."),
    (
        "utf-8-split",
        "¿Quedamos mañana?",
        "Luis",
        "Sí, a las diez.",
    ),
];

fn corpus() -> Vec<Mail> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/charsets");
    CORPUS
        .iter()
        .map(|(name, ..)| {
            let raw = std::fs::read(dir.join(format!("{name}.eml"))).expect("a corpus message");
            Mail::new(name, raw)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_charset_shows_in_its_own_script() {
    let room = Mailroom::start(corpus()).await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        room.sync(&page, CORPUS.len()).await;
        let mut wrong = Vec::new();
        for (name, subject, from, phrase) in CORPUS {
            let row = format!("[data-testid=\"message-row\"][data-uidl=\"{name}\"]");
            let row = page.client.find(Locator::Css(&row)).await.expect("its row");
            let shown_subject = row
                .find(Locator::Css("[data-testid=\"message-subject\"]"))
                .await
                .expect("a subject")
                .text()
                .await
                .unwrap_or_default();
            let shown_from = row
                .find(Locator::Css("[data-testid=\"message-from\"]"))
                .await
                .expect("a sender")
                .text()
                .await
                .unwrap_or_default();
            row.click().await.expect("open it");
            let body = cartero_tests::wait::wait_until(
                &format!("the body of {name}"),
                Duration::from_secs(20),
                || async {
                    let view = page.find("message-view").await;
                    let title = view
                        .find(Locator::Css("h2"))
                        .await
                        .ok()?
                        .text()
                        .await
                        .ok()?;
                    let body = page.find("message-body").await.text().await.ok()?;
                    (title == shown_subject || title.is_empty()).then_some(body)
                },
            )
            .await;
            let notes = page.all("message-note").await.len();
            if notes > 0 {
                wrong.push(format!("{name}: a well-formed message has {notes} notes"));
            }
            if shown_subject != *subject || shown_from != *from || !body.contains(phrase) {
                wrong.push(format!(
                    "{name}: subject {shown_subject:?} (want {subject:?}), from {shown_from:?} \
                     (want {from:?}), body {body:?} (want {phrase:?})"
                ));
            }
        }
        assert!(wrong.is_empty(), "shown wrong:\n{}", wrong.join("\n"));

        // Search ignores case in every script: Cyrillic, accented Latin, a sender's name.
        for (query, want) in [
            ("ВСТРЕЧА", "koi8-r"),
            ("REUNIÓN", "iso-8859-1"),
            ("tomás", "iso-8859-1"),
            ("會議", "big5"),
        ] {
            page.search(query).await;
            let uidls = cartero_tests::wait::wait_until(
                &format!("the search for {query}"),
                Duration::from_secs(10),
                || async {
                    let list = page.find("message-list").await;
                    let count = list.attr("data-count").await.ok()??;
                    let rows = page.all("message-row").await;
                    let mut uidls = Vec::new();
                    for row in rows {
                        uidls.push(row.attr("data-uidl").await.ok()??);
                    }
                    (count == "1" && uidls.len() == 1).then_some(uidls)
                },
            )
            .await;
            assert_eq!(uidls, [want], "{query}");
        }
    };
    browser.check(Duration::from_secs(120), steps).await;
}

/// A 1×1 PNG, base64.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

/// Flowed text (a long word wrapped in two with DelSp) and three attachments: an HTML
/// page, a picture and a PDF.
fn with_attachments() -> Mail {
    let raw = format!(
        "From: Pilar <pilar@example.es>\n\
To: ana@x.example\n\
Subject: Documentos de la reunión\n\
Date: Tue, 01 Dec 2026 12:00:00 +0100\n\
MIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=\"m\"\n\
\n\
--m\n\
Content-Type: text/plain; charset=UTF-8; format=flowed; delsp=yes\n\
\n\
La palabra anticonstitucional \n\
mente sigue entera. Esta frase es  \n\
larga y se une.\n\
--m\n\
Content-Type: text/html; name=\"nota.html\"\n\
Content-Disposition: attachment; filename=\"nota.html\"\n\
\n\
<script>parent.__xss = 1</script><p>not to be shown</p>\n\
--m\n\
Content-Type: image/png; name=\"foto.png\"\n\
Content-Disposition: attachment; filename=\"foto.png\"\n\
Content-Transfer-Encoding: base64\n\
\n\
{PNG}\n\
--m\n\
Content-Type: application/pdf; name=\"acta.pdf\"\n\
Content-Disposition: attachment; filename=\"acta.pdf\"\n\
Content-Transfer-Encoding: base64\n\
\n\
JVBERi0xLjQKJcfsj6IKCg==\n\
--m\n\
Content-Type: text/plain; charset=iso-8859-1\n\
Content-Disposition: attachment;\n \
filename*0*=iso-8859-1''Notas%20de%20la%20reuni%F3n;\n \
filename*1*=%20de%20oto%F1o.txt\n\
Content-Transfer-Encoding: quoted-printable\n\
\n\
Ma=F1ana a las diez.\n\
--m--\n"
    );
    Mail::new("docs", raw)
}

/// The download name and target of link `testid` number `index`, once its contents are
/// linked (the first click asks the worker for them).
async fn linked(page: &CarteroPage<'_>, testid: &str, index: usize) -> (String, String) {
    wait_until(
        &format!("{testid} {index} to link its contents"),
        Duration::from_secs(20),
        || async {
            let link = page.all(testid).await.into_iter().nth(index)?;
            let href = link.attr("href").await.ok()??;
            let name = link.attr("download").await.ok()?.unwrap_or_default();
            (href != "#").then_some((name, href))
        },
    )
    .await
}

/// The type and text of what `url` (a blob URL of the app) holds.
const BLOB_AT: &str = r#"
const [url, done] = [arguments[0], arguments[arguments.length - 1]];
fetch(url).then(r => r.blob()).then(async b => done([b.type, await b.text()])).catch(e => done(['error', String(e)]));
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_are_saved_as_files_and_the_source_is_one_click_away() {
    let room = Mailroom::start(vec![with_attachments()]).await;
    let browser = Browser::start().await;
    let page = browser.page();
    // The app's policy lets no script fetch a blob: URL (connect-src 'self'); the test reads
    // what the links hold through the DevTools protocol's bypass, which this test alone
    // needs (no message is shown as HTML here).
    browser
        .cdp("Page.setBypassCSP", json!({ "enabled": true }))
        .await;
    let steps = async {
        let body = room.open_the_one(&page).await;
        assert!(
            body.contains("anticonstitucionalmente sigue entera. Esta frase es larga y se une."),
            "format=flowed with DelSp: {body:?}"
        );
        let blob_at = |url: String| async move {
            page.client
                .execute_async(BLOB_AT, vec![json!(url)])
                .await
                .expect("read the blob")
        };
        // The picture came with the message, for its preview; nothing else was decoded yet.
        let preview = page.find("attachment-preview").await;
        let loaded = page
            .client
            .execute(
                "return arguments[0].complete && arguments[0].naturalWidth;",
                vec![serde_json::to_value(&preview).expect("the element")],
            )
            .await
            .expect("the preview");
        assert_eq!(loaded, json!(1), "the picture has a preview");
        assert_eq!(
            page.all("attachment-preview").await.len(),
            1,
            "only the picture"
        );
        let mut hrefs = Vec::new();
        for link in page.all("attachment").await {
            hrefs.push(link.attr("href").await.unwrap().unwrap_or_default());
        }
        assert_eq!(
            hrefs, ["#"; 4],
            "no attachment is decoded before it is asked for"
        );

        // Each one asked for is decoded by the worker and saved, as bytes, under its name.
        let downloads = tempfile::tempdir().expect("a download folder");
        browser
            .cdp(
                "Browser.setDownloadBehavior",
                json!({"behavior": "allow", "downloadPath": downloads.path()}),
            )
            .await;
        let mut saved = Vec::new();
        for index in 0..4 {
            page.all("attachment").await[index]
                .click()
                .await
                .expect("save it");
            let (name, href) = linked(&page, "attachment", index).await;
            let kind = blob_at(href).await[0].clone();
            let file = downloads.path().join(&name);
            let bytes = wait_until(
                &format!("{name} to be saved"),
                Duration::from_secs(20),
                || {
                    let file = file.clone();
                    async move { std::fs::read(file).ok().filter(|b| !b.is_empty()) }
                },
            )
            .await;
            saved.push((name, kind, bytes));
        }
        let octets = json!("application/octet-stream");
        let names: Vec<_> = saved.iter().map(|(n, k, _)| (n.as_str(), k)).collect();
        assert_eq!(
            names,
            [
                ("nota.html", &octets),
                ("foto.png", &octets),
                ("acta.pdf", &octets),
                ("Notas de la reunión de otoño.txt", &octets),
            ],
            "every attachment is saved as bytes, never opened as a page; an RFC 2231 \
             name in ISO-8859-1, split in two, keeps its letters"
        );
        assert!(saved[0].2.starts_with(b"<script>parent.__xss = 1</script>"));
        assert!(saved[1].2.starts_with(b"\x89PNG"), "the picture, decoded");
        assert!(saved[2].2.starts_with(b"%PDF-1.4"), "the PDF, decoded");
        assert!(
            saved[3].2.starts_with("Mañana".as_bytes()),
            "quoted-printable decoded, and text saved as UTF-8: {:?}",
            String::from_utf8_lossy(&saved[3].2)
        );

        page.click("attachment-open").await;
        let (_, pdf) = linked(&page, "attachment-open", 0).await;
        let open = page.find("attachment-open").await;
        assert_eq!(
            open.attr("target").await.unwrap().as_deref(),
            Some("_blank")
        );
        let pdf = blob_at(pdf).await;
        assert_eq!(
            pdf[0],
            json!("application/pdf"),
            "the PDF opens in its own viewer"
        );

        let eml = page.find("message-save-eml").await;
        assert_eq!(
            eml.attr("download").await.unwrap().as_deref(),
            Some("Documentos de la reunión.eml")
        );
        let saved = blob_at(eml.attr("href").await.unwrap().unwrap_or_default()).await;
        let stored = String::from_utf8(with_attachments().wire_bytes()).expect("text");
        assert_eq!(
            saved[1],
            json!(stored),
            "the .eml is the message as it came"
        );

        page.click("message-source").await;
        let source = page
            .find("message-source-text")
            .await
            .text()
            .await
            .unwrap_or_default();
        assert!(
            source.contains("Content-Type: multipart/mixed; boundary=\"m\""),
            "{source}"
        );
        assert!(
            source.contains("<script>parent.__xss = 1</script>"),
            "shown as text"
        );
        let ran = page
            .client
            .execute("return typeof window.__xss;", vec![])
            .await
            .expect("the app");
        assert_eq!(ran, json!("undefined"));
    };
    browser.check(Duration::from_secs(90), steps).await;
}

/// A message forwarding another, which has an attachment of its own.
const FORWARD: &str = include_str!("../data/forwarded.eml");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forwarded_message_shows_nested_with_its_headers_body_and_attachments() {
    let room = Mailroom::start(vec![Mail::new("fwd", FORWARD)]).await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        let body = room.open_the_one(&page).await;
        assert!(body.contains("Te reenvío el acta."), "{body}");
        let texts = [
            ("forwarded-subject", "Acta de la junta"),
            ("forwarded-from", "Lucía Fernández <lucia@example.org>"),
            ("forwarded-body", "El acta de la junta va adjunta."),
            ("forwarded-attachments", "acta.pdf"),
        ];
        for (id, want) in texts {
            let shown = page.find(id).await.text().await.unwrap_or_default();
            assert_eq!(shown.trim(), want, "{id}");
        }
        let names = page.all("attachment").await;
        assert_eq!(names.len(), 1);
        assert_eq!(
            names[0].attr("data-filename").await.unwrap().as_deref(),
            Some("Acta de la junta.eml"),
            "the forwarded message itself can be saved"
        );
    };
    browser.check(Duration::from_secs(60), steps).await;
}

/// Mail as it sometimes arrives: cut short before its closing boundary (its attachment
/// lost with it), and a part whose base64 is broken. What can be shown shows, with a note
/// in the reader's words on what could not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_message_shows_what_it_can_and_says_what_it_could_not() {
    let cut = Mail::new(
        "cut",
        "From: Pilar <pilar@example.es>\nSubject: Cortado\nMIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=\"c\"\n\n--c\n\
         Content-Type: text/plain; charset=utf-8\n\nLo que llegó se lee.\n--c\n\
         Content-Type: application/pdf; name=\"acta.pdf\"\n\
         Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n",
    );
    let broken = Mail::new(
        "broken",
        "From: Tomás <tomas@example.es>\nSubject: Roto\nMIME-Version: 1.0\n\
         Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n\
         ¡¡ esto no es base64 !!\n",
    );
    let room = Mailroom::start(vec![cut, broken]).await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        room.sync(&page, 2).await;
        for (uidl, phrase, note, words) in [
            (
                "cut",
                "Lo que llegó se lee.",
                "cut-short",
                "seems incomplete",
            ),
            (
                "broken",
                "esto no es base64",
                "undecodable",
                "could not be decoded",
            ),
        ] {
            page.open_message(uidl).await;
            let (body, shown, text) = wait_until(
                &format!("{uidl}: its body and its note"),
                Duration::from_secs(20),
                || async {
                    let body = page.find("message-body").await.text().await.ok()?;
                    let notes = page.all("message-note").await;
                    let [note] = notes.as_slice() else {
                        return None;
                    };
                    let kind = note.attr("data-note").await.ok()??;
                    let text = note.text().await.ok()?;
                    body.contains(phrase).then_some((body, kind, text))
                },
            )
            .await;
            assert_eq!(shown, note, "{uidl}: {body:?}");
            assert!(text.contains(words), "{uidl}: {text:?}");
        }
        page.click("lang-switch").await;
        let text = page
            .find("message-note")
            .await
            .text()
            .await
            .unwrap_or_default();
        assert!(
            text.contains("no se pudo descodificar"),
            "in Spanish: {text:?}"
        );
    };
    browser.check(Duration::from_secs(90), steps).await;
}
