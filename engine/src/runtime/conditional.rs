//! Conditional events: intermediate catch events, boundary events and event
//! subprocess start events whose condition is evaluated again whenever data
//! they can see changes.
//!
//! What a condition sees: the data it is evaluated on plus the data objects
//! visible from its scope (its own and those of the scopes around it, inner
//! declarations first; a task variable of the same name hides an object).
//! When it is evaluated:
//!
//! - when the catch or boundary event is armed, on its own data (a condition
//!   that already holds fires at once);
//! - after a task completes in its scope, on that task's data: when that
//!   makes the condition hold, the event fires with that data merged into
//!   its own (task data belongs to a branch; this is how another branch's
//!   result reaches it, as in SpiffWorkflow);
//! - after a task of another scope (a subprocess, an enclosing process)
//!   writes a data object the event can see, on its own data. (A write in
//!   the event's own scope reaches it as a completion in its scope.)
//!
//! Event subprocess starts are evaluated the same way on the data of their
//! scope. A conditional event is triggered when its condition *becomes* true
//! (BPMN 2.0.2, 10.5.4): a non-interrupting boundary event re-armed by its
//! firing, and a non-interrupting event subprocess start, fire again only
//! after their condition was seen false (`Wait::held`).
//!
//! A reset that makes a conditional event wait again fires it again when
//! the task whose change made it fire stays (the event happened); otherwise
//! it waits (a re-armed boundary event remembering whether its condition
//! holds now).
//!
//! Cost: the events owner indexes conditional waits by scope
//! (`EventState::conditional`): each under its own scope and under every
//! enclosing scope that declares data objects. A completion evaluates the
//! conditional waits of its own scope; a data object write those listed
//! under the scope that holds the object. No step looks at unrelated waits.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::event_state::{EventState, Fired};
use super::merge::deep_merge;
use super::owner::View;
use super::owner::view_of;
use super::records::Records;
use super::scopes::Scopes;
use super::starters::StarterId;
use super::task::NO_TASK;
use super::wait::{StarterKey, triggers_of};
use super::{Specs, TaskState, Workflow};
use crate::model::{Data, DataRef, GraphIdx, NodeKind, NodeRef, Trigger};

/// An entry of the conditional index: (the scope it belongs to, the waiting
/// task — or `NO_TASK` for the conditional event subprocess starts of that
/// scope).
pub(crate) type CondEntry = (u32, u32);

/// The conditional index: per scope, the conditional waits whose condition
/// can see its data (see the module documentation).
pub(crate) type CondIndex = BTreeMap<u32, BTreeSet<CondEntry>>;

/// Whether node `r` has a conditional event definition.
pub(crate) fn is_conditional(specs: &Specs, r: NodeRef) -> bool {
    triggers_of(specs, r)
        .0
        .iter()
        .any(|t| matches!(t, Trigger::Conditional { .. }))
}

/// Whether a scope running `g` has an event subprocess with a conditional
/// start event.
fn has_conditional_starts(specs: &Specs, g: GraphIdx) -> bool {
    let graph = specs.model.graph(g);
    graph.event_subprocesses.iter().any(|&e| {
        let NodeKind::EventSubProcess { graph: body } = graph.node(e).kind else {
            return false;
        };
        specs
            .model
            .graph(body)
            .trigger_starts
            .first()
            .is_some_and(|&start| {
                is_conditional(
                    specs,
                    NodeRef {
                        graph: body,
                        node: start,
                    },
                )
            })
    })
}

/// The scopes a conditional wait of scope `s` is listed under: `s`, and
/// every enclosing scope that declares data objects (its condition sees
/// them).
fn watchers(specs: &Specs, scopes: &Scopes, records: &Records, mut s: u32) -> Vec<u32> {
    let mut out = vec![s];
    while let Some(c) = scopes.get(s).container {
        s = records.get(c).scope;
        if !specs
            .model
            .graph(scopes.get(s).graph)
            .data_objects
            .is_empty()
        {
            out.push(s);
        }
    }
    out
}

