//! The loops owner: for each loop task of a multi-instance activity or
//! standard loop, its instances by index, how many completed and how many
//! run, and the data it started with (so a reset into one instance can put
//! the loop task back to STARTED as it was). How loops run is in
//! `looping.rs`.

use std::sync::Arc;

use super::TaskState;
use super::owner::{ResetPlan, StateOwner, View};
use super::records::Records;
use super::snapshot::{InstanceSnapshot, LoopRow, RestoreError, TaskDelta};
use crate::model::Data;

/// One loop task's bookkeeping.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LoopState {
    /// The loop task (STARTED while its instances run).
    pub task: u32,
    /// Instance (or iteration) task ids by index.
    pub instances: Vec<u32>,
    /// Multi-instance: how many instances there are in all.
    pub count: u32,
    pub completed: u32,
    /// Instances created and not finished.
    pub active: u32,
    /// The loop task completed (or its completion condition held).
    pub done: bool,
    /// The loop task's data when it started.
    pub entry: Arc<Data>,
}

/// The loops owner.
#[derive(Debug, Clone, Default)]
pub(crate) struct Loops {
    pub rows: super::IdMap<u32, LoopState>,
    /// Each instance's loop task and index.
    pub child: super::IdMap<u32, (u32, u32)>,
}

impl Loops {
    /// Instances of loop task `p` that are not finished.
    pub fn live_instances(&self, p: u32, records: &Records) -> Vec<u32> {
        self.rows.get(&p).map_or_else(Vec::new, |st| {
            st.instances
                .iter()
                .copied()
                .filter(|&c| records.state(c).is_live())
                .collect()
        })
    }

    /// The loop task and index of instance `c`.
    pub fn instance_of(&self, c: u32) -> Option<(u32, u32)> {
        self.child.get(&c).copied()
    }
}

impl StateOwner for Loops {
    fn cancel(&mut self, t: u32, _view: &View) {
        if let Some(st) = self.rows.get_mut(&t) {
            // Its running instances are cancelled with it.
            st.active = 0;
        }
    }

    fn remove(&mut self, plan: &ResetPlan, view: &View) {
        let records = view.records;
        let restart: Vec<u32> = self
            .rows
            .keys()
            .copied()
            .filter(|p| {
                plan.doomed.contains(p) || (plan.undone.contains(p) && !plan.reopened.contains(p))
            })
            .collect();
        for p in restart {
            self.rows.remove(&p);
        }
        self.child
            .retain(|c, (p, _)| !plan.doomed.contains(c) && self.rows.contains_key(p));
        for st in self.rows.values_mut() {
            st.instances.retain(|c| !plan.doomed.contains(c));
            if plan.reopened.contains(&st.task) {
                st.done = false;
            }
            if !st.done || plan.reopened.contains(&st.task) {
                st.completed = st
                    .instances
                    .iter()
                    .filter(|&&c| records.state(c) == TaskState::Completed)
                    .count() as u32;
                st.active = st
                    .instances
                    .iter()
                    .filter(|&&c| records.state(c).is_live() || plan.undone.contains(&c))
                    .count() as u32;
            }
        }
        // Indexes by position may have shifted.
        for st in self.rows.values() {
            for (i, &c) in st.instances.iter().enumerate() {
                self.child.insert(c, (st.task, i as u32));
            }
        }
    }

    fn snapshot(&self, snap: &mut InstanceSnapshot, view: &View) {
        let mut rows: Vec<&LoopState> = self.rows.values().collect();
        rows.sort_by_key(|r| r.task);
        snap.loops = rows
            .into_iter()
            .map(|st| LoopRow {
                task: st.task,
                instances: st.instances.clone(),
                count: st.count,
                completed: st.completed,
                active: st.active,
                done: st.done,
                // A loop task's data does not change while it runs: its
                // entry is stored only once the loop completed.
                entry: (*st.entry != *view.records.data(st.task))
                    .then(|| TaskDelta::of(&view.parent_data(st.task), &st.entry)),
            })
            .collect();
    }

    fn restore(&mut self, snap: &InstanceSnapshot, view: &View) -> Result<(), RestoreError> {
        let records = view.records;
        for row in &snap.loops {
            let p = row.task;
            if !records.exists(p) || view.specs.model.node(records.get(p).node).looping.is_none() {
                return Err(RestoreError(format!(
                    "loop row refers to task {p}, which is not a looping activity"
                )));
            }
            for (i, &c) in row.instances.iter().enumerate() {
                if !records.exists(c)
                    || records.get(c).parent != p
                    || records.get(c).node != records.get(p).node
                {
                    return Err(RestoreError(format!(
                        "task {c} is not an instance of loop task {p}"
                    )));
                }
                self.child.insert(c, (p, i as u32));
            }
            let entry = match &row.entry {
                Some(delta) => Arc::new(delta.apply(&view.parent_data(p))),
                // A loop task's data does not change while it runs.
                None => records.data(p).clone(),
            };
            self.rows.insert(
                p,
                LoopState {
                    task: p,
                    instances: row.instances.clone(),
                    count: row.count,
                    completed: row.completed,
                    active: row.active,
                    done: row.done,
                    entry,
                },
            );
        }
        Ok(())
    }

    fn check(&self, view: &View) -> Result<(), String> {
        let records = view.records;
        for st in self.rows.values() {
            let p = st.task;
            if !records.exists(p) {
                return Err(format!("loop task {p} does not exist"));
            }
            let state = records.state(p);
            if !st.done && state != TaskState::Started && !state.is_finished() {
                return Err(format!("loop task {p} runs its instances but is {state}"));
            }
            let mut completed = 0;
            let mut live = 0;
            for (i, &c) in st.instances.iter().enumerate() {
                if !records.exists(c) || records.get(c).parent != p {
                    return Err(format!(
                        "loop task {p} has instance {c}, which is not its own"
                    ));
                }
                if self.child.get(&c) != Some(&(p, i as u32)) {
                    return Err(format!("instance {c} of loop task {p} is not indexed"));
                }
                match records.state(c) {
                    TaskState::Completed => completed += 1,
                    s if s.is_live() => live += 1,
                    _ => {}
                }
            }
            if st.completed != completed {
                return Err(format!(
                    "loop task {p} counts {} completed instances, the records {completed}",
                    st.completed
                ));
            }
            if !st.done && st.active != live {
                return Err(format!(
                    "loop task {p} counts {} running instances, the records {live}",
                    st.active
                ));
            }
        }
        for (&c, &(p, _)) in &self.child {
            if !self.rows.contains_key(&p) || !records.exists(c) {
                return Err(format!(
                    "instance {c} belongs to loop task {p}, which has no row"
                ));
            }
        }
        Ok(())
    }
}
