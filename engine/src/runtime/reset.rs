//! Reset: go back to an earlier task and redo from there.
//!
//! The rule: after a reset to task T, the instance is as it was when T
//! became ready — T is ready again, everything T's completion caused is
//! gone, everything else is kept — and redoing the work from there leads
//! where an uninterrupted run would.
//!
//! A reset is computed once as a [`ResetPlan`] by following what caused
//! what, then applied by every owner (`owner.rs`):
//!
//! - *Doomed* tasks are removed: the tasks T's completion created, and
//!   what they caused in turn — joins that consumed their tokens or fired
//!   because of them, events they threw (the catches wait again), loop
//!   iterations and compensation handlers that followed them, event
//!   subprocesses they started.
//! - Tasks cancelled by something the reset undoes get their state back
//!   (an interrupted activity, the siblings of an event-based gateway's
//!   winner, what a terminate end event stopped).
//! - Every activity that encloses T — subprocess, call activity, event
//!   subprocess, multi-instance or loop task, the thrower of a compensation
//!   — goes back to STARTED with the data it started with, and loses what
//!   followed it. Its boundary events wait again; the boundary events and
//!   event subprocesses of the enclosing activities that fired after T
//!   became ready are undone (a path they started is removed).
//! - T itself: a task becomes READY with the data it was reached with
//!   (plus the overrides, which win), its data inputs checked again; a
//!   fired join takes its inputs back and fires again; a catching event
//!   waits again with the data it had before its event; the start event of
//!   an event subprocess (or of a process started by a message or timer)
//!   waits again and what it started is removed.
//! - Data objects lose the writes of removed and redone tasks; a virtual
//!   clock goes back to the time T became ready.
//!
//! A reset scans the task records a few times (it is rare, not a step of
//! the engine) and checks the owners' invariants before it returns.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use super::error::TaskError;
use super::event_state::Fired;
use super::owner::{ReadyAt, ResetPlan, StateOwner, View, view_of};
use super::task::NO_TASK;
use super::wait::StarterKey;
use super::{TaskId, TaskState, Workflow};
use crate::model::{Data, EventPosition, NodeKind};

/// What a reset did, for clients to report.
#[derive(Debug, Clone, PartialEq)]
pub struct ResetOutcome {
    /// The task that is ready (or waiting) again; `None` when the reset
    /// re-armed a start event instead.
    pub task: Option<TaskId>,
    /// Its BPMN id (or the start event's).
    pub bpmn_id: String,
    /// Its state after the reset.
    pub state: Option<TaskState>,
    /// How many task records the reset removed.
    pub removed: usize,
    /// A sentence for the user when the reset did something other than
    /// making the named task ready.
    pub note: Option<String>,
}

/// Data and the task it came from.
/// The task whose completion made a conditional event fire, and its data
/// when it completed in the event's own scope (merged into the event's).
type DataFrom = (u32, Option<Arc<Data>>);

/// Kept for callers that name the error of a reset.
pub type ResetError = TaskError;

/// Steps of the plan's fixpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Step {
    /// Remove a task and what it caused.
    Doom(u32),
    /// Make a task READY again (with its entry data) and undo what it caused.
    Redo(u32),
    /// Put an enclosing activity back to STARTED and undo its completion.
    Reopen(u32),
    /// Undo a fired event (index in the fire log).
    Unfire(usize),
    /// Give a cancelled task its state back.
    Restore(u32),
}

/// Builds a [`ResetPlan`] from indexes over the instance.
struct Planner<'a> {
    wf: &'a Workflow,
    /// Children by parent (CSR: `kids[first[p]..first[p + 1]]`).
    first: Vec<u32>,
    kids: Vec<u32>,
    fires_by: HashMap<u32, Vec<usize>>,
    cancelled_by: HashMap<u32, Vec<u32>>,
    joins_by: HashMap<u32, Vec<u32>>,
    /// The last fire of each catch, and the fire that created each task.
    catch_of: HashMap<u32, usize>,
    start_of: HashMap<u32, usize>,
    plan: ResetPlan,
    redo: Vec<u32>,
    /// Throwers redone so their event is thrown again: they run once the
    /// queue is empty.
    deferred: HashSet<u32>,
    done: HashSet<Step>,
    work: VecDeque<Step>,
    error: Option<String>,
}

impl<'a> Planner<'a> {
    fn new(wf: &'a Workflow) -> Self {
        let n = wf.records.len() as usize;
        let mut count = vec![0u32; n + 1];
        for t in wf.records.ids() {
            let p = wf.records.get(t).parent;
            if p != NO_TASK {
                count[p as usize + 1] += 1;
            }
        }
        for i in 1..=n {
            count[i] += count[i - 1];
        }
        let first = count.clone();
        let mut fill = count;
        let mut kids = vec![0u32; first[n] as usize];
        for t in wf.records.ids() {
            let p = wf.records.get(t).parent;
            if p != NO_TASK {
                kids[fill[p as usize] as usize] = t;
                fill[p as usize] += 1;
            }
        }
        let mut fires_by: HashMap<u32, Vec<usize>> = HashMap::new();
        for (i, by) in wf.events.causes() {
            fires_by.entry(by).or_default().push(i);
        }
        let mut cancelled_by: HashMap<u32, Vec<u32>> = HashMap::new();
        for (t, cause) in wf.records.cancellations() {
            cancelled_by.entry(cause).or_default().push(t);
        }
        for v in cancelled_by.values_mut() {
            v.sort_unstable();
        }
        let mut joins_by: HashMap<u32, Vec<u32>> = HashMap::new();
        for (x, j) in wf.joins.dependents() {
            joins_by.entry(x).or_default().push(j);
        }
        let mut catch_of = HashMap::new();
        let mut start_of = HashMap::new();
        for (i, f) in wf.events.fires.iter().enumerate() {
            match &f.what {
                Fired::Catch { task, .. } => catch_of.insert(*task, i),
                Fired::Start { created, .. } => start_of.insert(*created, i),
            };
        }
        Planner {
            wf,
            first,
            kids,
            fires_by,
            cancelled_by,
            joins_by,
            catch_of,
            start_of,
            plan: ResetPlan::default(),
            redo: Vec::new(),
            deferred: HashSet::new(),
            done: HashSet::new(),
            work: VecDeque::new(),
            error: None,
        }
    }

