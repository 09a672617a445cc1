//! HTML mail in the real app (issue 10): messages synced from Dovecot, opened in headless
//! Chromium, their frames inspected from inside through WebDriver, and every remote load
//! counted by a loopback server.

use std::time::Duration;

use cartero_tests::browser::{AccountInput, Browser, CarteroPage};
use cartero_tests::devtools::DevTools;
use cartero_tests::dovecot::{Dovecot, Mail, User};
use cartero_tests::hits::Hits;
use cartero_tests::relay::Relay;
use cartero_tests::wait::wait_until;
use fantoccini::Locator;
use serde_json::{Value, json};

/// The vectors, `{HIT}` replaced by the counting server's URL.
fn vectors(hit: &str) -> Vec<String> {
    include_str!("../data/xss-vectors.txt")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.replace("{HIT}", hit))
        .collect()
}

/// An HTML message whose body is `html`, between two markers the test finds it by.
fn html_mail(uidl: &str, n: usize, html: &str) -> Mail {
    let raw = format!(
        "From: Boletín <news@shop.example>\n\
To: ana@x.example\n\
Subject: vector {n}\n\
Date: Tue, 01 Dec 2026 09:{:02}:{:02} +0000\n\
Message-ID: <v{n}@shop.example>\n\
MIME-Version: 1.0\n\
Content-Type: text/html; charset=UTF-8\n\
Content-Transfer-Encoding: 8bit\n\
\n\
<html><head></head><body><p>vector-{n}</p>{html}<p>end-{n}</p></body></html>\n",
        n / 60,
        n % 60
    );
    Mail::new(uidl, raw)
}

/// Ana, with `mail` (also the corpus tests' mailbox).
pub fn user(mail: Vec<Mail>) -> User {
    User {
        name: "ana".into(),
        password: "pw".into(),
        mail,
    }
}

/// Ana's mailbox on Dovecot, and a relay that serves the app and reaches it.
pub struct Mailroom {
    /// The server.
    pub dovecot: Dovecot,
    /// The relay.
    pub relay: Relay,
}

impl Mailroom {
    /// Ana's mailbox holding `mail`.
    pub async fn start(mail: Vec<Mail>) -> Mailroom {
        let dovecot = Dovecot::start(vec![user(mail)]).await;
        let relay = Relay::serving_app(dovecot.pop3).await;
        Mailroom { dovecot, relay }
    }

    /// Opens the app in `page`, adds Ana's account and waits for `count` messages.
    pub async fn sync(&self, page: &CarteroPage<'_>, count: usize) {
        page.open(&self.relay.url()).await;
        page.add_account(&AccountInput::plain(
            "ana",
            "ana@x.example",
            self.dovecot.pop3,
            "pw",
        ))
        .await;
        page.wait_count(count).await;
    }

    /// Syncs a mailbox of one message into `page`, opens it, and answers its body's text
    /// (as the page shows it: for an HTML message, nothing of the frame's).
    pub async fn open_the_one(&self, page: &CarteroPage<'_>) -> String {
        self.sync(page, 1).await;
        page.click("message-row").await;
        wait_until("the message's body", Duration::from_secs(20), || async {
            let text = page.find("message-body").await.text().await.ok()?;
            (!text.is_empty()).then_some(text)
        })
        .await
    }
}

/// Inside the message frame: `null` until the frame shows message `n`, then what is
/// wrong with it (elements, handlers, script URLs, loads of remote content) as a list.
const FRAME_FAULTS: &str = r#"
const [hit, n] = arguments;
const body = document.body;
if (document.readyState !== 'complete' || !body || !body.textContent.includes('vector-' + n)) return null;
const faults = [];
const first = document.head && document.head.firstElementChild;
if (!first || first.getAttribute('http-equiv') !== 'Content-Security-Policy'
    || !first.content.startsWith("default-src 'none'")) faults.push('the CSP is not first');
const banned = ['script','iframe','frame','frameset','object','embed','applet','link','form','input','button',
  'textarea','select','svg','math','template','noscript','audio','video','source','portal','meta','base',
  'picture','track','param','area','map','dialog','slot','canvas','title'];
const urlish = ['href','src','srcset','action','formaction','background','poster','data','xlink:href',
  'style','dynsrc','lowsrc','longdesc','cite','ping','usemap'];
