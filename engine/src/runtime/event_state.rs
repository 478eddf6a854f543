//! The events owner: what each WAITING event task waits for, which READY
//! catches already got their event, the start events (`starters.rs`),
//! events nothing inside caught (the outbox), message correlation values
//! per process or subprocess instance (`correlation.rs`), a log of every
//! fired event with what a reset needs to un-fire it, and the indexes that
//! find waits without a scan: message waits by name and correlation values
//! (`message_index.rs`), signal waits by name, pending timers by due time,
//! waits by their record's parent (boundary events by activity, the events
//! after an event-based gateway), conditional waits by the scopes whose
//! data they see (`conditional.rs`). The indexes are derived from the waits
//! and the scopes: rebuilt on restore and reset, checked by `check`, never
//! saved.
//!
//! Un-firing a catch puts it back to WAITING with the wait and the data it
//! had before its event (no payload of a later delivery survives, none of
//! its own is lost). Un-firing a start event removes the instance or event
//! subprocess it started and re-arms it as it was.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use jiff::Timestamp;
use serde_json::Value;

use super::TaskState;
use super::conditional::{CondIndex, expected_index, is_conditional, unindex};
use super::correlation;
use super::events::OutEvent;
use super::message_index::{Knows, MessageIndex};
use super::owner::{Moment, ResetPlan, StateOwner, View};
use super::snapshot::{FireRow, InstanceSnapshot, RestoreError, TaskDelta};
use super::starters::Starters;
use super::task::NO_TASK;
use super::wait::{Starter, Wait, triggers_of};
use crate::model::{Data, NodeKind, Trigger};

/// What fired.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fired {
    /// A waiting task (catching event, boundary event, receive task) got
    /// its event and became READY.
    Catch {
        task: u32,
        /// Its data while it waited.
        before: Arc<Data>,
        /// Its wait.
        wait: Wait,
        /// The boundary event armed again by this firing (non-interrupting
        /// boundary events can happen again while their activity runs).
        rearmed: Option<u32>,
    },
    /// An armed start event started a conversation (a new top-level scope)
    /// or an event subprocess instance.
    Start {
        /// The start event as it was before (its key says which).
        before: Starter,
        /// The task it created: the process's start event, or the event
        /// subprocess task.
        created: u32,
        /// The data the new body started with.
        data: Arc<Data>,
        /// The instance's pending starts before (process start events).
        pending_before: u32,
    },
}

/// One fired event.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fire {
    pub what: Fired,
    /// The task whose execution threw the event (or whose completion made a
    /// condition true); `NO_TASK` for events from outside and timers.
    pub by: u32,
    /// A condition became true (`by` completed), rather than a throw.
    pub cond: bool,
    pub at: Moment,
}

/// A correlation value of a process or subprocess instance and the task
/// that set it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Correlated {
    pub key: String,
    pub value: Value,
    pub by: u32,
}