    fn children(&self, t: u32) -> &[u32] {
        let a = self.first[t as usize] as usize;
        let b = self.first[t as usize + 1] as usize;
        &self.kids[a..b]
    }

    /// Queues a step. What it decides about a task is recorded at once, so
    /// the order the fixpoint visits steps in does not matter.
    fn push(&mut self, s: Step) {
        if !self.done.insert(s) {
            return;
        }
        match s {
            Step::Doom(d) => {
                self.plan.doomed.insert(d);
                self.plan.undone.remove(&d);
            }
            Step::Redo(x) | Step::Reopen(x) if !self.plan.doomed.contains(&x) => {
                self.plan.undone.insert(x);
            }
            _ => {}
        }
        self.work.push_back(s);
    }

    fn is_boundary(&self, t: u32) -> bool {
        let node = self.wf.specs.model.node(self.wf.records.get(t).node);
        matches!(
            node.kind.event().map(|e| e.position),
            Some(EventPosition::Boundary { .. })
        )
    }

    /// The activity whose being alive task `t` needs: a boundary event's
    /// activity, a loop instance's loop task, a compensation handler's
    /// thrower, a body task's subprocess (or call activity, or event
    /// subprocess).
    fn container(&self, t: u32) -> Option<u32> {
        let wf = self.wf;
        if self.is_boundary(t) {
            return Some(wf.records.get(t).parent);
        }
        if let Some((p, _)) = wf.loops.instance_of(t) {
            return Some(p);
        }
        if let Some(&o) = wf.compensation.handler_owner.get(&t) {
            return Some(o);
        }
        wf.scopes.get(wf.records.get(t).scope).container
    }

    fn gone(&self, t: u32) -> bool {
        self.plan.doomed.contains(&t) || self.plan.undone.contains(&t)
    }

    fn run(&mut self) {
        while let Some(step) = self.work.pop_front() {
            match step {
                Step::Doom(d) => self.doom(d),
                Step::Redo(r) => self.redo_step(r),
                Step::Reopen(c) => self.reopen(c),
                Step::Unfire(f) => self.unfire(f),
                Step::Restore(x) => self.restore(x),
            }
        }
    }

    fn doom(&mut self, d: u32) {
        for c in self.children(d).to_vec() {
            self.push(Step::Doom(c));
        }
        // An event a removed task caught (or that started a removed event
        // subprocess) is thrown again by its thrower, if that stays.
        let fires = [
            self.catch_of.get(&d).copied(),
            self.start_of.get(&d).copied(),
        ];
        for f in fires.into_iter().flatten() {
            self.rethrow(f);
        }
        if let Some(&body) = self.wf.scopes.child.get(&d) {
            self.plan.removed_scopes.insert(body);
        }
        for h in self.wf.compensation.handlers_of(d) {
            self.push(Step::Doom(h));
        }
        // A handler removed with the activity it compensated: the
        // compensation that ran it runs again.
        if let Some(&o) = self.wf.compensation.handler_owner.get(&d) {
            if !self.gone(o) {
                self.push(Step::Redo(o));
            }
        }
        self.effects(d, true);
    }

    fn redo_step(&mut self, r: u32) {
        if self.plan.doomed.contains(&r) || self.done.contains(&Step::Reopen(r)) {
            return;
        }
        self.redo.push(r);
        for c in self.children(r).to_vec() {
            self.push(Step::Doom(c));
        }
        if let Some(&body) = self.wf.scopes.child.get(&r) {
            self.plan.removed_scopes.insert(body);
        }
        // A fired join target waits again; another record waiting at the
        // same join goes (the target is the join's waiting record again).
        if self.wf.joins.fired.contains_key(&r) {
            if let Some(w) = self.wf.joins.waiting_sibling(r, &self.wf.records) {
                self.push(Step::Doom(w));
            }
        }
        for h in self.wf.compensation.handlers_of(r) {
            self.push(Step::Doom(h));
        }
        // An event subprocess that starts its body again keeps the
        // interruption its start caused.
        let esp = matches!(
            self.wf.specs.model.node(self.wf.records.get(r).node).kind,
            NodeKind::EventSubProcess { .. }
        );
        self.effects(r, !esp);
        self.container_rule(r);
    }

