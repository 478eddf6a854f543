//! Migration: moving a running instance to a new version of its diagrams
//! ([`Workflow::migrate`]), keeping its data, its history and its task ids.
//!
//! The instance is first compared with the new version
//! ([`Workflow::diff_instance`]). Live tasks that do not carry over refuse
//! the migration; a forced migration cancels them (with their boundary
//! events and bodies) and says so. Then the instance's snapshot is
//! rewritten — every graph, node and flow index replaced by the index of
//! its counterpart (bodies by the process or subprocess that owns them,
//! elements by BPMN id, join tokens by the flow they arrived on) — and
//! restored against the new specs with the checks a load runs, so a
//! migration that would break an invariant fails instead of saving a
//! broken instance.
//!
//! History without a counterpart — completed or cancelled tasks whose
//! element is gone, and everything in a body that is gone — leaves the
//! task records: each becomes a [`RetiredTask`] (id, element, state, where
//! it was), kept with the instance and saved with it, and its record slot
//! is left empty, as a reset leaves the slots of the tasks it removes. What
//! referred to it refers to its nearest remaining ancestor instead (its
//! children, ended paths, join tokens, the body's last task) or to no task
//! (the canceller of a task, the thrower of an event). Its own data is not
//! kept: what it produced lives on in the data of the tasks that followed
//! it.
//!
//! Waits (timers, messages…) of tasks whose element is unchanged carry over
//! as they are: a timer stays due when it was. A wait whose event
//! definitions changed is armed again from the new definitions, as if
//! reached at the migration. Boundary events the new version adds to a
//! running activity, and event subprocesses it adds to a running body, are
//! armed. Data objects the new body no longer declares are dropped.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::instance_diff::{InstanceDiff, StartMapping, TaskMapping};
use super::records::TaskRecord;
use super::snapshot::{InstanceSnapshot, JoinInputs, TaskDelta};
use super::task::NO_TASK;
use super::task_rows::TaskRows;
use super::wait::{Starter, Wait, arm};
use super::{Specs, TaskId, TaskState, Workflow};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Data, Field, GraphIdx, NodeIdx, NodeKind, NodeRef, SpecDiff, graph_path};

/// A task kept as history after a migration to a version without its
/// element: what it was, since its record no longer exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetiredTask {
    /// The task's id as a record index (its record slot stays empty).
    pub task: u32,
    /// Its element's BPMN id in the version it ran in.
    pub bpmn_id: String,
    /// Its element's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its element's type (`userTask`…).
    #[serde(rename = "type")]
    pub element: String,
    /// The process id, then the ids of the subprocesses around it.
    pub path: Vec<String>,
    /// Its state when it was retired, as listings name it (`COMPLETED`,
    /// `CANCELLED`).
    pub state: String,
}

impl RetiredTask {
    /// Its task id.
    pub fn id(&self) -> TaskId {
        TaskId(self.task)
    }

    /// Its state when it was retired.
    pub fn task_state(&self) -> Option<TaskState> {
        self.state.parse().ok()
    }
}

/// What a migration did.
#[derive(Debug, Clone, Serialize)]
pub struct MigrationReport {
    /// How the instance mapped onto the new version (before live tasks
    /// were dropped).
    pub diff: InstanceDiff,
    /// Live tasks that had no counterpart, cancelled and dropped (forced
    /// migrations only).
    pub dropped: Vec<TaskMapping>,
    /// Armed start events that had no counterpart, dropped (forced
    /// migrations only).
    pub dropped_starts: Vec<StartMapping>,
    /// History without counterpart, kept aside (see [`RetiredTask`]).
    pub retired: Vec<RetiredTask>,
    /// BPMN ids of waits armed again because their definitions changed.
    pub rearmed: Vec<String>,
    /// BPMN ids of boundary events and event subprocess starts the new
    /// version adds, armed on running activities and bodies.
    pub armed: Vec<String>,
    /// Data objects (by id) whose body no longer declares them, dropped.
    pub dropped_data_objects: Vec<String>,
    /// No task is live any more and the instance has not completed: it
    /// cannot go on (a forced migration dropped all it was doing).
    pub stuck: bool,
}

