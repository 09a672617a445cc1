//! Headless Chromium through chromedriver, and a page object for Cartero that finds
//! elements by `data-testid` only.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::wd::WindowHandle;
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::wait::{accepts, wait_until};

/// How long a page element may take to appear.
pub const UI_WAIT: Duration = Duration::from_secs(30);

fn chromium() -> String {
    std::env::var("CARTERO_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

fn chromedriver() -> String {
    std::env::var("CARTERO_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into())
}

/// A chromedriver process and one browser session.
pub struct Browser {
    /// The WebDriver session.
    pub client: Client,
    driver: Child,
    profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver on a free port and opens a headless Chromium session.
    pub async fn start() -> Browser {
        Browser::start_with(&[]).await
    }

    /// The same, with extra Chromium flags (e.g. `--force-dark-mode`, `--window-size=…`).
    pub async fn start_with(extra: &[&str]) -> Browser {
        let port = crate::free_port();
        let driver = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is installed (cargo xtask setup installs chromium-driver)");
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        wait_until(
            "chromedriver to listen",
            Duration::from_secs(20),
            || async move { accepts(addr).await.then_some(()) },
        )
        .await;
        let profile = tempfile::Builder::new()
            .prefix("cartero-chromium-")
            .tempdir()
            .expect("a profile directory");
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--lang=en-US",
            "--window-size=1200,800",
        ]
        .iter()
        .chain(extra)
        .map(|s| s.to_string())
        .chain([format!("--user-data-dir={}", profile.path().display())])
        .collect::<Vec<_>>();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": chromium(), "args": args }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://{addr}"))
            .await
            .expect("a Chromium session");
        Browser {
            client,
            driver,
            profile,
        }
    }

    /// The Cartero page object for this session.
    pub fn page(&self) -> CarteroPage<'_> {
        CarteroPage {
            client: &self.client,
        }
    }

    /// Runs a test's browser steps within `limit`. On failure (a panic or the time limit)
    /// it prints the page so the failure explains itself, then fails the same way.
    pub async fn check(&self, limit: Duration, steps: impl Future<Output = ()>) {
        let outcome = tokio::time::timeout(limit, AssertUnwindSafe(steps).catch_unwind()).await;
        if !matches!(outcome, Ok(Ok(()))) {
            let page = self.client.source().await.unwrap_or_default();
            eprintln!("--- page ---\n{page}");
        }
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(_) => panic!("the browser steps did not finish in {limit:?}"),
        }
    }

    /// Opens a new tab and goes there; answers the tab it came from, and the new one.
    pub async fn open_tab(&self) -> (WindowHandle, WindowHandle) {
        let from = self.client.window().await.expect("this tab");
        let tab = self.client.new_window(true).await.expect("a new tab");
        self.switch_to(tab.handle.clone()).await;
        (from, tab.handle)
    }

    /// Goes to tab `tab`.
    pub async fn switch_to(&self, tab: WindowHandle) {
        self.client
            .switch_to_window(tab)
            .await
            .expect("go to the tab");
    }

    /// Sends a Chrome DevTools Protocol command to the page (chromedriver's passthrough).
    pub async fn cdp(&self, cmd: &'static str, params: serde_json::Value) -> serde_json::Value {
        self.client
            .issue_cmd(Cdp { cmd, params })
            .await
            .unwrap_or_else(|e| panic!("CDP {cmd}: {e}"))
    }

    /// The browser's profile directory.
    pub fn profile(&self) -> &std::path::Path {
        self.profile.path()
    }

    /// The pids of this browser's renderer processes (the page and its workers run in
    /// one of them).
    pub fn renderer_pids(&self) -> Vec<u32> {
        self.pids(|cmdline| cmdline.contains("--type=renderer"))
    }

    /// The pid of this browser's main process (which holds IndexedDB and the blob store).
    pub fn browser_pid(&self) -> Option<u32> {
        self.pids(|cmdline| !cmdline.contains("--type="))
            .into_iter()
            .min()
    }

    /// The pids of this browser's processes whose command line passes `role`.
    fn pids(&self, role: impl Fn(&str) -> bool) -> Vec<u32> {
        let profile = self.profile.path().display().to_string();
        let Ok(dir) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        dir.filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| {
                let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
                let cmdline = String::from_utf8_lossy(&cmdline);
                role(&cmdline) && cmdline.contains(&profile)
            })
            .collect()
    }

    /// Ends the session and chromedriver.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // Chromium outlives a killed chromedriver: end the one using our profile.
        let _ = Command::new("pkill")
            .arg("-f")
            .arg(self.profile.path())
            .status();
    }
}

