//! Start events at run time: arming those of a process
//! (`arm_process_starts`) and of the event subprocesses of a running scope
//! (`arm_event_subprocesses`), and firing one (`fire_starter`): a new
//! process instance, or an event subprocess instance that may interrupt
//! its scope. The armed start events and their indexes are `starters.rs`
//! (part of the events owner); every firing is logged in `event_state.rs`
//! so a reset can undo it.

use std::sync::Arc;

use super::event_state::{Fire, Fired};
use super::owner::view_of;
use super::starters::{StarterId, armed};
use super::task::NO_TASK;
use super::wait::{Delivery, Starter, arm, next_cycle, triggers_of};
use super::{TaskState, Workflow};
use crate::model::{Data, EventPosition, GraphIdx, NodeIdx, NodeKind, NodeRef, Trigger};

impl Workflow {
    /// Whether start event `k` is armed: not spent, and its scope (for an
    /// event subprocess) runs and was not interrupted.
    pub(crate) fn starter_armed(&self, k: StarterId) -> bool {
        armed(&self.events.starters[k], &self.scopes)
    }

    /// Arms the start events of the event subprocesses of scope `s`.
    pub(crate) fn arm_event_subprocesses(&mut self, s: u32) {
        let specs = self.specs.clone();
        let graph = specs.model.graph(self.scopes.get(s).graph);
        for &e in &graph.event_subprocesses {
            self.arm_event_subprocess(s, e);
        }
        self.index_starts(s);
    }

    /// Arms the start event of event subprocess `e` of scope `s` (its
    /// conditional index is updated by [`Workflow::index_starts`]).
    /// Returns whether it armed one.
    pub(crate) fn arm_event_subprocess(&mut self, s: u32, e: NodeIdx) -> bool {
        let specs = self.specs.clone();
        let graph = specs.model.graph(self.scopes.get(s).graph);
        let NodeKind::EventSubProcess { graph: body } = graph.node(e).kind else {
            return false;
        };
        let Some(&start) = specs.model.graph(body).trigger_starts.first() else {
            return false;
        };
        let r = NodeRef {
            graph: body,
            node: start,
        };
        let interrupting = matches!(
            specs.model.node(r).kind.event().map(|e| e.position),
            Some(EventPosition::Start { interrupting: true })
        );
        let data = self.scope_data(s);
        let Ok(wait) = arm(&specs, r, &data, self.clock.now()) else {
            return false;
        };
        let st = Starter {
            scope: Some(s),
            graph: body.0,
            start: start.0,
            esp: Some(e.0),
            repeat: !interrupting,
            fired: false,
            spent: false,
            wait,
        };
        self.events.starters.push(st, &specs, &self.scopes);
        true
    }

    /// Arms the start events with definitions of top-level graph `g`
    /// (a process that starts on a message, signal, timer or condition).
    pub(crate) fn arm_process_starts(&mut self, g: GraphIdx, repeat: bool) {
        let specs = self.specs.clone();
        for &start in &specs.model.graph(g).trigger_starts {
            let r = NodeRef {
                graph: g,
                node: start,
            };
            let Ok(wait) = arm(&specs, r, &self.scopes.initial, self.clock.now()) else {
                continue;
            };
            let st = Starter {
                scope: None,
                graph: g.0,
                start: start.0,
                esp: None,
                repeat,
                fired: false,
                spent: false,
                wait,
            };
            self.events.starters.push(st, &specs, &self.scopes);
        }
    }

    /// The data of scope `s` now: the last task that completed in it, or what
    /// it started with.
    pub(crate) fn scope_data(&self, s: u32) -> Arc<Data> {
        let scope = self.scopes.get(s);
        match (scope.last_done, scope.container) {
            (Some(t), _) => self.records.data(t).clone(),
            (None, Some(p)) => self.records.data(p).clone(),
            (None, None) => self.scopes.initial.clone(),
        }
    }

