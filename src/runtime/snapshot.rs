//! The state of an instance as plain data, for saving and restoring.
//!
//! Task data is stored as a delta against the parent task's data (and not at
//! all when it is the same map), so a loop iteration adds a few dozen bytes.
//! Everything derivable (live sets, the human task set, child scopes) is
//! rebuilt on restore, and every index in a snapshot is checked, so a
//! hand-edited file gives an error, never a panic.

use std::collections::{BTreeMap, HashSet, VecDeque};

use jiff::Timestamp;
use serde_json::Value;
use std::fmt;
use std::sync::Arc;

use serde::de::{self, SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::events::OutEvent;
use super::scope::{JoinState, Scope};
use super::task::{NO_TASK, TaskRecord};
use super::wait::{Starter, Wait};
use super::{Specs, TaskState, Workflow};
use crate::model::{Data, GraphIdx, NodeIdx, NodeKind, NodeRef};

/// One task record: node, parent, scope, state and how its data differs
/// from its parent's. Written as a short array: `[graph, node, parent,
/// scope, "C", {set…}, [removed keys…]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRow {
    pub graph: u32,
    pub node: u32,
    /// Parent task, or -1.
    pub parent: i64,
    pub scope: u32,
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

/// The tokens a fired join consumed: (incoming flow position, arrival
/// sequence, task).
pub type JoinInputs = Vec<(u32, u64, u32)>;

/// A join's pending tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinRow {
    pub node: u32,
    /// The WAITING join record.
    pub task: Option<u32>,
    /// Per incoming flow, the (arrival sequence, task) pairs not yet consumed.
    pub arrivals: Vec<Vec<(u64, u32)>>,
}

/// A scope: a running or finished process / subprocess body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeRow {
    pub graph: u32,
    pub parent_task: Option<u32>,
    pub depth: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub joins: Vec<JoinRow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ended: Vec<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminated_by: Option<u32>,
    pub finished: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_done: Option<u32>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub correlations: BTreeMap<String, Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compensable: Vec<u32>,
    /// Values of the data objects the body declares.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub data_objects: BTreeMap<String, Value>,
}

/// Everything needed to continue an instance, given the same specs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceSnapshot {
    pub completed: bool,
    /// The workflow data (set when completed).
    pub data: Data,
    pub last_task: Option<u32>,
    pub arrival_seq: u64,
    pub top_running: u32,
    pub top_finished: Vec<u32>,
    /// READY engine tasks in queue order.
    pub ready: Vec<u32>,
    /// Completion order as runs of consecutive ids: (first id, count).
    pub completion_runs: Vec<(u32, u32)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub join_inputs: Vec<(u32, JoinInputs)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<(u32, String)>,
    /// The virtual clock, when the clock is virtual.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<Timestamp>,
    /// The data the instance was started with.
    #[serde(default)]
    pub initial: Data,
    #[serde(default)]
    pub pending_starts: u32,
    /// What each WAITING event task waits for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waits: Vec<(u32, Wait)>,
    /// Armed start events.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub starters: Vec<Starter>,
    /// Compensations in progress: throwing task and the activities left.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compensating: Vec<(u32, Vec<u32>)>,
    /// Running compensation handlers and the task that threw the compensation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub handler_owner: Vec<(u32, u32)>,
    /// Activities already compensated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compensated: Vec<u32>,
    /// READY catch events whose event already arrived.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fired: Vec<u32>,
    /// Events nothing inside caught.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outbox: Vec<OutEvent>,
    pub scopes: Vec<ScopeRow>,
    /// Loop tasks of multi-instance and looping activities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub loops: Vec<super::LoopRow>,
    /// One row per task id; `None` for ids a reset removed.
    pub tasks: Vec<Option<TaskRow>>,
}

fn state_char(s: TaskState) -> char {
    match s {
        TaskState::Waiting => 'W',
        TaskState::Ready => 'R',
        TaskState::Started => 'S',
        TaskState::Completed => 'C',
        TaskState::Error => 'E',
        TaskState::Cancelled => 'X',
    }
}

