//! The state of an instance as plain data, for saving and restoring: the
//! rows every owner writes, and `Workflow::snapshot` / `Workflow::restore`,
//! which are loops over the owners.
//!
//! Task data is stored as a delta against the parent task's data (and not at
//! all when it is the same map), so a loop iteration adds a few dozen bytes.
//! Everything derivable (live sets, the human task set, child scopes) is
//! rebuilt on restore, every index in a snapshot is checked, and the
//! restored instance must pass the owners' invariant checks, so a
//! hand-edited file gives an error, never a panic or a broken instance.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use jiff::Timestamp;
use serde::de::{self, SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::clock::{Clock, ClockChange};
use super::events::OutEvent;
use super::owner::{Moment, StateOwner, View};
use super::records::{RecordTables, Records};
use super::scopes::{Scope, Scopes};
use super::task::NO_TASK;
use super::task_rows::{TaskRows, diff};
use super::wait::{Starter, Wait};
use super::{Specs, TaskState, Workflow};
use crate::model::{Data, GraphIdx, NodeKind};

/// One task record: node, parent, scope, state and how its data differs
/// from its parent's. Written as a short array: `[graph, node, parent,
/// scope, "C", {set…}, [removed keys…]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRow {
    /// The task's graph: an index in [`crate::model::Model::graphs`].
    pub graph: u32,
    /// The task's node: an index in that graph's nodes.
    pub node: u32,
    /// Parent task, or -1.
    pub parent: i64,
    /// Index of the scope (in [`InstanceSnapshot::scopes`]) it runs in.
    pub scope: u32,
    /// Its [`TaskState`] as one letter: `W`aiting, `R`eady, `S`tarted,
    /// `C`ompleted, `E`rror, or `X` for cancelled.
    pub state: char,
    /// Keys whose value differs from the parent's data.
    pub set: Option<Data>,
    /// Keys of the parent's data that this task does not have.
    pub del: Vec<String>,
}

impl Serialize for TaskRow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n = 5
            + usize::from(self.set.is_some() || !self.del.is_empty())
            + usize::from(!self.del.is_empty());
        let mut seq = s.serialize_seq(Some(n))?;
        seq.serialize_element(&self.graph)?;
        seq.serialize_element(&self.node)?;
        seq.serialize_element(&self.parent)?;
        seq.serialize_element(&self.scope)?;
        seq.serialize_element(&self.state.to_string())?;
        if self.set.is_some() || !self.del.is_empty() {
            seq.serialize_element(&self.set.clone().unwrap_or_default())?;
        }
        if !self.del.is_empty() {
            seq.serialize_element(&self.del)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for TaskRow {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TaskRow;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a task row [graph, node, parent, scope, state, {data}?, [deleted]?]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<TaskRow, A::Error> {
                let missing = |i| de::Error::invalid_length(i, &self);
                let graph = a.next_element()?.ok_or_else(|| missing(0))?;
                let node = a.next_element()?.ok_or_else(|| missing(1))?;
                let parent = a.next_element()?.ok_or_else(|| missing(2))?;
                let scope = a.next_element()?.ok_or_else(|| missing(3))?;
                let state: String = a.next_element()?.ok_or_else(|| missing(4))?;
                let mut chars = state.chars();
                let (Some(state), None) = (chars.next(), chars.next()) else {
                    return Err(de::Error::custom(format!("bad task state {state:?}")));
                };
                let set: Option<Data> = a.next_element()?;
                let del: Option<Vec<String>> = a.next_element()?;
                if a.next_element::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::custom("a task row has at most 7 items"));
                }
                Ok(TaskRow {
                    graph,
                    node,
                    parent,
                    scope,
                    state,
                    set,
                    del: del.unwrap_or_default(),
                })
            }
        }
        d.deserialize_seq(V)
    }
}

/// How one map of data differs from another: keys set or changed, keys
/// removed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskDelta {
    /// Always written, so a delta is never an empty struct (which RON
    /// writes as `()`).
    #[serde(default)]
    pub set: Option<Data>,
    /// Keys removed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub del: Vec<String>,
}

impl TaskDelta {
    /// What turns `from` into `to`.
    pub fn of(from: &Data, to: &Data) -> TaskDelta {
        let (set, del) = diff(from, to);
        TaskDelta { set, del }
    }

    /// `from` with this delta applied.
    pub fn apply(&self, from: &Data) -> Data {
        let mut d = from.clone();
        for k in &self.del {
            d.shift_remove(k);
        }
        if let Some(set) = &self.set {
            for (k, v) in set.iter_shared() {
                d.insert_shared(k.clone(), v.clone());
            }
        }
        d
    }
}