    fn reopen(&mut self, c: u32) {
        if self.plan.doomed.contains(&c) || self.redo.contains(&c) {
            return;
        }
        self.plan.reopened.push(c);
        let wf = self.wf;
        let scope = wf.records.get(c).scope;
        for k in self.children(c).to_vec() {
            // What followed the activity (not its body, boundary events,
            // instances or handlers).
            let kr = wf.records.get(k);
            let same_scope = kr.scope == scope;
            let part = self.is_boundary(k)
                || wf.loops.instance_of(k).is_some_and(|(p, _)| p == c)
                || !same_scope
                || wf.compensation.handler_owner.contains_key(&k)
                || matches!(
                    wf.specs.model.node(kr.node).kind,
                    NodeKind::EventSubProcess { .. }
                );
            if !part {
                self.push(Step::Doom(k));
            }
        }
        // A loop task that runs again: the instances its completion
        // condition cancelled come back (the condition counted the
        // instances the reset undoes; it is evaluated again).
        if let Some(st) = wf.loops.rows.get(&c) {
            for &i in &st.instances {
                let r = wf.records.get(i);
                if r.state == TaskState::Cancelled
                    && wf
                        .loops
                        .instance_of(wf.records.cause(i))
                        .is_some_and(|(p, _)| p == c)
                {
                    self.push(Step::Restore(i));
                }
            }
        }
        // An event subprocess's interruption came with its start, not its
        // completion: it stands.
        let esp = matches!(
            self.wf.specs.model.node(self.wf.records.get(c).node).kind,
            NodeKind::EventSubProcess { .. }
        );
        self.effects(c, !esp);
        self.container_rule(c);
    }

    fn unfire(&mut self, f: usize) {
        if !self.plan.unfired.insert(f) {
            return;
        }
        self.rethrow(f);
        match &self.wf.events.fires[f].what {
            Fired::Catch { task, rearmed, .. } => {
                let (w, rearmed) = (*task, *rearmed);
                if let Some(b) = rearmed {
                    self.push(Step::Doom(b));
                }
                if self.plan.doomed.contains(&w) {
                    return;
                }
                self.plan.undone.insert(w);
                self.plan.rewait.insert(w, f);
                for c in self.children(w).to_vec() {
                    self.push(Step::Doom(c));
                }
                self.effects(w, true);
                self.container_rule(w);
            }
            Fired::Start {
                created, before, ..
            } => {
                let (created, process) = (*created, before.scope.is_none());
                self.push(Step::Doom(created));
                let s = self.wf.records.get(created).scope;
                if process {
                    // The conversation the start event opened (its tasks
                    // all descend from its start).
                    self.plan.removed_scopes.insert(s);
                }
            }
        }
    }

    /// An event thrown by a task that stays is thrown again: that task runs
    /// again (as it was before the event, once what the reset made ready
    /// ran), so nothing waits for an event that will never come and no
    /// payload is lost. (A condition is checked again instead.)
    fn rethrow(&mut self, f: usize) {
        let fire = &self.wf.events.fires[f];
        let by = fire.by;
        if fire.cond || by == NO_TASK || !self.wf.records.exists(by) || self.gone(by) {
            return;
        }
        self.deferred.insert(by);
        self.push(Step::Redo(by));
    }

    fn restore(&mut self, x: u32) {
        if self.gone(x) || self.plan.restored.contains(&x) {
            return;
        }
        self.plan.restored.push(x);
        self.container_rule(x);
    }

    /// What task `x`'s completion (or firing) caused besides its children;
    /// `restore`: whether what it cancelled comes back.
    fn effects(&mut self, x: u32, restore: bool) {
        let wf = self.wf;
        if let Some(js) = self.joins_by.get(&x).cloned() {
            for j in js {
                if j != x {
                    self.push(Step::Doom(j));
                }
            }
        }
        if let Some(fs) = self.fires_by.get(&x).cloned() {
            for f in fs {
                self.push(Step::Unfire(f));
            }
        }
        if restore {
            if let Some(cs) = self.cancelled_by.get(&x).cloned() {
                for c in cs {
                    self.push(Step::Restore(c));
                }
            }
        }
        // The iterations after a sequential instance or standard-loop
        // iteration were started by its completion.
        if let Some((p, i)) = wf.loops.instance_of(x) {
            let sequential = match wf
                .specs
                .model
                .node(wf.records.get(p).node)
                .looping
                .as_deref()
            {
                Some(crate::model::Looping::Multi(mi)) => mi.sequential,
                Some(crate::model::Looping::Standard(_)) => true,
                None => false,
            };
            if sequential {
                if let Some(st) = wf.loops.rows.get(&p) {
                    for &later in st.instances.iter().skip(i as usize + 1) {
                        self.push(Step::Doom(later));
                    }
                }
            }
        }
        // The handlers after a compensation handler were started by it.
        if let Some(&o) = wf.compensation.handler_owner.get(&x) {
            let hs = wf.compensation.handlers_of(o);
            if let Some(k) = hs.iter().position(|&h| h == x) {
                for &h in &hs[k + 1..] {
                    self.push(Step::Doom(h));
                }
            }
        }
    }

