//! Timers at run time: the instance's clock as callers see it (`now`,
//! `set_now`, `advance`), and the timer waits and timer start events that
//! come due on it (`next_due_timer`, `fire_due_timers`). The clock itself
//! is an owner (`clock.rs`); ISO 8601 dates, durations and cycles are
//! parsed in `iso8601.rs`; when a timer is armed and re-armed is
//! `wait.rs`.

use std::sync::Arc;

use jiff::Timestamp;

use super::catching::partial_payloads;
use super::events::EventError;
use super::iso8601::parse_duration;
use super::starters::StarterId;
use super::task::NO_TASK;
use super::wait::triggers_of;
use super::{TaskState, Workflow};

impl Workflow {
    /// The time timers compare against.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Whether the clock is virtual (set with [`Workflow::set_now`] or
    /// moved with [`Workflow::advance`]).
    pub fn clock_is_virtual(&self) -> bool {
        self.clock.is_virtual()
    }

    /// Sets a virtual clock (timers then fire only when it passes their due time).
    pub fn set_now(&mut self, t: Timestamp) {
        let at = self.records.tick();
        self.clock.set(t, at);
        self.records.journal_clock(Some(t));
    }

    /// Moves the clock forward by an ISO 8601 duration (`PT2H`); a real clock
    /// becomes virtual, starting from the real time.
    pub fn advance(&mut self, duration: &str) -> Result<(), EventError> {
        let d = parse_duration(duration).map_err(|e| EventError::Duration(e.to_string()))?;
        let now = self.clock.now();
        let t = d.after(now).ok_or_else(|| EventError::OutOfRange {
            duration: duration.to_string(),
        })?;
        self.set_now(t);
        Ok(())
    }

    /// The earliest timer due at the current time: when, and the waiting
    /// task or the start event (by index) it belongs to.
    pub(crate) fn next_due_timer(&self) -> Option<(Timestamp, Result<u32, StarterId>)> {
        let best = self.earliest_timer()?;
        (best.0 <= self.clock.now()).then_some(best)
    }

    /// When the earliest armed timer (a waiting task's or a start event's)
    /// is due, due yet or not: what a store keeps so a worker runs the
    /// instance then. Reads the timer indexes only, never the tasks.
    pub fn next_timer(&self) -> Option<Timestamp> {
        self.earliest_timer().map(|(at, _)| at)
    }

    /// The earliest armed timer and whom it belongs to.
    fn earliest_timer(&self) -> Option<(Timestamp, Result<u32, StarterId>)> {
        // Both indexes are ordered by due time: their first entries are the
        // earliest (a wait's before a start event's due at the same time).
        // Without an armed timer this reads neither the clock nor anything
        // else.
        let wait = self
            .events
            .timers
            .iter()
            .find(|(_, t)| self.records.state(*t) == TaskState::Waiting)
            .map(|&(d, t)| (d, Ok(t)));
        let start = self.events.starters.next_timer().map(|(d, k)| (d, Err(k)));
        match (wait, start) {
            (Some(w), Some(s)) => Some(if s.0 < w.0 { s } else { w }),
            (w, s) => w.or(s),
        }
    }

    /// Fires the earliest timer due at the current time. Returns whether
    /// one fired.
    pub(crate) fn fire_due_timers(&mut self) -> bool {
        let Some((at, who)) = self.next_due_timer() else {
            return false;
        };
        // Fire only the earliest; the caller loops, so later timers (and
        // re-armed cycles) fire in due order after what this one started.
        match who {
            Err(k) => self.fire_starter(k, 0, None, NO_TASK),
            Ok(t) => {
                let r = self.records.get(t).node;
                let (_, parallel) = triggers_of(&self.specs, r);
                let w = &self.events.waits[&t];
                let i = (0..w.due.len())
                    .find(|&i| w.due[i] == Some(at) && !w.seen.get(i).copied().unwrap_or(false))
                    .unwrap_or(0);
                if parallel {
                    let w = self.events.waits.get_mut(&t).expect("timer wait");
                    w.seen[i] = true;
                    if !w.seen.iter().all(|s| *s) {
                        self.events.refile_timer(t);
                        return true;
                    }
                    let specs = self.specs.clone();
                    let (triggers, _) = triggers_of(&specs, r);
                    let catch_id = &specs.model.node(r).id;
                    let mut data = (*self.records.data(t)).clone();
                    for (_, p, target) in partial_payloads(w, triggers, catch_id) {
                        target.apply(&mut data, &p);
                    }
                    self.fire_wait(t, Some(at), Arc::new(data), NO_TASK);
                    return true;
                }
                let data = self.records.data(t).clone();
                self.fire_wait(t, Some(at), data, NO_TASK);
            }
        }
        true
    }
}