/// Why an instance could not move to a new version. The instance is
/// unchanged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MigrationError {
    /// The new version has errors that stop a process the instance runs.
    #[error("the new version cannot run: {}", .0.first().map(|d| d.to_string()).unwrap_or_default())]
    Invalid(Vec<Diagnostic>),
    /// A process the instance runs is not in the new version.
    #[error("process `{0}`, which the instance runs, is not in the new version")]
    MissingProcess(String),
    /// Live tasks (or armed start events) have no counterpart, and the
    /// migration was not forced.
    #[error("{}", blocked_message(tasks, starts))]
    Blocked {
        /// The live tasks that do not carry over.
        tasks: Vec<TaskMapping>,
        /// The armed start events that do not carry over.
        starts: Vec<StartMapping>,
    },
    /// An event of the new version cannot be armed (a timer expression
    /// that fails…).
    #[error("cannot arm `{element}` of the new version: {message}")]
    Arm {
        /// Its BPMN id.
        element: String,
        /// What went wrong.
        message: String,
    },
    /// The migrated instance fails the checks a load runs (a change this
    /// migration cannot carry an instance through).
    #[error("the migrated instance would be inconsistent: {0}")]
    Inconsistent(String),
}

fn blocked_message(tasks: &[TaskMapping], starts: &[StartMapping]) -> String {
    let n = tasks.len() + starts.len();
    let mut s = format!(
        "{n} live {} no counterpart in the new version:",
        if n == 1 { "task has" } else { "tasks have" }
    );
    for t in tasks {
        let problem = t
            .problem
            .as_ref()
            .map(|p| p.to_string())
            .unwrap_or_default();
        s += &format!(
            "\n  {} `{}` ({}, {}): {problem}",
            t.id, t.bpmn_id, t.element, t.state
        );
    }
    for st in starts {
        let problem = st
            .problem
            .as_ref()
            .map(|p| p.to_string())
            .unwrap_or_default();
        s += &format!("\n  start event `{}` (armed): {problem}", st.bpmn_id);
    }
    s
}

impl Workflow {
    /// Moves this instance to the diagrams of `new`: returns the migrated
    /// instance (with this one's data, history, task ids, clock, service
    /// handlers, data stores and limits) and what the migration did. This
    /// instance is not changed.
    ///
    /// Refused when a live task (or an armed start event) has no
    /// counterpart in `new` ([`MigrationError::Blocked`]), unless `force`:
    /// then those tasks are cancelled and dropped, and the report lists
    /// them. Once migrated, the instance runs on the new diagrams.
    pub fn migrate(
        &self,
        new: Arc<Specs>,
        force: bool,
    ) -> Result<(Workflow, MigrationReport), MigrationError> {
        let roots = self.top_processes();
        let problems: Vec<Diagnostic> = new
            .diagnostics()
            .iter()
            .filter(|d| d.severity == Severity::Error && d.process.is_none())
            .cloned()
            .chain(roots.iter().flat_map(|p| new.problems_for(p)))
            .collect();
        if !problems.is_empty() {
            return Err(MigrationError::Invalid(problems));
        }
        if let Some(p) = roots.iter().find(|p| new.model.process(p).is_none()) {
            return Err(MigrationError::MissingProcess(p.clone()));
        }
        let diff = self.diff_instance(&new);
        let dropped: Vec<TaskMapping> = diff.blocking().into_iter().cloned().collect();
        let dropped_starts: Vec<StartMapping> =
            diff.blocking_starts().into_iter().cloned().collect();
        let blocked = !dropped.is_empty() || !dropped_starts.is_empty();
        if blocked && !force {
            return Err(MigrationError::Blocked {
                tasks: dropped,
                starts: dropped_starts,
            });
        }
        let mut work = self.clone();
        for t in &dropped {
            // Cancelling an activity cancels its body and loop instances,
            // which may be in the list too.
            work.cancel_activity(t.id.0, NO_TASK);
        }
        // With the live tasks out of the way, what remains without a
        // counterpart is history.
        let history = if dropped.is_empty() {
            None
        } else {
            Some(work.diff_instance(&new))
        };
        let now_diff = history.as_ref().unwrap_or(&diff);
        let mut snap = work.snapshot();
        let mut remap = Remap::new(&work, &new, now_diff);
        remap.run(&mut snap)?;
        let Remap {
            retired,
            rearmed,
            dropped_objects,
            ..
        } = remap;
        let mut wf =
            Workflow::restore(new.clone(), &snap).map_err(|e| MigrationError::Inconsistent(e.0))?;
        wf.services = self.services.clone();
        wf.data_store = self.data_store.clone();
        wf.limits = self.limits;
        let armed = wf.arm_added(&now_diff.spec)?;
        wf.check_invariants()
            .map_err(MigrationError::Inconsistent)?;
        let stuck = !wf.is_completed()
            && wf.scopes.live_total == 0
            && wf.scopes.pending_starts == 0
            && !dropped.is_empty();
        let report = MigrationReport {
            diff,
            dropped,
            dropped_starts,
            retired,
            rearmed,
            armed,
            dropped_data_objects: dropped_objects,
            stuck,
        };
        Ok((wf, report))
    }