fn char_state(c: char) -> Option<TaskState> {
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

/// Keys set or changed, and keys removed, going from `parent` to `child`.
fn diff(parent: &Data, child: &Data) -> (Option<Data>, Vec<String>) {
    let mut set = Data::new();
    for (k, v) in child {
        if parent.get(k) != Some(v) {
            set.insert(k.clone(), v.clone());
        }
    }
    let del: Vec<String> = parent
        .keys()
        .filter(|k| !child.contains_key(*k))
        .cloned()
        .collect();
    ((!set.is_empty()).then_some(set), del)
}

/// Why a snapshot cannot be restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreError(pub String);

impl fmt::Display for RestoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RestoreError {}

impl Workflow {
    /// The instance as plain data (see [`Workflow::restore`]).
    pub fn snapshot(&self) -> InstanceSnapshot {
        let empty = Data::new();
        let tasks = self
            .tasks
            .iter()
            .enumerate()
            .map(|(i, r)| {
                if self.removed.contains(&(i as u32)) {
                    return None;
                }
                let parent_data: &Data = if r.parent == NO_TASK {
                    &empty
                } else {
                    &self.tasks[r.parent as usize].data
                };
                let (set, del) = if r.parent != NO_TASK
                    && Arc::ptr_eq(&r.data, &self.tasks[r.parent as usize].data)
                {
                    (None, Vec::new())
                } else {
                    diff(parent_data, &r.data)
                };
                Some(TaskRow {
                    graph: r.node.graph.0,
                    node: r.node.node.0,
                    parent: if r.parent == NO_TASK {
                        -1
                    } else {
                        r.parent as i64
                    },
                    scope: r.scope,
                    state: state_char(r.state),
                    set,
                    del,
                })
            })
            .collect();
        let mut completion_runs: Vec<(u32, u32)> = Vec::new();
        for &t in &self.completion_log {
            match completion_runs.last_mut() {
                Some((start, len)) if *start + *len == t => *len += 1,
                _ => completion_runs.push((t, 1)),
            }
        }
        let scopes = self
            .scopes
            .iter()
            .map(|s| {
                let mut joins: Vec<JoinRow> = s
                    .joins
                    .iter()
                    .filter(|(_, js)| {
                        js.task.is_some() || js.arrivals.iter().any(|q| !q.is_empty())
                    })
                    .map(|(n, js)| JoinRow {
                        node: n.0,
                        task: js.task,
                        arrivals: js
                            .arrivals
                            .iter()
                            .map(|q| q.iter().copied().collect())
                            .collect(),
                    })
                    .collect();
                joins.sort_by_key(|j| j.node);
                ScopeRow {
                    graph: s.graph.0,
                    parent_task: s.parent_task,
                    depth: s.depth,
                    joins,
                    ended: s.ended.clone(),
                    terminated_by: s.terminated_by,
                    finished: s.finished,
                    last_done: s.last_done,
                    correlations: s.correlations.clone(),
                    compensable: s.compensable.clone(),
                    data_objects: s.data_objects.clone(),
                }
            })
            .collect();
        let mut join_inputs: Vec<(u32, JoinInputs)> = self
            .join_inputs
            .iter()
            .map(|(k, v)| (*k, v.clone()))
            .collect();
        join_inputs.sort_by_key(|(k, _)| *k);
        let mut errors: Vec<(u32, String)> =
            self.errors.iter().map(|(k, v)| (*k, v.clone())).collect();
        errors.sort();
        InstanceSnapshot {
            completed: self.completed,
            data: self.data.clone(),
            last_task: self.last_task,
            arrival_seq: self.arrival_seq,
            top_running: self.top_running as u32,
            top_finished: self.top_finished.clone(),
            ready: self.ready.iter().copied().collect(),
            completion_runs,
            join_inputs,
            errors,
            clock: self.clock.virtual_time(),
            initial: (*self.initial).clone(),
            pending_starts: self.pending_starts as u32,
            waits: self.waits.iter().map(|(k, w)| (*k, w.clone())).collect(),
            starters: self.starters.clone(),
            fired: self.fired.iter().copied().collect(),
            compensating: self
                .compensating
                .iter()
                .map(|(k, q)| (*k, q.iter().copied().collect()))
                .collect(),
            handler_owner: self.handler_owner.iter().map(|(k, v)| (*k, *v)).collect(),
            compensated: self.compensated.iter().copied().collect(),
            outbox: self.outbox.clone(),
            loops: self.loop_rows(),
            scopes,
            tasks,
        }
    }

    /// Rebuilds an instance of `specs` from `snap`. Every index is checked.
    pub fn restore(specs: Arc<Specs>, snap: &InstanceSnapshot) -> Result<Workflow, RestoreError> {
        let bad = |m: String| Err(RestoreError(m));
        let n = snap.tasks.len();
        let model = &specs.model;
        let mut wf = Workflow::empty(specs.clone());
        let mut tasks: Vec<TaskRecord> = Vec::with_capacity(n);
        let placeholder = NodeRef {
            graph: GraphIdx(0),
            node: NodeIdx(0),
        };
        for (i, row) in snap.tasks.iter().enumerate() {
            let Some(row) = row else {
                wf.removed.insert(i as u32);
                tasks.push(TaskRecord {
                    node: placeholder,
                    parent: NO_TASK,
                    scope: 0,
                    state: TaskState::Cancelled,
                    data: Arc::default(),
                });
                continue;
            };
            let Some(graph) = model.graphs.get(row.graph as usize) else {
                return bad(format!(
                    "task {i} refers to graph {} but the diagrams have {}",
                    row.graph,
                    model.graphs.len()
                ));
            };
            if row.node as usize >= graph.nodes.len() {
                return bad(format!(
                    "task {i} refers to node {} of `{}`, which has {} nodes",
                    row.node,
                    graph.id,
                    graph.nodes.len()
                ));
            }
            if row.scope as usize >= snap.scopes.len()
                || snap.scopes[row.scope as usize].graph != row.graph
            {
                return bad(format!(
                    "task {i} refers to scope {} which does not run its graph",
                    row.scope
                ));
            }
            let Some(state) = char_state(row.state) else {
                return bad(format!("task {i} has unknown state {:?}", row.state));
            };
            let (parent, base) = if row.parent < 0 {
                (NO_TASK, Arc::new(Data::new()))
            } else if (row.parent as usize) < i && snap.tasks[row.parent as usize].is_some() {
                let p = row.parent as u32;
                (p, tasks[p as usize].data.clone())
            } else {
                return bad(format!(
                    "task {i} has parent {} which is not an earlier task",
                    row.parent
                ));
            };
            let data = if row.set.is_none() && row.del.is_empty() {
                base
            } else {
                let mut d = (*base).clone();
                for k in &row.del {
                    d.shift_remove(k);
                }
                if let Some(set) = &row.set {
                    for (k, v) in set {
                        d.insert(k.clone(), v.clone());
                    }
                }
                Arc::new(d)
            };
            tasks.push(TaskRecord {
                node: NodeRef {
                    graph: GraphIdx(row.graph),
                    node: NodeIdx(row.node),
                },
                parent,
                scope: row.scope,
                state,
                data,
            });
        }
        let check_task = |t: u32, what: &str| -> Result<(), RestoreError> {
            if (t as usize) < n && snap.tasks[t as usize].is_some() {
                Ok(())
            } else {
                Err(RestoreError(format!(
                    "{what} refers to task {t}, which does not exist"
                )))
            }
        };
        let mut scopes = Vec::with_capacity(snap.scopes.len());
        for (si, row) in snap.scopes.iter().enumerate() {
            let Some(graph) = model.graphs.get(row.graph as usize) else {
                return bad(format!(
                    "scope {si} refers to graph {}, which does not exist",
                    row.graph
                ));
            };
            let mut scope = Scope::new(GraphIdx(row.graph), row.parent_task, row.depth);
            if let Some(p) = row.parent_task {
                check_task(p, &format!("scope {si}"))?;
                let body = match &model.node(tasks[p as usize].node).kind {
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
                wf.child_scope.insert(p, si as u32);
            }
            for j in &row.joins {
                let Some(node) = graph.nodes.get(j.node as usize) else {
                    return bad(format!(
                        "scope {si} has a join at node {}, which does not exist",
                        j.node
                    ));
                };
                if j.arrivals.len() > node.incoming.len() {
                    return bad(format!(
                        "join `{}` has more token queues than incoming flows",
                        node.id
                    ));
                }
                if let Some(t) = j.task {
                    check_task(t, "a join")?;
                }
                let mut arrivals = Vec::new();
                for q in &j.arrivals {
                    for &(_, t) in q {
                        check_task(t, "a join token")?;
                    }
                    arrivals.push(q.iter().copied().collect::<VecDeque<_>>());
                }
                scope.joins.insert(
                    NodeIdx(j.node),
                    JoinState {
                        task: j.task,
                        arrivals,
                    },
                );
                if j.task.is_some() && matches!(node.kind, NodeKind::InclusiveGateway) {
                    scope.waiting_or_joins.push(NodeIdx(j.node));
                }
            }
            for &t in row.ended.iter().chain(row.terminated_by.iter()) {
                check_task(t, &format!("scope {si}"))?;
            }
            scope.ended = row.ended.clone();
            scope.terminated_by = row.terminated_by;
            scope.finished = row.finished;
            if let Some(t) = row.last_done {
                check_task(t, &format!("scope {si}"))?;
            }
            scope.last_done = row.last_done;
            scope.correlations = row.correlations.clone();
            for &t in &row.compensable {
                check_task(t, &format!("scope {si}"))?;
            }
            scope.compensable = row.compensable.clone();
            for o in &graph.data_objects {
                scope.data_objects.insert(o.id.clone(), Value::Null);
            }
            for (k, v) in &row.data_objects {
                if !scope.data_objects.contains_key(k) {
                    return bad(format!(
                        "scope {si} has a value for data object `{k}`, which `{}` does not declare",
                        graph.id
                    ));
                }
                scope.data_objects.insert(k.clone(), v.clone());
            }
            scopes.push(scope);
        }
        let mut ready_set = HashSet::new();
        for &t in &snap.ready {
            check_task(t, "the ready queue")?;
            if tasks[t as usize].state != TaskState::Ready {
                return bad(format!("task {t} is queued but not READY"));
            }
            ready_set.insert(t);
        }
        for (i, r) in tasks.iter().enumerate() {
            let t = i as u32;
            if wf.removed.contains(&t) || r.state.is_finished() {
                continue;
            }
            scopes[r.scope as usize].live.insert(t);
            if r.state == TaskState::Ready && !ready_set.contains(&t) {
                // A human task with a pre-script waits in the queue first.
                if !model.node(r.node).kind.is_human() {
                    return bad(format!("engine task {t} is READY but not queued"));
                }
                wf.human_ready.insert(t);
            }
        }
        let mut log = Vec::new();
        for &(start, len) in &snap.completion_runs {
            for t in start..start.saturating_add(len) {
                check_task(t, "the completion order")?;
                log.push(t);
            }
        }
        for (t, inputs) in &snap.join_inputs {
            check_task(*t, "join inputs")?;
            for &(_, _, i) in inputs {
                check_task(i, "join inputs")?;
            }
            wf.join_inputs.insert(*t, inputs.clone());
        }
        for (t, m) in &snap.errors {
            check_task(*t, "an error")?;
            wf.errors.insert(*t, m.clone());
        }
        for (t, w) in &snap.waits {
            check_task(*t, "a wait")?;
            let r = tasks[*t as usize].node;
            let (triggers, _) = super::wait::triggers_of(&specs, r);
            if tasks[*t as usize].state != TaskState::Waiting || triggers.is_empty() {
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
            wf.waits.insert(*t, w.clone());
        }
        for st in &snap.starters {
            let Some(g) = model.graphs.get(st.graph as usize) else {
                return bad(format!(
                    "a start event refers to graph {}, which does not exist",
                    st.graph
                ));
            };
            if st.start as usize >= g.nodes.len()
                || st.scope.is_some_and(|s| s as usize >= snap.scopes.len())
            {
                return bad("a start event refers to a node or scope that does not exist".into());
            }
            let (triggers, _) = super::wait::triggers_of(&specs, st.node());
            if triggers.is_empty()
                || (!st.wait.due.is_empty() && st.wait.due.len() != triggers.len())
            {
                return bad(format!(
                    "armed start event {} has no matching definition",
                    g.nodes[st.start as usize].id
                ));
            }
            if let (Some(s), Some(e)) = (st.scope, st.esp) {
                let sg = model.graph(GraphIdx(snap.scopes[s as usize].graph));
                if e as usize >= sg.nodes.len() {
                    return bad(
                        "an event subprocess start refers to a node that does not exist".into(),
                    );
                }
            }
        }
        wf.starters = snap.starters.clone();
        for (o, q) in &snap.compensating {
            check_task(*o, "a compensation")?;
            for &a in q {
                check_task(a, "a compensation")?;
            }
            wf.compensating.insert(*o, q.iter().copied().collect());
        }
        for (h, o) in &snap.handler_owner {
            check_task(*h, "a compensation handler")?;
            check_task(*o, "a compensation handler")?;
            wf.handler_owner.insert(*h, *o);
        }
        for &a in &snap.compensated {
            check_task(a, "a compensated activity")?;
            wf.compensated.insert(a);
        }
        for &t in &snap.fired {
            check_task(t, "a fired event")?;
            wf.fired.insert(t);
        }
        if let Some(t) = snap.clock {
            wf.clock.set(t);
        }
        wf.initial = Arc::new(snap.initial.clone());
        wf.pending_starts = snap.pending_starts as usize;
        wf.outbox = snap.outbox.clone();
        for &s in &snap.top_finished {
            if s as usize >= scopes.len() {
                return bad(format!("finished scope {s} does not exist"));
            }
        }
        if let Some(t) = snap.last_task {
            check_task(t, "the last task")?;
        }
        wf.tasks = tasks;
        wf.scopes = scopes;
        wf.ready = snap.ready.iter().copied().collect();
        wf.completion_log = log;
        wf.top_running = snap.top_running as usize;
        wf.top_finished = snap.top_finished.clone();
        wf.data = snap.data.clone();
        wf.completed = snap.completed;
        wf.last_task = snap.last_task;
        wf.arrival_seq = snap.arrival_seq;
        wf.restore_loops(&snap.loops).map_err(RestoreError)?;
        Ok(wf)
    }
}
