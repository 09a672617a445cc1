//! When the app checks an account by itself: at start (when it knows the password), every
//! N minutes after a sync, and after a transient failure again with backoff (30 s, 1 min,
//! 2 min, … up to the check interval), as a mail client left open does.

use std::time::Duration;

use gloo_timers::callback::Timeout;
use leptos::prelude::*;

use crate::model::SyncPhase;
use crate::state::AppStore;

/// The first retry after a transient failure.
const FIRST_RETRY: Duration = Duration::from_secs(30);
/// The longest wait between retries when checks are off.
const LONGEST_RETRY: Duration = Duration::from_secs(30 * 60);

/// How long after a sync ended with `phase` to check again; `failures` counts the
/// transient failures in a row before it. `None`: not by itself.
pub fn next_check(phase: &SyncPhase, failures: u32, check_minutes: u32) -> Option<Duration> {
    let interval = (check_minutes > 0).then(|| Duration::from_secs(u64::from(check_minutes) * 60));
    match phase {
        SyncPhase::Done { .. } | SyncPhase::Busy => interval,
        SyncPhase::Failed(error) if error.is_transient() => {
            let backoff = FIRST_RETRY.saturating_mul(1 << failures.min(10));
            Some(backoff.min(interval.unwrap_or(LONGEST_RETRY)))
        }
        _ => None,
    }
}

/// Starts the app's own checks of account `id`; call from a component that lives as long
/// as the account is shown: its timer is dropped, and so cancelled, with it.
pub fn watch(store: AppStore, id: String) {
    let live = store.live(&id);
    let timer = StoredValue::new_local(None::<Timeout>);
    let failures = StoredValue::new(0u32);
    // At start (or when the account is added): when its password is known.
    if store.password(&id).is_some() {
        super::start(store, &id);
    }
    // After each sync: the next check.
    Effect::new(move |_| {
        let phase = live.sync.get();
        if phase.is_running() {
            timer.set_value(None);
            return;
        }
        let minutes = store
            .accounts
            .with_untracked(|list| list.iter().find(|a| a.id == id).map(|a| a.check_minutes))
            .unwrap_or(0);
        let transient = matches!(&phase, SyncPhase::Failed(e) if e.is_transient());
        let delay = next_check(&phase, failures.get_value(), minutes);
        failures.update_value(|f| *f = if transient { *f + 1 } else { 0 });
        live.next_check
            .set(delay.map(|d| js_sys::Date::now() + d.as_millis() as f64));
        let next = delay.map(|d| {
            let millis = u32::try_from(d.as_millis()).unwrap_or(u32::MAX);
            let id = id.clone();
            Timeout::new(millis, move || super::start(store, &id))
        });
        timer.set_value(next);
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SyncError;

    fn done() -> SyncPhase {
        SyncPhase::Done {
            new: 0,
            deleted: 0,
            exact_ids: true,
            policy_refused: false,
        }
    }

    #[test]
    fn after_a_sync_the_next_check_is_the_interval() {
        assert_eq!(next_check(&done(), 0, 10), Some(Duration::from_secs(600)));
        assert_eq!(next_check(&done(), 0, 0), None, "0: only on demand");
    }

    #[test]
    fn a_server_down_is_retried_with_backoff_up_to_the_interval() {
        let down = SyncPhase::Failed(SyncError::RelayUnreachable);
        let waits: Vec<u64> = (0..8)
            .map(|n| next_check(&down, n, 10).unwrap().as_secs())
            .collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 600, 600, 600]);
        assert_eq!(
            next_check(&down, 20, 0),
            Some(LONGEST_RETRY),
            "checks off: retried, at most every 30 min"
        );
    }

    #[test]
    fn what_needs_the_person_is_not_retried() {
        for error in [
            SyncError::WrongPassword("no".into()),
            SyncError::NoStls,
            SyncError::StorageFull,
        ] {
            assert_eq!(next_check(&SyncPhase::Failed(error), 0, 10), None);
        }
        assert_eq!(next_check(&SyncPhase::Cancelled, 0, 10), None);
    }
}