/// The events owner.
#[derive(Debug, Clone, Default)]
pub(crate) struct EventState {
    /// What each WAITING event task waits for (boxed: a wait is large, and
    /// the map moves its values around as it grows and shrinks).
    pub waits: BTreeMap<u32, Box<Wait>>,
    /// The waits of cancelled tasks a reset could bring back (boundary
    /// events of subprocesses, call activities and loops; what an
    /// interrupting event cancelled). Never scanned while running.
    pub dormant_waits: BTreeMap<u32, Box<Wait>>,
    /// READY catches whose event arrived: they complete when they run.
    pub fired: BTreeSet<u32>,
    /// Every fired event, oldest first.
    pub fires: Vec<Fire>,
    /// Start events of processes and of the event subprocesses of running
    /// scopes, armed or not (see `starters::armed`), with their indexes
    /// (`starters.rs`).
    pub starters: Starters,
    /// The start events of scopes that finished, kept as they were for a
    /// reset that makes the scope run again.
    pub dormant: BTreeMap<u32, Vec<Starter>>,
    /// Events nothing inside caught, oldest first.
    pub outbox: Vec<OutEvent>,
    /// The task that threw each outbox event (`NO_TASK`: unknown).
    pub outbox_by: Vec<u32>,
    /// Correlation values per scope (the process, conversation,
    /// subprocess, call activity or event subprocess instance that set
    /// them), in the order they were set.
    pub correlations: HashMap<u32, Vec<Correlated>>,
    /// The message waits by name and known correlation values (derived from
    /// `waits` and `correlations`; never saved).
    pub messages: MessageIndex,
    /// The waits with a pending timer, by due time (derived from `waits`;
    /// never saved), so finding the next due timer does not scan the waits.
    pub timers: BTreeSet<(Timestamp, u32)>,
    /// The signal waits by signal name, in task order (derived from
    /// `waits`; never saved), so a signal reaches its catchers without a
    /// scan of every wait.
    pub signals: HashMap<String, BTreeSet<u32>>,
    /// The due time each wait is filed under in `timers`.
    timer_of: HashMap<u32, Timestamp>,
    /// The waits by the task that is their record's parent, as (parent,
    /// task) (derived from `waits`; never saved): an activity's boundary
    /// events, the events after an event-based gateway are found without a
    /// scan of every wait.
    children: BTreeSet<(u32, u32)>,
    /// Conditional waits and conditional event subprocess starts, listed
    /// under their scope and every enclosing scope that declares data
    /// objects (see `conditional.rs`).
    pub conditional: CondIndex,
}

/// The earliest due time of wait `w` among the definitions not yet seen.
fn pending_due(w: &Wait) -> Option<Timestamp> {
    w.due
        .iter()
        .enumerate()
        .filter(|(i, _)| !w.seen.get(*i).copied().unwrap_or(false))
        .filter_map(|(_, d)| *d)
        .min()
}

impl EventState {
    /// Correlation `key` of scope `s` (the last value set).
    pub fn correlation(&self, s: u32, key: &str) -> Option<&Value> {
        self.correlations
            .get(&s)?
            .iter()
            .rev()
            .find(|c| c.key == key)
            .map(|c| &c.value)
    }

    /// Correlation `key` as seen from the scopes `chain` (innermost first).
    pub fn lookup(&self, chain: &[u32], key: &str) -> Option<&Value> {
        chain.iter().find_map(|&s| self.correlation(s, key))
    }

    /// Sets correlation values of scope `s` (set by task `by`); the message
    /// waits filed with that scope's values are filed again.
    pub fn correlate(&mut self, s: u32, values: &BTreeMap<String, Value>, by: u32, view: &View) {
        if values.is_empty() {
            return;
        }
        let list = self.correlations.entry(s).or_default();
        let mut changed = false;
        for (k, v) in values {
            if list.iter().rev().find(|c| &c.key == k).map(|c| &c.value) != Some(v) {
                list.push(Correlated {
                    key: k.clone(),
                    value: v.clone(),
                    by,
                });
                changed = true;
            }
        }
        if changed {
            for t in self.messages.filed_in(s) {
                self.file_wait(t, view);
            }
        }
    }

    /// Task `t` waits for `w`.
    pub fn insert_wait(&mut self, t: u32, w: Wait, view: &View) {
        self.waits.insert(t, Box::new(w));
        self.file_wait(t, view);
    }

    /// Task `t` no longer waits: its wait.
    pub fn take_wait(&mut self, t: u32, view: &View) -> Option<Box<Wait>> {
        let w = self.waits.remove(&t)?;
        self.messages.unfile(t);
        self.unfile_timer(t);
        let r = view.records.get(t);
        let (triggers, _) = triggers_of(view.specs, r.node);
        for tr in triggers {
            if let Trigger::Signal { name, .. } = tr {
                if let Some(ts) = self.signals.get_mut(name) {
                    ts.remove(&t);
                    if ts.is_empty() {
                        self.signals.remove(name);
                    }
                }
            }
        }
        self.children.remove(&(r.parent, t));
        Some(w)
    }

    /// The waiting tasks whose record's parent is `p` (in task order).
    pub fn waits_under(&self, p: u32) -> Vec<u32> {
        self.children
            .range((p, 0)..=(p, u32::MAX))
            .map(|&(_, t)| t)
            .collect()
    }

