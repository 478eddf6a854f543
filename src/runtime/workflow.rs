//! A running instance: task records, scopes, the ready queue, and the public
//! API to run engine steps, list tasks and complete human tasks.
//!
//! Cost model: running a task touches only that task, its outgoing flows and
//! (for joins) the join's pending tokens; nothing walks the task history.
//! Engine tasks wait in a FIFO queue, human tasks in an ordered set.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::Arc;

use super::clock::Clock;
use super::error::{StartError, TaskError, WorkflowError};
use super::events::OutEvent;
use super::merge::deep_merge;
use super::scope::Scope;
use super::task::{FutureTask, NO_TASK, TaskRecord, TaskView};
use super::wait::{Starter, Wait};
use super::{Specs, TaskId, TaskState};
use crate::model::{Data, GraphIdx, NodeIdx, NodeKind, NodeRef};

/// Why completing a human task failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompleteError {
    /// The task does not exist, is not a human task, or is not READY.
    Task(TaskError),
    /// Its post-script (or what ran right after it) failed.
    Workflow(WorkflowError),
}

impl std::fmt::Display for CompleteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompleteError::Task(e) => e.fmt(f),
            CompleteError::Workflow(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for CompleteError {}

/// A workflow instance.
///
/// Create one with [`Specs::start`], call [`Workflow::run`] to run every
/// engine task that can run, then answer human tasks with
/// [`Workflow::complete_task`] and run again, until
/// [`Workflow::is_completed`].
#[derive(Debug, Clone)]
pub struct Workflow {
    pub(crate) specs: Arc<Specs>,
    pub(crate) tasks: Vec<TaskRecord>,
    pub(crate) scopes: Vec<Scope>,
    /// The scope run by a subprocess / call activity task.
    pub(crate) child_scope: HashMap<u32, u32>,
    pub(crate) ready: VecDeque<u32>,
    pub(crate) human_ready: BTreeSet<u32>,
    pub(crate) completion_log: Vec<u32>,
    /// Top-level scopes still running (one per process, or per participant).
    pub(crate) top_running: usize,
    /// Top-level scopes in the order they finished.
    pub(crate) top_finished: Vec<u32>,
    /// Task ids removed by a reset (their slots stay so ids remain stable).
    pub(crate) removed: HashSet<u32>,
    /// For each fired join record, the tokens it consumed:
    /// (incoming flow position, arrival sequence, task).
    pub(crate) join_inputs: HashMap<u32, Vec<(u32, u64, u32)>>,
    /// The message of each task in ERROR.
    pub(crate) errors: HashMap<u32, String>,
    /// What each WAITING event task waits for.
    pub(crate) waits: BTreeMap<u32, Wait>,
    /// Catch events and receive tasks whose event arrived: READY, and they
    /// complete (rather than start waiting) when they run.
    pub(crate) fired: BTreeSet<u32>,
    /// Compensations in progress: the throwing task → activities left.
    pub(crate) compensating: BTreeMap<u32, VecDeque<u32>>,
    /// Running compensation handler task → the task that threw the compensation.
    pub(crate) handler_owner: BTreeMap<u32, u32>,
    /// Activities already compensated.
    pub(crate) compensated: BTreeSet<u32>,
    /// Armed start events (of processes and event subprocesses).
    pub(crate) starters: Vec<Starter>,
    pub(crate) clock: Clock,
    /// Events nothing inside caught.
    pub(crate) outbox: Vec<OutEvent>,
    /// The data the instance was started with.
    pub(crate) initial: Arc<Data>,
    /// 1 while the instance cannot complete before a start event fires (a
    /// process that starts on a message, signal or timer).
    pub(crate) pending_starts: usize,
    pub(crate) data: Data,
    pub(crate) completed: bool,
    pub(crate) last_task: Option<u32>,
    pub(crate) arrival_seq: u64,
    /// Loop tasks of multi-instance and looping activities (`looping.rs`).
    pub(crate) loops: HashMap<u32, super::looping::LoopRow>,
    /// Each loop instance's loop task and index (derived from `loops`).
    pub(crate) loop_child: HashMap<u32, (u32, u32)>,
    /// Runs service tasks (registered by the application; not saved).
    pub(crate) services: Option<super::service::Services>,
    /// Where data stores live (registered by the application; not saved).
    pub(crate) data_store: Option<super::data_store::Stores>,
}

impl Specs {
    /// Starts an instance of process `process_id` with `data` as its initial
    /// data. Nothing runs until [`Workflow::run`].
    pub fn start(self: &Arc<Self>, process_id: &str, data: Data) -> Result<Workflow, StartError> {
        let p = self.checked_process(process_id, None)?;
        let mut wf = Workflow::empty(self.clone());
        wf.initial = Arc::new(data);
        wf.start_top(p, false).map_err(StartError::Workflow)?;
        Ok(wf)
    }

    /// Starts one instance running the process of every executable
    /// participant of collaboration `id`; it completes when all of them do.
    pub fn start_collaboration(
        self: &Arc<Self>,
        id: &str,
        data: Data,
    ) -> Result<Workflow, StartError> {
        let Some(collab) = self.model.collaboration(id) else {
            return Err(StartError::UnknownProcess {
                id: id.to_string(),
                known: self
                    .model
                    .collaborations
                    .iter()
                    .map(|c| c.id.clone())
                    .collect(),
            });
        };
        let mut graphs = Vec::new();
        for part in &collab.participants {
            let Some(pref) = &part.process_ref else {
                continue;
            };
            match self.model.process(pref) {
                Some(p) if !p.executable => continue,
                _ => graphs.push(self.checked_process(pref, Some(id))?),
            }
        }
        let mut wf = Workflow::empty(self.clone());
        wf.initial = Arc::new(data);
        for g in &graphs {
            wf.start_top(*g, true).map_err(StartError::Workflow)?;
        }
        if wf.top_running == 0 && !wf.starters.is_empty() {
            // Every participant starts on an event: wait for the first. A
            // participant that starts on a message is otherwise optional,
            // as in SpiffWorkflow.
            wf.pending_starts = 1;
        } else if graphs.is_empty() {
            wf.completed = true;
            wf.data = (*wf.initial).clone();
        }
        Ok(wf)
    }

    fn checked_process(
        &self,
        process_id: &str,
        collab: Option<&str>,
    ) -> Result<GraphIdx, StartError> {
        let Some(p) = self.model.process(process_id) else {
            // A file that failed to load is the likeliest reason.
            let file_errors: Vec<_> = self
                .diagnostics()
                .iter()
                .filter(|d| d.process.is_none() && d.severity == crate::Severity::Error)
                .cloned()
                .collect();
            if !file_errors.is_empty() {
                return Err(StartError::Invalid(file_errors));
            }
            return Err(StartError::UnknownProcess {
                id: match collab {
                    Some(c) => format!("{process_id} (participant of {c})"),
                    None => process_id.to_string(),
                },
                known: self.model.process_ids().map(str::to_string).collect(),
            });
        };
        if !p.executable {
            let location = p.pos.display(&self.model.files).to_string();
            return Err(StartError::NotExecutable {
                id: process_id.to_string(),
                location,
            });
        }
        let problems = self.problems_for(process_id);
        if !problems.is_empty() {
            return Err(StartError::Invalid(problems));
        }
        Ok(p.graph)
    }
}

impl Workflow {
    pub(crate) fn empty(specs: Arc<Specs>) -> Self {
        Workflow {
            specs,
            tasks: Vec::new(),
            scopes: Vec::new(),
            child_scope: HashMap::new(),
            ready: VecDeque::new(),
            human_ready: BTreeSet::new(),
            completion_log: Vec::new(),
            top_running: 0,
            top_finished: Vec::new(),
            removed: HashSet::new(),
            join_inputs: HashMap::new(),
            errors: HashMap::new(),
            waits: BTreeMap::new(),
            fired: BTreeSet::new(),
            compensating: BTreeMap::new(),
            handler_owner: BTreeMap::new(),
            compensated: BTreeSet::new(),
            starters: Vec::new(),
            clock: Clock::default(),
            outbox: Vec::new(),
            initial: Arc::default(),
            pending_starts: 0,
            data: Data::new(),
            completed: false,
            last_task: None,
            arrival_seq: 0,
            loops: HashMap::new(),
            loop_child: HashMap::new(),
            services: None,
            data_store: None,
        }
    }

    /// The specs this instance runs.
    pub fn specs(&self) -> &Arc<Specs> {
        &self.specs
    }

    /// Starts top-level graph `g`: at its none start event, or by arming its
    /// start events with definitions (`repeat`: a collaboration participant
    /// gets a new instance per conversation).
    fn start_top(&mut self, g: GraphIdx, repeat: bool) -> Result<(), WorkflowError> {
        if self.specs.model.graph(g).starts.is_empty() {
            self.arm_process_starts(g, repeat);
            if !repeat {
                // A process that starts on an event is not done before it starts.
                self.pending_starts = 1;
            }
            Ok(())
        } else {
            self.top_running += 1;
            let data = self.initial.clone();
            self.start_scope(g, None, 0, data, NO_TASK).map(|_| ())
        }
    }

    // ----- running -------------------------------------------------------

    /// Runs every engine task that can run (scripts, gateways, events,
    /// subprocess starts…) and fires every timer that is due, until only
    /// human tasks or waiting tasks remain or the workflow completes. Stops
    /// at the first failure, leaving that task in ERROR.
    pub fn run(&mut self) -> Result<(), WorkflowError> {
        loop {
            while let Some(t) = self.ready.pop_front() {
                if self.tasks[t as usize].state != TaskState::Ready {
                    continue;
                }
                self.execute(t)?;
            }
            if !self.fire_due_timers() {
                return Ok(());
            }
        }
    }

    /// Runs the next ready engine task, if any; returns whether one ran.
    /// (For stepping through a diagram one task at a time.)
    pub fn run_one(&mut self) -> Result<bool, WorkflowError> {
        loop {
            while let Some(t) = self.ready.pop_front() {
                if self.tasks[t as usize].state == TaskState::Ready {
                    self.execute(t)?;
                    return Ok(true);
                }
            }
            if !self.fire_due_timers() {
                return Ok(false);
            }
        }
    }

    /// Completes the READY human task `id`, after setting the keys of `answers`
    /// in its data. Call [`Workflow::run`] afterwards to continue.
    pub fn complete_task(&mut self, id: TaskId, answers: Data) -> Result<(), CompleteError> {
        let t = id.0;
        let Some(rec) = self.tasks.get(t as usize) else {
            return Err(CompleteError::Task(TaskError(format!(
                "no task with id {id}"
            ))));
        };
        if !self.human_ready.contains(&t) {
            let node = self.specs.model.node(rec.node);
            return Err(CompleteError::Task(TaskError(format!(
                "task {id} (`{}`) is {} and {}; ready human tasks: {}",
                node.id,
                rec.state,
                if node.kind.is_human() {
                    "cannot be completed"
                } else {
                    "not a human task"
                },
                self.ready_list()
            ))));
        }
        self.human_ready.remove(&t);
        if !answers.is_empty() {
            let data = Arc::make_mut(&mut self.tasks[t as usize].data);
            for (k, v) in answers {
                data.insert(k, v);
            }
        }
        self.complete(t).map_err(CompleteError::Workflow)
    }

    fn ready_list(&self) -> String {
        let v: Vec<String> = self
            .human_ready
            .iter()
            .map(|&t| {
                self.specs
                    .model
                    .node(self.tasks[t as usize].node)
                    .id
                    .clone()
            })
            .collect();
        if v.is_empty() {
            "none".into()
        } else {
            v.join(", ")
        }
    }

    // ----- queries -------------------------------------------------------

    /// True once every top-level process has ended.
    pub fn is_completed(&self) -> bool {
        self.completed
    }

    /// The workflow data: the merged data of every ended path, once completed
    /// (empty before).
    pub fn data(&self) -> &Data {
        &self.data
    }

    /// The data of the most recently completed task (the initial data if
    /// none has completed yet).
    pub fn last_task_data(&self) -> &Data {
        match self.last_task {
            Some(t) => &self.tasks[t as usize].data,
            None => self.tasks.first().map(|t| &*t.data).unwrap_or(&self.data),
        }
    }

    /// The task with id `id`.
    pub fn task(&self, id: TaskId) -> Option<TaskView<'_>> {
        (id.index() < self.tasks.len() && !self.removed.contains(&id.0)).then(|| self.view(id.0))
    }

    /// Every task record (except those a reset removed), in the order they
    /// were reached.
    pub fn tasks(&self) -> impl Iterator<Item = TaskView<'_>> + '_ {
        (0..self.tasks.len() as u32)
            .filter(move |t| !self.removed.contains(t))
            .map(move |t| self.view(t))
    }

    /// The error message of a task in ERROR.
    pub fn error_of(&self, id: TaskId) -> Option<&str> {
        self.errors.get(&id.0).map(String::as_str)
    }

    /// Tasks in state `state`, in the order they were reached.
    pub fn tasks_in_state(&self, state: TaskState) -> impl Iterator<Item = TaskView<'_>> + '_ {
        self.tasks().filter(move |t| t.state == state)
    }

    /// READY human tasks, in the order they were reached. O(number of them).
    pub fn ready_human_tasks(&self) -> Vec<TaskView<'_>> {
        self.human_ready.iter().map(|&t| self.view(t)).collect()
    }

    /// The READY human task with BPMN id `bpmn_id` (the earliest reached).
    pub fn ready_human_task(&self, bpmn_id: &str) -> Option<TaskId> {
        self.human_ready
            .iter()
            .find(|&&t| self.specs.model.node(self.tasks[t as usize].node).id == bpmn_id)
            .map(|&t| TaskId(t))
    }

    /// WAITING tasks (joins waiting for their inputs), in the order reached.
    pub fn waiting_tasks(&self) -> Vec<TaskView<'_>> {
        let mut v: Vec<u32> = self
            .scopes
            .iter()
            .filter(|s| !s.finished)
            .flat_map(|s| s.live.iter().copied())
            .filter(|&t| self.tasks[t as usize].state == TaskState::Waiting)
            .collect();
        v.sort_unstable();
        v.into_iter().map(|t| self.view(t)).collect()
    }

    /// Completed tasks in the order they completed.
    pub fn completed_tasks(&self) -> impl Iterator<Item = TaskView<'_>> + '_ {
        self.completion_log.iter().map(move |&t| self.view(t))
    }

    /// Number of task records (every task reached and not removed by a reset).
    pub fn task_count(&self) -> usize {
        self.tasks.len() - self.removed.len()
    }

    /// Tasks predicted from the graph: reachable from a live task, not yet
    /// reached. Computed on demand, never stored.
    pub fn future_tasks(&self) -> Vec<FutureTask<'_>> {
        let model = &self.specs.model;
        let mut seen: BTreeSet<NodeRef> = BTreeSet::new();
        let mut queue: VecDeque<NodeRef> = VecDeque::new();
        let mut out = Vec::new();
        for s in self.scopes.iter().filter(|s| !s.finished) {
            for &t in &s.live {
                let r = self.tasks[t as usize].node;
                for f in &model.node(r).outgoing {
                    let target = NodeRef {
                        graph: r.graph,
                        node: model.graph(r.graph).flow(*f).target,
                    };
                    if seen.insert(target) {
                        queue.push_back(target);
                    }
                }
            }
        }
        while let Some(r) = queue.pop_front() {
            let node = model.node(r);
            out.push(FutureTask {
                bpmn_id: &node.id,
                name: node.name.as_deref(),
                kind: node.kind.type_name(),
                lane: node.lane.as_deref(),
                process: self.process_of(r.graph),
            });
            let mut next: Vec<NodeRef> = node
                .outgoing
                .iter()
                .map(|f| NodeRef {
                    graph: r.graph,
                    node: model.graph(r.graph).flow(*f).target,
                })
                .collect();
            let body = match &node.kind {
                NodeKind::SubProcess { graph, .. } => Some(*graph),
                NodeKind::CallActivity { called_element } => {
                    model.process(called_element).map(|p| p.graph)
                }
                _ => None,
            };
            if let Some(g) = body {
                next.extend(
                    model
                        .graph(g)
                        .starts
                        .first()
                        .map(|&n| NodeRef { graph: g, node: n }),
                );
            }
            for n in next {
                if seen.insert(n) {
                    queue.push_back(n);
                }
            }
        }
        out
    }

    pub(crate) fn process_of(&self, g: GraphIdx) -> &str {
        let model = &self.specs.model;
        let mut g = g;
        while let Some(parent) = model.graph(g).parent {
            g = parent.graph;
        }
        &model.graph(g).id
    }

    pub(crate) fn view(&self, t: u32) -> TaskView<'_> {
        let rec = &self.tasks[t as usize];
        let node = self.specs.model.node(rec.node);
        TaskView {
            id: TaskId(t),
            bpmn_id: &node.id,
            name: node.name.as_deref(),
            kind: node.kind.type_name(),
            lane: node.lane.as_deref(),
            state: rec.state,
            documentation: node.documentation.as_deref(),
            process: self.process_of(rec.node.graph),
            parent: (rec.parent != NO_TASK).then_some(TaskId(rec.parent)),
            data: &rec.data,
            is_human: node.kind.is_human(),
        }
    }

    // ----- internals shared with the step logic ------------------------

    pub(crate) fn start_scope(
        &mut self,
        graph: GraphIdx,
        parent_task: Option<u32>,
        depth: u32,
        data: Arc<Data>,
        parent_record: u32,
    ) -> Result<u32, WorkflowError> {
        let s = self.scopes.len() as u32;
        let mut scope = Scope::new(graph, parent_task, depth);
        for o in &self.specs.model.graph(graph).data_objects {
            scope
                .data_objects
                .insert(o.id.clone(), serde_json::Value::Null);
        }
        self.scopes.push(scope);
        if let Some(p) = parent_task {
            self.child_scope.insert(p, s);
        }
        // BPMN lets each start event instantiate on its own; with several
        // none start events we take the first in document order, as
        // SpiffWorkflow effectively does.
        let g = self.specs.model.graph(graph);
        let starts: Vec<NodeIdx> = if g.implicit_start {
            g.starts.clone()
        } else {
            g.starts.first().copied().into_iter().collect()
        };
        self.arm_event_subprocesses(s);
        for start in starts {
            self.new_task(s, start, parent_record, data.clone())?;
        }
        Ok(s)
    }

    /// Creates a task record for `node` in scope `s` and queues it.
    pub(crate) fn new_task(
        &mut self,
        s: u32,
        node: NodeIdx,
        parent: u32,
        data: Arc<Data>,
    ) -> Result<u32, WorkflowError> {
        let graph = self.scopes[s as usize].graph;
        let t = self.tasks.len() as u32;
        let r = NodeRef { graph, node };
        let n = self.specs.model.node(r);
        // A human task with a pre-script goes through the engine queue first
        // so the script runs (and may fail) like any engine step.
        let human = n.kind.is_human() && n.pre_script.is_none() && n.looping.is_none();
        self.tasks.push(TaskRecord {
            node: r,
            parent,
            scope: s,
            state: TaskState::Ready,
            data,
        });
        self.scopes[s as usize].live.insert(t);
        if human {
            self.human_ready.insert(t);
        } else {
            self.ready.push_back(t);
        }
        if !self.specs.model.node(r).boundary.is_empty() {
            self.arm_boundaries(t)?;
        }
        if self.specs.model.node(r).data.is_some() {
            self.data_on_entry(t)?;
        }
        Ok(t)
    }

    pub(crate) fn mark_completed(&mut self, t: u32) {
        let rec = &mut self.tasks[t as usize];
        rec.state = TaskState::Completed;
        let s = rec.scope;
        self.scopes[s as usize].live.remove(&t);
        self.scopes[s as usize].last_done = Some(t);
        self.completion_log.push(t);
        self.last_task = Some(t);
    }

    /// Cancels every live task of scope `s` (and of scopes below them).
    pub(crate) fn cancel_scope(&mut self, s: u32) {
        let live: Vec<u32> = self.scopes[s as usize].live.drain().collect();
        for t in live {
            self.tasks[t as usize].state = TaskState::Cancelled;
            self.human_ready.remove(&t);
            self.waits.remove(&t);
            if let Some(child) = self.child_scope.get(&t).copied() {
                self.cancel_scope(child);
            }
        }
        self.disarm_scope(s);
        let scope = &mut self.scopes[s as usize];
        scope.joins.clear();
        scope.waiting_or_joins.clear();
        scope.finished = true;
    }

    /// The final data of scope `s`: its terminate event's data, or the merge
    /// of the data of every path that ended in it, in the order they ended.
    pub(crate) fn scope_final_data(&self, s: u32) -> Arc<Data> {
        let scope = &self.scopes[s as usize];
        if let Some(t) = scope.terminated_by {
            return self.tasks[t as usize].data.clone();
        }
        match scope.ended.as_slice() {
            [] => scope
                .parent_task
                .map(|p| self.tasks[p as usize].data.clone())
                .unwrap_or_default(),
            [one] => self.tasks[*one as usize].data.clone(),
            [first, rest @ ..] => {
                let mut d = (*self.tasks[*first as usize].data).clone();
                for t in rest {
                    deep_merge(&mut d, &self.tasks[*t as usize].data);
                }
                Arc::new(d)
            }
        }
    }

    /// Called when top-level scope `s` has finished.
    pub(crate) fn top_scope_finished(&mut self, s: u32) {
        self.top_finished.push(s);
        self.top_running = self.top_running.saturating_sub(1);
        if self.top_running == 0 && self.pending_starts == 0 {
            // Recomputed from the scopes (not accumulated) so a reset and
            // re-run gives the data of the re-run.
            let mut data = Data::new();
            for &top in &self.top_finished {
                deep_merge(&mut data, &self.scope_final_data(top));
            }
            self.data = data;
            self.completed = true;
        }
    }
}