/// The tokens a fired join consumed: (incoming flow position, arrival
/// sequence, task).
pub type JoinInputs = Vec<(u32, u64, u32)>;

/// A join's pending tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinRow {
    /// The join gateway's node index in the scope's graph.
    pub node: u32,
    /// The WAITING join record.
    pub task: Option<u32>,
    /// Per incoming flow, the (arrival sequence, task) pairs not yet consumed.
    pub arrivals: Vec<Vec<(u64, u32)>>,
}

/// The state of one loop task, as stored in a snapshot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoopRow {
    /// The loop task (STARTED while its instances run).
    pub task: u32,
    /// Instance (or iteration) task ids by index.
    pub instances: Vec<u32>,
    /// Multi-instance: how many instances there are in all.
    #[serde(default)]
    pub count: u32,
    /// How many instances (or iterations) completed.
    #[serde(default)]
    pub completed: u32,
    /// Instances created and not finished.
    #[serde(default)]
    pub active: u32,
    /// The loop task completed (or its completion condition held).
    #[serde(default)]
    pub done: bool,
    /// The loop task's data when it started, against its parent's data
    /// (when it differs from the task's own data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<TaskDelta>,
}

/// A fired event, as stored in a snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FireRow {
    /// A catch that fired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<u32>,
    /// Its data while it waited, against its parent's data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<TaskDelta>,
    /// A catch that fired: what it waited for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait: Option<Wait>,
    /// A catch that fired: the non-interrupting boundary event task armed
    /// again by the firing, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rearmed: Option<u32>,
    /// A start event that fired, as it was before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starter_before: Option<Starter>,
    /// A start event that fired: the task it created (the process's start
    /// event, or the event subprocess task).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<u32>,
    /// A start event that fired: the data the new body started with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Data>,
    /// A start event that fired: the instance's
    /// [`InstanceSnapshot::pending_starts`] before it did.
    #[serde(default)]
    pub pending_before: u32,
    /// The task that threw the event, or -1 (from outside, a timer).
    #[serde(default = "no_task", skip_serializing_if = "is_no_task")]
    pub by: u32,
    /// A condition that became true when `by` completed (not a throw).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cond: bool,
    /// When it fired, in the instance's history.
    pub at: Moment,
}

fn no_task() -> u32 {
    NO_TASK
}

fn is_no_task(t: &u32) -> bool {
    *t == NO_TASK
}

/// A compensation run, as stored in a snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompRunRow {
    /// The task that threw the compensation.
    pub owner: u32,
    /// Activities still to compensate, next first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left: Vec<u32>,
    /// (activity, handler task or -1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub done: Vec<(u32, u32)>,
    /// The thrower's data at the throw, against its parent's data.
    #[serde(default)]
    pub entry: TaskDelta,
    /// No activity was left to compensate: the run is over.
    #[serde(default)]
    pub finished: bool,
}

/// A scope: a running or finished process / subprocess body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeRow {
    /// The body's graph: an index in [`crate::model::Model::graphs`].
    pub graph: u32,
    /// The subprocess, call activity or event subprocess task that runs
    /// this body; `None` for a top-level process.
    pub parent_task: Option<u32>,
    /// Nesting depth: 0 for a top-level process.
    pub depth: u32,
    /// The joins in this body that hold tokens.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub joins: Vec<JoinRow>,
    /// Tasks that ended a path (no outgoing flow), in completion order:
    /// the body's final data is the merge of theirs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ended: Vec<u32>,
    /// The terminate end event (or interrupting event subprocess) that
    /// ended the body, if one did: its data alone is the final data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminated_by: Option<u32>,
    /// The body has ended.
    pub finished: bool,
    /// The task that completed last in this body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_done: Option<u32>,
    /// Correlation property → value, as set in this body (read when
    /// `correlated_by` is empty, as in older files).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub correlations: BTreeMap<String, Value>,
    /// Correlation values with the task that set each, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub correlated_by: Vec<(String, Value, u32)>,
    /// Completed activities with a compensation handler, in completion order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compensable: Vec<u32>,
    /// Values of the data objects the body declares.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub data_objects: BTreeMap<String, Value>,
    /// Every write of a data object: (object, task, value), oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub object_writes: Vec<(String, u32, Value)>,
    /// Event subprocess starts a reset made the scope wait for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub awaiting: Vec<(u32, u32)>,
    /// The data the body's task had when the body started, against that
    /// task's parent's data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<TaskDelta>,
}