    /// The tasks kept as history by earlier migrations (see [`RetiredTask`]).
    pub fn retired_tasks(&self) -> &[RetiredTask] {
        &self.records.retired
    }

    /// Arms what the new version adds to running activities and bodies:
    /// boundary events of live activities, and the start events of event
    /// subprocesses of running scopes. Returns their BPMN ids.
    fn arm_added(&mut self, spec: &SpecDiff) -> Result<Vec<String>, MigrationError> {
        let specs = self.specs.clone();
        let model = &specs.model;
        let carried: HashSet<NodeRef> = spec.alignment().map(|(_, n)| n).collect();
        let mut armed = Vec::new();
        let live: Vec<u32> = self
            .records
            .ids()
            .filter(|&t| self.records.state(t).is_live())
            .collect();
        for a in live {
            // Loop instances share their loop task's boundary events.
            if self.loops.instance_of(a).is_some() {
                continue;
            }
            let r = self.records.get(a).node;
            let node = model.node(r);
            if !node.kind.is_activity() {
                continue;
            }
            for &b in &node.boundary {
                let br = NodeRef {
                    graph: r.graph,
                    node: b,
                };
                if carried.contains(&br) {
                    continue;
                }
                match self.arm_boundary(a, b) {
                    Ok(true) => armed.push(model.node(br).id.clone()),
                    Ok(false) => {}
                    Err(message) => {
                        return Err(MigrationError::Arm {
                            element: model.node(br).id.clone(),
                            message,
                        });
                    }
                }
            }
        }
        for s in 0..self.scopes.len() {
            if !self.scopes.get(s).running() {
                continue;
            }
            let g = self.scopes.get(s).graph;
            let mut any = false;
            for &e in &model.graph(g).event_subprocesses {
                let NodeKind::EventSubProcess { graph: body } = model.graph(g).node(e).kind else {
                    continue;
                };
                let Some(&start) = model.graph(body).trigger_starts.first() else {
                    continue;
                };
                let sr = NodeRef {
                    graph: body,
                    node: start,
                };
                let known = self
                    .events
                    .starters
                    .id_of((Some(s), body.0, start.0))
                    .is_some();
                if carried.contains(&sr) || known {
                    continue;
                }
                if self.arm_event_subprocess(s, e) {
                    armed.push(model.node(sr).id.clone());
                    any = true;
                }
            }
            if any {
                self.index_starts(s);
            }
        }
        Ok(armed)
    }
}

/// Rewrites a snapshot of the old version into one of the new (see the
/// module documentation).
struct Remap<'a> {
    /// The instance (old indices), for data and states.
    wf: &'a Workflow,
    new: &'a Specs,
    spec: &'a SpecDiff,
    dropped_scopes: &'a HashSet<u32>,
    /// Tasks leaving the records.
    retire: HashSet<u32>,
    /// Per task id: itself when it stays, else its nearest ancestor that
    /// stays (`NO_TASK` when none does).
    survivor: Vec<u32>,
    now: Timestamp,
    retired: Vec<RetiredTask>,
    rearmed: Vec<String>,
    dropped_objects: Vec<String>,
}

impl<'a> Remap<'a> {
    fn new(wf: &'a Workflow, new: &'a Specs, diff: &'a InstanceDiff) -> Self {
        let retire: HashSet<u32> = diff
            .tasks
            .iter()
            .filter(|t| !t.carries_over())
            .map(|t| t.id.0)
            .collect();
        let records = &wf.records;
        let mut survivor = Vec::with_capacity(records.len() as usize);
        for t in 0..records.len() {
            let s = if !records.exists(t) {
                NO_TASK
            } else if !retire.contains(&t) {
                t
            } else {
                let p = records.get(t).parent;
                if p == NO_TASK {
                    NO_TASK
                } else {
                    survivor[p as usize]
                }
            };
            survivor.push(s);
        }
        Remap {
            wf,
            new,
            spec: &diff.spec,
            dropped_scopes: &diff.dropped_scopes,
            retire,
            survivor,
            now: wf.clock.now(),
            retired: Vec::new(),
            rearmed: Vec::new(),
            dropped_objects: Vec::new(),
        }
    }