    /// The wait of task `t` changed in place (a definition of a parallel
    /// multiple event was seen): its pending timer is filed again.
    pub fn refile_timer(&mut self, t: u32) {
        self.unfile_timer(t);
        if let Some(d) = self.waits.get(&t).and_then(|w| pending_due(w)) {
            self.timers.insert((d, t));
            self.timer_of.insert(t, d);
        }
    }

    fn unfile_timer(&mut self, t: u32) {
        if let Some(d) = self.timer_of.remove(&t) {
            self.timers.remove(&(d, t));
        }
    }

    /// What waiting task `t` knows of each message it waits for, and the
    /// scope that knowledge comes from.
    fn knows(&self, t: u32, view: &View) -> (Option<u32>, Vec<Knows>) {
        let Some(w) = self.waits.get(&t) else {
            return (None, Vec::new());
        };
        let (triggers, _) = triggers_of(view.specs, view.records.get(t).node);
        if !triggers
            .iter()
            .any(|tr| matches!(tr, Trigger::Message { .. }))
        {
            return (None, Vec::new());
        }
        let scope = correlation::index_scope(view, t);
        let mut out = Vec::new();
        for tr in triggers {
            let Trigger::Message { name, .. } = tr else {
                continue;
            };
            // Every message name of the diagrams has a number.
            let Some(id) = view.specs.message_id(name) else {
                continue;
            };
            let pairs = view
                .specs
                .message_properties(name)
                .iter()
                .filter_map(|c| {
                    let p = c.property.as_str();
                    w.expect
                        .get(p)
                        .or_else(|| scope.and_then(|s| self.correlation(s, p)))
                        .map(|v| (p.to_string(), v.clone()))
                })
                .collect();
            out.push((id, pairs));
        }
        (scope, out)
    }

    /// Files waiting task `t` in the message index (if it waits for a
    /// message) and the timer index (if a timer of it is pending).
    fn file_wait(&mut self, t: u32, view: &View) {
        let (scope, knows) = self.knows(t, view);
        self.messages.file(t, scope, knows);
        self.refile_timer(t);
        let r = view.records.get(t);
        if r.parent != NO_TASK {
            self.children.insert((r.parent, t));
        }
        let (triggers, _) = triggers_of(view.specs, r.node);
        for tr in triggers {
            if let Trigger::Signal { name, .. } = tr {
                self.signals.entry(name.clone()).or_default().insert(t);
            }
        }
    }

