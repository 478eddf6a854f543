//! The task records owner: one record per time a token reached a node, the
//! queue of READY engine tasks, the set of READY human tasks, the slots a
//! reset removed, the completion order, error messages, and who cancelled
//! what.
//!
//! A record stays 24 bytes (a long loop creates millions): node, parent,
//! scope, state, the version of its data (`data_versions.rs`), and for a
//! CANCELLED record the state it had; the task that cancelled it is kept
//! beside, so a reset that undoes the canceller can give the record back
//! its state. Ids are positions in the arena and never move; removed slots
//! stay reserved, so ids are stable.
//!
//! The records owner is the hub: the other owners refer to records by id
//! and read their states through it.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::Arc;

use super::data_versions::{DataVersions, VersionId};
use super::owner::{Moment, ResetPlan};
use super::task::NO_TASK;
use super::task_rows::TaskRows;
use super::transitions::{Journal, RawTransition};
use super::{Specs, TaskState};
use crate::model::{Data, NodeRef};

/// What the instance stores for each task it reached.
#[derive(Debug, Clone)]
pub(crate) struct TaskRecord {
    pub node: NodeRef,
    /// The task whose completion created this one (`NO_TASK` for a start;
    /// for a boundary event, the activity it is attached to; for a loop
    /// instance, its loop task; for a body's first task, the subprocess).
    pub parent: u32,
    /// The scope (process or subprocess instance) the task runs in.
    pub scope: u32,
    /// The task's data: on entry its parent's version, after completion
    /// what the task produced ([`Records::data`] reads it).
    pub(crate) data: VersionId,
    pub state: TaskState,
    /// For a CANCELLED record: its state before.
    pub prev: TaskState,
}
/// The task records of an instance and the indexes over them.
///
/// The records and their data versions sit behind `Arc`s so a snapshot can
/// share them instead of copying them (`task_rows.rs`); the next change
/// after a snapshot copies them once if the snapshot is still alive.
#[derive(Debug, Clone, Default)]
pub(crate) struct Records {
    tasks: Arc<Vec<TaskRecord>>,
    /// The task data, versioned.
    versions: Arc<DataVersions>,
    /// For CANCELLED records: the task whose execution cancelled them
    /// (absent when unknown).
    causes: super::IdMap<u32, u32>,
    /// Ids a reset removed (their slots stay so ids remain stable).
    removed: HashSet<u32>,
    /// READY engine tasks, in the order they became ready. May hold stale
    /// entries of tasks cancelled since; running skips them.
    pub ready: VecDeque<u32>,
    /// READY human tasks, in the order they were reached.
    pub human_ready: BTreeSet<u32>,
    /// READY engine tasks that run once the queue is empty: throwers a
    /// reset made run again, so what the reset made ready first starts
    /// waiting for their events, as it did the first time.
    pub deferred: VecDeque<u32>,
    /// Completed tasks in completion order.
    completion_log: Vec<u32>,
    /// The message of each task in ERROR.
    errors: HashMap<u32, String>,
    last_task: Option<u32>,
    /// The instance's event counter (see [`Moment`]).
    seq: u64,
    /// Every state change, while a caller records them
    /// (`transitions.rs`); not part of the instance's state.
    journal: Option<Box<Journal>>,
    /// Tasks migrations took out of the records because the version the
    /// instance moved to has no element for them (their slots are among
    /// `removed`); history only, never changed by running or resetting.
    pub retired: Vec<super::RetiredTask>,
}

impl Records {
    // ----- reading --------------------------------------------------------

    /// Record `t` (which must exist).
    pub fn get(&self, t: u32) -> &TaskRecord {
        &self.tasks[t as usize]
    }

    /// Number of slots (records plus removed ones): the next id.
    pub fn len(&self) -> u32 {
        self.tasks.len() as u32
    }

    /// Whether `t` is a record that exists (in range and not removed).
    pub fn exists(&self, t: u32) -> bool {
        (t as usize) < self.tasks.len() && !self.removed.contains(&t)
    }

    /// Number of records a reset removed.
    pub fn removed_count(&self) -> usize {
        self.removed.len()
    }