    /// Whether task `t` stays in the records.
    fn stays(&self, t: u32) -> bool {
        t != NO_TASK && self.wf.records.exists(t) && !self.retire.contains(&t)
    }

    /// What a reference to task `t` becomes: `t`, or its nearest ancestor
    /// that stays.
    fn subst(&self, t: u32) -> u32 {
        if t == NO_TASK {
            NO_TASK
        } else {
            self.survivor.get(t as usize).copied().unwrap_or(NO_TASK)
        }
    }

    /// A reference to a task that names it only (canceller, thrower):
    /// `NO_TASK` when it leaves.
    fn or_none(&self, t: u32) -> u32 {
        if self.stays(t) { t } else { NO_TASK }
    }

    fn old_parent(&self, t: u32) -> u32 {
        self.wf.records.get(t).parent
    }

    fn new_parent(&self, t: u32) -> u32 {
        self.subst(self.old_parent(t))
    }

    fn data_of(&self, t: u32) -> Arc<Data> {
        if t == NO_TASK {
            Arc::default()
        } else {
            self.wf.records.data(t)
        }
    }

    /// A delta against task `t`'s parent's data, rewritten against its new
    /// parent's data when the parent changed.
    fn rebase(&self, t: u32, delta: &TaskDelta) -> TaskDelta {
        let (old, new) = (self.old_parent(t), self.new_parent(t));
        if old == new {
            return delta.clone();
        }
        let full = delta.apply(&self.data_of(old));
        TaskDelta::of(&self.data_of(new), &full)
    }

    fn node(&self, r: NodeRef) -> Option<NodeRef> {
        self.spec.node(r)
    }

    fn event_changed(&self, r: NodeRef) -> bool {
        self.spec
            .change(r)
            .is_some_and(|c| c.changes.iter().any(|c| c.field == Field::Event))
    }

    /// The wait of the element at old `r` (now `nr`) with `data`: armed
    /// again when its definitions changed.
    fn rewait(&self, r: NodeRef, nr: NodeRef, w: &Wait, data: &Data) -> Result<Wait, String> {
        if self.event_changed(r) {
            arm(self.new, nr, data, self.now)
        } else {
            Ok(w.clone())
        }
    }

    /// A start event remapped (`None`: it has no counterpart).
    fn starter(&self, st: &Starter, data: &Data) -> Option<(Starter, bool)> {
        if st.scope.is_some_and(|s| self.dropped_scopes.contains(&s)) {
            return None;
        }
        let r = st.node();
        let nr = self.node(r)?;
        let esp = match (st.esp, st.scope) {
            (Some(e), Some(s)) => {
                let g = self.wf.scopes.get(s).graph;
                Some(
                    self.node(NodeRef {
                        graph: g,
                        node: NodeIdx(e),
                    })?
                    .node
                    .0,
                )
            }
            (e, _) => e,
        };
        let rearm = self.event_changed(r);
        let wait = self.rewait(r, nr, &st.wait, data).ok()?;
        Some((
            Starter {
                graph: nr.graph.0,
                start: nr.node.0,
                esp,
                wait,
                ..st.clone()
            },
            rearm,
        ))
    }

    fn run(&mut self, snap: &mut InstanceSnapshot) -> Result<(), MigrationError> {
        self.tasks(snap);
        // Joins first: they read the scopes' old graphs.
        self.joins(snap);
        self.scopes(snap);
        self.events(snap)?;
        self.loops_and_compensation(snap);
        // Retired entries, after those of earlier migrations.
        let old = &self.wf.specs.model;
        let mut ids: Vec<u32> = self.retire.iter().copied().collect();
        ids.sort_unstable();
        for t in ids {
            let r = self.wf.records.get(t);
            let node = old.node(r.node);
            self.retired.push(RetiredTask {
                task: t,
                bpmn_id: node.id.clone(),
                name: node.name.clone(),
                element: node.kind.element_type().as_str().to_string(),
                path: graph_path(old, r.node.graph),
                state: r.state.name().to_string(),
            });
        }
        snap.retired.extend(self.retired.iter().cloned());
        Ok(())
    }

