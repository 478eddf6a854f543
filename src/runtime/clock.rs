//! The clock timers read: the real clock, or a virtual one the user sets
//! and advances so timer diagrams can be tested without waiting.

use jiff::Timestamp;

/// Real or virtual time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Clock {
    virtual_now: Option<Timestamp>,
}

impl Clock {
    /// The current time.
    pub fn now(&self) -> Timestamp {
        self.virtual_now.unwrap_or_else(Timestamp::now)
    }

    /// Whether the clock is virtual.
    pub fn is_virtual(&self) -> bool {
        self.virtual_now.is_some()
    }

    /// Makes the clock virtual, at `t`.
    pub fn set(&mut self, t: Timestamp) {
        self.virtual_now = Some(t);
    }

    /// Moves a virtual clock forward to `t` (a real clock becomes virtual).
    pub(crate) fn virtual_time(&self) -> Option<Timestamp> {
        self.virtual_now
    }
}