    /// The tasks waiting for signal `name`, in task order.
    pub fn signal_waits(&self, name: &str) -> Vec<u32> {
        self.signals
            .get(name)
            .map(|ts| ts.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Builds the indexes of the waits and of the start events again.
    fn rebuild_index(&mut self, view: &View) {
        self.messages.clear();
        self.timers.clear();
        self.timer_of.clear();
        self.signals.clear();
        self.children.clear();
        let waits: Vec<u32> = self.waits.keys().copied().collect();
        for t in waits {
            self.file_wait(t, view);
        }
        self.starters.rebuild(view.specs, view.scopes);
    }

    /// Puts start event `before` back as it was, listed or put away.
    fn restore_starter(&mut self, before: Starter, view: &View) {
        let key = before.key();
        if let Some(id) = self.starters.id_of(key) {
            self.starters
                .update(id, view.specs, view.scopes, |st| *st = before);
            return;
        }
        let Some(s) = key.0 else { return };
        if let Some(st) = self
            .dormant
            .get_mut(&s)
            .and_then(|list| list.iter_mut().find(|st| st.key() == key))
        {
            *st = before;
        }
    }

    /// Scope `s` finished: its start events are put away as they are.
    pub fn park(&mut self, s: u32, specs: &super::Specs) {
        let away = self.starters.take_scope(s, specs);
        if !away.is_empty() {
            self.dormant.entry(s).or_default().extend(away);
        }
    }

    /// Scope `s` runs again: its start events come back.
    pub fn unpark(&mut self, s: u32, view: &View) {
        if let Some(list) = self.dormant.remove(&s) {
            for st in list {
                self.starters.push(st, view.specs, view.scopes);
            }
        }
    }

    /// (fire index, cause) for every fire caused by a task.
    pub fn causes(&self) -> impl Iterator<Item = (usize, u32)> + '_ {
        self.fires
            .iter()
            .enumerate()
            .filter(|(_, f)| f.by != NO_TASK)
            .map(|(i, f)| (i, f.by))
    }

    /// The last fire of catch `t`.
    pub fn catch_fire(&self, t: u32) -> Option<usize> {
        self.fires
            .iter()
            .rposition(|f| matches!(f.what, Fired::Catch { task, .. } if task == t))
    }

    /// The fire that created task `t` (a start event firing).
    pub fn start_fire(&self, t: u32) -> Option<usize> {
        self.fires
            .iter()
            .rposition(|f| matches!(f.what, Fired::Start { created, .. } if created == t))
    }
}

impl StateOwner for EventState {
    fn cancel(&mut self, t: u32, view: &View) {
        // A READY catch that already got its event keeps it (`fired`), and
        // a wait stays, dormant: a reset that undoes the cancellation gives
        // them back. The boundary events of a task that cannot be reopened
        // (not a subprocess, call activity or loop) are dropped.
        let Some(w) = self.take_wait(t, view) else {
            return;
        };
        let r = view.records.get(t);
        if view.specs.has_conditionals && is_conditional(view.specs, r.node) {
            unindex(&mut self.conditional, (r.scope, t), view, r.scope);
        }
        if view.records.cause(t) == r.parent && r.parent != NO_TASK {
            let activity = view.specs.model.node(view.records.get(r.parent).node);
            let reopenable = activity.looping.is_some()
                || matches!(
                    activity.kind,
                    NodeKind::SubProcess { .. } | NodeKind::CallActivity { .. }
                );
            if !reopenable {
                return;
            }
        }
        self.dormant_waits.insert(t, w);
    }

    fn remove(&mut self, plan: &ResetPlan, view: &View) {
        // Un-fire: catches wait again, start events are re-armed.
        let mut unfired: Vec<usize> = plan.unfired.iter().copied().collect();
        unfired.sort_unstable();
        for &i in unfired.iter().rev() {
            let f = &self.fires[i];
            match &f.what {
                Fired::Catch { task, wait, .. } => {
                    if !plan.doomed.contains(task) {
                        self.waits.insert(*task, Box::new(wait.clone()));
                        self.fired.remove(task);
                    }
                }
                Fired::Start { before, .. } => {
                    let before = before.clone();
                    self.restore_starter(before, view);
                }
            }
        }
        let mut keep = Vec::with_capacity(self.fires.len());
        for (i, f) in self.fires.drain(..).enumerate() {
            let target_gone = match &f.what {
                Fired::Catch { task, .. } => plan.doomed.contains(task),
                Fired::Start { created, .. } => plan.doomed.contains(created),
            };
            if !plan.unfired.contains(&i) && !target_gone {
                keep.push(f);
            }
        }
        self.fires = keep;
        for &t in &plan.doomed {
            self.waits.remove(&t);
            self.dormant_waits.remove(&t);
            self.fired.remove(&t);
        }
        for &t in &plan.restored {
            if let Some(w) = self.dormant_waits.remove(&t) {
                self.waits.insert(t, w);
            }
        }
        for &t in &plan.undone {
            self.fired.remove(&t);
        }
        // Start events of removed bodies go.
        let removed = &plan.removed_scopes;
        self.starters.retain(
            |st| !st.scope.is_some_and(|s| removed.contains(&s)),
            view.specs,
            view.scopes,
        );
        self.dormant.retain(|s, _| !removed.contains(s));
        let mut by = std::mem::take(&mut self.outbox_by).into_iter();
        let mut kept_by = Vec::new();
        self.outbox.retain(|_| {
            let b = by.next().unwrap_or(NO_TASK);
            let keep = !plan.gone(b);
            if keep {
                kept_by.push(b);
            }
            keep
        });
        self.outbox_by = kept_by;
        self.correlations.retain(|s, _| !removed.contains(s));
        for list in self.correlations.values_mut() {
            list.retain(|c| !plan.gone(c.by));
        }
        self.correlations.retain(|_, list| !list.is_empty());
        self.rebuild_index(view);
    }

