//! `LOGIN-DELAY` (RFC 2449 §6.5): a server may ask for a minimum time between logins,
//! and refuse (or penalise) a client that comes back sooner. Sync remembers its last
//! login and waits out the rest of the delay instead of being refused.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The last successful login to an account's server, and the delay the server asked for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LastLogin {
    /// Wall-clock time of the login, in milliseconds since the Unix epoch.
    pub at_ms: f64,
    /// The server's `LOGIN-DELAY` in seconds (0 when it announced none).
    pub delay_secs: u64,
}

impl LastLogin {
    /// How long a sync starting at `now_ms` must still wait; `None` when it may log in.
    ///
    /// A clock that moved backwards makes the elapsed time unknowable; the wait is then
    /// capped at one whole delay rather than stretched by the jump.
    pub fn wait_at(&self, now_ms: f64) -> Option<Duration> {
        let delay_ms = self.delay_secs as f64 * 1000.0;
        let elapsed_ms = (now_ms - self.at_ms).max(0.0);
        let left_ms = (delay_ms - elapsed_ms).min(delay_ms);
        (left_ms >= 1.0).then(|| Duration::from_millis(left_ms.ceil() as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOON: f64 = 1_795_000_000_000.0;

    #[test]
    fn a_sync_within_the_delay_waits_for_the_rest_of_it() {
        let last = LastLogin {
            at_ms: NOON,
            delay_secs: 900,
        };
        assert_eq!(
            last.wait_at(NOON + 60_000.0),
            Some(Duration::from_secs(840))
        );
        assert_eq!(last.wait_at(NOON), Some(Duration::from_secs(900)));
    }

    #[test]
    fn after_the_delay_or_without_one_there_is_no_wait() {
        let last = LastLogin {
            at_ms: NOON,
            delay_secs: 900,
        };
        assert_eq!(last.wait_at(NOON + 900_000.0), None);
        assert_eq!(last.wait_at(NOON + 86_400_000.0), None);
        let no_delay = LastLogin {
            at_ms: NOON,
            delay_secs: 0,
        };
        assert_eq!(no_delay.wait_at(NOON), None);
    }

    #[test]
    fn a_clock_set_back_waits_at_most_one_delay() {
        let last = LastLogin {
            at_ms: NOON,
            delay_secs: 600,
        };
        assert_eq!(
            last.wait_at(NOON - 3_600_000.0),
            Some(Duration::from_secs(600))
        );
    }
}