    /// Task rows and the records owner's tables.
    fn tasks(&self, snap: &mut InstanceSnapshot) {
        let rows = &snap.tasks;
        let mut tasks: Vec<TaskRecord> = (*rows.tasks).clone();
        let mut removed = (*rows.removed).clone();
        for (i, rec) in tasks.iter_mut().enumerate() {
            let t = i as u32;
            if removed.contains(&t) {
                continue;
            }
            if self.retire.contains(&t) {
                removed.insert(t);
                // As a removed row reads back from a file.
                rec.node = NodeRef {
                    graph: GraphIdx(0),
                    node: NodeIdx(0),
                };
                rec.parent = NO_TASK;
                continue;
            }
            rec.node = self
                .node(rec.node)
                .expect("a task that stays has a counterpart");
            rec.parent = self.new_parent(t);
        }
        snap.tasks = TaskRows {
            tasks: Arc::new(tasks),
            removed: Arc::new(removed),
            versions: rows.versions.clone(),
        };
        snap.ready.retain(|&t| self.stays(t));
        snap.deferred.retain(|&t| self.stays(t));
        let log: Vec<u32> = self
            .wf
            .records
            .completion_log()
            .iter()
            .copied()
            .filter(|&t| self.stays(t))
            .collect();
        let mut runs: Vec<(u32, u32)> = Vec::new();
        for t in &log {
            match runs.last_mut() {
                Some((start, len)) if *start + *len == *t => *len += 1,
                _ => runs.push((*t, 1)),
            }
        }
        snap.completion_runs = runs;
        if snap.last_task.is_some_and(|t| !self.stays(t)) {
            snap.last_task = log.last().copied();
        }
        snap.errors.retain(|(t, _)| self.stays(*t));
        snap.cancelled = snap
            .cancelled
            .iter()
            .filter(|(t, _, _)| self.stays(*t))
            .map(|&(t, prev, cause)| (t, prev, self.or_none(cause)))
            .collect();
        snap.outbox_by = snap.outbox_by.iter().map(|&b| self.or_none(b)).collect();
    }

    /// Scope rows: bodies that are gone are removed; the others get the
    /// new graph and task references that stay.
    fn scopes(&mut self, snap: &mut InstanceSnapshot) {
        let new_model = &self.new.model;
        let mut dropped_objects = Vec::new();
        for (si, slot) in snap.scopes.iter_mut().enumerate() {
            let Some(row) = slot else { continue };
            if self.dropped_scopes.contains(&(si as u32)) {
                *slot = None;
                continue;
            }
            let og = GraphIdx(row.graph);
            let ng = self.spec.graph(og).expect("a scope that stays has a body");
            row.graph = ng.0;
            let mut ended: Vec<u32> = Vec::new();
            for &t in &row.ended {
                let s = self.subst(t);
                if s != NO_TASK && !ended.contains(&s) {
                    ended.push(s);
                }
            }
            row.ended = ended;
            row.terminated_by = row
                .terminated_by
                .map(|t| self.subst(t))
                .filter(|&t| t != NO_TASK);
            row.last_done = row
                .last_done
                .map(|t| self.subst(t))
                .filter(|&t| t != NO_TASK);
            row.compensable.retain(|&t| self.stays(t));
            for c in &mut row.correlated_by {
                c.2 = self.or_none(c.2);
            }
            let declared: HashSet<&str> = new_model
                .graph(ng)
                .data_objects
                .iter()
                .map(|o| o.id.as_str())
                .collect();
            let gone: Vec<String> = row
                .data_objects
                .keys()
                .filter(|k| !declared.contains(k.as_str()))
                .cloned()
                .collect();
            for k in &gone {
                row.data_objects.remove(k);
            }
            dropped_objects.extend(gone);
            row.object_writes
                .retain(|(k, _, _)| declared.contains(k.as_str()));
            for w in &mut row.object_writes {
                w.1 = self.or_none(w.1);
            }
            row.awaiting = row
                .awaiting
                .iter()
                .filter_map(|&(g, n)| {
                    let r = self.node(NodeRef {
                        graph: GraphIdx(g),
                        node: NodeIdx(n),
                    })?;
                    Some((r.graph.0, r.node.0))
                })
                .collect();
            if let (Some(c), Some(e)) = (row.parent_task, &row.entry) {
                row.entry = Some(self.rebase(c, e));
            }
        }
        dropped_objects.sort();
        dropped_objects.dedup();
        self.dropped_objects = dropped_objects;
    }