for (const el of document.querySelectorAll('*')) {
  const name = el.localName;
  const ours = el.parentNode === document.head && ['meta','base','style'].includes(name);
  if (banned.includes(name) && !ours) faults.push('<' + name + '>');
  if (el.namespaceURI !== 'http://www.w3.org/1999/xhtml') faults.push('foreign <' + name + '>');
  for (const a of el.attributes) {
    const v = a.value.toLowerCase().replace(/[\s\u0000-\u001f]/g, '');
    if (a.name.startsWith('on')) faults.push('handler ' + a.name);
    if (!urlish.includes(a.name)) continue;
    if (/(javascript|vbscript):|^data:(text|application)/.test(v)) faults.push('script URL ' + a.name + '=' + a.value);
    const loads = !(name === 'a' && a.name === 'href');
    if (loads && (v.includes(hit) || /(^|[\s,(])(https?:)?\/\//.test(v))) faults.push('remote ' + a.name + '=' + a.value);
  }
}
for (const s of document.querySelectorAll('style')) {
  const t = s.textContent.toLowerCase();
  if (t.includes('@import') || t.includes(hit) || /url\(\s*['"]?(https?:)?\/\//.test(t)) faults.push('sheet ' + t.slice(0, 120));
}
return faults;
"#;

/// Runs `script` inside the message frame until it answers something other than `null`
/// (the frame has shown what the script waits for), and answers that.
async fn in_frame(page: &CarteroPage<'_>, what: &str, script: &str, args: Vec<Value>) -> Value {
    wait_until(what, Duration::from_secs(20), || async {
        let frame = page
            .client
            .find(Locator::Css("[data-testid=\"message-html-frame\"]"))
            .await
            .ok()?;
        frame.enter_frame().await.ok()?;
        let answer = page.client.execute(script, args.clone()).await;
        page.client
            .enter_parent_frame()
            .await
            .expect("back to the app");
        answer.ok().filter(|a| !a.is_null())
    })
    .await
}

/// Attribute `name` of the element with test id `id`, looked up afresh until it is read
/// (the open message may be drawn again as it settles).
async fn attribute(page: &CarteroPage<'_>, id: &str, name: &str) -> String {
    wait_until(
        &format!("{id}'s {name}"),
        Duration::from_secs(10),
        || async { page.find(id).await.attr(name).await.ok()? },
    )
    .await
}

/// Opens message `n` (its row) and answers what [`FRAME_FAULTS`] finds in its frame.
async fn open_and_inspect(page: &CarteroPage<'_>, uidl: &str, n: usize, hit: &str) -> Vec<String> {
    page.open_message(uidl).await;
    let faults = in_frame(
        page,
        &format!("vector {n} in its frame"),
        FRAME_FAULTS,
        vec![json!(hit), json!(n)],
    )
    .await;
    faults
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f.as_str().map(str::to_owned))
        .collect()
}

/// No script of a message ran in the app: no marker, no title but the app's own (its
/// name, after the unread count), no dialog.
async fn nothing_ran(page: &CarteroPage<'_>) {
    let marker = page
        .client
        .execute(
            "return [typeof window.__xss, /^(\\(\\d+\\) )?Cartero$/.test(document.title), document.title];",
            vec![],
        )
        .await
        .expect("the app's state");
    assert_eq!(
        marker[0],
        json!("undefined"),
        "a message's script reached the app"
    );
    assert_eq!(
        marker[1],
        json!(true),
        "a message changed the title: {}",
        marker[2]
    );
    assert!(
        page.client.get_alert_text().await.is_err(),
        "a dialog opened"
    );
}

/// Syncs every vector and opens each; answers the faults found, by vector.
async fn run_corpus(browser: &Browser, without_sanitizer_api: bool) {
    let hits = Hits::start().await;
    let vectors = vectors(&hits.url());
    assert!(
        vectors.len() >= 150,
        "the corpus has {} vectors",
        vectors.len()
    );
    let mail: Vec<Mail> = vectors
        .iter()
        .enumerate()
        .map(|(n, v)| html_mail(&format!("v{n:03}"), n, v))
        .collect();
    let room = Mailroom::start(mail).await;
    let page = browser.page();
    if without_sanitizer_api {
        browser
            .cdp(
                "Page.addScriptToEvaluateOnNewDocument",
                json!({ "source": "delete Document.parseHTML;" }),
            )
            .await;
    }
    room.sync(&page, vectors.len()).await;
    let api = page
        .client
        .execute("return typeof Document.parseHTML === 'function';", vec![])
        .await
        .expect("the browser's API");
    assert_eq!(api, json!(!without_sanitizer_api), "the path under test");
    // Every request the page and its frames send, as the browser's own network layer
    // reports it: the counting server sees only what reaches it, this sees every attempt.
    let mut devtools = DevTools::connect(browser.profile()).await;
    let session = devtools.attach("page", &room.relay.url()).await;
    devtools
        .call(Some(&session), "Network.enable", json!({}))
        .await;
    let requests = devtools.watch("Network.requestWillBeSent");
    let hit = hits.url();
    let mut failed = Vec::new();
    for (n, vector) in vectors.iter().enumerate() {
        let faults = open_and_inspect(&page, &format!("v{n:03}"), n, &hit).await;
        if !faults.is_empty() {
            failed.push(format!("{n}: {vector}\n    {faults:?}"));
        }
    }
    nothing_ran(&page).await;
    // The watch itself works: a load the app's page makes on purpose is seen.
    let probe = format!("{hit}/probe.gif");
    page.client
        .execute("new Image().src = arguments[0];", vec![json!(probe)])
        .await
        .expect("the probe");
    let seen =
        |requests: &[Value], url: &str| requests.iter().any(|r| r["request"]["url"] == json!(url));
    wait_until(
        "the probe in the network log",
        Duration::from_secs(10),
        || async { seen(&requests.seen(), &probe).then_some(()) },
    )
    .await;
    let app = room.relay.url();
    let left: Vec<String> = requests
        .stop()
        .iter()
        .filter(|r| r["request"]["url"] != json!(probe))
        .filter_map(|r| r["request"]["url"].as_str().map(str::to_owned))
        .filter(|url| {
            !(url.starts_with(&app)
                || url.starts_with("data:")
                || url.starts_with("blob:")
                || url.starts_with("about:"))
        })
        .collect();
    assert_eq!(
        left,
        Vec::<String>::new(),
        "requests that left the app while blocked"
    );
    assert!(
        failed.is_empty(),
        "{} vectors got through:\n{}",
        failed.len(),
        failed.join("\n")
    );
    let hit_paths: Vec<String> = hits
        .paths()
        .into_iter()
        .filter(|p| p != "/probe.gif")
        .collect();
    assert_eq!(
        hit_paths,
        Vec::<String>::new(),
        "remote loads while blocked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_xss_corpus_runs_nothing_and_loads_nothing_through_the_sanitizer_api() {
    let browser = Browser::start().await;
    browser
        .check(Duration::from_secs(400), run_corpus(&browser, false))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_xss_corpus_runs_nothing_and_loads_nothing_without_the_sanitizer_api() {
    let browser = Browser::start().await;
    browser
        .check(Duration::from_secs(400), run_corpus(&browser, true))
        .await;
}

/// A 1×1 PNG, base64.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

/// A newsletter as they come: HTML with an inline logo, remote images, a remote sheet,
/// a frame, a tracked link and a link whose text names another site.
fn newsletter(hit: &str) -> Mail {
    let raw = format!(
        "From: Tienda <news@shop.example>\n\
To: ana@x.example\n\
Subject: Ofertas de diciembre\n\
Date: Tue, 01 Dec 2026 09:00:00 +0000\n\
MIME-Version: 1.0\n\
Content-Type: multipart/related; boundary=\"r\"\n\
\n\
--r\n\
Content-Type: text/html; charset=UTF-8\n\
\n\
<html><head><style>@import url({hit}/import.css); p {{ background: url({hit}/sheet-bg.gif) }}</style>\n\
<link rel=stylesheet href=\"{hit}/link.css\"></head><body>\n\
<p>vector-0 A&ntilde;o nuevo</p><img src=\"cid:logo@shop.example\" alt=logo>\n\
<img src=\"{hit}/pixel.gif\"><div style=\"background:url({hit}/bg.gif)\">fondo</div>\n\
<iframe src=\"{hit}/frame\"></iframe>\n\
<a href=\"https://shop.example/item?id=7&amp;utm_source=news&amp;fbclid=x\">the item</a>\n\
<a href=\"http://evil.test/login\">www.mybank.example</a>\n\
</body></html>\n\
--r\n\
Content-Type: image/png\n\
Content-ID: <logo@shop.example>\n\
Content-Transfer-Encoding: base64\n\
\n\
{PNG}\n\
--r--\n"
    );
    Mail::new("news", raw)
}

/// Inside the frame: the inline image, the links and the warning, once the frame shows.
const FRAME_FACTS: &str = r#"
const img = document.querySelector('img[alt=logo]');
if (document.readyState !== 'complete' || !img || !img.complete) return null;
return {
  logo: [img.src.slice(0, 22), img.naturalWidth],
  links: Array.from(document.querySelectorAll('a')).map(a => [a.getAttribute('href'), a.target, a.rel, a.title]),
  warning: (document.querySelector('.cartero-goes-to') || {}).textContent || null,
  text: document.body.textContent,
};
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_images_wait_for_the_reader_and_then_only_images_load() {
    let hits = Hits::start().await;
    let room = Mailroom::start(vec![newsletter(&hits.url())]).await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        room.sync(&page, 1).await;
        page.click("message-row").await;
        let sandbox = attribute(&page, "message-html-frame", "sandbox").await;
        for banned in [
            "allow-scripts",
            "allow-same-origin",
            "allow-forms",
            "allow-top-navigation",
            "allow-modals",
        ] {
            assert!(!sandbox.contains(banned), "sandbox {sandbox:?}");
        }
        assert_eq!(
            attribute(&page, "blocked-count", "data-count").await,
            "4",
            "two images, a background in a style attribute, one in a sheet, an @import"
        );
        let facts = in_frame(&page, "the newsletter in its frame", FRAME_FACTS, vec![]).await;
        assert_eq!(
            facts["logo"],
            json!(["data:image/png;base64,", 1]),
            "the inline logo shows"
        );
        assert!(
            facts["text"]
                .as_str()
                .unwrap_or_default()
                .contains("Año nuevo"),
            "{facts}"
        );
        assert_eq!(
            facts["links"][0],
            json!([
                "https://shop.example/item?id=7",
                "_blank",
                "noopener noreferrer",
                "https://shop.example/item?id=7"
            ]),
            "tracking parameters go; the link opens apart and shows its target"
        );
        assert_eq!(
            facts["warning"],
            json!(" ⚠ this link goes to evil.test"),
            "a link whose text names another site is flagged"
        );
        assert_eq!(
            hits.paths(),
            Vec::<String>::new(),
            "nothing loaded before the reader chose"
        );
        assert!(
            page.all("attachment").await.is_empty(),
            "the logo shows in place: it is no attachment"
        );

        page.click("show-remote-content").await;
        let want = ["/bg.gif", "/pixel.gif", "/sheet-bg.gif"];
        let loaded = wait_until("the remote images", Duration::from_secs(20), || async {
            let mut paths = hits.paths();
            paths.sort();
            paths.dedup();
            want.iter()
                .all(|w| paths.iter().any(|p| p == w))
                .then_some(paths)
        })
        .await;
        assert_eq!(loaded, want, "only images load, never sheets or frames");

        page.click("message-plain-toggle").await;
        let text = page
            .find("message-body")
            .await
            .text()
            .await
            .unwrap_or_default();
        assert!(text.contains("the item"), "the plain-text view: {text}");
        let listed = wait_until("the logo listed", Duration::from_secs(10), || async {
            let links = page.all("attachment").await;
            let first = links.first()?;
            first.attr("data-filename").await.ok()?
        })
        .await;
        assert_eq!(
            listed, "attachment-1.png",
            "with the plain text, the logo is listed"
        );
        assert!(
            page.client
                .find(Locator::Css("[data-testid=\"message-html-frame\"]"))
                .await
                .is_err()
        );
    };
    browser.check(Duration::from_secs(90), steps).await;
}

/// A short HTML message from the newsletter's sender with one remote image at `path`.
fn from_the_shop(uidl: &str, hit: &str, path: &str) -> Mail {
    let raw = format!(
        "From: Tienda <news@shop.example>\n\
To: ana@x.example\n\
Subject: {uidl}\n\
Date: Tue, 01 Dec 2026 10:00:00 +0000\n\
MIME-Version: 1.0\n\
Content-Type: text/html; charset=UTF-8\n\
\n\
<p>{uidl}</p><img src=\"{hit}{path}\">\n"
    );
    Mail::new(uidl, raw)
}

/// A counting server, and Ana's mailbox holding two messages from the shop, `first` and
/// `second`, each with one remote image (`/first.gif`, `/second.gif`).
async fn the_shop() -> (Hits, Mailroom) {
    let hits = Hits::start().await;
    let hit = hits.url();
    let room = Mailroom::start(vec![
        from_the_shop("first", &hit, "/first.gif"),
        from_the_shop("second", &hit, "/second.gif"),
    ])
    .await;
    (hits, room)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_images_can_be_always_shown_for_one_sender_and_it_is_remembered() {
    let (hits, room) = the_shop().await;
    let browser = Browser::start().await;
    let page = browser.page();
    let open = |uidl: &'static str| {
        let page = &page;
        async move {
            page.open_message(uidl).await;
            in_frame(
                page,
                uidl,
                "return document.body && document.body.textContent.includes(arguments[0]) || null;",
                vec![json!(uidl)],
            )
            .await;
        }
    };
    let wait_hit = |path: &'static str| {
        let hits = &hits;
        async move {
            wait_until(path, Duration::from_secs(20), || async {
                hits.paths().iter().any(|p| p == path).then_some(())
            })
            .await
        }
    };
    let steps = async {
        room.sync(&page, 2).await;
        open("first").await;
        assert_eq!(hits.paths(), Vec::<String>::new(), "blocked at first");
        page.click("show-remote-always").await;
        wait_hit("/first.gif").await;
        // The same sender's other message shows its images at once, with no bar.
        open("second").await;
        wait_hit("/second.gif").await;
        assert_eq!(attribute(&page, "blocked-count", "data-count").await, "0");
        // Remembered: after a reload, still shown.
        page.client.refresh().await.expect("reload");
        page.wait_ready().await;
        let before = hits.paths().len();
        open("second").await;
        wait_until("the image again", Duration::from_secs(20), || async {
            (hits.paths().len() > before).then_some(())
        })
        .await;
        // The choice is undone where it shows, and that too is remembered.
        page.click("show-remote-stop").await;
        wait_until("the bar again", Duration::from_secs(10), || async {
            let count = attribute(&page, "blocked-count", "data-count").await;
            (count == "1").then_some(())
        })
        .await;
        page.client.refresh().await.expect("reload");
        page.wait_ready().await;
        open("first").await;
        let seen = hits.paths().len();
        assert_eq!(attribute(&page, "blocked-count", "data-count").await, "1");
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(hits.paths().len(), seen, "blocked again for this sender");
    };
    browser.check(Duration::from_secs(90), steps).await;
}

/// Whether the open message shows as plain text (its body a text block, no frame).
async fn shows_plain(page: &CarteroPage<'_>, uidl: &str) -> bool {
    wait_until(
        &format!("{uidl} to show"),
        Duration::from_secs(20),
        || async {
            let body = page.find("message-body").await;
            let text = body.text().await.ok()?;
            let frame = page
                .client
                .find(Locator::Css("[data-testid=\"message-html-frame\"]"))
                .await
                .is_ok();
            let title = page
                .find("message-view")
                .await
                .find(Locator::Css("h2"))
                .await
                .ok()?;
            let subject = title.text().await.ok()?;
            (subject == uidl && (frame || text.contains(uidl))).then_some(!frame)
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_text_is_the_default_for_a_sender_the_reader_chose() {
    let (hits, room) = the_shop().await;
    let browser = Browser::start().await;
    let page = browser.page();
    let steps = async {
        room.sync(&page, 2).await;
        page.open_message("first").await;
        assert!(!shows_plain(&page, "first").await, "HTML by default");
        page.click("plain-always").await;
        assert!(shows_plain(&page, "first").await, "plain at once");
        page.open_message("second").await;
        assert!(
            shows_plain(&page, "second").await,
            "the sender's other mail too"
        );
        page.client.refresh().await.expect("reload");
        page.wait_ready().await;
        page.open_message("first").await;
        assert!(shows_plain(&page, "first").await, "remembered");
        assert_eq!(
            attribute(&page, "plain-always", "aria-pressed").await,
            "true"
        );
        page.click("plain-always").await;
        assert!(!shows_plain(&page, "first").await, "formatted again");
        assert_eq!(
            hits.paths(),
            Vec::<String>::new(),
            "nothing loaded meanwhile"
        );
    };
    browser.check(Duration::from_secs(90), steps).await;
}