/// Everything needed to continue an instance, given the same specs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceSnapshot {
    /// Every top-level process has finished and no start event is pending.
    pub completed: bool,
    /// The workflow data (set when completed).
    pub data: Data,
    /// The task that completed last.
    pub last_task: Option<u32>,
    /// The instance's event counter.
    pub arrival_seq: u64,
    /// How many top-level scopes still run (informative: restoring
    /// recomputes it from `scopes`).
    pub top_running: u32,
    /// Top-level scopes in the order they finished (their final data,
    /// merged in this order, is the workflow data).
    pub top_finished: Vec<u32>,
    /// READY engine tasks in queue order.
    pub ready: Vec<u32>,
    /// READY engine tasks that run once the queue is empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deferred: Vec<u32>,
    /// Completion order as runs of consecutive ids: (first id, count).
    pub completion_runs: Vec<(u32, u32)>,
    /// For each fired join task: the tokens it consumed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub join_inputs: Vec<(u32, JoinInputs)>,
    /// For each fired join: the task that made it fire, and when.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub join_triggers: Vec<(u32, u32, Moment)>,
    /// Data a reset gave a join that has not fired again yet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub join_overrides: Vec<(u32, Data)>,
    /// Tasks in ERROR and their messages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<(u32, String)>,
    /// CANCELLED tasks: (task, state before as a letter, the task that
    /// cancelled it or -1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cancelled: Vec<(u32, char, u32)>,
    /// The virtual clock, when the clock is virtual.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<Timestamp>,
    /// Every change of the clock.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clock_changes: Vec<ClockChange>,
    /// The data the instance was started with.
    #[serde(default)]
    pub initial: Data,
    /// 1 while the instance cannot complete before a start event fires (a
    /// process that starts on a message, signal or timer), else 0.
    #[serde(default)]
    pub pending_starts: u32,
    /// What each WAITING event task waits for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waits: Vec<(u32, Wait)>,
    /// The waits of cancelled tasks a reset could bring back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dormant_waits: Vec<(u32, Wait)>,
    /// Start events of processes and of the event subprocesses of running
    /// scopes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub starters: Vec<Starter>,
    /// Start events of event subprocesses of scopes that finished.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dormant_starters: Vec<Starter>,
    /// Every fired event, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fires: Vec<FireRow>,
    /// Compensation runs (this format's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comp_runs: Vec<CompRunRow>,
    /// Compensations in progress (format version 1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compensating: Vec<(u32, Vec<u32>)>,
    /// Running compensation handlers and the task that threw (version 1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub handler_owner: Vec<(u32, u32)>,
    /// Activities already compensated (version 1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compensated: Vec<u32>,
    /// READY catch events whose event already arrived.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fired: Vec<u32>,
    /// Events nothing inside caught.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outbox: Vec<OutEvent>,
    /// The task that threw each outbox event (-1: unknown).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outbox_by: Vec<u32>,
    /// Scopes; `null` for bodies a reset removed.
    pub scopes: Vec<Option<ScopeRow>>,
    /// Loop tasks of multi-instance and looping activities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub loops: Vec<LoopRow>,
    /// One row per task id; `None` for ids a reset removed (or a
    /// migration retired).
    pub tasks: TaskRows,
    /// Tasks kept as history by migrations to versions without their
    /// element (their rows are `None`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired: Vec<super::RetiredTask>,
}

pub(crate) fn state_char(s: TaskState) -> char {
    match s {
        TaskState::Waiting => 'W',
        TaskState::Ready => 'R',
        TaskState::Started => 'S',
        TaskState::Completed => 'C',
        TaskState::Error => 'E',
        TaskState::Cancelled => 'X',
    }
}

pub(crate) fn char_state(c: char) -> Option<TaskState> {
    Some(match c {
        'W' => TaskState::Waiting,
        'R' => TaskState::Ready,
        'S' => TaskState::Started,
        'C' => TaskState::Completed,
        'E' => TaskState::Error,
        'X' => TaskState::Cancelled,
        _ => return None,
    })
}

/// Why a snapshot cannot be restored: an index that points nowhere, rows
/// that contradict each other, or an instance that fails its invariant
/// checks. Each has its own wording, so this is the message alone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RestoreError(pub String);