    /// Join tokens by the flow they arrived on; the inputs of fired joins
    /// likewise.
    fn joins(&self, snap: &mut InstanceSnapshot) {
        let old = &self.wf.specs.model;
        let new_model = &self.new.model;
        // A position in the old join's incoming flows → its position in the
        // new join's.
        let slot = |or: NodeRef, nr: NodeRef, k: usize| -> Option<usize> {
            let f = *old.node(or).incoming.get(k)?;
            let nf = self.spec.flow(or.graph, f)?;
            new_model.node(nr).incoming.iter().position(|&x| x == nf)
        };
        for (si, slot_row) in snap.scopes.iter_mut().enumerate() {
            let Some(row) = slot_row else { continue };
            if self.dropped_scopes.contains(&(si as u32)) {
                continue;
            }
            let mut joins = Vec::new();
            for j in std::mem::take(&mut row.joins) {
                let or = NodeRef {
                    graph: GraphIdx(row.graph),
                    node: NodeIdx(j.node),
                };
                let Some(nr) = self.node(or) else { continue };
                if j.task.is_some_and(|t| !self.stays(t)) {
                    continue;
                }
                let n_in = new_model.node(nr).incoming.len();
                let mut arrivals: Vec<Vec<(u64, u32)>> = vec![Vec::new(); n_in];
                for (k, q) in j.arrivals.iter().enumerate() {
                    let Some(p) = slot(or, nr, k) else { continue };
                    for &(seq, t) in q {
                        let t = self.subst(t);
                        if t != NO_TASK {
                            arrivals[p].push((seq, t));
                        }
                    }
                }
                for q in &mut arrivals {
                    q.sort_unstable();
                }
                joins.push(super::snapshot::JoinRow {
                    node: nr.node.0,
                    task: j.task,
                    arrivals,
                });
            }
            row.joins = joins;
        }
        let records = &self.wf.records;
        let inputs: Vec<(u32, JoinInputs)> = std::mem::take(&mut snap.join_inputs);
        snap.join_inputs = inputs
            .into_iter()
            .filter(|(j, _)| self.stays(*j))
            .map(|(j, list)| {
                let or = records.get(j).node;
                let nr = self.node(or).expect("a join that stays has a counterpart");
                let list = list
                    .into_iter()
                    .filter_map(|(k, seq, t)| {
                        let p = slot(or, nr, k as usize)?;
                        let t = self.subst(t);
                        (t != NO_TASK).then_some((p as u32, seq, t))
                    })
                    .collect();
                (j, list)
            })
            .collect();
        snap.join_triggers = snap
            .join_triggers
            .iter()
            .filter(|(j, _, _)| self.stays(*j))
            .map(|&(j, t, at)| {
                let t = self.subst(t);
                (j, if t == NO_TASK { j } else { t }, at)
            })
            .collect();
        snap.join_overrides.retain(|(j, _)| self.stays(*j));
    }

