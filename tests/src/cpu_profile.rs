//! The DevTools CPU profiler in one target (the page or the sync worker), for benchmarks:
//! started before a measured step, stopped after it, and printed as the functions that
//! took the most time themselves.

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::{Value, json};

use crate::devtools::DevTools;

/// A running profile of the target attached as `session`.
pub struct CpuProfile {
    session: String,
    label: String,
}

impl CpuProfile {
    /// Starts sampling every 200 µs in `session`; `label` names it when printed.
    pub async fn start(devtools: &mut DevTools, session: &str, label: &str) -> CpuProfile {
        for (method, params) in [
            ("Profiler.enable", json!({})),
            ("Profiler.setSamplingInterval", json!({ "interval": 200 })),
            ("Profiler.start", json!({})),
        ] {
            devtools.call(Some(session), method, params).await;
        }
        CpuProfile {
            session: session.to_owned(),
            label: label.to_owned(),
        }
    }

    /// Stops sampling, prints the 30 functions with the most self time to stderr, and
    /// writes the whole `.cpuprofile` to `save` (to open in DevTools) when given.
    pub async fn stop(self, devtools: &mut DevTools, save: Option<PathBuf>) {
        let stopped = devtools
            .call(Some(&self.session), "Profiler.stop", json!({}))
            .await;
        let profile = &stopped["profile"];
        if let Some(path) = save {
            let _ = std::fs::write(path, profile.to_string());
        }
        let (total, top) = self_times(profile);
        eprintln!(
            "{} CPU profile, {:.0} ms sampled:",
            self.label,
            total / 1000.0
        );
        for (name, us) in top.into_iter().take(30) {
            eprintln!(
                "  {:6.0} ms {:4.1} %  {name}",
                us / 1000.0,
                100.0 * us / total
            );
        }
    }
}

/// The microseconds sampled in all, and each function's own, most first.
fn self_times(profile: &Value) -> (f64, Vec<(String, f64)>) {
    let mut names = HashMap::new();
    for node in profile["nodes"].as_array().into_iter().flatten() {
        let frame = &node["callFrame"];
        let file = frame["url"].as_str().unwrap_or("").rsplit('/').next();
        let name = format!(
            "{} ({})",
            frame["functionName"].as_str().unwrap_or("?"),
            file.unwrap_or("")
        );
        names.insert(node["id"].as_u64().unwrap_or(0), name);
    }
    let mut own: HashMap<String, f64> = HashMap::new();
    let samples = profile["samples"].as_array().into_iter().flatten();
    let deltas = profile["timeDeltas"]
        .as_array()
        .into_iter()
        .flatten()
        .skip(1);
    for (sample, delta) in samples.zip(deltas) {
        let name = names
            .get(&sample.as_u64().unwrap_or(0))
            .cloned()
            .unwrap_or_else(|| "?".to_owned());
        *own.entry(name).or_default() += delta.as_f64().unwrap_or(0.0);
    }
    let total = own.values().sum();
    let mut top: Vec<_> = own.into_iter().collect();
    top.sort_by(|a, b| b.1.total_cmp(&a.1));
    (total, top)
}
