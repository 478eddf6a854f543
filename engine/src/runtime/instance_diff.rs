//! [`InstanceDiff`]: which tasks of a running instance carry over to a new
//! version of its diagrams, and which have no counterpart there.
//!
//! The instance is compared through a [`SpecDiff`] of every process it runs
//! (and the processes they call). A task carries over when its element
//! aligns with an element of the new version and its state still makes
//! sense there: the body it runs in is still the body of its subprocess or
//! call activity, a running loop keeps its loop characteristics, and a
//! waiting join still has the incoming flows its tokens arrived on. Live
//! tasks (READY, WAITING, STARTED, ERROR) that do not carry over block a
//! migration; completed and cancelled ones that do not are history a
//! migration keeps aside (see [`super::RetiredTask`]). Armed start events
//! (of a process started by an event, and of the event subprocesses of
//! running bodies) are checked the same way.

use std::collections::HashSet;
use std::fmt;

use serde::{Serialize, Serializer};

use super::starters::armed;
use super::wait::Starter;
use super::{Specs, TaskId, TaskState, Workflow};
use crate::model::{Change, Field, GraphIdx, Model, NodeKind, NodeRef, SpecDiff, graph_path};

/// Why a task (or an armed start event) does not carry over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Unmapped {
    /// Its element is not in the new version.
    Removed,
    /// Its element's id stayed but its type changed into one its state
    /// cannot carry over to.
    Retyped {
        /// The old type.
        from: String,
        /// The new type.
        to: String,
    },
    /// The body it runs in is gone: its process, subprocess or call
    /// activity has no counterpart, or no longer runs this body.
    BodyGone,
    /// A running call activity that now calls another process.
    CallsAnother {
        /// The process its body runs.
        running: String,
        /// The process the new version calls.
        calls: String,
    },
    /// A running loop or multi-instance activity (or one of its
    /// instances) whose loop characteristics changed.
    LoopChanged,
    /// A waiting join holding a token that arrived on a flow which no
    /// longer enters it.
    JoinInputGone {
        /// The flow's BPMN id.
        flow: String,
    },
    /// A waiting join whose element no longer joins flows.
    NoLongerJoin,
}

impl fmt::Display for Unmapped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unmapped::Removed => f.write_str("its element is not in the new version"),
            Unmapped::Retyped { from, to } => {
                write!(f, "its element changed from {from} to {to}")
            }
            Unmapped::BodyGone => {
                f.write_str("the process or subprocess it runs in is not in the new version")
            }
            Unmapped::CallsAnother { running, calls } => write!(
                f,
                "it runs process `{running}`, but the new version calls `{calls}`"
            ),
            Unmapped::LoopChanged => f.write_str("its loop characteristics changed while it runs"),
            Unmapped::JoinInputGone { flow } => write!(
                f,
                "it holds a token from flow `{flow}`, which no longer enters it"
            ),
            Unmapped::NoLongerJoin => f.write_str("it waits as a join but no longer joins flows"),
        }
    }
}

fn ser_id<S: Serializer>(id: &TaskId, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(id)
}

fn ser_state<S: Serializer>(state: &TaskState, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(state.name())
}

/// One task of the instance and where it goes in the new version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskMapping {
    /// The task.
    #[serde(serialize_with = "ser_id")]
    pub id: TaskId,
    /// Its element's BPMN id in the old version.
    pub bpmn_id: String,
    /// Its element's name.
    pub name: Option<String>,
    /// Its element's type.
    #[serde(rename = "type")]
    pub element: String,
    /// Its state.
    #[serde(serialize_with = "ser_state")]
    pub state: TaskState,
    /// The process id, then the ids of the subprocesses around it.
    pub path: Vec<String>,
    /// The BPMN id of the element it aligns with in the new version.
    pub counterpart: Option<String>,
    /// How that element changed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    /// Why it does not carry over (`None`: it does).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Unmapped>,
    /// A WAITING event whose definitions changed: a migration arms its
    /// wait again from the new definitions (a timer counts from then).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub rearm: bool,
    /// Its element in the old version.
    #[serde(skip)]
    pub node: NodeRef,
}

impl TaskMapping {
    /// Whether it carries over to the new version.
    pub fn carries_over(&self) -> bool {
        self.problem.is_none()
    }

    /// Whether it is live (READY, WAITING, STARTED or ERROR).
    pub fn is_live(&self) -> bool {
        self.state.is_live()
    }
}