impl Workflow {
    /// The instance as plain data (see [`Workflow::restore`]).
    pub fn snapshot(&self) -> InstanceSnapshot {
        let records = &self.records;
        let parent_data = |t: u32| -> Arc<Data> {
            let p = records.get(t).parent;
            if p == NO_TASK {
                Arc::default()
            } else {
                records.data(p)
            }
        };
        let tasks = records.rows();
        let tables = records.tables();
        let scopes = self
            .scopes
            .list
            .iter()
            .map(|s| {
                if s.removed {
                    return None;
                }
                // The body's task keeps its entry data while the body runs:
                // it is stored only once the task's data changed.
                let entry = s.container.and_then(|c| {
                    let e = s.entry.as_ref()?;
                    let now = records.data(c);
                    if Arc::ptr_eq(e, &now) || **e == *now {
                        return None;
                    }
                    Some(TaskDelta::of(&parent_data(c), e))
                });
                Some(ScopeRow {
                    graph: s.graph.0,
                    parent_task: s.container,
                    depth: s.depth,
                    joins: Vec::new(),
                    ended: s.ended.clone(),
                    terminated_by: s.terminated_by,
                    finished: s.finished,
                    last_done: s.last_done,
                    correlations: BTreeMap::new(),
                    correlated_by: Vec::new(),
                    compensable: Vec::new(),
                    data_objects: BTreeMap::new(),
                    object_writes: Vec::new(),
                    awaiting: s.awaiting.clone(),
                    entry,
                })
            })
            .collect();
        let mut snap = InstanceSnapshot {
            completed: self.scopes.completed,
            data: self.scopes.data.clone(),
            last_task: tables.last_task,
            arrival_seq: tables.seq,
            top_running: self.scopes.top_running() as u32,
            top_finished: self.scopes.top_finished.clone(),
            ready: tables.ready,
            deferred: tables.deferred,
            completion_runs: tables.completion_runs,
            join_inputs: Vec::new(),
            join_triggers: Vec::new(),
            join_overrides: Vec::new(),
            errors: tables.errors,
            cancelled: tables
                .cancelled
                .iter()
                .map(|&(t, prev, cause)| (t, state_char(prev), cause))
                .collect(),
            clock: self.clock.virtual_time(),
            clock_changes: self.clock.changes().to_vec(),
            initial: (*self.scopes.initial).clone(),
            pending_starts: self.scopes.pending_starts as u32,
            waits: Vec::new(),
            dormant_waits: Vec::new(),
            starters: Vec::new(),
            dormant_starters: Vec::new(),
            fires: Vec::new(),
            comp_runs: Vec::new(),
            compensating: Vec::new(),
            handler_owner: Vec::new(),
            compensated: Vec::new(),
            fired: Vec::new(),
            outbox: Vec::new(),
            outbox_by: Vec::new(),
            scopes,
            loops: Vec::new(),
            tasks,
            retired: records.retired.clone(),
        };
        let view = self.view_of();
        self.joins.snapshot(&mut snap, &view);
        self.events.snapshot(&mut snap, &view);
        self.loops.snapshot(&mut snap, &view);
        self.compensation.snapshot(&mut snap, &view);
        self.objects.snapshot(&mut snap, &view);
        snap
    }