/// The conditional index the events owner must hold: every conditional
/// wait, and every running scope with conditional event subprocess starts.
pub(crate) fn expected_index(events: &EventState, view: &View) -> CondIndex {
    let mut index = CondIndex::new();
    if !view.specs.has_conditionals {
        return index;
    }
    let mut add = |entry: CondEntry, s: u32| {
        for w in watchers(view.specs, view.scopes, view.records, s) {
            index.entry(w).or_default().insert(entry);
        }
    };
    for &t in events.waits.keys() {
        let r = view.records.get(t);
        if is_conditional(view.specs, r.node) {
            add((r.scope, t), r.scope);
        }
    }
    for (s, scope) in view.scopes.list.iter().enumerate() {
        if scope.running() && has_conditional_starts(view.specs, scope.graph) {
            add((s as u32, NO_TASK), s as u32);
        }
    }
    index
}

/// Removes `entry` (of scope `s`) from the index (a wait that fired or was
/// cancelled).
pub(crate) fn unindex(index: &mut CondIndex, entry: CondEntry, view: &View, s: u32) {
    for w in watchers(view.specs, view.scopes, view.records, s) {
        if let Some(set) = index.get_mut(&w) {
            set.remove(&entry);
            if set.is_empty() {
                index.remove(&w);
            }
        }
    }
}

impl Workflow {
    /// Lists waiting task `t` in the conditional index, if it has a
    /// conditional definition.
    pub(crate) fn index_wait(&mut self, t: u32) {
        if !self.specs.has_conditionals || !is_conditional(&self.specs, self.records.get(t).node) {
            return;
        }
        let s = self.records.get(t).scope;
        for w in watchers(&self.specs, &self.scopes, &self.records, s) {
            self.events.conditional.entry(w).or_default().insert((s, t));
        }
    }

    /// Takes waiting task `t` out of the conditional index.
    pub(crate) fn unindex_wait(&mut self, t: u32) {
        if !self.specs.has_conditionals || !is_conditional(&self.specs, self.records.get(t).node) {
            return;
        }
        let s = self.records.get(t).scope;
        let view = view_of!(self);
        unindex(&mut self.events.conditional, (s, t), &view, s);
    }

    /// Scope `s` armed its event subprocess starts: list the conditional
    /// ones.
    pub(crate) fn index_starts(&mut self, s: u32) {
        if !self.specs.has_conditionals
            || !has_conditional_starts(&self.specs, self.scopes.get(s).graph)
        {
            return;
        }
        for w in watchers(&self.specs, &self.scopes, &self.records, s) {
            self.events
                .conditional
                .entry(w)
                .or_default()
                .insert((s, NO_TASK));
        }
    }

    /// Scope `s` ended: its event subprocess starts were put away.
    pub(crate) fn unindex_starts(&mut self, s: u32) {
        if !self.specs.has_conditionals
            || !has_conditional_starts(&self.specs, self.scopes.get(s).graph)
        {
            return;
        }
        let view = view_of!(self);
        unindex(&mut self.events.conditional, (s, NO_TASK), &view, s);
    }

    /// The index as it must be (after a reset).
    pub(crate) fn rebuild_conditional_index(&mut self) {
        let index = expected_index(&self.events, &self.view_of());
        self.events.conditional = index;
    }

    /// Whether a conditional definition of node `r` holds on `data` plus the
    /// data objects visible from scope `s`.
    pub(crate) fn conditional_holds(&self, r: NodeRef, s: u32, data: &Data) -> bool {
        let (triggers, _) = triggers_of(&self.specs, r);
        let codes: Vec<_> = triggers
            .iter()
            .filter_map(|tr| match tr {
                Trigger::Conditional { condition } => self.specs.code(*condition),
                _ => None,
            })
            .collect();
        if codes.is_empty() {
            return false;
        }
        let objects = self.visible_objects(s, data);
        let with_objects;
        let data = if objects.is_empty() {
            data
        } else {
            let mut d = data.clone();
            d.extend(objects);
            with_objects = d;
            &with_objects
        };
        codes
            .into_iter()
            .any(|c| self.specs.engine.eval_bool(c, data).unwrap_or(false))
    }

    /// Waiting task `t` was just armed: it fires at once if its condition
    /// holds on its own data.
    pub(crate) fn check_conditional(&mut self, t: u32) {
        let r = self.records.get(t);
        let (node, s) = (r.node, r.scope);
        let data = self.records.data(t).clone();
        if self.conditional_holds(node, s, &data) {
            self.fire_wait(t, None, data, NO_TASK);
        }
    }