    fn snapshot(&self, snap: &mut InstanceSnapshot, view: &View) {
        snap.waits = self
            .waits
            .iter()
            .map(|(k, w)| (*k, (**w).clone()))
            .collect();
        snap.dormant_waits = self
            .dormant_waits
            .iter()
            .map(|(k, w)| (*k, (**w).clone()))
            .collect();
        snap.fired = self.fired.iter().copied().collect();
        snap.starters = self.starters.iter().map(|(_, st)| st.clone()).collect();
        snap.dormant_starters = self.dormant.values().flatten().cloned().collect();
        snap.outbox = self.outbox.clone();
        snap.outbox_by = if self.outbox_by.iter().all(|&b| b == NO_TASK) {
            Vec::new()
        } else {
            self.outbox_by.clone()
        };
        let mut scopes: Vec<&u32> = self.correlations.keys().collect();
        scopes.sort();
        for s in scopes {
            if let Some(Some(row)) = snap.scopes.get_mut(*s as usize) {
                for c in &self.correlations[s] {
                    row.correlations.insert(c.key.clone(), c.value.clone());
                    row.correlated_by
                        .push((c.key.clone(), c.value.clone(), c.by));
                }
            }
        }
        snap.fires = self
            .fires
            .iter()
            .map(|f| match &f.what {
                Fired::Catch {
                    task,
                    before,
                    wait,
                    rearmed,
                } => FireRow {
                    task: Some(*task),
                    before: Some(TaskDelta::of(&view.parent_data(*task), before)),
                    wait: Some(wait.clone()),
                    rearmed: *rearmed,
                    starter_before: None,
                    created: None,
                    data: None,
                    pending_before: 0,
                    by: f.by,
                    cond: f.cond,
                    at: f.at,
                },
                Fired::Start {
                    before,
                    created,
                    data,
                    pending_before,
                } => FireRow {
                    task: None,
                    before: None,
                    wait: None,
                    rearmed: None,
                    starter_before: Some(before.clone()),
                    created: Some(*created),
                    data: Some((**data).clone()),
                    pending_before: *pending_before,
                    by: f.by,
                    cond: f.cond,
                    at: f.at,
                },
            })
            .collect();
    }

