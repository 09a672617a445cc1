//! Fixtures for Cartero's tests: real Dovecot, the real relay, real headless Chromium.
//!
//! Every fixture binds to loopback on a port it picks, waits for a condition (never a
//! fixed sleep) under a deadline, and stops what it started when dropped.

pub mod bench;
pub mod browser;
pub mod certs;
pub mod courier;
pub mod cpu;
pub mod cpu_profile;
pub mod cut_proxy;
pub mod delay_proxy;
pub mod devtools;
pub mod dovecot;
pub mod forward;
pub mod hits;
pub mod mock_pop3;
pub mod relay;
pub mod wait;

/// Routes the relay's logs to the test output (shown when a test fails), and keeps every
/// relay log line at every level for [`captured_logs`].
pub fn init_logging() {
    init_logging_at("info,hyper=warn,tungstenite=warn");
}

/// Like [`init_logging`] with another default filter for the test output (`RUST_LOG`
/// still wins). The first call in a process decides.
pub fn init_logging_at(default_filter: &str) {
    use tracing_subscriber::Layer;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let shown = tracing_subscriber::fmt::layer()
        .with_test_writer()
        .with_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| default_filter.into()),
        );
    let kept = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(|| CaptureWriter)
        .with_filter(tracing_subscriber::filter::Targets::new().with_target(
            "cartero_relay",
            tracing_subscriber::filter::LevelFilter::TRACE,
        ));
    let _ = tracing_subscriber::registry()
        .with(shown)
        .with(kept)
        .try_init();
}

static CAPTURED: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());

/// Appends log output to [`CAPTURED`].
struct CaptureWriter;

impl std::io::Write for CaptureWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut captured = CAPTURED.lock().unwrap_or_else(|p| p.into_inner());
        captured.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything the relay logged in this process so far, at every level (every test's
/// relays: tests look for what is theirs).
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&CAPTURED.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
}

/// Waits (up to 5 s) until a captured relay log line contains every one of `parts`, and
/// returns it.
pub async fn wait_for_log_line(parts: &[&str]) -> String {
    let parts: Vec<String> = parts.iter().map(|p| (*p).to_owned()).collect();
    let what = format!("a log line with {parts:?}");
    wait::wait_until(&what, std::time::Duration::from_secs(5), || {
        let parts = parts.clone();
        async move {
            captured_logs()
                .lines()
                .find(|l| parts.iter().all(|p| l.contains(p.as_str())))
                .map(str::to_owned)
        }
    })
    .await
}

/// A free TCP port on 127.0.0.1 (bound, then released for the fixture to take).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("the loopback interface accepts a listener")
        .port()
}

pub mod samples;

/// The built app (Trunk's output): `cargo xtask test` builds it first.
pub fn app_dir() -> std::path::PathBuf {
    let dir = std::env::var_os("CARTERO_DIST")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../frontend/dist")
        });
    assert!(
        dir.join("index.html").exists(),
        "the app is not built at {}: run `cargo xtask test`, which builds it",
        dir.display()
    );
    dir
}
