//! A running instance: the owners of its state, and the public API to run
//! engine steps, list tasks and complete human tasks.
//!
//! Cost model: running a task touches only that task, its outgoing flows and
//! (for joins) the join's pending tokens; nothing walks the task history.
//! Engine tasks wait in a FIFO queue, human tasks in an ordered set.

use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;

use jiff::Timestamp;

use super::clock::Clock;
use super::compensation::Compensations;
use super::data_objects::DataObjects;
use super::error::{StartError, TaskError, WorkflowError};
use super::event_state::EventState;
use super::joins::Joins;
use super::loops::Loops;
use super::owner::view_of;
use super::owner::{StateOwner, View};
use super::records::Records;
use super::scopes::Scopes;
use super::task::{FutureTask, NO_TASK, TaskView};
use super::{RuntimeLimits, Specs, TaskId, TaskState};
use crate::model::{Data, GraphIdx, NodeIdx, NodeKind, NodeRef};

/// Why completing a human task failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompleteError {
    /// The task does not exist, is not a human task, or is not READY.
    #[error(transparent)]
    Task(#[from] TaskError),
    /// Its post-script (or what ran right after it) failed.
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
}

/// A workflow instance.
///
/// Create one with [`Specs::start`], call [`Workflow::run`] to run every
/// engine task that can run, then answer human tasks with
/// [`Workflow::complete_task`] and run again, until
/// [`Workflow::is_completed`].
///
/// Its state is split between owners (`owner.rs` lists them), each of which
/// alone changes its tables; cancelling a task, resetting, snapshotting,
/// restoring and checking invariants are loops over the owners.
#[derive(Debug, Clone)]
pub struct Workflow {
    pub(crate) specs: Arc<Specs>,
    pub(crate) records: Records,
    pub(crate) scopes: Scopes,
    pub(crate) joins: Joins,
    pub(crate) events: EventState,
    pub(crate) loops: Loops,
    pub(crate) compensation: Compensations,
    pub(crate) objects: DataObjects,
    pub(crate) clock: Clock,
    /// Runs service tasks (registered by the application; not saved).
    pub(crate) services: Option<super::service::Services>,
    /// Where data stores live (registered by the application; not saved).
    pub(crate) data_store: Option<super::data_store::Stores>,
    /// Limits on the work this instance does (not saved).
    pub(crate) limits: RuntimeLimits,
}

impl Specs {
    /// Starts an instance of process `process_id` with `data` as its initial
    /// data. Nothing runs until [`Workflow::run`].
    pub fn start(
        self: &Arc<Self>,
        process_id: &str,
        data: impl Into<Data>,
    ) -> Result<Workflow, StartError> {
        self.start_at(process_id, data, None)
    }

    /// [`Specs::start`] on a virtual clock set to `now` (`None`: the real
    /// clock). The clock is set before the start events are armed, so a
    /// timer start event is due `now` plus its duration.
    pub fn start_at(
        self: &Arc<Self>,
        process_id: &str,
        data: impl Into<Data>,
        now: Option<Timestamp>,
    ) -> Result<Workflow, StartError> {
        let data = data.into();
        let p = self.checked_process(process_id, None)?;
        crate::model::check_depth(&data).map_err(StartError::Data)?;
        let mut wf = Workflow::empty(self.clone());
        if let Some(t) = now {
            wf.set_now(t);
        }
        wf.scopes.initial = Arc::new(data);
        wf.start_top(p, false)?;
        Ok(wf)
    }

    /// Starts one instance running the process of every executable
    /// participant of collaboration `id`; it completes when all of them do.
    pub fn start_collaboration(
        self: &Arc<Self>,
        id: &str,
        data: impl Into<Data>,
    ) -> Result<Workflow, StartError> {
        self.start_collaboration_at(id, data, None)
    }