    fn restore(&mut self, snap: &InstanceSnapshot, view: &View) -> Result<(), RestoreError> {
        let bad = |m: String| Err(RestoreError(m));
        let check = |t: u32, what: &str| view.check_task(t, what);
        let specs = view.specs;
        let all = snap
            .waits
            .iter()
            .map(|x| (x, false))
            .chain(snap.dormant_waits.iter().map(|x| (x, true)));
        for ((t, w), is_dormant) in all {
            check(*t, "a wait")?;
            let r = view.records.get(*t);
            let (triggers, _) = triggers_of(specs, r.node);
            let state_ok = if is_dormant {
                r.state == TaskState::Cancelled
            } else {
                r.state == TaskState::Waiting
            };
            if !state_ok || triggers.is_empty() {
                return bad(format!(
                    "task {t} waits for an event but is not a waiting event"
                ));
            }
            if !w.due.is_empty() && w.due.len() != triggers.len()
                || !w.seen.is_empty() && w.seen.len() != triggers.len()
            {
                return bad(format!(
                    "the wait of task {t} does not match its event definitions"
                ));
            }
            if is_dormant {
                self.dormant_waits.insert(*t, Box::new(w.clone()));
            } else {
                self.waits.insert(*t, Box::new(w.clone()));
            }
        }
        for &t in &snap.fired {
            check(t, "a fired event")?;
            self.fired.insert(t);
        }
        let n_scopes = snap.scopes.len();
        for st in snap.starters.iter().chain(&snap.dormant_starters) {
            let Some(g) = specs.model.graphs.get(st.graph as usize) else {
                return bad(format!(
                    "a start event refers to graph {}, which does not exist",
                    st.graph
                ));
            };
            if st.start as usize >= g.nodes.len()
                || st
                    .scope
                    .is_some_and(|s| s as usize >= n_scopes || snap.scopes[s as usize].is_none())
            {
                return bad("a start event refers to a node or scope that does not exist".into());
            }
            let (triggers, _) = triggers_of(specs, st.node());
            if triggers.is_empty()
                || (!st.wait.due.is_empty() && st.wait.due.len() != triggers.len())
            {
                return bad(format!(
                    "armed start event {} has no matching definition",
                    g.nodes[st.start as usize].id
                ));
            }
            if let (Some(s), Some(e)) = (st.scope, st.esp) {
                let Some(Some(row)) = snap.scopes.get(s as usize) else {
                    return bad("an event subprocess start refers to a missing scope".into());
                };
                let sg = specs.model.graph(crate::model::GraphIdx(row.graph));
                if e as usize >= sg.nodes.len() {
                    return bad(
                        "an event subprocess start refers to a node that does not exist".into(),
                    );
                }
            }
        }
        self.starters
            .replace(snap.starters.clone(), view.specs, view.scopes);
        for st in &snap.dormant_starters {
            let Some(s) = st.scope else {
                return bad("a dormant start event belongs to no scope".into());
            };
            self.dormant.entry(s).or_default().push(st.clone());
        }
        for (i, e) in snap.outbox.iter().enumerate() {
            let by = snap.outbox_by.get(i).copied().unwrap_or(NO_TASK);
            if by != NO_TASK {
                check(by, "an outbox event")?;
            }
            self.outbox.push(e.clone());
            self.outbox_by.push(by);
        }
        for (si, row) in snap.scopes.iter().enumerate() {
            let Some(row) = row else { continue };
            let mut list = Vec::new();
            if row.correlated_by.is_empty() {
                for (k, v) in &row.correlations {
                    list.push(Correlated {
                        key: k.clone(),
                        value: v.clone(),
                        by: NO_TASK,
                    });
                }
            } else {
                for (k, v, by) in &row.correlated_by {
                    if *by != NO_TASK {
                        check(*by, "a correlation")?;
                    }
                    list.push(Correlated {
                        key: k.clone(),
                        value: v.clone(),
                        by: *by,
                    });
                }
            }
            if !list.is_empty() {
                self.correlations.insert(si as u32, list);
            }
        }
        for row in &snap.fires {
            if row.by != NO_TASK {
                check(row.by, "a fired event")?;
            }
            let what = match (row.task, &row.starter_before) {
                (Some(task), None) => {
                    check(task, "a fired event")?;
                    let parent = view.parent_data(task);
                    Fired::Catch {
                        task,
                        before: Arc::new(row.before.clone().unwrap_or_default().apply(&parent)),
                        wait: row.wait.clone().unwrap_or_default(),
                        rearmed: match row.rearmed {
                            Some(b) => {
                                check(b, "a fired event")?;
                                Some(b)
                            }
                            None => None,
                        },
                    }
                }
                (None, Some(before)) => {
                    let created = row.created.unwrap_or(NO_TASK);
                    check(created, "a fired start event")?;
                    Fired::Start {
                        before: before.clone(),
                        created,
                        data: Arc::new(row.data.clone().unwrap_or_default()),
                        pending_before: row.pending_before,
                    }
                }
                _ => return bad("a fired event is neither a catch nor a start".into()),
            };
            self.fires.push(Fire {
                what,
                by: row.by,
                cond: row.cond,
                at: row.at,
            });
        }
        self.rebuild_index(view);
        self.conditional = expected_index(self, view);
        Ok(())
    }