    /// Rebuilds an instance of `specs` from `snap`. Every index is checked,
    /// and the instance must pass [`Workflow::check_invariants`].
    pub fn restore(specs: Arc<Specs>, snap: &InstanceSnapshot) -> Result<Workflow, RestoreError> {
        let bad = |m: String| Err(RestoreError(m));
        let model = &specs.model;
        for (i, row) in snap.tasks.tasks.iter().enumerate() {
            if snap.tasks.removed.contains(&(i as u32)) {
                continue;
            }
            let Some(graph) = model.graphs.get(row.node.graph.0 as usize) else {
                return bad(format!(
                    "task {i} refers to graph {} but the diagrams have {}",
                    row.node.graph.0,
                    model.graphs.len()
                ));
            };
            if row.node.node.0 as usize >= graph.nodes.len() {
                return bad(format!(
                    "task {i} refers to node {} of `{}`, which has {} nodes",
                    row.node.node.0,
                    graph.id,
                    graph.nodes.len()
                ));
            }
            let scope_graph = snap
                .scopes
                .get(row.scope as usize)
                .and_then(|s| s.as_ref())
                .map(|s| s.graph);
            if scope_graph != Some(row.node.graph.0) {
                return bad(format!(
                    "task {i} refers to scope {} which does not run its graph",
                    row.scope
                ));
            }
        }
        let mut cancelled = Vec::new();
        for &(t, prev, cause) in &snap.cancelled {
            let Some(prev) = char_state(prev) else {
                return bad(format!(
                    "task {t} has unknown state before cancellation {prev:?}"
                ));
            };
            cancelled.push((t, prev, cause));
        }
        let tables = RecordTables {
            ready: snap.ready.clone(),
            deferred: snap.deferred.clone(),
            completion_runs: snap.completion_runs.clone(),
            errors: snap.errors.clone(),
            last_task: snap.last_task,
            seq: snap.arrival_seq,
            cancelled,
        };
        // Which READY tasks wait for a person: human tasks, except loop
        // tasks (their instances do).
        let instances: std::collections::HashSet<u32> = snap
            .loops
            .iter()
            .flat_map(|l| l.instances.iter().copied())
            .collect();
        let records = Records::restore(&snap.tasks, &tables, |t, r| {
            let node = model.node(r.node);
            node.kind.is_human() && (node.looping.is_none() || instances.contains(&t))
        })
        .map_err(RestoreError)?;
        let mut scopes = Scopes {
            initial: Arc::new(snap.initial.clone()),
            pending_starts: snap.pending_starts as usize,
            data: snap.data.clone(),
            completed: snap.completed,
            ..Scopes::default()
        };
        for (si, row) in snap.scopes.iter().enumerate() {
            let Some(row) = row else {
                let mut gone = Scope::new(GraphIdx(0), None, 0, false);
                gone.removed = true;
                gone.finished = true;
                scopes.list.push(gone);
                continue;
            };
            if model.graphs.get(row.graph as usize).is_none() {
                return bad(format!(
                    "scope {si} refers to graph {}, which does not exist",
                    row.graph
                ));
            }
            let or_joins = model.graph(GraphIdx(row.graph)).has_or_joins();
            let mut scope = Scope::new(GraphIdx(row.graph), row.parent_task, row.depth, or_joins);
            if let Some(p) = row.parent_task {
                if !records.exists(p) {
                    return bad(format!(
                        "scope {si} refers to task {p}, which does not exist"
                    ));
                }
                let body = match &model.node(records.get(p).node).kind {
                    NodeKind::SubProcess { graph, .. } | NodeKind::EventSubProcess { graph } => {
                        Some(*graph)
                    }
                    NodeKind::CallActivity { called_element } => {
                        model.process(called_element).map(|p| p.graph)
                    }
                    _ => None,
                };
                if body != Some(GraphIdx(row.graph)) {
                    return bad(format!("scope {si} is not the body of task {p}"));
                }
                if scopes.child.insert(p, si as u32).is_some() {
                    return bad(format!("task {p} runs two bodies"));
                }
                let base = {
                    let pp = records.get(p).parent;
                    if pp == NO_TASK {
                        Arc::default()
                    } else {
                        records.data(pp)
                    }
                };
                scope.entry = Some(match &row.entry {
                    Some(d) => Arc::new(d.apply(&base)),
                    None => records.data(p),
                });
            }
            for &t in row
                .ended
                .iter()
                .chain(row.terminated_by.iter())
                .chain(row.last_done.iter())
            {
                if !records.exists(t) {
                    return bad(format!(
                        "scope {si} refers to task {t}, which does not exist"
                    ));
                }
            }
            scope.ended = row.ended.clone();
            scope.terminated_by = row.terminated_by;
            scope.finished = row.finished;
            scope.last_done = row.last_done;
            scope.awaiting = row.awaiting.clone();
            scopes.list.push(scope);
        }
        for &s in &snap.top_finished {
            if scopes
                .list
                .get(s as usize)
                .is_none_or(|x| x.removed || x.container.is_some())
            {
                return bad(format!("finished scope {s} does not exist"));
            }
        }
        scopes.top_finished = snap.top_finished.clone();
        // Live sets come from the records.
        for t in records.ids() {
            let r = records.get(t);
            if r.state.is_live() {
                scopes.add_live(r.scope, t, r.node.node);
            }
        }
        for r in &snap.retired {
            if !snap.tasks.removed.contains(&r.task) {
                return bad(format!("retired task {} still has a task record", r.task));
            }
        }
        let mut records = records;
        records.retired = snap.retired.clone();
        let mut wf = Workflow::empty(specs.clone());
        wf.records = records;
        wf.scopes = scopes;
        {
            let view = View {
                specs: &specs,
                records: &wf.records,
                scopes: &wf.scopes,
            };
            wf.joins.restore(snap, &view)?;
            wf.events.restore(snap, &view)?;
            wf.loops.restore(snap, &view)?;
            wf.compensation.restore(snap, &view)?;
            wf.objects.restore(snap, &view)?;
        }
        wf.clock = Clock::restored(snap.clock, snap.clock_changes.clone());
        wf.check_invariants()
            .map_err(|e| RestoreError(format!("the instance is inconsistent: {e}")))?;
        Ok(wf)
    }
}
