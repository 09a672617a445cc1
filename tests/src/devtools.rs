//! A direct Chrome DevTools Protocol connection to the test browser, for what chromedriver's
//! passthrough cannot reach: targets other than the page, such as the sync worker.
//!
//! Chromium writes its DevTools port and path to `DevToolsActivePort` in the profile;
//! the connection attaches to a target in flat mode and sends commands in its session.

use std::path::Path;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::wait::wait_until;

/// A DevTools connection to the whole browser.
pub struct DevTools {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next_id: u64,
}

/// The JS heap and `ArrayBuffer` backing stores (wasm memory among them) of a target,
/// in bytes (`Runtime.getHeapUsage`).
#[derive(Debug, Clone, Copy, Default)]
pub struct HeapUsage {
    /// Used JS heap.
    pub js: u64,
    /// `ArrayBuffer` backing stores, wasm memory included.
    pub buffers: u64,
}

/// Events of one kind, kept as they come (see [`DevTools::watch`]).
pub struct EventLog {
    seen: std::sync::Arc<std::sync::Mutex<Vec<Value>>>,
    task: tokio::task::JoinHandle<()>,
}

impl EventLog {
    /// The events' parameters so far.
    pub fn seen(&self) -> Vec<Value> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Stops watching; answers every event seen.
    pub fn stop(self) -> Vec<Value> {
        self.task.abort();
        self.seen()
    }
}

impl HeapUsage {
    /// Both together.
    pub fn total(&self) -> u64 {
        self.js + self.buffers
    }
}

impl DevTools {
    /// Connects to the browser whose profile is `profile`.
    pub async fn connect(profile: &Path) -> DevTools {
        let file = profile.join("DevToolsActivePort");
        let text = wait_until("DevToolsActivePort", Duration::from_secs(10), || async {
            std::fs::read_to_string(&file).ok()
        })
        .await;
        let mut lines = text.lines();
        let port = lines.next().expect("a DevTools port");
        let path = lines.next().expect("a DevTools path");
        let url = format!("ws://127.0.0.1:{port}{path}");
        let (socket, _) = tokio_tungstenite::connect_async(url.as_str())
            .await
            .unwrap_or_else(|e| panic!("DevTools at {url}: {e}"));
        DevTools { socket, next_id: 0 }
    }

    /// Sends `method` (in `session`, when given) and waits for its result.
    pub async fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .expect("send to DevTools");
        loop {
            let reply = self
                .socket
                .next()
                .await
                .expect("DevTools open")
                .expect("a frame");
            let Message::Text(text) = reply else { continue };
            let value: Value = serde_json::from_str(&text).expect("DevTools JSON");
            if value["id"] == json!(id) {
                if let Some(error) = value.get("error") {
                    panic!("DevTools {method}: {error}");
                }
                return value["result"].clone();
            }
        }
    }

    /// Hands the connection to a task that keeps every event named `method` (from any
    /// session), until the log is dropped or [`EventLog::stop`]ped.
    pub fn watch(self, method: &'static str) -> EventLog {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = seen.clone();
        let mut socket = self.socket;
        let task = tokio::spawn(async move {
            while let Some(Ok(frame)) = socket.next().await {
                let Message::Text(text) = frame else { continue };
                let Ok(value) = serde_json::from_str::<Value>(&text) else {
                    continue;
                };
                if value["method"] == json!(method)
                    && let Ok(mut seen) = kept.lock()
                {
                    seen.push(value["params"].clone());
                }
            }
        });
        EventLog { seen, task }
    }

    /// Attaches to the first target of `kind` (`page`, `worker`, …) whose URL contains
    /// `url_part`; returns its session id.
    pub async fn attach(&mut self, kind: &str, url_part: &str) -> String {
        let targets = self.call(None, "Target.getTargets", json!({})).await;
        let target = targets["targetInfos"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| {
                t["type"] == json!(kind) && t["url"].as_str().is_some_and(|u| u.contains(url_part))
            })
            .unwrap_or_else(|| panic!("no {kind} target at {url_part}: {targets}"))
            .clone();
        let attached = self
            .call(
                None,
                "Target.attachToTarget",
                json!({ "targetId": target["targetId"], "flatten": true }),
            )
            .await;
        attached["sessionId"]
            .as_str()
            .expect("a session")
            .to_owned()
    }

    /// The size of every wasm memory of the target attached as `session`, together (found
    /// by `Runtime.queryObjects` on `WebAssembly.Memory.prototype`, so the app needs no
    /// hook of its own). Wasm memory only grows: its size now is its peak.
    pub async fn wasm_memory(&mut self, session: &str) -> u64 {
        let prototype = self
            .call(
                Some(session),
                "Runtime.evaluate",
                json!({ "expression": "WebAssembly.Memory.prototype" }),
            )
            .await;
        let memories = self
            .call(
                Some(session),
                "Runtime.queryObjects",
                json!({ "prototypeObjectId": prototype["result"]["objectId"] }),
            )
            .await;
        let sizes = self
            .call(
                Some(session),
                "Runtime.callFunctionOn",
                json!({
                    "objectId": memories["objects"]["objectId"],
                    "functionDeclaration": "function () { return this.reduce((n, m) => n + m.buffer.byteLength, 0); }",
                    "returnByValue": true,
                }),
            )
            .await;
        sizes["result"]["value"].as_f64().unwrap_or(0.0) as u64
    }

    /// The heap usage of the target attached as `session`.
    pub async fn heap_usage(&mut self, session: &str) -> HeapUsage {
        let usage = self
            .call(Some(session), "Runtime.getHeapUsage", json!({}))
            .await;
        let field = |name: &str| usage[name].as_f64().unwrap_or(0.0) as u64;
        HeapUsage {
            js: field("usedSize"),
            buffers: field("backingStorageSize"),
        }
    }

    /// Starts a browser-wide trace of `categories` (`Tracing.start`), for [`Self::end_trace`].
    pub async fn start_trace(&mut self, categories: &str) {
        self.call(
            None,
            "Tracing.start",
            json!({ "transferMode": "ReportEvents", "traceConfig": { "includedCategories": categories.split(',').collect::<Vec<_>>() } }),
        )
        .await;
    }

    /// Ends the trace begun by [`Self::start_trace`]; answers its events (the trace event
    /// format's objects), as `Tracing.dataCollected` hands them over until
    /// `Tracing.tracingComplete`.
    pub async fn end_trace(&mut self) -> Vec<Value> {
        self.next_id += 1;
        let message = json!({ "id": self.next_id, "method": "Tracing.end", "params": {} });
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .expect("send to DevTools");
        let mut events = Vec::new();
        while let Some(Ok(frame)) = self.socket.next().await {
            let Message::Text(text) = frame else { continue };
            let Ok(mut value) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            match value["method"].as_str() {
                Some("Tracing.dataCollected") => {
                    if let Value::Array(more) = value["params"]["value"].take() {
                        events.extend(more);
                    }
                }
                Some("Tracing.tracingComplete") => break,
                _ => {}
            }
        }
        events
    }
}