    /// Reset support: conditional catch `t` waits again and the task whose
    /// data made it fire is gone. A boundary event that a non-interrupting
    /// firing re-armed takes up whether its condition holds now (it fires
    /// when the condition next becomes true); any other fires at once if its
    /// condition holds on its own data, as when it was reached.
    pub(crate) fn rewait_condition(&mut self, t: u32) {
        let rearmed = self
            .events
            .fires
            .iter()
            .any(|f| matches!(f.what, Fired::Catch { rearmed: Some(b), .. } if b == t));
        if !rearmed {
            self.check_conditional(t);
            return;
        }
        let r = self.records.get(t);
        let (node, s) = (r.node, r.scope);
        let data = self.records.data(t).clone();
        let holds = self.conditional_holds(node, s, &data);
        if let Some(w) = self.events.waits.get_mut(&t) {
            w.held = holds;
        }
    }

    /// Reset support: a non-interrupting conditional event subprocess start
    /// that already fired takes up whether its condition holds on the data
    /// as the reset left it.
    pub(crate) fn refresh_repeating_starts(&mut self) {
        if !self.specs.has_conditionals {
            return;
        }
        // A reset: looking at every start event is fine here.
        let ids: Vec<StarterId> = self.events.starters.iter().map(|(k, _)| k).collect();
        for k in ids {
            let st = &self.events.starters[k];
            let Some(s) = st.scope else { continue };
            if !st.fired
                || !st.repeat
                || !self.starter_armed(k)
                || !is_conditional(&self.specs, st.node())
            {
                continue;
            }
            let data = self.scope_data(s);
            let holds = self.conditional_holds(self.events.starters[k].node(), s, &data);
            self.events.starters.set_held(k, holds);
        }
    }

    /// Whether the condition of waiting task `t`, which now evaluates to
    /// `holds`, became true (and remembers the value).
    fn rises(&mut self, t: u32, holds: bool) -> bool {
        let Some(w) = self.events.waits.get_mut(&t) else {
            return false;
        };
        if holds && !w.held {
            // The wait fires as it is (a reset that un-fires it gets it back).
            return true;
        }
        w.held = holds;
        false
    }

    /// The last fire came from a condition: it is marked so (a reset fires
    /// it again rather than throwing again), and the boundary event it
    /// re-armed fires again only once the condition was false. `observed`:
    /// the condition was just seen true (else, after a reset, it is
    /// evaluated on the re-armed event's data).
    fn after_conditional_fire(&mut self, observed: bool) {
        let Some(f) = self.events.fires.last_mut() else {
            return;
        };
        f.cond = true;
        let Fired::Catch {
            rearmed: Some(b), ..
        } = f.what
        else {
            return;
        };
        let held = observed || {
            let r = self.records.get(b);
            let data = self.records.data(b).clone();
            self.conditional_holds(r.node, r.scope, &data)
        };
        if let Some(w) = self.events.waits.get_mut(&b) {
            w.held = held;
        }
    }

    /// Whether `t` still waits (an earlier firing may have cancelled it).
    fn still_waits(&self, t: u32) -> bool {
        self.events.waits.contains_key(&t) && self.records.state(t) == TaskState::Waiting
    }

    /// Task `by` completed in scope `s` with `data`: the conditional events
    /// of that scope are evaluated on it.
    pub(crate) fn recheck_conditionals(&mut self, s: u32, by: u32) {
        if !self.specs.has_conditionals {
            return;
        }
        let data = &self.records.data(by);
        let entries: Vec<CondEntry> = self
            .events
            .conditional
            .get(&s)
            .map(|set| set.range((s, 0)..=(s, NO_TASK)).copied().collect())
            .unwrap_or_default();
        for (_, t) in entries {
            if t == NO_TASK {
                self.recheck_starts(s, Some(data), by);
                continue;
            }
            if !self.still_waits(t) {
                continue;
            }
            let r = self.records.get(t).node;
            let holds = self.conditional_holds(r, s, data);
            if self.rises(t, holds) {
                let mut d = (*self.records.data(t)).clone();
                deep_merge(&mut d, data);
                self.fire_wait(t, None, Arc::new(d), by);
                self.after_conditional_fire(true);
            }
        }
    }