    /// Task `m` comes back to life (redone, reopened, waiting again or
    /// restored): what encloses it must be alive too.
    fn container_rule(&mut self, m: u32) {
        let Some(c) = self.container(m) else {
            return;
        };
        if self.gone(c) {
            return;
        }
        let wf = self.wf;
        match wf.records.state(c) {
            TaskState::Completed | TaskState::Error => {
                if self.is_boundary(m) {
                    // A boundary event waits only while its activity runs:
                    // the activity is as it was when it was reached.
                    self.push(Step::Redo(c));
                } else {
                    self.push(Step::Reopen(c));
                }
            }
            TaskState::Cancelled => {
                let k = wf.records.cause(c);
                if k == NO_TASK || !wf.records.exists(k) {
                    self.error.get_or_insert_with(|| {
                        format!(
                            "`{}` (task {}) was cancelled and cannot run again",
                            wf.specs.model.node(wf.records.get(c).node).id,
                            TaskId(c)
                        )
                    });
                    return;
                }
                if let Some(&f) = self.catch_of.get(&k) {
                    self.push(Step::Unfire(f));
                } else if let Some(&f) = self.start_of.get(&k) {
                    self.push(Step::Unfire(f));
                } else {
                    self.push(Step::Redo(k));
                }
            }
            _ => {}
        }
    }

    /// The temporal rule: events on the edges of what encloses the target
    /// (boundary events of enclosing activities, event subprocesses of
    /// enclosing bodies) that fired after the target became ready are
    /// undone.
    fn undo_later_edge_events(&mut self, target: u32, ready: ReadyAt) {
        let wf = self.wf;
        let mut chain_scopes = vec![wf.records.get(target).scope];
        let mut containers = Vec::new();
        let mut x = target;
        while let Some(c) = self.container(x) {
            if containers.contains(&c) {
                break;
            }
            containers.push(c);
            chain_scopes.push(wf.records.get(c).scope);
            if let Some(&body) = wf.scopes.child.get(&c) {
                chain_scopes.push(body);
            }
            x = c;
        }
        // The non-interrupting event subprocesses of a top-level process are
        // like its parallel branches: what they started is kept. One that
        // interrupted the process after the target became ready is undone.
        let kept = |s: u32, st: &crate::runtime::Starter| {
            wf.scopes.get(s).container.is_none() && st.repeat
        };
        for (i, f) in wf.events.fires.iter().enumerate() {
            if !ready.before(f.at) {
                continue;
            }
            match &f.what {
                Fired::Catch { task, .. } => {
                    let r = wf.records.get(*task);
                    if self.is_boundary(*task) && containers.contains(&r.parent) {
                        self.push(Step::Unfire(i));
                    }
                }
                Fired::Start { before: st, .. } => {
                    if st
                        .scope
                        .is_some_and(|s| chain_scopes.contains(&s) && !kept(s, st))
                    {
                        self.push(Step::Unfire(i));
                    }
                }
            }
        }
    }
}

impl Workflow {
    /// Resolves a task reference: a full id, an id prefix of at least 4
    /// characters that matches one task, or a BPMN id (meaning the most
    /// recent task with that BPMN id).
    pub fn resolve_task(&self, reference: &str) -> Result<TaskId, TaskError> {
        self.resolve(reference, |_, ids| ids.last().copied())
    }

    /// Resolves the target of a reset: like [`Workflow::resolve_task`], but
    /// a BPMN id means the most recently COMPLETED task of that element (or
    /// one in ERROR, to retry it).
    pub fn resolve_reset_target(&self, reference: &str) -> Result<TaskId, TaskError> {
        self.resolve(reference, |wf, ids| {
            let pos: HashMap<u32, usize> = wf
                .records
                .completion_log()
                .iter()
                .enumerate()
                .map(|(i, &t)| (t, i))
                .collect();
            ids.iter()
                .filter(|t| wf.records.state(t.0) == TaskState::Completed)
                .max_by_key(|t| pos.get(&t.0).copied().unwrap_or(0))
                .or_else(|| {
                    ids.iter()
                        .rev()
                        .find(|t| wf.records.state(t.0) == TaskState::Error)
                })
                .or_else(|| ids.last())
                .copied()
        })
    }

    fn resolve(
        &self,
        reference: &str,
        pick: impl Fn(&Workflow, &[TaskId]) -> Option<TaskId>,
    ) -> Result<TaskId, TaskError> {
        let r = reference.trim();
        if r.is_empty() {
            return Err(TaskError("empty task reference".into()));
        }
        if let Some(id) = TaskId::parse_full(r) {
            if self.task(id).is_some() {
                return Ok(id);
            }
        }
        let by_bpmn: Vec<TaskId> = self
            .tasks()
            .filter(|t| t.bpmn_id == r)
            .map(|t| t.id)
            .collect();
        let is_hex = r.chars().all(|c| c.is_ascii_hexdigit());
        let lower = r.to_ascii_lowercase();
        let by_prefix: Vec<TaskId> = if is_hex && r.len() >= 4 {
            self.tasks()
                .filter(|t| t.id.to_string().starts_with(&lower))
                .map(|t| t.id)
                .collect()
        } else {
            Vec::new()
        };
        match (by_prefix.as_slice(), by_bpmn.is_empty()) {
            ([one], true) => Ok(*one),
            ([], false) => Ok(pick(self, &by_bpmn).expect("non-empty")),
            ([], true) => {
                if is_hex && r.len() < 4 {
                    return Err(TaskError(format!(
                        "`{r}` is too short to name a task: give at least 4 characters of its id (or its BPMN id)"
                    )));
                }
                let mut known: Vec<&str> = self.tasks().map(|t| t.bpmn_id).collect();
                known.sort_unstable();
                known.dedup();
                Err(TaskError(format!(
                    "no task matches `{r}` (give a task id, an id prefix of at least 4 characters or a BPMN id; BPMN ids here: {})",
                    known.join(", ")
                )))
            }
            (many, bpmn) => {
                let mut cands: Vec<String> = many
                    .iter()
                    .map(|id| format!("{id} ({})", self.view(id.0).bpmn_id))
                    .collect();
                if !bpmn {
                    cands.push(format!("the BPMN id `{r}`"));
                }
                Err(TaskError(format!(
                    "`{r}` is ambiguous: it matches {} (give more characters)",
                    cands.join(", ")
                )))
            }
        }
    }

