//! Compensation and transaction cancel, and the compensations owner.
//!
//! An activity with a compensation boundary event (associated with a
//! handler activity, `isForCompensation="true"`) is remembered by its scope
//! when it completes. A compensation throw (intermediate or end event, with
//! or without `activityRef`) runs the handlers of the completed activities
//! of its scope in reverse order of completion, one after another, each
//! starting from the data the previous one left (the first from the data at
//! the throw), then continues with the result. A cancel end event
//! inside a transaction compensates the transaction's completed activities,
//! cancels what still runs in it and leaves through the transaction's cancel
//! boundary event.
//!
//! The owner keeps every compensation run (the throwing task, the
//! activities left, the handlers run so far): an activity is compensated
//! when a run handled it, so a reset that removes a handler makes its
//! activity compensable again.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Arc;

use super::error::WorkflowError;
use super::owner::{ResetPlan, StateOwner, View};
use super::snapshot::{CompRunRow, InstanceSnapshot, RestoreError, TaskDelta};
use super::task::NO_TASK;
use super::{TaskState, Workflow};
use crate::model::{Data, EventNode, EventPosition, NodeKind, Trigger};

/// One compensation: thrown by a task, running handlers one after another.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompRun {
    /// Activities still to compensate, next first.
    pub left: VecDeque<u32>,
    /// Activities compensated so far and the handler task that ran for each
    /// (`NO_TASK` when the activity had no handler to run).
    pub done: Vec<(u32, u32)>,
    /// The thrower's data at the throw.
    pub entry: Arc<Data>,
    pub finished: bool,
}

/// The compensations owner.
#[derive(Debug, Clone, Default)]
pub(crate) struct Compensations {
    /// Per scope, completed activities that have a compensation handler, in
    /// completion order.
    pub compensable: HashMap<u32, Vec<u32>>,
    /// Compensation runs by throwing task.
    pub runs: BTreeMap<u32, CompRun>,
    /// Running or finished handler task → the task that threw.
    pub handler_owner: HashMap<u32, u32>,
}

impl Compensations {
    /// Activities some run already compensated.
    fn compensated(&self) -> HashSet<u32> {
        self.runs
            .values()
            .flat_map(|r| r.done.iter().map(|&(a, _)| a))
            .collect()
    }

    /// The handlers of the run thrown by `o`, in order.
    pub fn handlers_of(&self, o: u32) -> Vec<u32> {
        self.runs.get(&o).map_or_else(Vec::new, |r| {
            r.done
                .iter()
                .map(|&(_, h)| h)
                .filter(|&h| h != NO_TASK)
                .collect()
        })
    }
}

impl StateOwner for Compensations {
    fn cancel(&mut self, _t: u32, _view: &View) {}

    fn remove(&mut self, plan: &ResetPlan, view: &View) {
        let records = view.records;
        self.runs.retain(|o, _| {
            !(plan.doomed.contains(o) || plan.undone.contains(o) && !plan.reopened.contains(o))
        });
        for run in self.runs.values_mut() {
            let Some(cut) = run
                .done
                .iter()
                .position(|&(_, h)| h != NO_TASK && plan.doomed.contains(&h))
            else {
                continue;
            };
            let back: Vec<u32> = run.done.drain(cut..).map(|(a, _)| a).collect();
            for a in back.into_iter().rev() {
                run.left.push_front(a);
            }
            run.finished = false;
        }
        for (o, run) in &mut self.runs {
            if plan.reopened.contains(o) {
                run.finished = false;
            }
        }
        self.handler_owner
            .retain(|h, o| !plan.doomed.contains(h) && self.runs.contains_key(o));
        for (s, list) in &mut self.compensable {
            if plan.removed_scopes.contains(s) {
                list.clear();
            }
            list.retain(|&a| records.exists(a) && records.state(a) == TaskState::Completed);
        }
        self.compensable.retain(|_, l| !l.is_empty());
    }

    fn snapshot(&self, snap: &mut InstanceSnapshot, view: &View) {
        let mut scopes: Vec<&u32> = self.compensable.keys().collect();
        scopes.sort();
        for s in scopes {
            if let Some(Some(row)) = snap.scopes.get_mut(*s as usize) {
                row.compensable = self.compensable[s].clone();
            }
        }
        snap.comp_runs = self
            .runs
            .iter()
            .map(|(&o, r)| CompRunRow {
                owner: o,
                left: r.left.iter().copied().collect(),
                done: r.done.clone(),
                entry: TaskDelta::of(&view.parent_data(o), &r.entry),
                finished: r.finished,
            })
            .collect();
    }