/// An armed start event (of a process that starts on an event, or of an
/// event subprocess of a running body) and where it goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StartMapping {
    /// The start event's BPMN id in the old version.
    pub bpmn_id: String,
    /// The process id, then the ids of the subprocesses around it.
    pub path: Vec<String>,
    /// The BPMN id of the start event it aligns with in the new version.
    pub counterpart: Option<String>,
    /// How that element changed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    /// Why it does not carry over (`None`: it does).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Unmapped>,
    /// Its definitions changed: a migration arms it again.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub rearm: bool,
}

/// How an instance maps onto a new version of its diagrams.
#[derive(Debug, Clone, Serialize)]
pub struct InstanceDiff {
    /// The differences between the versions, for every process the
    /// instance runs and the processes they call.
    pub spec: SpecDiff,
    /// Every task record, in id order.
    pub tasks: Vec<TaskMapping>,
    /// Every armed start event.
    pub starts: Vec<StartMapping>,
    /// Scopes whose body has no counterpart (their tasks do not carry over).
    #[serde(skip)]
    pub(crate) dropped_scopes: HashSet<u32>,
}

impl InstanceDiff {
    /// Live tasks that do not carry over: a migration refuses them unless
    /// forced, and then drops (cancels) them.
    pub fn blocking(&self) -> Vec<&TaskMapping> {
        self.tasks
            .iter()
            .filter(|t| t.is_live() && !t.carries_over())
            .collect()
    }

    /// Armed start events that do not carry over (refused like live tasks).
    pub fn blocking_starts(&self) -> Vec<&StartMapping> {
        self.starts.iter().filter(|s| s.problem.is_some()).collect()
    }

    /// Whether a migration goes through without force.
    pub fn can_migrate(&self) -> bool {
        self.blocking().is_empty() && self.blocking_starts().is_empty()
    }

    /// Completed and cancelled tasks with no counterpart: a migration keeps
    /// them as retired history.
    pub fn history_without_counterpart(&self) -> Vec<&TaskMapping> {
        self.tasks
            .iter()
            .filter(|t| !t.is_live() && !t.carries_over())
            .collect()
    }
}

impl Workflow {
    /// Which of this instance's tasks (and armed start events) map onto
    /// the diagrams of `new`, and which have no counterpart there.
    pub fn diff_instance(&self, new: &Specs) -> InstanceDiff {
        let old = &self.specs.model;
        let new_model = &new.model;
        let spec = SpecDiff::of_processes(old, new_model, &self.top_processes(), true);
        let records = &self.records;
        // Scopes whose body does not carry over, in index order: a body is
        // opened after the task that runs it, so its container's scope
        // is decided first.
        let mut dropped: HashSet<u32> = HashSet::new();
        let mut body_problem: Vec<Option<Unmapped>> = vec![None; self.scopes.list.len()];
        for (si, scope) in self.scopes.list.iter().enumerate() {
            if scope.removed {
                continue;
            }
            let new_graph = spec.graph(scope.graph);
            let problem = match scope.container {
                None => new_graph.is_none().then_some(Unmapped::BodyGone),
                Some(c) => {
                    let r = records.get(c);
                    match spec.node(r.node) {
                        _ if dropped.contains(&r.scope) => Some(Unmapped::BodyGone),
                        None => Some(Unmapped::BodyGone),
                        Some(nr) => match body_of(new_model, nr) {
                            Some(g) if Some(g) == new_graph => None,
                            _ => match &new_model.node(nr).kind {
                                NodeKind::CallActivity { called_element } => {
                                    Some(Unmapped::CallsAnother {
                                        running: old.graph(scope.graph).id.clone(),
                                        calls: called_element.clone(),
                                    })
                                }
                                _ => Some(Unmapped::BodyGone),
                            },
                        },
                    }
                }
            };
            if problem.is_some() {
                dropped.insert(si as u32);
                body_problem[si] = problem;
            }
        }
        let mut tasks = Vec::new();
        for t in records.ids() {
            let r = records.get(t);
            let node = old.node(r.node);
            let counterpart = spec.node(r.node);
            let changes = spec
                .change(r.node)
                .map(|c| c.changes.clone())
                .unwrap_or_default();
            let changed = |f: Field| changes.iter().any(|c| c.field == f);
            let mut problem = if dropped.contains(&r.scope) {
                Some(Unmapped::BodyGone)
            } else {
                match counterpart {
                    None => Some(match spec.change(r.node) {
                        Some(c) => Unmapped::Retyped {
                            from: c.old.element.clone(),
                            to: c.new.element.clone(),
                        },
                        None => Unmapped::Removed,
                    }),
                    Some(_) => None,
                }
            };
            if problem.is_none() && r.state.is_live() {
                let nr = counterpart.expect("checked above");
                // A loop task, an instance, or a task that would become
                // one: its runtime state no longer fits.
                if changed(Field::Loop) {
                    problem = Some(Unmapped::LoopChanged);
                } else if let Some(&s) = self.scopes.child.get(&t) {
                    problem = body_problem.get(s as usize).cloned().flatten();
                } else if r.state == TaskState::Waiting && self.node_is_join(r.node) {
                    problem = self.join_problem(t, &spec, new_model, nr);
                }
            }
            let rearm = problem.is_none()
                && r.state == TaskState::Waiting
                && changed(Field::Event)
                && self.events.waits.contains_key(&t);
            tasks.push(TaskMapping {
                id: TaskId(t),
                bpmn_id: node.id.clone(),
                name: node.name.clone(),
                element: node.kind.element_type().as_str().to_string(),
                state: r.state,
                path: graph_path(old, r.node.graph),
                counterpart: counterpart.map(|n| new_model.node(n).id.clone()),
                changes,
                problem,
                rearm,
                node: r.node,
            });
        }
        let mut starts = Vec::new();
        for (_, st) in self.events.starters.iter() {
            if st.spent || !armed(st, &self.scopes) {
                continue;
            }
            starts.push(start_mapping(old, new_model, &spec, st, &dropped));
        }
        InstanceDiff {
            spec,
            tasks,
            starts,
            dropped_scopes: dropped,
        }
    }

