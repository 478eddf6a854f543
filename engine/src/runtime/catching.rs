//! Catching: a catching event or receive task starts waiting
//! (`start_waiting`), one of its definitions catches something
//! (`catch_at`; all of them for parallel multiple), and the wait fires
//! (`fire_wait`) with the boundary and event-based gateway effects that
//! has. What the instance waits for belongs to the events owner
//! (`event_state.rs`); every firing is logged there with the task that
//! caused it, so a reset can undo it.

use std::sync::Arc;

use jiff::Timestamp;
use serde_json::Value;

use super::correlation;
use super::error::WorkflowError;
use super::event_state::{Fire, Fired};
use super::owner::view_of;
use super::task::NO_TASK;
use super::wait::{Delivery, Target, Wait, arm, next_cycle, target_of, triggers_of};
use super::{TaskState, Workflow};
use crate::model::{Data, EventNode, EventPosition, NodeKind, Timer, Trigger};

/// The payloads a parallel-multiple wait `w` collected, with where each
/// goes; `w` forgets them.
pub(super) fn partial_payloads(
    w: &mut Wait,
    triggers: &[Trigger],
    catch_id: &str,
) -> Vec<(u32, Value, Target)> {
    let into = std::mem::take(&mut w.partial_into);
    std::mem::take(&mut w.partial)
        .into_iter()
        .map(|(i, p)| {
            let target = match into.iter().find(|(j, _)| *j == i) {
                Some((_, v)) => Target::Variable(v.clone()),
                None => target_of(triggers.get(i as usize), catch_id, false),
            };
            (i, p, target)
        })
        .collect()
}

impl Workflow {
    /// A catching event or receive task was reached: wait (or pass through a
    /// link catch, or a conditional that already holds).
    pub(crate) fn start_waiting(&mut self, t: u32) -> Result<(), WorkflowError> {
        let specs = self.specs.clone();
        let r = self.records.get(t).node;
        let (triggers, _) = triggers_of(&specs, r);
        if triggers.iter().all(|tr| matches!(tr, Trigger::Link { .. })) {
            return self.complete(t);
        }
        let w = match arm(&specs, r, &self.records.data(t), self.clock.now()) {
            Ok(w) => w,
            Err(e) => return Err(self.fail(t, e)),
        };
        self.records.set_state(t, TaskState::Waiting);
        let view = view_of!(self);
        self.events.insert_wait(t, w, &view);
        self.index_wait(t);
        self.check_conditional(t);
        Ok(())
    }

    /// Records that definition `i` of waiting task `t` caught `d` (thrown by
    /// `by`); fires the task when its event is complete (all definitions for
    /// parallel multiple).
    pub(super) fn catch_at(&mut self, t: u32, i: usize, d: &Delivery, by: u32) {
        let specs = self.specs.clone();
        let r = self.records.get(t).node;
        let catch_id = &specs.model.node(r).id;
        let (triggers, parallel) = triggers_of(&specs, r);
        if let Delivery::Message { correlations, .. } = d {
            let view = view_of!(self);
            if let Some(s) = correlation::owner(&view, t) {
                self.events.correlate(s, correlations, t, &view);
            }
        }
        let target = d.target(triggers.get(i), catch_id);
        let payloads: Vec<(u32, Value, Target)> = if parallel {
            let w = self
                .events
                .waits
                .get_mut(&t)
                .expect("caught by a waiting task");
            if let Some(s) = w.seen.get_mut(i) {
                *s = true;
            }
            w.partial.push((i as u32, d.payload().clone()));
            if let Target::Variable(v) = &target {
                w.partial_into.push((i as u32, v.clone()));
            }
            if !w.seen.iter().all(|s| *s) {
                self.events.refile_timer(t);
                return;
            }
            partial_payloads(w, triggers, catch_id)
        } else {
            vec![(i as u32, d.payload().clone(), target)]
        };
        let mut data = (*self.records.data(t)).clone();
        for (_, p, target) in &payloads {
            target.apply(&mut data, p);
        }
        self.fire_wait(t, None, Arc::new(data), by);
    }

    /// The waiting task `t` fires with `data` (its data plus what its event
    /// brought), because task `by` threw the event (`NO_TASK`: from outside
    /// or a timer, which `timer_fired_at` tells): boundary and gateway
    /// effects, then READY. The firing is logged for resets.
    pub(crate) fn fire_wait(
        &mut self,
        t: u32,
        timer_fired_at: Option<Timestamp>,
        data: Arc<Data>,
        by: u32,
    ) {
        if !self.events.waits.contains_key(&t) {
            return;
        }
        self.unindex_wait(t);
        let view = view_of!(self);
        let Some(mut w) = self.events.take_wait(t, &view) else {
            return;
        };
        w.partial.clear();
        w.partial_into.clear();
        let specs = self.specs.clone();
        let r = self.records.get(t).node;
        let node = specs.model.node(r);
        let parent = self.records.get(t).parent;
        let before = self.records.data(t).clone();
        let mut rearmed = None;
        if let NodeKind::Event(EventNode {
            position: EventPosition::Boundary {
                cancel_activity, ..
            },
            triggers,
            ..
        }) = &node.kind
        {
            let a = parent;
            if *cancel_activity {
                self.cancel_activity(a, t);
            } else {
                // Non-interrupting: the event can happen again while the
                // activity runs (a cycle timer once per cycle).
                let timer_one_shot = triggers
                    .iter()
                    .all(|tr| matches!(tr, Trigger::Timer(Timer::Date(_) | Timer::Duration(_))));
                let next = match timer_fired_at {
                    Some(at) => next_cycle(&specs, r, &w, at, &before),
                    None if timer_one_shot => None,
                    None => arm(&specs, r, &self.records.data(a), self.clock.now()).ok(),
                };
                if let Some(next) = next {
                    let s = self.records.get(t).scope;
                    let adata = self.records.data(a).clone();
                    let b = self.push_task(s, r.node, a, adata, TaskState::Waiting);
                    let view = view_of!(self);
                    self.events.insert_wait(b, next, &view);
                    self.index_wait(b);
                    rearmed = Some(b);
                }
            }
        } else if parent != NO_TASK
            && matches!(
                specs.model.node(self.records.get(parent).node).kind,
                NodeKind::EventBasedGateway
            )
        {
            // The first event after an event-based gateway wins.
            let siblings: Vec<u32> = self
                .events
                .waits_under(parent)
                .into_iter()
                .filter(|&x| self.records.state(x) == TaskState::Waiting)
                .collect();
            for x in siblings {
                self.cancel_task(x, t);
            }
        }
        // Kept as it was armed, for a reset that makes the task wait again.
        if !w.seen.is_empty() {
            w.seen.iter_mut().for_each(|x| *x = false);
        }
        let at = self.records.tick();
        self.events.fires.push(Fire {
            what: Fired::Catch {
                task: t,
                before,
                wait: *w,
                rearmed,
            },
            by,
            cond: false,
            at,
        });
        self.records.set_data(t, data);
        self.records.set_state(t, TaskState::Ready);
        self.events.fired.insert(t);
        self.records.enqueue(t, false);
    }
}
