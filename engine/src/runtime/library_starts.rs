//! Start events that start instances from outside, as a library of specs
//! does (`bpmn send --message` without an instance, `bpmn tick`): which
//! processes a message starts (`Specs::starts_on_message`), when the timer
//! start events of a process come due counted from when its spec was added
//! (`Specs::timer_starts`, `TimerStart::due_count`), and firing one timer
//! start event of a fresh instance once (`Workflow::fire_timer_start`) —
//! the library starts each later occurrence as an instance of its own, so
//! the instance does not repeat the cycle itself.

use jiff::Timestamp;

use super::events::EventError;
use super::iso8601::{IsoDuration, parse_cycle, parse_date, parse_duration};
use super::task::NO_TASK;
use super::wait::{timer_text, triggers_of};
use super::{Specs, Workflow};
use crate::model::{Data, NodeRef, Timer, Trigger};

/// A timer start event of a process, scheduled from the time its spec was
/// added.
#[derive(Debug, Clone)]
pub struct TimerStart {
    /// The start event's id.
    pub start_id: String,
    /// When it is first due.
    pub first: Timestamp,
    /// For a cycle: the time between occurrences.
    period: Option<IsoDuration>,
    /// How many occurrences there are (`None`: without end).
    pub repetitions: Option<u32>,
}

impl TimerStart {
    /// How many occurrences are due at `now`, counting at most `limit`
    /// (an endless cycle with a short period is not walked to its end).
    pub fn due_count(&self, now: Timestamp, limit: u32) -> u32 {
        let mut n = 0;
        let mut at = Some(self.first);
        while let Some(t) = at {
            if t > now || n >= limit || self.repetitions.is_some_and(|r| n >= r) {
                break;
            }
            n += 1;
            at = self.period.as_ref().and_then(|p| p.after(t));
        }
        n
    }
}

impl Specs {
    /// Whether process `process_id` has a start event catching message
    /// `name` (a message starts an instance of it).
    pub fn starts_on_message(&self, process_id: &str, name: &str) -> bool {
        self.trigger_starts_of(process_id).any(|(_, triggers)| {
            triggers
                .iter()
                .any(|t| matches!(t, Trigger::Message { name: m, .. } if m == name))
        })
    }

    /// The timer start events of process `process_id` scheduled from
    /// `added`: a date is due then, a duration that long after `added`, a
    /// cycle one period after `added` (or at its start) and every period
    /// after. A timer whose text does not parse is an error naming it.
    pub fn timer_starts(
        &self,
        process_id: &str,
        added: Timestamp,
    ) -> Result<Vec<TimerStart>, String> {
        let mut out = Vec::new();
        for (r, triggers) in self.trigger_starts_of(process_id) {
            let id = &self.model.node(r).id;
            for t in triggers {
                let Trigger::Timer(timer) = t else { continue };
                let bad = |e: String| format!("timer start event `{id}`: {e}");
                let text = timer_text(self, timer, &Data::default()).map_err(bad)?;
                let overflow = || bad(format!("`{text}` overflows the calendar"));
                let (first, period, repetitions) = match timer {
                    Timer::Date(_) => (
                        parse_date(&text).map_err(|e| bad(e.to_string()))?,
                        None,
                        Some(1),
                    ),
                    Timer::Duration(_) => (
                        parse_duration(&text)
                            .map_err(|e| bad(e.to_string()))?
                            .after(added)
                            .ok_or_else(overflow)?,
                        None,
                        Some(1),
                    ),
                    Timer::Cycle(_) => {
                        let c = parse_cycle(&text).map_err(|e| bad(e.to_string()))?;
                        let first = c.first_due(added).ok_or_else(overflow)?;
                        (first, Some(c.period), c.repetitions)
                    }
                };
                out.push(TimerStart {
                    start_id: id.clone(),
                    first,
                    period,
                    repetitions,
                });
            }
        }
        Ok(out)
    }

    /// The start events with triggers of top-level process `process_id`
    /// (none for an unknown id), each with its triggers.
    fn trigger_starts_of<'s>(
        &'s self,
        process_id: &str,
    ) -> impl Iterator<Item = (NodeRef, &'s [Trigger])> + 's {
        let graph = self.model.process(process_id).map(|p| p.graph);
        graph.into_iter().flat_map(move |graph| {
            self.model
                .graph(graph)
                .trigger_starts
                .iter()
                .map(move |&node| {
                    let r = NodeRef { graph, node };
                    (r, triggers_of(self, r).0)
                })
        })
    }
}

impl Workflow {
    /// Fires the armed timer start event `start_id` of a top-level process
    /// now, whatever its due time, once: it is spent afterwards (a cycle's
    /// later occurrences are instances of their own).
    pub fn fire_timer_start(&mut self, start_id: &str) -> Result<(), EventError> {
        let specs = self.specs.clone();
        let found = self.events.starters.iter().find_map(|(k, st)| {
            if st.scope.is_some() || !self.starter_armed(k) {
                return None;
            }
            let r = st.node();
            if specs.model.node(r).id != start_id {
                return None;
            }
            let (triggers, _) = triggers_of(&specs, r);
            let i = triggers
                .iter()
                .position(|t| matches!(t, Trigger::Timer(_)))?;
            Some((k, i))
        });
        let Some((k, i)) = found else {
            return Err(EventError::NoTimerStart {
                id: start_id.to_string(),
            });
        };
        self.fire_starter(k, i, None, NO_TASK);
        self.events
            .starters
            .update(k, &specs, &self.scopes, |st| st.spent = true);
        Ok(())
    }
}