    /// Task `by` (at node `r`, in scope `s`) completed: the conditional
    /// events of other scopes that can see the data objects its output
    /// associations wrote are evaluated on their own data.
    pub(crate) fn recheck_written_objects(&mut self, s: u32, r: NodeRef, by: u32) {
        if !self.specs.has_conditionals {
            return;
        }
        let specs = self.specs.clone();
        let Some(nd) = specs.model.node(r).data.as_deref() else {
            return;
        };
        let mut holders: Vec<u32> = Vec::new();
        for w in &nd.writes {
            if let DataRef::Object(id) = w {
                if let Some(o) = self.object_scope(s, id) {
                    if !holders.contains(&o) {
                        holders.push(o);
                    }
                }
            }
        }
        for o in holders {
            let entries: Vec<CondEntry> = self
                .events
                .conditional
                .get(&o)
                .map(|set| set.iter().copied().collect())
                .unwrap_or_default();
            for (ws, t) in entries {
                if ws == s {
                    // Evaluated next with the writer's data, which is how a
                    // completion reaches the events of its own scope.
                    continue;
                }
                if t == NO_TASK {
                    self.recheck_starts(ws, None, by);
                    continue;
                }
                if !self.still_waits(t) {
                    continue;
                }
                let node = self.records.get(t).node;
                let data = self.records.data(t).clone();
                let holds = self.conditional_holds(node, ws, &data);
                if self.rises(t, holds) {
                    self.fire_wait(t, None, data, by);
                    self.after_conditional_fire(true);
                }
            }
        }
    }

    /// The conditional event subprocess starts of scope `s` are evaluated
    /// on `data` (the data of task `by`, which completed in `s`), or on the
    /// scope's data.
    fn recheck_starts(&mut self, s: u32, data: Option<&Arc<Data>>, by: u32) {
        let keys: Vec<StarterKey> = self
            .events
            .starters
            .of_scope(s)
            .into_iter()
            .filter(|&k| {
                let st = &self.events.starters[k];
                self.starter_armed(k) && is_conditional(&self.specs, st.node())
            })
            .map(|k| self.events.starters[k].key())
            .collect();
        for key in keys {
            let Some(k) = self.events.starters.id_of(key) else {
                continue;
            };
            if !self.starter_armed(k) {
                continue;
            }
            let data = data.cloned().unwrap_or_else(|| self.scope_data(s));
            let holds = self.conditional_holds(self.events.starters[k].node(), s, &data);
            if !holds || self.events.starters[k].wait.held {
                self.events.starters.set_held(k, holds);
                continue;
            }
            self.fire_starter(k, 0, None, by);
            if let Some(f) = self.events.fires.last_mut() {
                f.cond = true;
            }
            // A non-interrupting start stays armed: it fires again only
            // once its condition was false.
            if let Some(k) = self.events.starters.id_of(key) {
                let st = &self.events.starters[k];
                if st.repeat && !st.spent {
                    self.events.starters.set_held(k, true);
                }
            }
        }
    }

    /// Reset support: conditional catch `t` waits again, but task `by`,
    /// whose change made its condition true, stays: the event happened, so
    /// it fires again, as it did (with `by`'s data merged into its own when
    /// `by` completed in its scope).
    pub(crate) fn refire_condition(&mut self, t: u32, with: Option<Arc<Data>>, by: u32) {
        let data = match with {
            Some(with) => {
                let mut d = (*self.records.data(t)).clone();
                deep_merge(&mut d, &with);
                Arc::new(d)
            }
            None => self.records.data(t).clone(),
        };
        self.fire_wait(t, None, data, by);
        self.after_conditional_fire(false);
    }

    /// Reset support: the conditional event subprocess starts (`keys`) the
    /// reset re-armed whose cause (the task given with each) stays fire
    /// again.
    pub(crate) fn refire_starts(&mut self, keys: Vec<(StarterKey, u32)>) {
        for (key, by) in keys {
            let Some(k) = self.events.starters.id_of(key) else {
                continue;
            };
            if !self.starter_armed(k) {
                continue;
            }
            self.fire_starter(k, 0, None, by);
            if let Some(f) = self.events.fires.last_mut() {
                f.cond = true;
            }
        }
    }
}