    /// The top-level processes this instance runs or waits to start.
    pub(crate) fn top_processes(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let graphs = self
            .scopes
            .list
            .iter()
            .filter(|s| !s.removed && s.container.is_none())
            .map(|s| s.graph)
            .chain(
                self.events
                    .starters
                    .iter()
                    .filter(|(_, st)| st.scope.is_none())
                    .map(|(_, st)| GraphIdx(st.graph)),
            );
        for g in graphs {
            let p = self.process_of(g).to_string();
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }

    /// Why the WAITING join task `t` cannot carry over to new element `nr`.
    fn join_problem(
        &self,
        t: u32,
        spec: &SpecDiff,
        new_model: &Model,
        nr: NodeRef,
    ) -> Option<Unmapped> {
        let r = self.records.get(t);
        let new_node = new_model.node(nr);
        let joins = matches!(
            new_node.kind,
            NodeKind::ParallelGateway | NodeKind::InclusiveGateway
        ) && new_node.incoming.len() > 1;
        if !joins {
            return Some(Unmapped::NoLongerJoin);
        }
        let js = self.joins.pending.get(&(r.scope, r.node.node))?;
        let old_graph = self.specs.model.graph(r.node.graph);
        let old_node = old_graph.node(r.node.node);
        for (k, q) in js.arrivals.iter().enumerate() {
            if q.is_empty() {
                continue;
            }
            let f = old_node.incoming[k];
            let enters = spec
                .flow(r.node.graph, f)
                .is_some_and(|nf| new_node.incoming.contains(&nf));
            if !enters {
                return Some(Unmapped::JoinInputGone {
                    flow: old_graph.flow(f).id.clone(),
                });
            }
        }
        None
    }
}

/// The body a node of `model` runs: its subprocess body, or the process
/// its call activity calls.
pub(crate) fn body_of(model: &Model, r: NodeRef) -> Option<GraphIdx> {
    match &model.node(r).kind {
        NodeKind::SubProcess { graph, .. } | NodeKind::EventSubProcess { graph } => Some(*graph),
        NodeKind::CallActivity { called_element } => model.process(called_element).map(|p| p.graph),
        _ => None,
    }
}

fn start_mapping(
    old: &Model,
    new: &Model,
    spec: &SpecDiff,
    st: &Starter,
    dropped: &HashSet<u32>,
) -> StartMapping {
    let r = st.node();
    let node = old.node(r);
    let counterpart = spec.node(r);
    let changes = spec
        .change(r)
        .map(|c| c.changes.clone())
        .unwrap_or_default();
    let problem = match (st.scope, counterpart) {
        (Some(s), _) if dropped.contains(&s) => Some(Unmapped::BodyGone),
        (_, None) => Some(match spec.change(r) {
            Some(c) => Unmapped::Retyped {
                from: c.old.element.clone(),
                to: c.new.element.clone(),
            },
            None => Unmapped::Removed,
        }),
        _ => None,
    };
    StartMapping {
        bpmn_id: node.id.clone(),
        path: graph_path(old, r.graph),
        counterpart: counterpart.map(|n| new.node(n).id.clone()),
        rearm: problem.is_none() && changes.iter().any(|c| c.field == Field::Event),
        changes,
        problem,
    }
}