    /// Starter `k` fires (definition `i`, delivery `d`; a timer or condition
    /// when None), because task `by` threw (or `NO_TASK`).
    pub(crate) fn fire_starter(&mut self, k: StarterId, i: usize, d: Option<&Delivery>, by: u32) {
        let specs = self.specs.clone();
        let before = self.events.starters[k].clone();
        let r = before.node();
        let (triggers, parallel) = triggers_of(&specs, r);
        if parallel {
            let complete = self.events.starters.update(k, &specs, &self.scopes, |st| {
                if let Some(s) = st.wait.seen.get_mut(i) {
                    *s = true;
                }
                st.wait.seen.iter().all(|s| *s)
            });
            if !complete {
                return;
            }
        }
        let start_id = &specs.model.node(r).id;
        let target = d.map(|d| d.target(triggers.get(i), start_id));
        let pending_before = self.scopes.pending_starts as u32;
        if before.scope.is_none() {
            // An instance exists now; the workflow can complete when it ends.
            self.scopes.pending_starts = 0;
        }
        let timer = triggers.iter().any(|t| matches!(t, Trigger::Timer(_))) && d.is_none();
        let keep = if timer {
            let at = before
                .wait
                .due
                .iter()
                .flatten()
                .min()
                .copied()
                .unwrap_or_else(|| self.clock.now());
            match next_cycle(&specs, r, &before.wait, at, &self.scopes.initial) {
                Some(w) => {
                    self.events
                        .starters
                        .update(k, &specs, &self.scopes, |st| st.wait = w);
                    true
                }
                None => false,
            }
        } else {
            before.repeat
        };
        self.events.starters.update(k, &specs, &self.scopes, |st| {
            st.fired = true;
            if keep {
                if !st.wait.seen.is_empty() {
                    let n = st.wait.seen.len();
                    st.wait.seen = vec![false; n];
                }
            } else {
                st.spent = true;
            }
        });
        let (created, data) = match before.scope {
            None => {
                let mut data = (*self.scopes.initial).clone();
                if let (Some(d), Some(target)) = (d, &target) {
                    target.apply(&mut data, d.payload());
                }
                let data = Arc::new(data);
                let g = GraphIdx(before.graph);
                let s = self
                    .scopes
                    .open(g, None, 0, specs.model.graph(g).has_or_joins());
                self.objects.open(s, GraphIdx(before.graph), &specs);
                let created = self.push_task(
                    s,
                    NodeIdx(before.start),
                    NO_TASK,
                    data.clone(),
                    TaskState::Ready,
                );
                if let Some(Delivery::Message { correlations, .. }) = d {
                    // The conversation's correlations go with its start.
                    let view = view_of!(self);
                    self.events.correlate(s, correlations, created, &view);
                }
                self.arm_event_subprocesses(s);
                (created, data)
            }
            Some(s) => {
                let interrupting = matches!(
                    specs.model.node(r).kind.event().map(|e| e.position),
                    Some(EventPosition::Start { interrupting: true })
                );
                let mut data = (*self.scope_data(s)).clone();
                if let (Some(d), Some(target)) = (d, &target) {
                    target.apply(&mut data, d.payload());
                }
                let esp = NodeIdx(before.esp.unwrap_or(0));
                let parent = self
                    .scopes
                    .get(s)
                    .last_done
                    .or(self.scopes.get(s).container)
                    .unwrap_or(NO_TASK);
                let data = Arc::new(data);
                let e = self.push_task(s, esp, parent, data.clone(), TaskState::Started);
                if interrupting {
                    // Everything else the scope runs stops; its other start
                    // events are disarmed (the scope is interrupted).
                    let mut live: Vec<u32> = self
                        .scopes
                        .get(s)
                        .live
                        .iter()
                        .copied()
                        .filter(|&x| x != e)
                        .collect();
                    live.sort_unstable();
                    for x in live {
                        self.cancel_task(x, e);
                    }
                    self.scopes.get_mut(s).terminated_by = Some(e);
                    // Its start events are no longer armed.
                    self.events.starters.refile_scope(s, &specs, &self.scopes);
                }
                let key = (before.graph, before.start);
                self.scopes.get_mut(s).awaiting.retain(|a| *a != key);
                let depth = self.scopes.get(s).depth + 1;
                let g = GraphIdx(before.graph);
                let or_joins = specs.model.graph(g).has_or_joins();
                let c = self.scopes.open(g, Some(e), depth, or_joins);
                self.scopes.get_mut(c).entry = Some(data.clone());
                self.objects.open(c, GraphIdx(before.graph), &specs);
                self.push_task(c, NodeIdx(before.start), e, data.clone(), TaskState::Ready);
                if let Some(Delivery::Message { correlations, .. }) = d {
                    // The event subprocess instance that caught the message
                    // keeps its correlation values.
                    let view = view_of!(self);
                    self.events.correlate(c, correlations, e, &view);
                }
                self.arm_event_subprocesses(c);
                (e, data)
            }
        };
        let at = self.records.tick();
        self.events.fires.push(Fire {
            what: Fired::Start {
                before,
                created,
                data,
                pending_before,
            },
            by,
            cond: false,
            at,
        });
    }
}
