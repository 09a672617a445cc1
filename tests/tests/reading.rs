//! Reading mail as it comes (issue 10): a corpus of messages in the charsets people
//! receive, synced from Dovecot into the app and opened. Subjects, senders and bodies show
//! in their own script, decoded by mail-parser or, for the charsets it is built without
//! (Japanese, Chinese, Korean), by the browser's `TextDecoder`.

use std::time::Duration;

use cartero_tests::browser::Browser;
use cartero_tests::dovecot::{Dovecot, Mail};
use cartero_tests::relay::Relay;
use fantoccini::Locator;

use crate::html_mail::{sync, user};

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
    let dovecot = Dovecot::start(vec![user(corpus())]).await;
    let relay = Relay::serving_app(dovecot.pop3).await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        sync(&page, &relay, &dovecot, CORPUS.len()).await;
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
            if shown_subject != *subject || shown_from != *from || !body.contains(phrase) {
                wrong.push(format!(
                    "{name}: subject {shown_subject:?} (want {subject:?}), from {shown_from:?} \
                     (want {from:?}), body {body:?} (want {phrase:?})"
                ));
            }
        }
        assert!(wrong.is_empty(), "shown wrong:\n{}", wrong.join("\n"));
    };
    browser.check(Duration::from_secs(120), steps).await;
}