    /// Resets the instance to task `id` (see the module documentation).
    /// `overrides` replace keys of the data the task becomes ready with.
    /// Nothing runs until [`Workflow::run`]. On error the instance is
    /// unchanged.
    pub fn reset(
        &mut self,
        id: TaskId,
        overrides: impl Into<Data>,
    ) -> Result<ResetOutcome, TaskError> {
        let overrides = overrides.into();
        let t = id.0;
        crate::model::check_depth(&overrides).map_err(|e| TaskError(format!("new data: {e}")))?;
        if !self.records.exists(t) {
            return Err(TaskError(format!("no task with id {id}")));
        }
        let node_id = self.specs.model.node(self.records.get(t).node).id.clone();
        match self.records.state(t) {
            TaskState::Ready => {
                return Err(TaskError(format!(
                    "task {id} (`{node_id}`) is already READY: there is nothing to reset (answer it, or reset to an earlier task)"
                )));
            }
            TaskState::Waiting => {
                return Err(TaskError(format!(
                    "task {id} (`{node_id}`) is already WAITING: there is nothing to reset (reset to an earlier task)"
                )));
            }
            TaskState::Cancelled => {
                // A task an event cancelled comes back when the event is
                // undone: resetting to it resets to that event.
                let cause = self.records.cause(t);
                let known = cause != NO_TASK && self.records.exists(cause);
                let undo = known
                    && (self.events.catch_fire(cause).is_some()
                        || self.events.start_fire(cause).is_some());
                if !undo {
                    let by = if known {
                        format!(
                            " by `{}` (task {})",
                            self.specs.model.node(self.records.get(cause).node).id,
                            TaskId(cause)
                        )
                    } else {
                        String::new()
                    };
                    return Err(TaskError(format!(
                        "task {id} (`{node_id}`) was cancelled{by}: reset to an earlier task"
                    )));
                }
                let cause_id = self
                    .specs
                    .model
                    .node(self.records.get(cause).node)
                    .id
                    .clone();
                let mut outcome = self.reset(TaskId(cause), Data::new())?;
                if self.records.exists(t) {
                    if !overrides.is_empty() && self.records.state(t) == TaskState::Ready {
                        self.records.update_data(t, |d| d.extend(overrides));
                    }
                    outcome.task = Some(id);
                    outcome.state = Some(self.records.state(t));
                    outcome.note = Some(format!(
                        "`{cause_id}` had cancelled it: that event is undone and waits again, so `{node_id}` is {} again",
                        self.records.state(t)
                    ));
                    outcome.bpmn_id = node_id;
                }
                return Ok(outcome);
            }
            _ => {}
        }
        let specs = self.specs.clone();
        let before_count = self.task_count();
        let mut planner = Planner::new(self);
        // What kind of target: a fired catch waits again; the start event of
        // an event subprocess or of a started conversation is re-armed;
        // anything else is redone.
        let esp_start = {
            let s = self.records.get(t).scope;
            self.scopes.get(s).container.filter(|&e| {
                matches!(
                    specs.model.node(self.records.get(e).node).kind,
                    NodeKind::EventSubProcess { .. }
                ) && self.records.get(t).parent == e
            })
        };
        let is_esp = matches!(
            specs.model.node(self.records.get(t).node).kind,
            NodeKind::EventSubProcess { .. }
        );
        // Resetting to an event subprocess (or to its start event) makes its
        // start event wait again.
        let esp_start = esp_start.or(is_esp.then_some(t));
        let start_fire = match esp_start {
            Some(e) => self.events.start_fire(e),
            None if self.records.get(t).parent == NO_TASK => self.events.start_fire(t),
            None => None,
        };
        let catch_fire = self
            .events
            .catch_fire(t)
            .filter(|_| self.records.state(t) == TaskState::Completed);
        let ready_at;
        if let Some(f) = start_fire {
            let created = match &self.events.fires[f].what {
                Fired::Start { created, .. } => *created,
                Fired::Catch { .. } => t,
            };
            if !overrides.is_empty() {
                return Err(TaskError(format!(
                    "`{node_id}` is a start event: the reset makes it wait for its event again, so there is no data to set (leave out --data)"
                )));
            }
            ready_at = ReadyAt::Created(created);
            planner.push(Step::Unfire(f));
            planner.run();
            planner.undo_later_edge_events(created, ready_at);
        } else if let Some(f) = catch_fire {
            ready_at = ReadyAt::Created(t);
            planner.push(Step::Unfire(f));
            planner.run();
            planner.undo_later_edge_events(t, ready_at);
        } else {
            ready_at = match self.joins.fired.get(&t) {
                Some(j) => ReadyAt::Event(j.at),
                None => ReadyAt::Created(t),
            };
            planner.push(Step::Redo(t));
            planner.run();
            planner.undo_later_edge_events(t, ready_at);
        }
        // The target's own steps came first, so the activities around it
        // are reopened (not redone) before the events on their edges are
        // undone.
        planner.run();
        if let Some(e) = planner.error {
            return Err(TaskError(format!(
                "cannot reset to task {id} (`{node_id}`): {e}"
            )));
        }
        let mut plan = planner.plan;
        let mut redo = planner.redo;
        let mut deferred = planner.deferred;
        deferred.remove(&t);
        redo.retain(|r| !plan.doomed.contains(r));
        plan.reopened.retain(|r| !plan.doomed.contains(r));
        plan.restored
            .retain(|r| !plan.doomed.contains(r) && !plan.undone.contains(r));
        plan.rewait.retain(|w, _| !plan.doomed.contains(w));
        plan.ready_at = Some(ready_at);
        // Outermost first, so an instance's entry data comes from its
        // reopened loop task.
        plan.reopened.sort_by_key(|&c| self.depth_of(c));
        let awaited = start_fire.filter(|_| esp_start.is_some());
        // A reset either happens whole or not at all.
        let before = self.clone();
        if let Err(e) = self.apply_reset_plan(&plan, &redo, &deferred, t, overrides, awaited) {
            *self = before;
            return Err(e);
        }
        let removed = before_count.saturating_sub(self.task_count());
        let outcome = if self.records.exists(t) {
            let state = self.records.state(t);
            let note = (state == TaskState::Error).then(|| {
                format!(
                    "it is in ERROR again: {}",
                    self.records
                        .error(t)
                        .unwrap_or("its data inputs are missing")
                )
            });
            ResetOutcome {
                task: Some(id),
                bpmn_id: node_id,
                state: Some(state),
                removed,
                note,
            }
        } else if let Some(&a) = redo.first().filter(|&&a| a != t) {
            ResetOutcome {
                task: Some(TaskId(a)),
                bpmn_id: specs.model.node(self.records.get(a).node).id.clone(),
                state: Some(self.records.state(a)),
                removed,
                note: Some(format!(
                    "`{node_id}` can only wait while its activity runs, and the activity had ended: the activity is ready again, with `{node_id}` waiting"
                )),
            }
        } else {
            ResetOutcome {
                task: None,
                bpmn_id: node_id.clone(),
                state: None,
                removed,
                note: Some(format!(
                    "the start event `{node_id}` waits for its event again"
                )),
            }
        };
        Ok(outcome)
    }

