//! The service's clock: the system's, shifted by a fixed offset. Rehearsals and tests move
//! "now" to the expo's day (check-in, expiry) without touching the machine's time.

use chrono::{DateTime, TimeDelta, Utc};

/// What time it is for the service.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Clock {
    offset: TimeDelta,
}

impl Clock {
    /// The system clock shifted by `offset`.
    pub fn shifted(offset: TimeDelta) -> Self {
        Self { offset }
    }

    /// Now.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }
}