/// A DevTools command through chromedriver.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Cartero's page, driven by its stable `data-testid` hooks.
pub struct CarteroPage<'a> {
    /// The session.
    pub client: &'a Client,
}

fn by_testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

impl CarteroPage<'_> {
    /// Waits for an element with this test id.
    pub async fn find(&self, id: &str) -> Element {
        self.find_css(&by_testid(id)).await
    }

    /// Waits for the element with test id `id` inside the first element `scope` (a CSS
    /// selector) matches, e.g. one account's row.
    pub async fn find_in(&self, scope: &str, id: &str) -> Element {
        self.find_css(&format!("{scope} {}", by_testid(id))).await
    }

    /// Waits for the first element `css` selects.
    pub async fn find_css(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(UI_WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} within {UI_WAIT:?}: {e}"))
    }

    /// Every element with this test id, now.
    pub async fn all(&self, id: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(&by_testid(id)))
            .await
            .unwrap_or_default()
    }

    /// Types into a field (replacing what is there).
    pub async fn fill(&self, id: &str, text: &str) {
        let field = self.find(id).await;
        field.clear().await.expect("clear a field");
        field.send_keys(text).await.expect("type into a field");
    }

    /// Clicks the first element `css` selects (for what has no test id, such as the
    /// reading pane's back button).
    pub async fn click_css(&self, css: &str) {
        self.find_css(css).await.click().await.expect("click");
    }

    /// Waits for the element with test id `id` in the list's row of message `uidl`.
    pub async fn find_in_row(&self, uidl: &str, id: &str) -> Element {
        self.find_in(
            &format!("[data-testid=\"message-row\"][data-uidl=\"{uidl}\"]"),
            id,
        )
        .await
    }

    /// Waits until the element with test id `id` says `words` (within 30 s).
    pub async fn wait_text(&self, id: &str, words: &str) {
        wait_until(
            &format!("{id} to say {words:?}"),
            Duration::from_secs(30),
            || async {
                let text = self.find(id).await.text().await.ok()?;
                text.contains(words).then_some(())
            },
        )
        .await
    }

    /// Types `text` into the search box (what was there goes) and waits until the search
    /// has answered: the list is no longer `aria-busy`.
    pub async fn search(&self, text: &str) {
        let field = self.find("search-input").await;
        // Select all and type over it: WebDriver's clear() fires no input event.
        field
            .send_keys(&format!("\u{E009}a\u{E000}\u{E003}{text}"))
            .await
            .expect("type a search");
        self.wait_search_answer().await;
    }

    /// Waits until the list is not busy with a search.
    pub async fn wait_search_answer(&self) {
        let list = self.find("message-list").await;
        wait_until("the search's answer", UI_WAIT, || {
            let list = list.clone();
            async move { (list.attr("aria-busy").await.ok()?? == "false").then_some(()) }
        })
        .await;
    }

    /// Shows folder `folder` (`inbox`, `archive`, `sent`, `drafts`, `trash`).
    pub async fn open_folder(&self, folder: &str) {
        self.click_css(&format!(
            "[data-testid=\"folder-row\"][data-folder=\"{folder}\"]"
        ))
        .await;
    }

    /// Scrolls `element` to the middle of the window (for a screenshot of it).
    pub async fn center_on(&self, element: &Element) {
        let element = serde_json::to_value(element).expect("the element as an argument");
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![element],
            )
            .await
            .expect("scroll");
    }

    /// Chooses a file `name` holding `text` in the file input `id`, as a person picking it
    /// would (the input's `change` fires).
    pub async fn choose_file(&self, id: &str, name: &str, text: &str) {
        let choose = r#"
const [selector, name, text] = arguments;
const input = document.querySelector(selector);
const files = new DataTransfer();
files.items.add(new File([text], name, { type: 'application/json' }));
input.files = files.files;
input.dispatchEvent(new Event('change', { bubbles: true }));
"#;
        self.client
            .execute(choose, vec![json!(by_testid(id)), json!(name), json!(text)])
            .await
            .unwrap_or_else(|e| panic!("choose a file in {id}: {e}"));
    }

    /// Clicks an element.
    pub async fn click(&self, id: &str) {
        self.find(id).await.click().await.expect("click");
    }

    /// Opens the app at `url` and waits until it has loaded its state.
    pub async fn open(&self, url: &str) {
        self.client.goto(url).await.expect("open the app");
        self.wait_ready().await;
    }

    /// Waits until the app has loaded its state.
    pub async fn wait_ready(&self) {
        self.find("app-ready").await;
    }

    /// Waits until the search index is whole (`search-input`'s `data-index` is `ready`):
    /// search then finds words in bodies, with filters.
    pub async fn wait_search_index(&self) {
        self.wait_search_index_within(UI_WAIT).await
    }

    /// [`Self::wait_search_index`], for up to `limit` (a big store's first indexing).
    pub async fn wait_search_index_within(&self, limit: Duration) {
        let field = self.find("search-input").await;
        wait_until("the search index", limit, || {
            let field = field.clone();
            async move { (field.attr("data-index").await.ok()?? == "ready").then_some(()) }
        })
        .await;
    }

    /// Opens the message whose row carries `data-uidl` = `uidl`.
    pub async fn open_message(&self, uidl: &str) {
        self.scroll_to_row(uidl)
            .await
            .click()
            .await
            .expect("open the message");
    }

    /// Scrolls the list, a screen at a time from its top, until the row of message `uidl`
    /// is drawn (the list draws only the rows near the screen), and answers it.
    pub async fn scroll_to_row(&self, uidl: &str) -> Element {
        let row = format!("{}[data-uidl=\"{uidl}\"]", by_testid("message-row"));
        if let Ok(found) = self.client.find(Locator::Css(&row)).await {
            return found;
        }
        // The pane scrolls on a wide screen, the page on a phone: both are moved.
        const STEP: &str = r#"
            const pane = document.querySelector('.list-pane');
            if (arguments[0]) { pane.scrollTop = 0; window.scrollTo(0, 0); }
            else { pane.scrollTop += pane.clientHeight * 0.8; window.scrollBy(0, innerHeight * 0.8); }
            return pane.scrollTop + pane.clientHeight >= pane.scrollHeight - 1
                && innerHeight + scrollY >= document.documentElement.scrollHeight - 1;
        "#;
        let mut first = true;
        for _ in 0..2000 {
            let at_end = self
                .client
                .execute(STEP, vec![json!(first)])
                .await
                .expect("scroll the list");
            first = false;
            for _ in 0..20 {
                if let Ok(found) = self.client.find(Locator::Css(&row)).await {
                    return found;
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            if at_end == json!(true) {
                break;
            }
        }
        self.find_css(&row).await
    }

    /// Fills and saves the add-account form.
    pub async fn add_account(&self, account: &AccountInput<'_>) {
        self.fill_account_form(account).await;
        self.click("account-save").await;
    }

    /// Chooses a value in a `<select>`.
    pub async fn select(&self, id: &str, value: &str) {
        self.find(id)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("choose {value} in {id}: {e}"));
    }

    /// Fills the add-account form without saving it.
    pub async fn fill_account_form(&self, account: &AccountInput<'_>) {
        self.fill("account-email", account.email).await;
        self.fill("account-host", account.host).await;
        self.find("account-security")
            .await
            .select_by_value(account.security)
            .await
            .expect("choose the security");
        self.fill("account-port", &account.port.to_string()).await;
        self.fill("account-username", account.username).await;
        self.fill("account-password", account.password).await;
    }

    /// Waits until the message list counts `n` messages.
    pub async fn wait_count(&self, n: usize) {
        self.wait_count_within(n, UI_WAIT).await;
    }

    /// Waits up to `limit` until the message list counts `n` messages.
    pub async fn wait_count_within(&self, n: usize, limit: Duration) {
        let list = self.find("message-list").await;
        let want = n.to_string();
        wait_until(&format!("message-list data-count={n}"), limit, || {
            let list = list.clone();
            let want = want.clone();
            async move { (list.attr("data-count").await.ok()?? == want).then_some(()) }
        })
        .await;
    }

    /// The UIDLs of the list's drawn rows, in their places (`aria-posinset`).
    pub async fn uidls_in_place(&self) -> Vec<String> {
        let mut rows = Vec::new();
        for row in self.all("message-row").await {
            let place = row.attr("aria-posinset").await.ok().flatten();
            let place: usize = place.and_then(|p| p.parse().ok()).unwrap_or(usize::MAX);
            let uidl = row
                .attr("data-uidl")
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
            rows.push((place, uidl));
        }
        rows.sort();
        rows.into_iter().map(|(_, uidl)| uidl).collect()
    }

    /// The text of every element with this test id.
    pub async fn texts(&self, id: &str) -> Vec<String> {
        let mut out = Vec::new();
        for element in self.all(id).await {
            out.push(element.text().await.unwrap_or_default());
        }
        out
    }

    /// Waits until the sync status is done (not running) and returns its text.
    pub async fn wait_sync_settled(&self) -> (String, bool) {
        let button = self.find("sync-button").await;
        wait_until("the sync to finish", UI_WAIT, || {
            let button = button.clone();
            async move { button.is_enabled().await.ok()?.then_some(()) }
        })
        .await;
        let status = self.find("sync-status").await;
        let text = status.text().await.unwrap_or_default();
        let class = status
            .attr("class")
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        (text, class.split_whitespace().any(|c| c == "error"))
    }

    /// Waits until the service worker is active (so the app shell is cached).
    pub async fn wait_service_worker(&self) {
        let script = "const done = arguments[arguments.length - 1];\
            navigator.serviceWorker.ready.then(() => done(true), (e) => done(String(e)));";
        let result = tokio::time::timeout(UI_WAIT, self.client.execute_async(script, vec![]))
            .await
            .expect("the service worker to become ready in time")
            .expect("a script result");
        assert_eq!(result, json!(true), "service worker: {result}");
    }
}

/// The add-account form's values.
pub struct AccountInput<'a> {
    /// Email.
    pub email: &'a str,
    /// Host.
    pub host: &'a str,
    /// Port.
    pub port: u16,
    /// `tls`, `starttls` or `none`.
    pub security: &'a str,
    /// User name.
    pub username: &'a str,
    /// Password.
    pub password: &'a str,
}

impl AccountInput<'_> {
    /// An account `email` for `user` (password `password`) on the loopback server
    /// `server`, over plain POP3.
    pub fn plain<'a>(
        user: &'a str,
        email: &'a str,
        server: std::net::SocketAddr,
        password: &'a str,
    ) -> AccountInput<'a> {
        AccountInput {
            email,
            host: "127.0.0.1",
            port: server.port(),
            security: "none",
            username: user,
            password,
        }
    }
}
