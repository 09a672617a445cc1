//! Where a benchmark's CPU time went, from Linux's `/proc`: the machine's busy time, and
//! each process's (user plus system, its reaped children included), grouped by program.
//!
//! A benchmark takes a [`CpuSnapshot`] before and after what it measures; the difference
//! says whether the run was bound by CPU (both cores busy) and which program used it.

use std::collections::BTreeMap;

/// Clock ticks per second of `/proc`'s times (`USER_HZ`, 100 on every Linux port).
const TICKS_PER_SECOND: f64 = 100.0;

/// CPU times at one moment.
#[derive(Clone, Debug, Default)]
pub struct CpuSnapshot {
    /// Busy ticks of the whole machine (every core), from `/proc/stat`.
    busy: u64,
    /// Idle ticks of the whole machine (idle and waiting for I/O).
    idle: u64,
    /// Ticks per process, keyed by pid: its program name and its own plus reaped
    /// children's user and system time.
    processes: BTreeMap<u32, (String, u64)>,
}

/// CPU time between two snapshots.
#[derive(Clone, Debug)]
pub struct CpuUse {
    /// Seconds of CPU used by the whole machine.
    pub busy_seconds: f64,
    /// Of the time the machine's cores had, the share that was busy (0 to 1).
    pub busy_share: f64,
    /// Seconds of CPU per program group, largest first.
    pub by_group: Vec<(String, f64)>,
}

impl CpuSnapshot {
    /// Reads the machine's and every process's CPU times now (empty where `/proc` is not
    /// there).
    pub fn take() -> CpuSnapshot {
        let (busy, idle) = machine_ticks().unwrap_or_default();
        let mut processes = BTreeMap::new();
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
                continue;
            };
            if let Some(process) = process_ticks(pid) {
                processes.insert(pid, process);
            }
        }
        CpuSnapshot {
            busy,
            idle,
            processes,
        }
    }

    /// The CPU used from `self` to `later`, with processes grouped by `group` (given a
    /// program name, the group it counts in). A process that started and ended between the
    /// two counts in its parent, once reaped.
    pub fn until(&self, later: &CpuSnapshot, group: impl Fn(&str) -> String) -> CpuUse {
        let busy = later.busy.saturating_sub(self.busy);
        let idle = later.idle.saturating_sub(self.idle);
        let mut groups: BTreeMap<String, u64> = BTreeMap::new();
        for (pid, (name, ticks)) in &later.processes {
            let before = self.processes.get(pid).map_or(0, |(_, t)| *t);
            *groups.entry(group(name)).or_default() += ticks.saturating_sub(before);
        }
        let mut by_group: Vec<(String, f64)> = groups
            .into_iter()
            .filter(|(_, ticks)| *ticks > 0)
            .map(|(name, ticks)| (name, ticks as f64 / TICKS_PER_SECOND))
            .collect();
        by_group.sort_by(|a, b| b.1.total_cmp(&a.1));
        CpuUse {
            busy_seconds: busy as f64 / TICKS_PER_SECOND,
            busy_share: busy as f64 / (busy + idle).max(1) as f64,
            by_group,
        }
    }
}

impl CpuUse {
    /// One line: the machine's busy share, then each group's seconds.
    pub fn summary(&self) -> String {
        let groups: Vec<String> = self
            .by_group
            .iter()
            .map(|(name, seconds)| format!("{name} {seconds:.2} s"))
            .collect();
        format!(
            "{:.0} % busy, {:.2} CPU-s: {}",
            self.busy_share * 100.0,
            self.busy_seconds,
            groups.join(", ")
        )
    }
}

/// The machine's busy and idle ticks, summed over its cores.
fn machine_ticks() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().next()?.strip_prefix("cpu ")?;
    let ticks: Vec<u64> = line
        .split_whitespace()
        .filter_map(|t| t.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is inside user).
    let idle = ticks.get(3)? + ticks.get(4).unwrap_or(&0);
    let busy = ticks.iter().take(8).sum::<u64>() - idle;
    Some((busy, idle))
}

/// A program name, with Chromium's process role when it has one (`--type=renderer`,
/// `utility` with its service, `gpu-process`; none for the browser process). Chromium
/// rewrites a forked process's command line as one string, so arguments are split at
/// spaces as well as at NULs.
fn with_role(pid: u32, name: &str) -> String {
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let args: Vec<&str> = cmdline
        .split(|b| *b == 0 || *b == b' ')
        .filter_map(|arg| std::str::from_utf8(arg).ok())
        .collect();
    let value = |key: &str| args.iter().find_map(|arg| arg.strip_prefix(key));
    match (value("--type="), value("--utility-sub-type=")) {
        (Some(_), Some(service)) => {
            format!("{name} {}", service.split('.').next().unwrap_or(service))
        }
        (Some(role), None) => format!("{name} {role}"),
        _ => name.to_owned(),
    }
}

/// A process's program name and its user, system and reaped children's ticks.
fn process_ticks(pid: u32) -> Option<(String, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = with_role(pid, &stat[open + 1..close]);
    // After the name: state (field 3) … utime (14), stime (15), cutime (16), cstime (17).
    let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
    let ticks = fields
        .get(11..15)?
        .iter()
        .filter_map(|f| f.parse::<u64>().ok())
        .sum();
    Some((name, ticks))
}