    fn depth_of(&self, t: u32) -> u32 {
        self.scopes.get(self.records.get(t).scope).depth
    }

    /// Applies a reset plan.
    fn apply_reset_plan(
        &mut self,
        plan: &ResetPlan,
        redo: &[u32],
        deferred: &HashSet<u32>,
        target: u32,
        overrides: Data,
        awaited: Option<usize>,
    ) -> Result<(), TaskError> {
        let specs = self.specs.clone();
        // Data the reopened and redone tasks need, read before anything
        // changes.
        let mut reopen_data: Vec<(u32, Arc<Data>)> = Vec::new();
        for &c in &plan.reopened {
            reopen_data.push((c, self.entry_of_started(c, plan)));
        }
        // A conditional catch that waits again: the task whose change made
        // its condition true, if it stays (and its data, if it completed in
        // the catch's scope).
        let stays = |by: u32| by != NO_TASK && self.records.exists(by) && !plan.gone(by);
        let cond_recheck: Vec<(u32, Option<DataFrom>)> = plan
            .rewait
            .iter()
            .map(|(&w, &f)| {
                let fire = &self.events.fires[f];
                let with = (fire.cond && stays(fire.by)).then(|| {
                    let same_scope = self.records.get(fire.by).scope == self.records.get(w).scope;
                    (
                        fire.by,
                        same_scope.then(|| self.records.data(fire.by).clone()),
                    )
                });
                (w, with)
            })
            .collect();
        // Conditional event subprocess starts that fire again: their cause
        // stays.
        let cond_restarts: Vec<(StarterKey, u32)> = plan
            .unfired
            .iter()
            .filter_map(|&f| {
                let fire = &self.events.fires[f];
                match &fire.what {
                    Fired::Start { before, .. }
                        if fire.cond && before.scope.is_some() && stays(fire.by) =>
                    {
                        Some((before.key(), fire.by))
                    }
                    _ => None,
                }
            })
            .collect();
        let rewait_data: Vec<(u32, Arc<Data>)> = plan
            .rewait
            .iter()
            .map(|(&w, &f)| match &self.events.fires[f].what {
                Fired::Catch { before, .. } => (w, before.clone()),
                Fired::Start { .. } => (w, self.records.data(w).clone()),
            })
            .collect();
        let pending_before = plan
            .unfired
            .iter()
            .filter_map(|&f| match &self.events.fires[f].what {
                Fired::Start {
                    before,
                    pending_before,
                    ..
                } if before.scope.is_none() => Some((f, *pending_before)),
                _ => None,
            })
            .min()
            .map(|(_, p)| p);
        let awaited_key = awaited.and_then(|f| match &self.events.fires[f].what {
            Fired::Start {
                before, created, ..
            } => Some((
                self.records.get(*created).scope,
                (before.graph, before.start),
            )),
            Fired::Catch { .. } => None,
        });

        // 1. The records.
        self.records.remove(plan);
        for &(c, _) in &reopen_data {
            self.records.set_state(c, TaskState::Started);
        }
        for &(w, _) in &rewait_data {
            self.records.set_state(w, TaskState::Waiting);
        }
        for &r in redo {
            self.records.set_state(r, TaskState::Ready);
        }
        // 2. Scopes, then every other owner.
        self.scopes.remove(plan, &self.records, &specs);
        {
            let view = View {
                specs: &specs,
                records: &self.records,
                scopes: &self.scopes,
            };
            self.joins.remove(plan, &view);
            self.events.remove(plan, &view);
            self.loops.remove(plan, &view);
            self.compensation.remove(plan, &view);
            self.objects.remove(plan, &view);
        }
        if let Some(ready) = plan.ready_at {
            let at = self.records.tick();
            self.clock.rewind(ready, at);
            self.records.journal_clock(self.clock.virtual_time());
        }
        if let Some(p) = pending_before {
            self.scopes.pending_starts = p as usize;
        }
        if let Some((s, key)) = awaited_key {
            if !self.scopes.get(s).removed && !self.scopes.get(s).awaiting.contains(&key) {
                self.scopes.get_mut(s).awaiting.push(key);
            }
        }
        // 3. Enclosing activities run again with the data they started with.
        for (c, data) in reopen_data {
            self.records.set_data(c, data);
        }
        for (w, data) in rewait_data {
            let d = if w == target && !overrides.is_empty() {
                let mut d = (*data).clone();
                d.extend(overrides.clone());
                Arc::new(d)
            } else {
                data
            };
            self.records.set_data(w, d);
        }
        // 4. Redone tasks are ready again, as when they were reached.
        let mut joins_to_fire = Vec::new();
        let mut entered = Vec::new();
        for &r in redo {
            let ov = if r == target {
                overrides.clone()
            } else {
                Data::new()
            };
            if self.joins.pending.values().any(|js| js.task == Some(r)) {
                self.records.set_state(r, TaskState::Waiting);
                if !ov.is_empty() {
                    self.joins.overrides.insert(r, ov);
                }
                joins_to_fire.push(r);
                continue;
            }
            let node = specs.model.node(self.records.get(r).node);
            if let NodeKind::EventSubProcess { graph } = node.kind {
                // An event subprocess starts its body again with the data
                // its event brought.
                self.records.set_state(r, TaskState::Started);
                let data = self
                    .scopes
                    .list
                    .iter()
                    .rev()
                    .find(|s| s.container == Some(r))
                    .and_then(|s| s.entry.clone())
                    .unwrap_or_else(|| self.records.data(r).clone());
                let mut d = (*data).clone();
                d.extend(ov);
                let data = Arc::new(d);
                self.records.set_data(r, data.clone());
                let s = self.records.get(r).scope;
                let depth = self.scopes.get(s).depth + 1;
                let or_joins = specs.model.graph(graph).has_or_joins();
                let c = self.scopes.open(graph, Some(r), depth, or_joins);
                self.scopes.get_mut(c).entry = Some(data.clone());
                self.objects.open(c, graph, &specs);
                if let Some(&start) = specs.model.graph(graph).trigger_starts.first() {
                    self.push_task(c, start, r, data, TaskState::Ready);
                }
                self.arm_event_subprocesses(c);
                continue;
            }
            let mut data = (*self.entry_of(r)).clone();
            data.extend(ov);
            self.records.set_data(r, Arc::new(data));
            entered.push(r);
        }
        // The queue and human set follow the new states (before entering,
        // which may arm boundary events and fail on data inputs).
        self.requeue(redo, deferred);
        for r in entered {
            let is_instance = self.loops.instance_of(r).is_some();
            let is_join = self.node_is_join(self.records.get(r).node);
            if is_instance || is_join {
                continue;
            }
            // Boundary events are armed again, data inputs checked again; a
            // failure leaves the task in ERROR with its message.
            let _ = self.enter(r);
        }
        // 5. Joins holding tokens without a waiting record get one.
        let orphans = self.joins.orphans(&self.view_of());
        for (s, n, from) in orphans {
            self.new_waiting_join(s, n, from);
        }
        for j in joins_to_fire {
            let r = self.records.get(j);
            let (s, n) = (r.scope, r.node.node);
            self.try_fire_join(s, n, j);
        }
        // A conditional event that waits again fires at once if its
        // condition holds, as it did when it was reached.
        let mut rechecks = cond_recheck;
        rechecks.sort_by_key(|(w, _)| *w);
        for (w, with) in rechecks {
            if self.records.state(w) != TaskState::Waiting {
                continue;
            }
            match with {
                Some((by, data)) => self.refire_condition(w, data, by),
                None => self.rewait_condition(w),
            }
        }
        self.scopes.rebuild(&self.records);
        // Scopes that run again get their event subprocess starts back.
        let back: Vec<u32> = self
            .events
            .dormant
            .keys()
            .copied()
            .filter(|&s| self.scopes.get(s).running())
            .collect();
        for s in back {
            let view = view_of!(self);
            self.events.unpark(s, &view);
        }
        let away: Vec<u32> = self
            .events
            .starters
            .iter()
            .filter_map(|(_, st)| st.scope)
            .filter(|&s| !self.scopes.get(s).running())
            .collect();
        for s in away {
            self.events.park(s, &self.specs);
        }
        // Which scopes run (and so which start events are armed) was only
        // settled now: the start event index is built again.
        self.events.starters.rebuild(&self.specs, &self.scopes);
        self.refire_starts(cond_restarts);
        self.refresh_repeating_starts();
        self.rebuild_conditional_index();
        // Nothing waits for an OR-join check: the joins the reset makes
        // fire again were tried above.
        self.joins.recheck.clear();
        self.check_invariants().map_err(|e| {
            TaskError(format!(
                "the reset would leave an inconsistent instance ({e}); nothing was saved"
            ))
        })
    }