    /// [`Specs::start_collaboration`] on a virtual clock set to `now`, as
    /// [`Specs::start_at`].
    pub fn start_collaboration_at(
        self: &Arc<Self>,
        id: &str,
        data: impl Into<Data>,
        now: Option<Timestamp>,
    ) -> Result<Workflow, StartError> {
        let data = data.into();
        crate::model::check_depth(&data).map_err(StartError::Data)?;
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
        if let Some(t) = now {
            wf.set_now(t);
        }
        wf.scopes.initial = Arc::new(data);
        for g in &graphs {
            wf.start_top(*g, true)?;
        }
        if wf.scopes.top_running() == 0 && !wf.events.starters.is_empty() {
            // Every participant starts on an event: wait for the first. A
            // participant that starts on a message is otherwise optional,
            // as in SpiffWorkflow.
            wf.scopes.pending_starts = 1;
        }
        wf.scopes.settle_completion(&wf.records);
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
            limits: specs.limits,
            specs,
            records: Records::default(),
            scopes: Scopes::default(),
            joins: Joins::default(),
            events: EventState::default(),
            loops: Loops::default(),
            compensation: Compensations::default(),
            objects: DataObjects::default(),
            clock: Clock::default(),
            services: None,
            data_store: None,
        }
    }

    /// The specs this instance runs.
    pub fn specs(&self) -> &Arc<Specs> {
        &self.specs
    }

    /// Sets the limits on the work this instance does (they are not saved
    /// with it: set them again after restoring).
    pub fn set_limits(&mut self, limits: RuntimeLimits) {
        self.limits = limits;
    }

    /// The limits in force.
    pub fn limits(&self) -> RuntimeLimits {
        self.limits
    }

    /// What owners read while restoring or checking.
    pub(crate) fn view_of(&self) -> View<'_> {
        view_of!(self)
    }

    /// Checks every owner's invariants (the same check loading a state
    /// runs). An instance that fails it must not be saved.
    pub fn check_invariants(&self) -> Result<(), String> {
        self.records.check(&self.specs)?;
        self.scopes.check(&self.records, &self.specs)?;
        let view = self.view_of();
        self.joins.check(&view)?;
        self.events.check(&view)?;
        self.loops.check(&view)?;
        self.compensation.check(&view)?;
        self.objects.check(&view)?;
        Ok(())
    }

    /// Starts top-level graph `g`: at its none start event, or by arming its
    /// start events with definitions (`repeat`: a collaboration participant
    /// gets a new instance per conversation).
    fn start_top(&mut self, g: GraphIdx, repeat: bool) -> Result<(), WorkflowError> {
        if self.specs.model.graph(g).starts.is_empty() {
            self.arm_process_starts(g, repeat);
            if !repeat {
                // A process that starts on an event is not done before it starts.
                self.scopes.pending_starts = 1;
            }
            Ok(())
        } else {
            let data = self.scopes.initial.clone();
            self.start_scope(g, None, 0, data, NO_TASK).map(|_| ())
        }
    }

    // ----- running -------------------------------------------------------

    /// Runs every engine task that can run (scripts, gateways, events,
    /// subprocess starts…) and fires every timer that is due, until only
    /// human tasks or waiting tasks remain or the workflow completes. Stops
    /// at the first failure, leaving that task in ERROR.
    pub fn run(&mut self) -> Result<(), WorkflowError> {
        let (mut steps, mut firings) = (0u64, 0u64);
        loop {
            // What an event from outside changed since the last run.
            self.settle_joins();
            while let Some(t) = self.records.ready.pop_front() {
                if self.records.state(t) != TaskState::Ready {
                    continue;
                }
                if steps >= self.limits.max_steps {
                    // Stop before the task: it stays ready for a resume.
                    self.records.ready.push_front(t);
                    return Err(self.limit_error(
                        t,
                        format!(
                            "{} engine steps ran without a pause, the limit (--max-steps); the diagram may loop forever — the state is kept, and a resume goes on from here",
                            self.limits.max_steps
                        ),
                    ));
                }
                steps += 1;
                let done = self.execute(t);
                // OR-joins are checked once the step placed its tokens,
                // also when it failed half-way.
                self.settle_joins();
                done?;
                if self.scopes.live_total > self.limits.max_live_tasks {
                    return Err(self.limit_error(
                        t,
                        format!(
                            "after it ran, {} tasks are live, more than the limit of {} (--max-live-tasks); does a process call itself more than once?",
                            self.scopes.live_total, self.limits.max_live_tasks
                        ),
                    ));
                }
            }
            if self.records.undefer() {
                continue;
            }
            if firings >= self.limits.max_timer_firings {
                if let Some((_, who)) = self.next_due_timer() {
                    let node = match who {
                        Ok(t) => self.records.get(t).node,
                        Err(k) => self.events.starters[k].node(),
                    };
                    return Err(self.limit_error_at(
                        node,
                        who.ok(),
                        format!(
                            "{} timers fired in one run, the limit (--max-timer-firings); was the clock moved far ahead of a cycle timer? — the state is kept, and a resume fires the next ones",
                            self.limits.max_timer_firings
                        ),
                    ));
                }
            }
            if !self.fire_due_timers() {
                return Ok(());
            }
            self.settle_joins();
            firings += 1;
        }
    }

    /// A limit was reached at task `t` (which is not failed: the instance
    /// is consistent and can go on).
    pub(crate) fn limit_error(&self, t: u32, message: String) -> WorkflowError {
        self.limit_error_at(self.records.get(t).node, Some(t), message)
    }

    /// A limit was reached at element `r` (task `t`, if a task).
    pub(crate) fn limit_error_at(
        &self,
        r: NodeRef,
        t: Option<u32>,
        message: String,
    ) -> WorkflowError {
        let node = self.specs.model.node(r);
        WorkflowError {
            task: t.map(TaskId),
            element: node.id.clone(),
            process: self.process_of(r.graph).to_string(),
            location: node.pos.display(&self.specs.model.files).to_string(),
            message,
        }
    }

    /// Runs the next ready engine task, if any; returns whether one ran.
    /// (For stepping through a diagram one task at a time.)
    pub fn run_one(&mut self) -> Result<bool, WorkflowError> {
        loop {
            self.settle_joins();
            while let Some(t) = self.records.ready.pop_front() {
                if self.records.state(t) == TaskState::Ready {
                    let done = self.execute(t);
                    self.settle_joins();
                    done?;
                    return Ok(true);
                }
            }
            if self.records.undefer() {
                continue;
            }
            if !self.fire_due_timers() {
                return Ok(false);
            }
            self.settle_joins();
        }
    }

    /// Completes the READY human task `id`, after setting the keys of `answers`
    /// in its data. Call [`Workflow::run`] afterwards to continue.
    pub fn complete_task(
        &mut self,
        id: TaskId,
        answers: impl Into<Data>,
    ) -> Result<(), CompleteError> {
        let answers = answers.into();
        let t = id.0;
        if !self.records.exists(t) {
            return Err(CompleteError::Task(TaskError(format!(
                "no task with id {id}"
            ))));
        }
        if !self.records.human_ready.contains(&t) {
            let node = self.specs.model.node(self.records.get(t).node);
            return Err(CompleteError::Task(TaskError(format!(
                "task {id} (`{}`) is {} and {}; ready human tasks: {}",
                node.id,
                self.records.state(t),
                if node.kind.is_human() {
                    "cannot be completed"
                } else {
                    "not a human task"
                },
                self.ready_list()
            ))));
        }
        if let Err(e) = crate::model::check_depth(&answers) {
            return Err(CompleteError::Task(TaskError(format!("answer {e}"))));
        }
        self.records.human_ready.remove(&t);
        if !answers.is_empty() {
            self.records.update_data(t, |data| {
                for (k, v) in answers.iter_shared() {
                    data.insert_shared(k.clone(), v.clone());
                }
            });
        }
        let done = self.complete(t);
        self.settle_joins();
        Ok(done?)
    }

    fn ready_list(&self) -> String {
        let v: Vec<String> = self
            .records
            .human_ready
            .iter()
            .map(|&t| self.specs.model.node(self.records.get(t).node).id.clone())
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
        self.scopes.completed
    }

    /// The workflow data: the merged data of every ended path, once completed
    /// (empty before).
    pub fn data(&self) -> &Data {
        &self.scopes.data
    }

    /// The data of the most recently completed task (the initial data if
    /// none has completed yet).
    pub fn last_task_data(&self) -> Arc<Data> {
        match self.records.last_task() {
            Some(t) => self.records.data(t),
            None => match self.records.ids().next() {
                Some(t) => self.records.data(t),
                None => self.scopes.initial.clone(),
            },
        }
    }

    /// The task with id `id`.
    pub fn task(&self, id: TaskId) -> Option<TaskView<'_>> {
        self.records.exists(id.0).then(|| self.view(id.0))
    }

    /// Every task record (except those a reset removed), in the order they
    /// were reached.
    pub fn tasks(&self) -> impl Iterator<Item = TaskView<'_>> + '_ {
        self.records.ids().map(move |t| self.view(t))
    }

    /// The error message of a task in ERROR.
    pub fn error_of(&self, id: TaskId) -> Option<&str> {
        self.records.error(id.0)
    }

    /// Tasks in state `state`, in the order they were reached.
    pub fn tasks_in_state(&self, state: TaskState) -> impl Iterator<Item = TaskView<'_>> + '_ {
        self.tasks().filter(move |t| t.state == state)
    }

    /// READY human tasks, in the order they were reached. O(number of them).
    pub fn ready_human_tasks(&self) -> Vec<TaskView<'_>> {
        self.records
            .human_ready
            .iter()
            .map(|&t| self.view(t))
            .collect()
    }

    /// The READY human task with BPMN id `bpmn_id` (the earliest reached).
    pub fn ready_human_task(&self, bpmn_id: &str) -> Option<TaskId> {
        self.records
            .human_ready
            .iter()
            .find(|&&t| self.specs.model.node(self.records.get(t).node).id == bpmn_id)
            .map(|&t| TaskId(t))
    }

    /// WAITING tasks (joins waiting for their inputs, events waiting for
    /// their trigger), in the order reached.
    pub fn waiting_tasks(&self) -> Vec<TaskView<'_>> {
        self.live_tasks_where(|t| self.records.state(t) == TaskState::Waiting)
    }

    /// Whether a task is in ERROR. Reads only the tasks that ever failed
    /// (their messages are kept), never the whole history.
    pub fn has_error(&self) -> bool {
        self.records.has_error()
    }

    /// Whether engine work (a script, gateway, event…) is ready to run: a
    /// run stopped before it was done, e.g. at the step limit. Reads the
    /// ready set only.
    pub fn has_engine_work(&self) -> bool {
        self.records
            .ready
            .iter()
            .any(|&t| self.records.state(t) == TaskState::Ready)
    }

    /// The live tasks of running scopes that `keep` accepts, in the order
    /// reached. O(live tasks), never a scan of the history.
    pub(crate) fn live_tasks_where(&self, keep: impl Fn(u32) -> bool) -> Vec<TaskView<'_>> {
        let mut v: Vec<u32> = self
            .scopes
            .list
            .iter()
            .filter(|s| s.running())
            .flat_map(|s| s.live.iter().copied())
            .filter(|&t| keep(t))
            .collect();
        v.sort_unstable();
        v.into_iter().map(|t| self.view(t)).collect()
    }

    /// Completed tasks in the order they completed.
    pub fn completed_tasks(&self) -> impl Iterator<Item = TaskView<'_>> + '_ {
        self.records
            .completion_log()
            .iter()
            .map(move |&t| self.view(t))
    }

    /// Number of task records (every task reached and not removed by a reset).
    pub fn task_count(&self) -> usize {
        self.records.len() as usize - self.records.removed_count()
    }

    /// Tasks predicted from the graph: reachable from a live task, not yet
    /// reached. Computed on demand, never stored.
    pub fn future_tasks(&self) -> Vec<FutureTask<'_>> {
        let model = &self.specs.model;
        let mut seen: BTreeSet<NodeRef> = BTreeSet::new();
        let mut queue: VecDeque<NodeRef> = VecDeque::new();
        let mut out = Vec::new();
        let mut live: Vec<u32> = self
            .scopes
            .list
            .iter()
            .filter(|s| s.running())
            .flat_map(|s| s.live.iter().copied())
            .collect();
        live.sort_unstable();
        for t in live {
            let r = self.records.get(t).node;
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
        while let Some(r) = queue.pop_front() {
            let node = model.node(r);
            out.push(FutureTask {
                bpmn_id: &node.id,
                name: node.name.as_deref(),
                kind: node.kind.element_type(),
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
        let rec = self.records.get(t);
        let node = self.specs.model.node(rec.node);
        TaskView {
            id: TaskId(t),
            bpmn_id: &node.id,
            name: node.name.as_deref(),
            kind: node.kind.element_type(),
            lane: node.lane.as_deref(),
            state: rec.state,
            documentation: node.documentation.as_deref(),
            process: self.process_of(rec.node.graph),
            parent: (rec.parent != NO_TASK).then_some(TaskId(rec.parent)),
            data: self.records.data(t),
            is_human: node.kind.is_human(),
        }
    }

    // ----- internals shared with the step logic ------------------------

    /// Opens a scope running `graph` (for task `container`, or top-level)
    /// and creates its first task(s) with `data`, as children of
    /// `parent_record`.
    pub(crate) fn start_scope(
        &mut self,
        graph: GraphIdx,
        container: Option<u32>,
        depth: u32,
        data: Arc<Data>,
        parent_record: u32,
    ) -> Result<u32, WorkflowError> {
        let or_joins = self.specs.model.graph(graph).has_or_joins();
        let s = self.scopes.open(graph, container, depth, or_joins);
        let specs = self.specs.clone();
        self.objects.open(s, graph, &specs);
        // BPMN lets each start event instantiate on its own; with several
        // none start events we take the first in document order, as
        // SpiffWorkflow effectively does.
        let g = specs.model.graph(graph);
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

    /// Creates a READY task record for `node` in scope `s` and queues it,
    /// arming its boundary events and applying its data inputs.
    pub(crate) fn new_task(
        &mut self,
        s: u32,
        node: NodeIdx,
        parent: u32,
        data: Arc<Data>,
    ) -> Result<u32, WorkflowError> {
        let t = self.push_task(s, node, parent, data, TaskState::Ready);
        self.enter(t)?;
        Ok(t)
    }

    /// [`Workflow::new_task`] carrying the parent's data unchanged (a
    /// token along a flow): the record shares the parent's data version.
    pub(crate) fn new_task_sharing(
        &mut self,
        s: u32,
        node: NodeIdx,
        parent: u32,
    ) -> Result<u32, WorkflowError> {
        let graph = self.scopes.get(s).graph;
        let t = self
            .records
            .push_sharing(NodeRef { graph, node }, parent, s, TaskState::Ready);
        self.placed(s, t, node, TaskState::Ready);
        self.enter(t)?;
        Ok(t)
    }

    /// What happens when task `t` (READY and queued) is entered: its
    /// boundary events are armed and its data inputs applied.
    pub(crate) fn enter(&mut self, t: u32) -> Result<(), WorkflowError> {
        let r = self.records.get(t).node;
        if !self.specs.model.node(r).boundary.is_empty() {
            self.arm_boundaries(t)?;
        }
        if self.specs.model.node(r).data.is_some() {
            self.data_on_entry(t)?;
        }
        Ok(())
    }

    /// Creates a task record in scope `s` with state `state` (a READY one is
    /// queued, or waits for a person).
    pub(crate) fn push_task(
        &mut self,
        s: u32,
        node: NodeIdx,
        parent: u32,
        data: Arc<Data>,
        state: TaskState,
    ) -> u32 {
        let graph = self.scopes.get(s).graph;
        let t = self
            .records
            .push(NodeRef { graph, node }, parent, s, state, data);
        self.placed(s, t, node, state);
        t
    }

    /// Record `t` (at `node`, in scope `s`) was just created in `state`.
    fn placed(&mut self, s: u32, t: u32, node: NodeIdx, state: TaskState) {
        self.scopes.add_live(s, t, node);
        if state == TaskState::Ready {
            let human = self.waits_for_person(t);
            self.records.enqueue(t, human);
        }
    }

    pub(crate) fn mark_completed(&mut self, t: u32) {
        self.records.mark_completed(t);
        if !self.events.fired.is_empty() {
            self.events.fired.remove(&t);
        }
        let r = self.records.get(t);
        let (s, node) = (r.scope, r.node.node);
        if self.scopes.completed(s, t, node) {
            self.token_left(s, node, t);
        }
    }

    /// Cancels live task `t` (and what runs below it) because task `cause`
    /// ran: every owner drops it from its active tables and keeps what a
    /// reset that undoes `cause` needs to bring it back.
    pub(crate) fn cancel_task(&mut self, t: u32, cause: u32) {
        if !self.records.state(t).is_live() {
            return;
        }
        self.records.cancel(t, cause);
        if self.scopes.cancel(t, &self.records) {
            let r = self.records.get(t);
            self.token_left(r.scope, r.node.node, cause);
        }
        {
            let view = view_of!(self);
            self.joins.cancel(t, &view);
            self.events.cancel(t, &view);
            self.loops.cancel(t, &view);
            self.compensation.cancel(t, &view);
            self.objects.cancel(t, &view);
        }
        if let Some(child) = self.scopes.child.get(&t).copied() {
            self.cancel_scope(child, cause);
        }
        for c in self.loops.live_instances(t, &self.records) {
            self.cancel_task(c, cause);
        }
    }

    /// Cancels every live task of scope `s` (and of scopes below them)
    /// because task `cause` ran.
    pub(crate) fn cancel_scope(&mut self, s: u32, cause: u32) {
        let mut live: Vec<u32> = self.scopes.get(s).live.iter().copied().collect();
        live.sort_unstable();
        for t in live {
            self.cancel_task(t, cause);
        }
        self.scopes.get_mut(s).finished = true;
        self.events.park(s, &self.specs);
        self.unindex_starts(s);
    }

    /// Called when top-level scope `s` has finished.
    pub(crate) fn top_scope_finished(&mut self, s: u32) {
        self.scopes.top_finished(s, &self.records);
    }
}
