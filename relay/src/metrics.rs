//! Counters for `/metrics`, in Prometheus' text format: sessions, bytes, refusals by
//! reason, upstream errors and TLS failures. Plain atomics and one small map; the relay
//! keeps no other state.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use cartero_shared::wire::ErrorCode;

/// Why a WebSocket was turned away before its session opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A foreign or missing `Origin`.
    Origin,
    /// Over the per-address session limit.
    PerIpLimit,
    /// Missing or wrong access token.
    Unauthorized,
    /// Too many failed sign-ins from the address.
    TooManyFailures,
    /// A pre-upgrade check's error code (allowlist, bad query, global limit).
    Code(ErrorCode),
}

impl Refusal {
    fn label(self) -> &'static str {
        match self {
            Refusal::Origin => "origin",
            Refusal::PerIpLimit => "per_ip_limit",
            Refusal::Unauthorized => "unauthorized",
            Refusal::TooManyFailures => "too_many_failures",
            Refusal::Code(code) => code.as_str(),
        }
    }
}

/// The relay's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    sessions_open: AtomicU64,
    sessions_total: AtomicU64,
    bytes_to_upstream: AtomicU64,
    bytes_to_browser: AtomicU64,
    tls_failures: AtomicU64,
    refusals: Mutex<BTreeMap<&'static str, u64>>,
    upstream_errors: Mutex<BTreeMap<&'static str, u64>>,
}

/// Decrements the open-session gauge when the session ends, however it ends.
#[derive(Debug)]
pub struct OpenSession<'a>(&'a Metrics);

impl Drop for OpenSession<'_> {
    fn drop(&mut self) {
        self.0.sessions_open.fetch_sub(1, Ordering::Relaxed);
    }
}

fn bump(map: &Mutex<BTreeMap<&'static str, u64>>, label: &'static str) {
    let mut map = map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    *map.entry(label).or_default() += 1;
}

impl Metrics {
    /// A session opened (its upgrade passed every check).
    pub fn session_started(&self) -> OpenSession<'_> {
        self.sessions_total.fetch_add(1, Ordering::Relaxed);
        self.sessions_open.fetch_add(1, Ordering::Relaxed);
        OpenSession(self)
    }

    /// A session carried these bytes.
    pub fn add_bytes(&self, to_upstream: u64, to_browser: u64) {
        self.bytes_to_upstream
            .fetch_add(to_upstream, Ordering::Relaxed);
        self.bytes_to_browser
            .fetch_add(to_browser, Ordering::Relaxed);
    }

    /// A WebSocket was refused before its session opened.
    pub fn refused(&self, why: Refusal) {
        bump(&self.refusals, why.label());
    }

    /// A session failed reaching its server (or its server's TLS).
    pub fn upstream_failed(&self, code: ErrorCode) {
        if code == ErrorCode::TlsFailed {
            self.tls_failures.fetch_add(1, Ordering::Relaxed);
        }
        bump(&self.upstream_errors, code.as_str());
    }

    /// Sessions open now.
    pub fn sessions_open(&self) -> u64 {
        self.sessions_open.load(Ordering::Relaxed)
    }

    /// The text exposition (Prometheus format 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        let single: [(&str, &str, &str, &AtomicU64); 5] = [
            (
                "cartero_sessions_open",
                "gauge",
                "Sessions open now.",
                &self.sessions_open,
            ),
            (
                "cartero_sessions_total",
                "counter",
                "Sessions opened.",
                &self.sessions_total,
            ),
            (
                "cartero_bytes_to_upstream_total",
                "counter",
                "Bytes relayed from browsers to POP3 servers (counted when a session ends).",
                &self.bytes_to_upstream,
            ),
            (
                "cartero_bytes_to_browser_total",
                "counter",
                "Bytes relayed from POP3 servers to browsers (counted when a session ends).",
                &self.bytes_to_browser,
            ),
            (
                "cartero_tls_failures_total",
                "counter",
                "Upstream TLS handshakes that failed.",
                &self.tls_failures,
            ),
        ];
        for (name, kind, help, value) in single {
            let value = value.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        }
        let labelled = [
            (
                "cartero_refusals_total",
                "WebSockets refused before a session opened, by reason.",
                &self.refusals,
            ),
            (
                "cartero_upstream_errors_total",
                "Sessions that could not reach their POP3 server, by error.",
                &self.upstream_errors,
            ),
        ];
        for (name, help, map) in labelled {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            let map = map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            for (label, value) in map.iter() {
                let _ = writeln!(out, "{name}{{reason=\"{label}\"}} {value}");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_render_in_the_text_format() {
        let metrics = Metrics::default();
        let open = metrics.session_started();
        metrics.add_bytes(10, 2000);
        metrics.refused(Refusal::Origin);
        metrics.refused(Refusal::Origin);
        metrics.refused(Refusal::Code(ErrorCode::NotAllowed));
        metrics.upstream_failed(ErrorCode::TlsFailed);
        let text = metrics.render();
        for line in [
            "cartero_sessions_open 1",
            "cartero_sessions_total 1",
            "cartero_bytes_to_upstream_total 10",
            "cartero_bytes_to_browser_total 2000",
            "cartero_tls_failures_total 1",
            "cartero_refusals_total{reason=\"origin\"} 2",
            "cartero_refusals_total{reason=\"not_allowed\"} 1",
            "cartero_upstream_errors_total{reason=\"tls_failed\"} 1",
            "# TYPE cartero_sessions_open gauge",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing in\n{text}");
        }
        drop(open);
        assert_eq!(metrics.sessions_open(), 0);
    }
}