    /// The ready queue and the human set after a reset: tasks READY again
    /// (`redo`) queue as new; others keep their place.
    fn requeue(&mut self, redo: &[u32], deferred: &HashSet<u32>) {
        let redo: HashSet<u32> = redo.iter().copied().collect();
        let was_human: HashSet<u32> = self.records.human_ready.iter().copied().collect();
        let human: HashMap<u32, bool> = self
            .records
            .ids()
            .filter(|&t| self.records.state(t) == TaskState::Ready)
            .map(|t| {
                let node = self.specs.model.node(self.records.get(t).node);
                let h = if redo.contains(&t) {
                    self.waits_for_person(t)
                } else if was_human.contains(&t) {
                    true
                } else {
                    // A restored human task waits for a person (its
                    // pre-script, if any, ran before it was cancelled).
                    node.kind.is_human() && !self.is_loop_task(t) && !self.events.fired.contains(&t)
                };
                (t, h)
            })
            .collect();
        self.records
            .requeue(|t| human.get(&t).copied().unwrap_or(false), deferred);
    }

    /// The data task `t` was reached with (before its data inputs).
    fn entry_of(&self, t: u32) -> Arc<Data> {
        let r = self.records.get(t);
        if r.parent == NO_TASK {
            return self.scopes.initial.clone();
        }
        if let Some((p, i)) = self.loops.instance_of(t) {
            return self.instance_entry_data(p, i);
        }
        if let Some(&o) = self.compensation.handler_owner.get(&t) {
            if let Some(run) = self.compensation.runs.get(&o) {
                let k = run.done.iter().position(|&(_, h)| h == t);
                let prev = k.and_then(|k| {
                    run.done[..k]
                        .iter()
                        .rev()
                        .find(|&&(_, h)| h != NO_TASK && self.records.exists(h))
                        .map(|&(_, h)| h)
                });
                return match prev {
                    Some(h) => self.records.data(h).clone(),
                    None => run.entry.clone(),
                };
            }
        }
        let parent = r.parent;
        if self.records.get(parent).scope != r.scope {
            // The first task of a body: what its subprocess (or call
            // activity) passed in.
            if let Some(&s) = self.scopes.child.get(&parent) {
                if let Some(e) = &self.scopes.get(s).entry {
                    let called = matches!(
                        self.specs.model.node(self.records.get(parent).node).kind,
                        NodeKind::CallActivity { .. }
                    );
                    if !called {
                        return e.clone();
                    }
                    let io = self.specs.model.graph(self.scopes.get(s).graph).io.as_ref();
                    return match io.filter(|io| !io.inputs.is_empty()) {
                        None => e.clone(),
                        Some(io) => {
                            let mut d = Data::new();
                            for n in &io.inputs {
                                if let Some(v) = e.get(n) {
                                    d.insert(n.clone(), v.clone());
                                }
                            }
                            Arc::new(d)
                        }
                    };
                }
            }
        }
        self.records.data(parent).clone()
    }