    fn restore(&mut self, snap: &InstanceSnapshot, view: &View) -> Result<(), RestoreError> {
        let check = |t: u32, what: &str| view.check_task(t, what);
        for (si, row) in snap.scopes.iter().enumerate() {
            let Some(row) = row else { continue };
            for &t in &row.compensable {
                check(t, &format!("scope {si}"))?;
            }
            if !row.compensable.is_empty() {
                self.compensable.insert(si as u32, row.compensable.clone());
            }
        }
        for r in &snap.comp_runs {
            check(r.owner, "a compensation")?;
            for &a in &r.left {
                check(a, "a compensation")?;
            }
            for &(a, h) in &r.done {
                check(a, "a compensation")?;
                if h != NO_TASK {
                    check(h, "a compensation handler")?;
                    self.handler_owner.insert(h, r.owner);
                }
            }
            self.runs.insert(
                r.owner,
                CompRun {
                    left: r.left.iter().copied().collect(),
                    done: r.done.clone(),
                    entry: Arc::new(r.entry.apply(&view.parent_data(r.owner))),
                    finished: r.finished,
                },
            );
        }
        // Files written before runs were kept.
        for (o, q) in &snap.compensating {
            check(*o, "a compensation")?;
            for &a in q {
                check(a, "a compensation")?;
            }
            self.runs.entry(*o).or_insert_with(|| CompRun {
                left: q.iter().copied().collect(),
                done: Vec::new(),
                entry: view.records.data(*o).clone(),
                finished: false,
            });
        }
        for (h, o) in &snap.handler_owner {
            check(*h, "a compensation handler")?;
            check(*o, "a compensation handler")?;
            self.handler_owner.insert(*h, *o);
        }
        for &a in &snap.compensated {
            check(a, "a compensated activity")?;
            if !self.compensated().contains(&a) {
                let o = snap.handler_owner.first().map(|x| x.1).unwrap_or(a);
                let run = self.runs.entry(o).or_insert_with(|| CompRun {
                    left: VecDeque::new(),
                    done: Vec::new(),
                    entry: view.records.data(o).clone(),
                    finished: true,
                });
                run.done.push((a, NO_TASK));
            }
        }
        Ok(())
    }

    fn check(&self, view: &View) -> Result<(), String> {
        let records = view.records;
        for (&o, run) in &self.runs {
            if !records.exists(o) {
                return Err(format!("compensation thrower {o} does not exist"));
            }
            if !run.finished && records.state(o) != TaskState::Started {
                let ok = records.state(o) == TaskState::Cancelled
                    || records.state(o) == TaskState::Error;
                if !ok {
                    return Err(format!(
                        "compensation thrower {o} runs handlers but is {}",
                        records.state(o)
                    ));
                }
            }
            for &(a, h) in &run.done {
                if !records.exists(a) || (h != NO_TASK && !records.exists(h)) {
                    return Err(format!("compensation of {o} refers to a removed task"));
                }
            }
        }
        for (&h, &o) in &self.handler_owner {
            if !records.exists(h) || !self.runs.contains_key(&o) {
                return Err(format!("compensation handler {h} has no run"));
            }
        }
        for list in self.compensable.values() {
            for &a in list {
                if !records.exists(a) || records.state(a) != TaskState::Completed {
                    return Err(format!("compensable activity {a} is not COMPLETED"));
                }
            }
        }
        Ok(())
    }
}

impl Workflow {
    /// Completed activity `t` has a compensation handler: remember it.
    pub(crate) fn remember_compensable(&mut self, t: u32) {
        let s = self.records.get(t).scope;
        self.compensation.compensable.entry(s).or_default().push(t);
    }

