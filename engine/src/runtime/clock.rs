//! The clock timers read: the real clock, or a virtual one the user sets
//! and advances so timer diagrams can be tested without waiting. The clock
//! owner also remembers every change, so a reset can put a virtual clock
//! back to the time its target became ready.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::owner::{Moment, ReadyAt};

/// A change of the clock: when it happened and the time before it (`None`:
/// the real clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockChange {
    /// When, in the instance's history, the clock was set or advanced.
    pub at: Moment,
    /// The virtual time before the change; `None`: the real clock was in use.
    pub before: Option<Timestamp>,
}

/// Real or virtual time.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Clock {
    virtual_now: Option<Timestamp>,
    changes: Vec<ClockChange>,
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

    /// Makes the clock virtual, at `t` (a change stamped `at`).
    pub(crate) fn set(&mut self, t: Timestamp, at: Moment) {
        self.changes.push(ClockChange {
            at,
            before: self.virtual_now,
        });
        self.virtual_now = Some(t);
    }

    /// The virtual time, if the clock is virtual.
    pub(crate) fn virtual_time(&self) -> Option<Timestamp> {
        self.virtual_now
    }

    /// Puts the clock back to what it was at `ready` (a reset): the time
    /// before the first change that happened after it. The rewind is itself
    /// a change stamped `at`. Nothing happens when the clock did not change
    /// since.
    pub(crate) fn rewind(&mut self, ready: ReadyAt, at: Moment) {
        let Some(i) = self.changes.iter().position(|c| ready.before(c.at)) else {
            return;
        };
        // A clock made virtual once stays virtual: before its first setting
        // it counts as having been at that first virtual time.
        let then = self.changes[i].before.or_else(|| {
            let first_virtual = self.changes[i..].iter().position(|c| c.before.is_none())?;
            let k = i + first_virtual + 1;
            self.changes.get(k).map_or(self.virtual_now, |c| c.before)
        });
        if then != self.virtual_now {
            self.changes.push(ClockChange {
                at,
                before: self.virtual_now,
            });
            self.virtual_now = then;
        }
    }

    /// Its changes, for snapshots.
    pub(crate) fn changes(&self) -> &[ClockChange] {
        &self.changes
    }

    /// Restores a clock from a snapshot.
    pub(crate) fn restored(virtual_now: Option<Timestamp>, changes: Vec<ClockChange>) -> Clock {
        Clock {
            virtual_now,
            changes,
        }
    }
}