    /// The data an enclosing activity `c` had while it ran.
    fn entry_of_started(&self, c: u32, plan: &ResetPlan) -> Arc<Data> {
        if let Some(st) = self.loops.rows.get(&c) {
            return st.entry.clone();
        }
        if let Some(run) = self.compensation.runs.get(&c) {
            let last = run
                .done
                .iter()
                .rev()
                .find(|&&(_, h)| {
                    h != NO_TASK
                        && self.records.exists(h)
                        && !plan.gone(h)
                        && self.records.state(h) == TaskState::Completed
                })
                .map(|&(_, h)| h);
            return match last {
                Some(h) => self.records.data(h).clone(),
                None => run.entry.clone(),
            };
        }
        if let Some(&s) = self.scopes.child.get(&c) {
            if let Some(e) = &self.scopes.get(s).entry {
                return e.clone();
            }
        }
        self.records.data(c).clone()
    }

    /// Puts every task in ERROR back to READY with the data it started
    /// with, so the next [`Workflow::run`] tries it again (after the cause —
    /// data, a service — was fixed). Its data inputs are checked again.
    pub fn retry_failed(&mut self) {
        let failed: Vec<u32> = self
            .records
            .ids()
            .filter(|&t| self.records.state(t) == TaskState::Error)
            .collect();
        for t in failed {
            if self.records.exists(t) && self.records.state(t) == TaskState::Error {
                let _ = self.reset(TaskId(t), Data::new());
            }
        }
    }
}