    /// Ids of every existing record, in order.
    pub fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.len()).filter(move |t| !self.removed.contains(t))
    }

    pub fn state(&self, t: u32) -> TaskState {
        self.tasks[t as usize].state
    }

    /// The data of task `t` (materialized when it is not among the
    /// versions used last).
    pub fn data(&self, t: u32) -> Arc<Data> {
        self.versions.get(self.tasks[t as usize].data)
    }

    /// For a CANCELLED record: the task that cancelled it, or `NO_TASK`.
    pub fn cause(&self, t: u32) -> u32 {
        self.causes.get(&t).copied().unwrap_or(NO_TASK)
    }

    /// (task, canceller) for every CANCELLED record whose canceller is
    /// known, in no particular order.
    pub fn cancellations(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.causes.iter().map(|(&t, &c)| (t, c)).filter(|&(t, _)| {
            self.exists(t) && self.tasks[t as usize].state == TaskState::Cancelled
        })
    }

    pub fn completion_log(&self) -> &[u32] {
        &self.completion_log
    }

    pub fn last_task(&self) -> Option<u32> {
        self.last_task
    }

    pub fn error(&self, t: u32) -> Option<&str> {
        self.errors.get(&t).map(String::as_str)
    }

    /// The current moment (nothing is counted).
    pub fn moment(&self) -> Moment {
        Moment {
            len: self.len(),
            seq: self.seq,
        }
    }

    /// Counts an event and returns its moment.
    pub fn tick(&mut self) -> Moment {
        self.seq += 1;
        self.moment()
    }

    // ----- changing ------------------------------------------------------

    fn rec_mut(&mut self, t: u32) -> &mut TaskRecord {
        &mut Arc::make_mut(&mut self.tasks)[t as usize]
    }

    /// Sets the state of `t`, noting the change in the journal.
    fn change_state(&mut self, t: u32, state: TaskState) {
        let rec = self.rec_mut(t);
        let from = rec.state;
        rec.state = state;
        if let Some(j) = &mut self.journal {
            j.note(t, Some(from), Some(state));
        }
    }

    // ----- journal -------------------------------------------------------

    /// Switches the journal on (see `transitions.rs`); with
    /// `include_existing`, notes every existing record as just created.
    pub fn start_journal(&mut self, now: Option<jiff::Timestamp>, include_existing: bool) {
        if self.journal.is_some() {
            return;
        }
        let mut j = Journal {
            now,
            entries: Vec::new(),
        };
        if include_existing {
            for t in self.ids() {
                j.note(t, None, Some(self.tasks[t as usize].state));
            }
        }
        self.journal = Some(Box::new(j));
    }

    /// Keeps the journal's time in step with a virtual clock.
    pub fn journal_clock(&mut self, now: Option<jiff::Timestamp>) {
        if let Some(j) = &mut self.journal {
            j.now = now;
        }
    }

    /// The changes noted since the last call.
    pub fn take_journal(&mut self) -> Vec<RawTransition> {
        self.journal
            .as_mut()
            .map(|j| std::mem::take(&mut j.entries))
            .unwrap_or_default()
    }

    /// Appends a record of `node` reached from `parent` with `data`;
    /// returns its id. Data equal to the parent's shares its version.
    pub fn push(
        &mut self,
        node: NodeRef,
        parent: u32,
        scope: u32,
        state: TaskState,
        data: Arc<Data>,
    ) -> u32 {
        let t = self.len();
        let data = if parent == NO_TASK || parent >= t {
            Arc::make_mut(&mut self.versions).root(data)
        } else {
            let base = self.tasks[parent as usize].data;
            // Sharing the parent's data (the usual case) changes no version.
            if self.versions.holds(base, &data) {
                base
            } else {
                Arc::make_mut(&mut self.versions).derive(base, data)
            }
        };
        self.append(node, parent, scope, state, data)
    }

    /// Appends a record of `node` reached from `parent` carrying the
    /// parent's data unchanged (its version, no map touched); returns its id.
    pub fn push_sharing(
        &mut self,
        node: NodeRef,
        parent: u32,
        scope: u32,
        state: TaskState,
    ) -> u32 {
        let data = self.tasks[parent as usize].data;
        self.append(node, parent, scope, state, data)
    }

    /// Appends a record holding data version `data`; returns its id.
    fn append(
        &mut self,
        node: NodeRef,
        parent: u32,
        scope: u32,
        state: TaskState,
        data: VersionId,
    ) -> u32 {
        let t = self.len();
        Arc::make_mut(&mut self.tasks).push(TaskRecord {
            node,
            parent,
            scope,
            data,
            state,
            prev: state,
        });
        if let Some(j) = &mut self.journal {
            j.note(t, None, Some(state));
        }
        t
    }

    /// Replaces the data of `t`.
    pub fn set_data(&mut self, t: u32, data: Arc<Data>) {
        let base = self.tasks[t as usize].data;
        if self.versions.holds(base, &data) {
            return;
        }
        let v = Arc::make_mut(&mut self.versions).derive(base, data);
        self.rec_mut(t).data = v;
    }

    /// Changes the data of `t` in place.
    pub fn update_data(&mut self, t: u32, change: impl FnOnce(&mut Data)) {
        let mut d = Arc::unwrap_or_clone(self.data(t));
        change(&mut d);
        self.set_data(t, Arc::new(d));
    }

    pub fn set_state(&mut self, t: u32, state: TaskState) {
        self.change_state(t, state);
    }

    /// Queues READY engine task `t`, or puts a READY human task in the
    /// human set.
    pub fn enqueue(&mut self, t: u32, human: bool) {
        if human {
            self.human_ready.insert(t);
        } else {
            self.ready.push_back(t);
        }
    }

    /// Marks `t` COMPLETED and logs it.
    /// (A human task leaves the human set when it is answered.)
    pub fn mark_completed(&mut self, t: u32) {
        self.change_state(t, TaskState::Completed);
        self.completion_log.push(t);
        self.last_task = Some(t);
    }

    /// Marks `t` CANCELLED by `cause`, remembering its state.
    pub fn cancel(&mut self, t: u32, cause: u32) {
        let rec = self.rec_mut(t);
        rec.prev = rec.state;
        self.change_state(t, TaskState::Cancelled);
        if cause == NO_TASK {
            self.causes.remove(&t);
        } else {
            self.causes.insert(t, cause);
        }
        self.human_ready.remove(&t);
    }

    /// Whether a task is in ERROR now: one of those that failed (and kept
    /// a message) and was neither removed nor retried since.
    pub fn has_error(&self) -> bool {
        self.errors
            .keys()
            .any(|&t| self.exists(t) && self.state(t) == TaskState::Error)
    }

    /// Marks `t` ERROR with `message`.
    pub fn fail(&mut self, t: u32, message: String) {
        self.change_state(t, TaskState::Error);
        self.human_ready.remove(&t);
        self.errors.insert(t, message);
    }

    // ----- reset ---------------------------------------------------------

    /// Applies a reset: removes the doomed records, takes the undone ones
    /// out of the completion log, gives restored records their state back.
    /// (The target's and reopened tasks' new states are set by the reset.)
    pub fn remove(&mut self, plan: &ResetPlan) {
        for &t in &plan.doomed {
            if let Some(j) = &mut self.journal {
                j.note(t, Some(self.tasks[t as usize].state), None);
            }
            self.removed.insert(t);
            self.causes.remove(&t);
            self.errors.remove(&t);
            self.human_ready.remove(&t);
        }
        for &t in &plan.undone {
            self.errors.remove(&t);
            self.human_ready.remove(&t);
        }
        if !plan.doomed.is_empty() || !plan.undone.is_empty() {
            self.completion_log.retain(|t| !plan.gone(*t));
        }
        for &t in &plan.restored {
            let prev = self.tasks[t as usize].prev;
            self.change_state(t, prev);
            self.causes.remove(&t);
        }
        self.last_task = self.completion_log.last().copied();
    }

    /// Moves the deferred tasks to the queue when it is empty; returns
    /// whether any moved.
    pub fn undefer(&mut self) -> bool {
        if !self.ready.is_empty() || self.deferred.is_empty() {
            return false;
        }
        self.ready = std::mem::take(&mut self.deferred);
        true
    }

    /// Rebuilds the ready queue and the human set from the record states
    /// (after a reset): `human(t)` tells whether a READY task waits for a
    /// person, `defer` which engine tasks wait for the queue to empty.
    /// Keeps the queue order of tasks already queued.
    pub fn requeue(&mut self, human: impl Fn(u32) -> bool, defer: &HashSet<u32>) {
        let mut queued = HashSet::new();
        let mut ready = VecDeque::new();
        let mut deferred = VecDeque::new();
        let old: Vec<u32> = self.ready.iter().chain(&self.deferred).copied().collect();
        for t in old {
            if self.exists(t)
                && self.tasks[t as usize].state == TaskState::Ready
                && !human(t)
                && !defer.contains(&t)
                && queued.insert(t)
            {
                ready.push_back(t);
            }
        }
        self.human_ready.clear();
        for t in 0..self.len() {
            if !self.exists(t) || self.tasks[t as usize].state != TaskState::Ready {
                continue;
            }
            if human(t) {
                self.human_ready.insert(t);
            } else if defer.contains(&t) {
                if queued.insert(t) {
                    deferred.push_back(t);
                }
            } else if queued.insert(t) {
                ready.push_back(t);
            }
        }
        self.ready = ready;
        self.deferred = deferred;
    }

    // ----- snapshot / restore ---------------------------------------------

    /// The task rows of a snapshot: shared with this owner, not copied.
    pub fn rows(&self) -> TaskRows {
        TaskRows {
            tasks: self.tasks.clone(),
            removed: Arc::new(self.removed.clone()),
            versions: self.versions.clone(),
        }
    }

    /// The parts of a snapshot this owner writes (task rows are written by
    /// `snapshot.rs`, which knows the delta format).
    pub fn tables(&self) -> RecordTables {
        let mut completion_runs: Vec<(u32, u32)> = Vec::new();
        for &t in &self.completion_log {
            match completion_runs.last_mut() {
                Some((start, len)) if *start + *len == t => *len += 1,
                _ => completion_runs.push((t, 1)),
            }
        }
        let mut errors: Vec<(u32, String)> =
            self.errors.iter().map(|(k, v)| (*k, v.clone())).collect();
        errors.sort();
        let mut seen = HashSet::new();
        RecordTables {
            ready: self
                .ready
                .iter()
                .copied()
                .filter(|&t| {
                    self.exists(t)
                        && self.tasks[t as usize].state == TaskState::Ready
                        && seen.insert(t)
                })
                .collect(),
            completion_runs,
            errors,
            deferred: self
                .deferred
                .iter()
                .copied()
                .filter(|&t| self.exists(t) && self.tasks[t as usize].state == TaskState::Ready)
                .collect(),
            last_task: self.last_task,
            seq: self.seq,
            cancelled: self
                .ids()
                .filter(|&t| self.tasks[t as usize].state == TaskState::Cancelled)
                .map(|t| (t, self.tasks[t as usize].prev, self.cause(t)))
                .filter(|&(_, prev, cause)| prev != TaskState::Cancelled || cause != NO_TASK)
                .collect(),
        }
    }

    /// Rebuilds the owner from restored records (`None`: a removed slot) and
    /// the tables; `is_human(t)` tells which READY records wait for a
    /// person rather than in the queue.
    pub fn restore(
        rows: &TaskRows,
        t: &RecordTables,
        is_human: impl Fn(u32, &TaskRecord) -> bool,
    ) -> Result<Records, String> {
        let mut rec = Records {
            tasks: rows.tasks.clone(),
            versions: rows.versions.clone(),
            removed: (*rows.removed).clone(),
            ..Records::default()
        };
        let check = |rec: &Records, x: u32, what: &str| -> Result<(), String> {
            if rec.exists(x) {
                Ok(())
            } else {
                Err(format!("{what} refers to task {x}, which does not exist"))
            }
        };
        let mut queued = HashSet::new();
        for &x in &t.ready {
            check(&rec, x, "the ready queue")?;
            if rec.tasks[x as usize].state != TaskState::Ready {
                return Err(format!("task {x} is queued but not READY"));
            }
            if !queued.insert(x) {
                return Err(format!("task {x} is queued twice"));
            }
        }
        rec.ready = t.ready.iter().copied().collect();
        for &x in &t.deferred {
            check(&rec, x, "the deferred queue")?;
            if rec.tasks[x as usize].state != TaskState::Ready || !queued.insert(x) {
                return Err(format!(
                    "task {x} is deferred but not READY, or queued twice"
                ));
            }
        }
        rec.deferred = t.deferred.iter().copied().collect();
        for x in rec.ids().collect::<Vec<_>>() {
            let r = &rec.tasks[x as usize];
            if r.state == TaskState::Ready && !queued.contains(&x) {
                if !is_human(x, r) {
                    return Err(format!("engine task {x} is READY but not queued"));
                }
                rec.human_ready.insert(x);
            }
        }
        for &(start, len) in &t.completion_runs {
            for x in start..start.saturating_add(len) {
                check(&rec, x, "the completion order")?;
                rec.completion_log.push(x);
            }
        }
        for (x, m) in &t.errors {
            check(&rec, *x, "an error")?;
            rec.errors.insert(*x, m.clone());
        }
        for &(x, prev, cause) in &t.cancelled {
            check(&rec, x, "a cancellation")?;
            if cause != NO_TASK {
                check(&rec, cause, "a cancellation")?;
            }
            let r = rec.rec_mut(x);
            if r.state != TaskState::Cancelled {
                return Err(format!("task {x} has a cancellation but is {}", r.state));
            }
            r.prev = prev;
            if cause != NO_TASK {
                rec.causes.insert(x, cause);
            }
        }
        if let Some(x) = t.last_task {
            check(&rec, x, "the last task")?;
        }
        rec.last_task = t.last_task;
        rec.seq = t.seq;
        Ok(rec)
    }

    /// The records owner's invariants: parents exist and come first, every
    /// READY task is queued or in the human set, the completion log holds
    /// each COMPLETED task once, errors belong to tasks in ERROR.
    pub fn check(&self, specs: &Specs) -> Result<(), String> {
        let queued: HashSet<u32> = self.ready.iter().chain(&self.deferred).copied().collect();
        let mut completed = 0usize;
        for t in self.ids() {
            let r = &self.tasks[t as usize];
            if r.parent != NO_TASK && (r.parent >= t || !self.exists(r.parent)) {
                return Err(format!(
                    "task {t} (`{}`) has parent {}, which does not exist",
                    specs.model.node(r.node).id,
                    r.parent
                ));
            }
            match r.state {
                TaskState::Ready if !queued.contains(&t) && !self.human_ready.contains(&t) => {
                    return Err(format!(
                        "task {t} (`{}`) is READY but neither queued nor waiting for a person",
                        specs.model.node(r.node).id
                    ));
                }
                TaskState::Completed => completed += 1,
                TaskState::Error if !self.errors.contains_key(&t) => {
                    return Err(format!("task {t} is in ERROR without a message"));
                }
                TaskState::Cancelled if self.cause(t) != NO_TASK && !self.exists(self.cause(t)) => {
                    return Err(format!(
                        "task {t} was cancelled by task {}, which does not exist",
                        self.cause(t)
                    ));
                }
                _ => {}
            }
        }
        for &t in &self.human_ready {
            if !self.exists(t) || self.tasks[t as usize].state != TaskState::Ready {
                return Err(format!("task {t} waits for a person but is not READY"));
            }
        }
        let mut logged = HashSet::new();
        for &t in &self.completion_log {
            if !self.exists(t) || self.tasks[t as usize].state != TaskState::Completed {
                return Err(format!(
                    "task {t} is in the completion order but not COMPLETED"
                ));
            }
            if !logged.insert(t) {
                return Err(format!("task {t} completed twice"));
            }
        }
        if logged.len() != completed {
            return Err(format!(
                "{completed} tasks are COMPLETED but {} are in the completion order",
                logged.len()
            ));
        }
        for &t in self.errors.keys() {
            let r = &self.tasks[t as usize];
            let kept = r.state == TaskState::Cancelled && r.prev == TaskState::Error;
            if !self.exists(t) || (r.state != TaskState::Error && !kept) {
                return Err(format!("task {t} has an error message but is not in ERROR"));
            }
        }
        if self.last_task != self.completion_log.last().copied() {
            return Err("the last task is not the last completed one".into());
        }
        Ok(())
    }
}

/// The records owner's tables in a snapshot.
#[derive(Debug, Clone, Default)]
pub(crate) struct RecordTables {
    pub ready: Vec<u32>,
    pub deferred: Vec<u32>,
    pub completion_runs: Vec<(u32, u32)>,
    pub errors: Vec<(u32, String)>,
    pub last_task: Option<u32>,
    pub seq: u64,
    /// (task, state before, canceller) for every CANCELLED record.
    pub cancelled: Vec<(u32, TaskState, u32)>,
}