    /// Waits, start events and the fire log.
    fn events(&mut self, snap: &mut InstanceSnapshot) -> Result<(), MigrationError> {
        let records = &self.wf.records;
        let mut rearmed = Vec::new();
        let mut waits = Vec::new();
        for (t, w) in std::mem::take(&mut snap.waits) {
            if !self.stays(t) {
                continue;
            }
            let r = records.get(t).node;
            let nr = self.node(r).expect("a task that stays has a counterpart");
            let w2 = self
                .rewait(r, nr, &w, &records.data(t))
                .map_err(|message| MigrationError::Arm {
                    element: self.new.model.node(nr).id.clone(),
                    message,
                })?;
            if self.event_changed(r) {
                rearmed.push(self.new.model.node(nr).id.clone());
            }
            waits.push((t, w2));
        }
        snap.waits = waits;
        let mut dormant = Vec::new();
        for (t, w) in std::mem::take(&mut snap.dormant_waits) {
            if !self.stays(t) {
                continue;
            }
            let r = records.get(t).node;
            let nr = self.node(r).expect("a task that stays has a counterpart");
            // A wait a reset may bring back: without one that fits, the
            // reset has nothing to wait for, so it is armed afresh.
            if let Ok(w2) = self.rewait(r, nr, &w, &records.data(t)) {
                dormant.push((t, w2));
            }
        }
        snap.dormant_waits = dormant;
        snap.fired.retain(|&t| self.stays(t));
        let initial = self.wf.scopes.initial.clone();
        let scope_data = |s: Option<u32>| match s {
            Some(s) if s < self.wf.scopes.len() => self.wf.scope_data(s),
            _ => initial.clone(),
        };
        let mut starters = Vec::new();
        for st in std::mem::take(&mut snap.starters) {
            if let Some((st2, rearm)) = self.starter(&st, &scope_data(st.scope)) {
                if rearm && !st.spent {
                    rearmed.push(self.new.model.node(st2.node()).id.clone());
                }
                starters.push(st2);
            }
        }
        snap.starters = starters;
        snap.dormant_starters = std::mem::take(&mut snap.dormant_starters)
            .iter()
            .filter_map(|st| self.starter(st, &scope_data(st.scope)).map(|x| x.0))
            .collect();
        let mut fires = Vec::new();
        for mut row in std::mem::take(&mut snap.fires) {
            row.by = self.or_none(row.by);
            if let Some(t) = row.task {
                if !self.stays(t) {
                    continue;
                }
                let r = records.get(t).node;
                let nr = self.node(r).expect("a task that stays has a counterpart");
                let old_parent = self.old_parent(t);
                let original = row.before.clone().unwrap_or_default();
                if let Some(w) = &row.wait {
                    let before = original.apply(&self.data_of(old_parent));
                    match self.rewait(r, nr, w, &before) {
                        Ok(w2) => row.wait = Some(w2),
                        Err(_) => continue,
                    }
                }
                if self.new_parent(t) != old_parent {
                    row.before = Some(self.rebase(t, &original));
                }
                row.rearmed = row.rearmed.filter(|&b| self.stays(b));
            }
            if let Some(st) = &row.starter_before {
                let Some(created) = row.created else { continue };
                if !self.stays(created) {
                    continue;
                }
                let Some((st2, _)) = self.starter(st, &scope_data(st.scope)) else {
                    continue;
                };
                row.starter_before = Some(st2);
            }
            fires.push(row);
        }
        snap.fires = fires;
        self.rearmed.extend(rearmed);
        Ok(())
    }

    /// Loop rows and compensation runs.
    fn loops_and_compensation(&self, snap: &mut InstanceSnapshot) {
        let records = &self.wf.records;
        let new_model = &self.new.model;
        snap.loops = std::mem::take(&mut snap.loops)
            .into_iter()
            .filter(|row| self.stays(row.task))
            .filter(|row| {
                let nr = self.node(records.get(row.task).node);
                nr.is_some_and(|nr| new_model.node(nr).looping.is_some())
            })
            .map(|mut row| {
                row.instances.retain(|&c| self.stays(c));
                if let Some(e) = &row.entry {
                    row.entry = Some(self.rebase(row.task, e));
                }
                row
            })
            .collect();
        snap.comp_runs = std::mem::take(&mut snap.comp_runs)
            .into_iter()
            .filter(|r| self.stays(r.owner))
            .map(|mut r| {
                r.left.retain(|&a| self.stays(a));
                r.done = r
                    .done
                    .iter()
                    .filter(|(a, _)| self.stays(*a))
                    .map(|&(a, h)| (a, self.or_none(h)))
                    .collect();
                r.entry = self.rebase(r.owner, &r.entry);
                r
            })
            .collect();
        snap.compensating = std::mem::take(&mut snap.compensating)
            .into_iter()
            .filter(|(o, _)| self.stays(*o))
            .map(|(o, mut q)| {
                q.retain(|&a| self.stays(a));
                (o, q)
            })
            .collect();
        snap.handler_owner
            .retain(|&(h, o)| self.stays(h) && self.stays(o));
        snap.compensated.retain(|&a| self.stays(a));
    }
}

impl fmt::Display for RetiredTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} `{}` ({}, {}) in {}",
            self.id(),
            self.bpmn_id,
            self.element,
            self.state,
            self.path.join("/")
        )
    }
}