    /// Starts the compensation thrown by task `t`. Returns false when there
    /// is nothing to compensate (the throw just continues).
    pub(crate) fn start_compensation(
        &mut self,
        t: u32,
        activity: Option<&str>,
    ) -> Result<bool, WorkflowError> {
        let s = self.records.get(t).scope;
        let specs = self.specs.clone();
        let done = self.compensation.compensated();
        let queue: VecDeque<u32> = self
            .compensation
            .compensable
            .get(&s)
            .map(|l| l.iter().rev().copied().collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .filter(|a| !done.contains(a))
            .filter(|&a| {
                activity.is_none_or(|id| specs.model.node(self.records.get(a).node).id == id)
            })
            .collect();
        if queue.is_empty() {
            return Ok(false);
        }
        self.records.set_state(t, TaskState::Started);
        let entry = self.records.data(t).clone();
        self.compensation.runs.insert(
            t,
            CompRun {
                left: queue,
                done: Vec::new(),
                entry,
                finished: false,
            },
        );
        self.next_handler(t)?;
        Ok(true)
    }

    /// Runs the next handler for owner `o`, or finishes the owner.
    fn next_handler(&mut self, o: u32) -> Result<(), WorkflowError> {
        let next = self
            .compensation
            .runs
            .get_mut(&o)
            .and_then(|r| r.left.pop_front());
        match next {
            Some(a) => {
                let r = self.records.get(a).node;
                let Some(h) = self.specs.model.node(r).compensation_handler else {
                    if let Some(run) = self.compensation.runs.get_mut(&o) {
                        run.done.push((a, NO_TASK));
                    }
                    return self.next_handler(o);
                };
                let s = self.records.get(o).scope;
                let data = self.records.data(o).clone();
                let ht = self.push_task(s, h, a, data, TaskState::Ready);
                self.compensation.handler_owner.insert(ht, o);
                if let Some(run) = self.compensation.runs.get_mut(&o) {
                    run.done.push((a, ht));
                }
                Ok(())
            }
            None => {
                if let Some(run) = self.compensation.runs.get_mut(&o) {
                    run.finished = true;
                }
                self.finish_compensation(o)
            }
        }
    }

    /// Compensation handler `h` completed: its data becomes the owner's,
    /// then the next handler runs.
    pub(crate) fn handler_done(&mut self, h: u32) -> Result<(), WorkflowError> {
        let Some(&o) = self.compensation.handler_owner.get(&h) else {
            return Ok(());
        };
        let data = self.records.data(h).clone();
        self.records.set_data(o, data);
        self.next_handler(o)
    }

    /// Whether task `h` is a compensation handler (and not finished).
    pub(crate) fn is_handler(&self, h: u32) -> bool {
        self.compensation.handler_owner.contains_key(&h)
    }

    /// All handlers for owner `o` ran: a compensation throw continues, a
    /// cancel end event cancels its transaction.
    fn finish_compensation(&mut self, o: u32) -> Result<(), WorkflowError> {
        let r = self.records.get(o).node;
        let cancels = matches!(&self.specs.model.node(r).kind, NodeKind::Event(e) if e.triggers.contains(&Trigger::Cancel));
        self.records.set_state(o, TaskState::Ready);
        if cancels {
            self.cancel_transaction(o)
        } else {
            self.complete(o)
        }
    }

    /// The cancel end event `t` ends its transaction: compensate first.
    pub(crate) fn start_cancel(&mut self, t: u32) -> Result<(), WorkflowError> {
        if !self.start_compensation(t, None)? {
            self.cancel_transaction(t)?;
        }
        Ok(())
    }

    fn cancel_transaction(&mut self, t: u32) -> Result<(), WorkflowError> {
        let s = self.records.get(t).scope;
        self.mark_completed(t);
        let Some(p) = self.scopes.get(s).container else {
            return Err(self.fail(t, "a cancel end event must be inside a transaction".into()));
        };
        let boundary = self.waiting_boundaries(p).into_iter().find(|&b| {
            matches!(
                &self.specs.model.node(self.records.get(b).node).kind,
                NodeKind::Event(EventNode { position: EventPosition::Boundary { .. }, triggers, .. })
                    if triggers.contains(&Trigger::Cancel)
            )
        });
        self.cancel_scope(s, t);
        match boundary {
            Some(b) => {
                // Like any boundary event, the cancel path goes on with the
                // data the transaction started with, not what ran inside it.
                let data = self.records.data(b).clone();
                self.fire_wait(b, None, data, t);
                Ok(())
            }
            None => {
                let id = self.specs.model.node(self.records.get(p).node).id.clone();
                Err(self.fail(
                    t,
                    format!("transaction `{id}` was cancelled but has no cancel boundary event"),
                ))
            }
        }
    }
}