    fn check(&self, view: &View) -> Result<(), String> {
        let records = view.records;
        for (&t, dormant) in self
            .waits
            .keys()
            .map(|t| (t, false))
            .chain(self.dormant_waits.keys().map(|t| (t, true)))
        {
            if !records.exists(t) {
                return Err(format!("task {t} waits but does not exist"));
            }
            let r = records.get(t);
            let ok = if dormant {
                r.state == TaskState::Cancelled && r.prev == TaskState::Waiting
            } else {
                r.state == TaskState::Waiting
            };
            if !ok {
                return Err(format!(
                    "task {t} (`{}`) has a wait but is {}",
                    view.specs.model.node(r.node).id,
                    r.state
                ));
            }
        }
        for t in records.ids() {
            let r = records.get(t);
            if r.state != TaskState::Waiting {
                continue;
            }
            let waits_for_event = matches!(
                view.specs.model.node(r.node).kind,
                NodeKind::Event(_) | NodeKind::ReceiveTask { .. }
            );
            if waits_for_event && !self.waits.contains_key(&t) {
                return Err(format!(
                    "task {t} (`{}`) is WAITING for an event but nothing says which",
                    view.specs.model.node(r.node).id
                ));
            }
        }
        // The message, signal and parent indexes hold exactly the waits
        // for them.
        let (mut message_waits, mut signal_entries, mut children) = (0, 0, 0);
        for &t in self.waits.keys() {
            let r = records.get(t);
            if r.parent != NO_TASK {
                children += 1;
                if !self.children.contains(&(r.parent, t)) {
                    return Err(format!("task {t} waits but is not indexed by its parent"));
                }
            }
            let (triggers, _) = triggers_of(view.specs, r.node);
            if triggers
                .iter()
                .any(|tr| matches!(tr, Trigger::Message { .. }))
            {
                message_waits += 1;
                if !self.messages.contains(t) {
                    return Err(format!("task {t} waits for a message but is not indexed"));
                }
            }
            let names: BTreeSet<&String> = triggers
                .iter()
                .filter_map(|tr| match tr {
                    Trigger::Signal { name, .. } => Some(name),
                    _ => None,
                })
                .collect();
            if let Some(name) = names
                .iter()
                .find(|n| !self.signals.get(**n).is_some_and(|ts| ts.contains(&t)))
            {
                return Err(format!(
                    "task {t} waits for signal `{name}` but is not indexed"
                ));
            }
            signal_entries += names.len();
        }
        if message_waits != self.messages.len() {
            return Err("the message index holds tasks that do not wait".into());
        }
        if signal_entries != self.signals.values().map(BTreeSet::len).sum::<usize>() {
            return Err("the signal index holds tasks that do not wait".into());
        }
        if children != self.children.len() {
            return Err("the index of waits by parent holds tasks that do not wait".into());
        }
        let timed: Vec<(Timestamp, u32)> = self
            .waits
            .iter()
            .filter_map(|(&t, w)| pending_due(w).map(|d| (d, t)))
            .collect();
        if timed.len() != self.timers.len() || timed.iter().any(|x| !self.timers.contains(x)) {
            return Err("the timer index does not match the waits".into());
        }
        for &t in &self.fired {
            if !records.exists(t) {
                return Err(format!("fired event {t} does not exist"));
            }
            let r = records.get(t);
            let ok = r.state == TaskState::Ready
                || (r.state == TaskState::Cancelled && r.prev == TaskState::Ready);
            if !ok {
                return Err(format!("event task {t} got its event but is {}", r.state));
            }
        }
        for (_, st) in self.starters.iter() {
            if let Some(s) = st.scope {
                if s >= view.scopes.len() || !view.scopes.get(s).running() {
                    return Err(format!(
                        "an event subprocess start of scope {s} is armed, but the scope does not run"
                    ));
                }
            }
        }
        for f in &self.fires {
            let t = match &f.what {
                Fired::Catch { task, .. } => *task,
                Fired::Start { created, .. } => *created,
            };
            if !records.exists(t) {
                return Err(format!("fired event task {t} does not exist"));
            }
        }
        if self.conditional != expected_index(self, view) {
            return Err("the index of conditional events does not match the waits".into());
        }
        self.starters.check(view.specs, view.scopes)
    }
}
