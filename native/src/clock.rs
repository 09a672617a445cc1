//! tokio's monotonic clock for the POP3 client's deadlines.

use std::time::Duration;

use cartero_shared::drive::Clock;
use tokio::time::Instant;

/// Time since the session started, on tokio's clock (so paused-time tests work too).
#[derive(Debug, Clone, Copy)]
pub struct TokioClock {
    epoch: Instant,
}

impl TokioClock {
    /// A clock that starts now.
    pub fn start() -> Self {
        TokioClock {
            epoch: Instant::now(),
        }
    }
}

impl Clock for TokioClock {
    fn now(&self) -> Duration {
        self.epoch.elapsed()
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}
